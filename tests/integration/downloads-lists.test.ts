/**
 * CSV downloads of /opportunities, /suppliers and /buyers (issue 5): the
 * same parameters as the pages (same zod schemas; 400 naming a bad one),
 * every matching row streamed (the page's total, not just its page), the
 * filters applied, and cells a spreadsheet would run as a formula escaped.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OcdsRelease } from "../../app/domain/types";
import { buyersCsv, opportunitiesCsv, suppliersCsv } from "../../app/services/downloads.server";
import { ingestReleases } from "../../app/services/ingest.server";
import { findOpportunities } from "../../app/services/opportunities.server";
import { loader as buyersCsvLoader } from "../../app/routes/buyers[.]csv";
import { loader as buyersPage } from "../../app/routes/buyers._index";
import { loader as opportunitiesCsvLoader } from "../../app/routes/opportunities[.]csv";
import { loader as opportunitiesPage } from "../../app/routes/opportunities._index";
import { loader as suppliersCsvLoader } from "../../app/routes/suppliers[.]csv";
import { loader as suppliersPage } from "../../app/routes/suppliers._index";
import { loadDemo } from "../../seeds/load";
import { openTestDatabase, type TestDb } from "../setup/test-db";
import { Client, startServer, type TestServer } from "./publish-server";

const TODAY = new Date("2025-05-01T00:00:00Z");
const O = "http://register.test";
const FORMULA = '=HYPERLINK("http://evil.example","Click")';
let t: TestDb;

function args(path: string): LoaderFunctionArgs {
  return {
    request: new Request(`${O}${path}`),
    params: {},
    context: { db: t.db, readDb: t.db, env: {}, now: () => TODAY },
  } as unknown as LoaderFunctionArgs;
}

type Row = Record<string, string>;

async function csvOf(loader: (a: LoaderFunctionArgs) => Promise<Response>, path: string): Promise<{ res: Response; rows: Row[] }> {
  const res = await loader(args(path));
  expect(res.status, path).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
  return { res, rows: parse(await res.text(), { columns: true }) as Row[] };
}

async function problemOf(loader: (a: LoaderFunctionArgs) => Promise<Response>, path: string): Promise<string[]> {
  const res = await loader(args(path));
  expect(res.status, path).toBe(400);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  return ((await res.json()) as { errors: Array<{ param: string }> }).errors.map((e) => e.param);
}

const streamRows = async (s: { stream: ReadableStream<Uint8Array> }) => parse(await new Response(s.stream).text(), { columns: true }) as Row[];

function tender(): OcdsRelease {
  const ocid = "ocds-csvtest-1";
  return {
    ocid,
    id: `${ocid}-1`,
    date: "2025-04-20T09:00:00Z",
    tag: ["tender"],
    initiationType: "tender",
    parties: [
      {
        id: "GB-GOR-CSVTEST",
        name: "+Formula Test Council",
        identifier: { scheme: "GB-GOR", id: "CSVTEST" },
        roles: ["buyer"],
        address: { x_itl1: "TLD", countryName: "United Kingdom", postalCode: "M1 1AA" },
        details: { x_buyerType: "local" },
      },
    ],
    buyer: { id: "GB-GOR-CSVTEST", name: "+Formula Test Council" },
    tender: {
      id: `${ocid}-t`,
      title: FORMULA,
      description: "A tender whose title a spreadsheet would run.",
      status: "active",
      procurementMethod: "open",
      value: { amount: 450_000, currency: "GBP" },
      items: [{ id: "1", classification: { scheme: "CPV", id: "72000000", description: "IT services" } }],
      tenderPeriod: { startDate: "2025-04-20T09:00:00Z", endDate: "2025-05-20T12:00:00Z" },
      suitability: { sme: true, vcse: false },
    },
  } as OcdsRelease;
}

let formulaSupplier: bigint;
let formulaBuyer: bigint;

beforeAll(async () => {
  t = await openTestDatabase("downloads_lists");
  await loadDemo(t.db, { contracts: 400, seed: 13, today: TODAY });
  await t.db.transaction().execute((trx) => ingestReleases(trx, [tender()], { source: "test" }));
  // A supplier and a buyer with contracts whose names a spreadsheet would run as formulas.
  const s = await t.db.selectFrom("spend_lines").select("supplier_id").where("gbp", "=", true).orderBy("supplier_id").executeTakeFirstOrThrow();
  formulaSupplier = s.supplier_id;
  await t.db.updateTable("organisations").set({ name: "@SUM(1+1)*cmd|' /C calc'!A0" }).where("id", "=", formulaSupplier).execute();
  const b = await t.db.selectFrom("spend_lines").select("buyer_id").where("buyer_id", "is not", null).orderBy("buyer_id").executeTakeFirstOrThrow();
  formulaBuyer = b.buyer_id!;
  await t.db.updateTable("organisations").set({ name: "-2+3 Borough Council" }).where("id", "=", formulaBuyer).execute();
}, 240_000);
afterAll(async () => {
  await t?.close();
});

describe(`CSV downloads of opportunities, suppliers and buyers (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("/opportunities.csv: every opportunity of the view (the page's total), filtered and sorted as the page, formulas escaped", async () => {
    for (const q of ["", "?sme=yes", "?stage=open&sort=value", "?cpv=72&sort=newest", "?lots=no&minValue=100000", "?region=TLD"]) {
      const page = (await opportunitiesPage(args(`/opportunities${q}`))) as { count: { count: number; capped: boolean }; rows: Array<{ ocid: string }> };
      expect(page.count.capped).toBe(false);
      const { rows } = await csvOf(opportunitiesCsvLoader, `/opportunities.csv${q}`);
      expect(rows.length, q).toBe(page.count.count);
      expect(new Set(rows.map((r) => r.ocid)).size).toBe(rows.length);
      // Same order as the page.
      expect(rows.slice(0, page.rows.length).map((r) => r.ocid)).toEqual(page.rows.map((r) => r.ocid));
      if (q.includes("sme=yes")) expect(rows.every((r) => r.suitable_sme === "yes")).toBe(true);
      if (q.includes("stage=open")) expect(rows.every((r) => r.stage === "open")).toBe(true);
      if (q.includes("cpv=72")) expect(rows.every((r) => r.cpv.startsWith("72"))).toBe(true);
      if (q.includes("minValue")) expect(rows.every((r) => BigInt(r.estimated_value_pence!) >= 10_000_000n && r.lots === "0")).toBe(true);
      if (q.includes("region=TLD")) expect(rows.every((r) => r.buyer_region === "TLD")).toBe(true);
      for (const r of rows) expect(new Date(r.submission_deadline || "9999-01-01").getTime()).toBeGreaterThan(TODAY.getTime());
    }
    // More rows than one streamed page: all of them, in pages of 7.
    const all = (await opportunitiesPage(args("/opportunities"))) as { count: { count: number } };
    expect(all.count.count).toBeGreaterThan(14);
    const paged = await streamRows(await opportunitiesCsv(t.db, new URLSearchParams(""), TODAY, O, 7));
    expect(paged.length).toBe(all.count.count);
    // A page's cursor is checked, then ignored: the download starts at the top.
    const first = await findOpportunities(t.db, new URLSearchParams(""), TODAY, 5);
    expect(first.next).not.toBeNull();
    const fromCursor = await csvOf(opportunitiesCsvLoader, `/opportunities.csv?cursor=${first.next}`);
    expect(fromCursor.rows.length).toBe(all.count.count);

    const formula = paged.find((r) => r.ocid === "ocds-csvtest-1")!;
    expect(formula.title).toBe(`'${FORMULA}`);
    expect(formula.buyer).toBe("'+Formula Test Council");
    expect(formula.estimated_value_pence).toBe("45000000");
    expect(formula.estimated_value).toBe("450000.00");
    expect(formula.url).toBe(`${O}/opportunities/ocds-csvtest-1`);
    const { res } = await csvOf(opportunitiesCsvLoader, "/opportunities.csv?stage=open&sme=yes");
    expect(res.headers.get("Content-Disposition")).toBe('attachment; filename="opportunities-open-sme.csv"');
  });

  it("/suppliers.csv: every supplier of the view (the page's total, across its pages), in its order, formulas escaped", async () => {
    const group = await t.db.selectFrom("organisations").select("group_id").where("group_id", "is not", null).where("is_supplier", "=", true).executeTakeFirst();
    const queries = ["", "?sort=name", "?from=2022-23&to=2023-24", "?view=annualised", "?q=ltd", "?q=ltd&sort=name&page=2"];
    if (group?.group_id) queries.push(`?group=${group.group_id}`);
    for (const q of queries) {
      const page = (await suppliersPage(args(`/suppliers${q}`))) as { total: number; pageSize: number; rows: Array<{ supplierId: bigint }> };
      const { rows } = await csvOf(suppliersCsvLoader, `/suppliers.csv${q}`);
      expect(rows.length, q).toBe(page.total);
      expect(new Set(rows.map((r) => r.supplier_id)).size).toBe(rows.length);
      if (!q.includes("page=")) expect(rows.slice(0, page.rows.length).map((r) => r.supplier_id)).toEqual(page.rows.map((r) => String(r.supplierId)));
      if (q.includes("q=ltd")) expect(rows.every((r) => /ltd/i.test(r.name!))).toBe(true);
      if (q.includes("group=")) expect(rows.every((r) => r.group_id === String(group!.group_id))).toBe(true);
    }
    const everyone = (await suppliersPage(args("/suppliers"))) as { total: number; pageSize: number };
    expect(everyone.total).toBeGreaterThan(everyone.pageSize); // more than the page on screen
    const paged = await streamRows(await suppliersCsv(t.db, new URLSearchParams(""), O, 13));
    expect(paged.length).toBe(everyone.total);
    const values = paged.map((r) => BigInt(r.value_awarded_pence!));
    expect(values).toEqual([...values].sort((a, b) => (a === b ? 0 : a > b ? -1 : 1)));
    const odd = paged.find((r) => r.supplier_id === String(formulaSupplier))!;
    expect(odd.name).toBe("'@SUM(1+1)*cmd|' /C calc'!A0");
    expect(odd.value_awarded).toBe(`${BigInt(odd.value_awarded_pence!) / 100n}.${(BigInt(odd.value_awarded_pence!) % 100n).toString().padStart(2, "0")}`);
    const annual = await csvOf(suppliersCsvLoader, "/suppliers.csv?view=annualised&from=2023-24");
    expect(Object.keys(annual.rows[0]!)).toContain("value_annualised_pence");
    expect(annual.res.headers.get("Content-Disposition")).toBe('attachment; filename="suppliers-2023-24-annualised.csv"');
  });

  it("/buyers.csv: every buyer of the view (the page's total), in its order, with SME share and consultancy, formulas escaped", async () => {
    for (const q of ["", "?sort=name", "?from=2023-24&to=2023-24", "?q=council", "?view=annualised"]) {
      const page = (await buyersPage(args(`/buyers${q}`))) as {
        total: number;
        rows: Array<{ buyerId: bigint; share: number | null; consultancyPence: bigint | null }>;
      };
      const { rows } = await csvOf(buyersCsvLoader, `/buyers.csv${q}`);
      expect(rows.length, q).toBe(page.total);
      expect(new Set(rows.map((r) => r.buyer_id)).size).toBe(rows.length);
      if (!q.includes("page=")) {
        expect(rows.slice(0, page.rows.length).map((r) => r.buyer_id)).toEqual(page.rows.map((r) => String(r.buyerId)));
        for (const [i, b] of page.rows.entries()) {
          expect(rows[i]!.sme_share).toBe(b.share === null ? "" : b.share.toFixed(4));
          expect(rows[i]!.consultancy_pence).toBe(b.consultancyPence === null ? "" : String(b.consultancyPence));
        }
      }
      if (q.includes("q=council")) expect(rows.every((r) => /council/i.test(r.name!))).toBe(true);
    }
    const everyone = (await buyersPage(args("/buyers"))) as { total: number };
    const paged = await streamRows(await buyersCsv(t.db, new URLSearchParams("sort=name"), O, 5));
    expect(paged.length).toBe(everyone.total);
    const odd = paged.find((r) => r.buyer_id === String(formulaBuyer))!;
    expect(odd.name).toBe("'-2+3 Borough Council");
    expect(BigInt(odd.sme_pence!) + BigInt(odd.large_pence!) + BigInt(odd.unknown_scale_pence!)).toBe(BigInt(odd.value_awarded_pence!));
  });

  it("a bad parameter is a 400 problem naming it, as on the pages", async () => {
    expect(await problemOf(opportunitiesCsvLoader, "/opportunities.csv?region=Mars")).toEqual(["region"]);
    expect(await problemOf(opportunitiesCsvLoader, "/opportunities.csv?colour=red")).toEqual(["colour"]);
    expect(await problemOf(opportunitiesCsvLoader, "/opportunities.csv?minValue=-5")).toEqual(["minValue"]);
    expect(await problemOf(opportunitiesCsvLoader, "/opportunities.csv?buyer=999999999")).toEqual(["buyer"]);
    expect(await problemOf(opportunitiesCsvLoader, "/opportunities.csv?cursor=not-a-cursor")).toEqual(["cursor"]);
    expect(await problemOf(suppliersCsvLoader, "/suppliers.csv?sort=size")).toEqual(["sort"]);
    expect(await problemOf(suppliersCsvLoader, "/suppliers.csv?group=999999999")).toEqual(["group"]);
    expect(await problemOf(suppliersCsvLoader, "/suppliers.csv?from=2024-25&to=2022-23")).toEqual(["from"]);
    expect(await problemOf(buyersCsvLoader, "/buyers.csv?from=2023")).toEqual(["from"]);
    expect(await problemOf(buyersCsvLoader, "/buyers.csv?page=abc")).toEqual(["page"]);
    // The pages refuse the same parameters.
    for (const [page, path] of [
      [opportunitiesPage, "/opportunities?region=Mars"],
      [suppliersPage, "/suppliers?sort=size"],
      [buyersPage, "/buyers?from=2023"],
    ] as const) {
      const thrown = await (page as (a: LoaderFunctionArgs) => Promise<unknown>)(args(path)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(statusOf(thrown), path).toBe(400);
    }
  });
});

function statusOf(e: unknown): number | undefined {
  if (e instanceof Response) return e.status;
  return (e as { init?: { status?: number } })?.init?.status;
}

describe("the pages link to their download with the current parameters", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(t.db, { now: () => TODAY });
  }, 600_000);
  afterAll(async () => {
    await server?.close();
  });

  it("each page's “Download … as CSV” link carries its query string (without the page number or cursor)", async () => {
    const c = new Client(server.base);
    const cases: Array<[string, string]> = [
      ["/opportunities?sme=yes&stage=open&sort=value", "/opportunities.csv?stage=open&amp;sme=yes&amp;sort=value"],
      ["/suppliers?q=ltd&sort=name&page=2", "/suppliers.csv?q=ltd&amp;sort=name"],
      ["/buyers?from=2023-24&to=2023-24", "/buyers.csv?from=2023-24&amp;to=2023-24"],
      ["/buyers", "/buyers.csv"],
    ];
    for (const [path, href] of cases) {
      const page = await c.get(path);
      expect(page.status, path).toBe(200);
      const link = /<a[^>]*data-testid="csv-link"[^>]*>/.exec(page.html)?.[0] ?? "";
      expect(link, path).toContain(`href="${href}"`);
      // …and the link downloads.
      const res = await fetch(server.base + href.replace(/&amp;/g, "&"));
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
      await res.text();
    }
  });
});
