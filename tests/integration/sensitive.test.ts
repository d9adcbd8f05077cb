/**
 * The sensitive-sector register (/sensitive): a hand-computed fixture of
 * releases ingested through ingestReleases, its figures through the pure path
 * (compile + map + classify + summarise in memory) and the SQL path (the
 * aggregates, the service, the API), filters, keyset pages, the CPV backfill of
 * migration 0007, and the HTTP answers: 400s naming the parameter, CSV, Atom,
 * chart CSV — on PGlite, or PostgreSQL with TEST_DATABASE_URL.
 */
import { parse } from "csv-parse/sync";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backfillCpvSectors } from "../../db/migrations/0007_sensitive";
import { backfillSensitiveTechnology } from "../../db/migrations/0011_sensitive_technology_regions";
import { type SensitiveCursor, searchSensitive, sensitiveBySector, sensitiveSummaryRows } from "../../db/queries/sensitive";
import { compileReleases } from "../../app/domain/ocds/compile";
import { mapCompiledRelease } from "../../app/domain/ocds/map";
import { classifySensitiveSector } from "../../app/domain/sectors";
import { type SensitiveContract, type SensitiveSort, summariseSensitive } from "../../app/domain/sensitive";
import type { BuyerType, OcdsRelease } from "../../app/domain/types";
import { ingestReleases } from "../../app/services/ingest.server";
import { BadRequest, searchContracts } from "../../app/services/register.server";
import { SensitiveStatsSchema, openApiDocument } from "../../app/services/openapi.server";
import { resolveSensitive, sensitiveApi, sensitiveCsv, sensitiveFeed, sensitivePage } from "../../app/services/sensitive.server";
import { startTestServer, type TestServer } from "../setup/app-server";
import { openTestDatabase, type TestDb } from "../setup/test-db";

const NOW = new Date("2025-06-01T12:00:00Z");
const sp = (q: string) => new URLSearchParams(q);

// ---------------------------------------------------------------------------
// The fixture

interface Party {
  id: string;
  name: string;
  type?: BuyerType;
}
const BUYERS = {
  nhs: { id: "GB-NHS-SENS1", name: "Northshire Test NHS Trust", type: "nhs" },
  learning: { id: "GB-GOR-SENS2", name: "Department for Test Learning", type: "central" },
  council: { id: "GB-GOR-SENS3", name: "Testborough Council", type: "local" },
  police: { id: "GB-GOR-SENS4", name: "Testshire Police", type: "police" },
  home: { id: "GB-GOR-SENS5", name: "Home Test Office", type: "central" },
} satisfies Record<string, Party>;
const SUPPLIERS = {
  a: { id: "GB-COH-70000001", name: "Alpha Test Systems Ltd" },
  b: { id: "GB-COH-70000002", name: "Beta Test Data Ltd" },
  c: { id: "GB-COH-70000003", name: "Gamma Test Software Ltd" },
} satisfies Record<string, Party>;

const doc = (id: string, documentType: string) => ({ id, documentType, title: documentType, url: `https://docs.sens.example/${id}` });

function release(
  n: number,
  o: {
    buyer: Party;
    cpv?: string;
    sector?: string;
    award?: { date: string; amount: number; currency?: string; suppliers: Party[]; documents?: unknown[] };
    tenderDocs?: unknown[];
  },
): OcdsRelease {
  const ocid = `ocds-senstest-${String(n).padStart(3, "0")}`;
  const suppliers = o.award?.suppliers ?? [];
  const orgId = (p: Party) => ({ scheme: p.id.split("-").slice(0, 2).join("-"), id: p.id.split("-")[2]! });
  return {
    ocid,
    id: `${ocid}-1`,
    date: o.award?.date ?? "2025-05-01T09:00:00Z",
    tag: o.award ? ["award"] : ["tender"],
    initiationType: "tender",
    parties: [
      { id: o.buyer.id, name: o.buyer.name, identifier: orgId(o.buyer), roles: ["buyer"], details: { x_buyerType: o.buyer.type } },
      ...suppliers.map((s) => ({ id: s.id, name: s.name, identifier: orgId(s), roles: ["supplier"], details: { scale: "small" } })),
    ],
    buyer: { id: o.buyer.id, name: o.buyer.name },
    tender: {
      id: `${ocid}-t`,
      title: `Sensitive test contract ${n}`,
      status: o.award ? "complete" : "active",
      procurementMethod: "open",
      value: { amount: 99_000, currency: "GBP" },
      ...(o.cpv ? { items: [{ id: "1", classification: { scheme: "CPV", id: o.cpv, description: "test" } }] } : {}),
      ...(o.award ? {} : { tenderPeriod: { startDate: "2025-05-01T09:00:00Z", endDate: "2025-09-01T12:00:00Z" } }),
      ...(o.sector ? { x_sensitiveSector: o.sector } : {}),
      ...(o.tenderDocs ? { documents: o.tenderDocs } : {}),
    },
    ...(o.award
      ? {
          awards: [
            {
              id: `${ocid}-a`,
              status: "active",
              date: o.award.date,
              value: { amount: o.award.amount, currency: o.award.currency ?? "GBP" },
              suppliers: suppliers.map((s) => ({ id: s.id, name: s.name })),
              ...(o.award.documents ? { documents: o.award.documents } : {}),
            },
          ],
        }
      : {}),
  } as OcdsRelease;
}

const RELEASES: OcdsRelease[] = [
  // Health by buyer type (NHS).
  release(1, {
    buyer: BUYERS.nhs,
    cpv: "48814000",
    award: { date: "2024-05-10T10:00:00Z", amount: 120_000, suppliers: [SUPPLIERS.a] },
    tenderDocs: [doc("dpia1", "x_dataProtectionImpactAssessment"), doc("tn1", "tenderNotice")],
  }),
  release(2, {
    buyer: BUYERS.nhs,
    cpv: "72000000",
    award: {
      date: "2023-06-01T10:00:00Z",
      amount: 30_000.5,
      suppliers: [SUPPLIERS.a, SUPPLIERS.b],
      documents: [doc("atrs2", "x_algorithmicTransparencyRecord"), doc("dpia2", "x_dataProtectionImpactAssessment")],
    },
  }),
  release(3, { buyer: BUYERS.nhs, cpv: "48180000", tenderDocs: [doc("tn3", "tenderNotice")] }),
  // Education by CPV (educational software bought by a central department).
  release(4, {
    buyer: BUYERS.learning,
    cpv: "48190000",
    award: { date: "2024-09-01T10:00:00Z", amount: 250_000, suppliers: [SUPPLIERS.c], documents: [doc("atrs4", "x_algorithmicTransparencyRecord")] },
  }),
  // Welfare by the publisher's tag.
  release(5, { buyer: BUYERS.council, cpv: "72000000", sector: "welfare", award: { date: "2024-04-02T10:00:00Z", amount: 40_000, suppliers: [SUPPLIERS.b] } }),
  // Policing by buyer type, in euros.
  release(6, { buyer: BUYERS.police, cpv: "48000000", award: { date: "2025-01-15T10:00:00Z", amount: 10_000, currency: "EUR", suppliers: [SUPPLIERS.c] } }),
  // Immigration by tag, no CPV code; a DPIA in lower case does not count, the right type does.
  release(7, {
    buyer: BUYERS.home,
    sector: "immigration",
    award: { date: "2024-11-01T10:00:00Z", amount: 75_000, suppliers: [SUPPLIERS.a], documents: [doc("dpia7", "x_dataProtectionImpactAssessment")] },
    tenderDocs: [doc("fake7", "x_dataprotectionimpactassessment")],
  }),
  // Not sensitive: generic IT from a central department, and a council tender.
  release(8, { buyer: BUYERS.learning, cpv: "72000000", award: { date: "2024-06-01T10:00:00Z", amount: 999_999, suppliers: [SUPPLIERS.a] } }),
  release(9, { buyer: BUYERS.council, cpv: "48000000", tenderDocs: [doc("dpia9", "x_dataProtectionImpactAssessment")] }),
  // Not technology, so not in the register whoever bought it: health services for the NHS, education services by CPV.
  release(10, { buyer: BUYERS.nhs, cpv: "85100000", award: { date: "2024-07-01T10:00:00Z", amount: 500_000, suppliers: [SUPPLIERS.b] } }),
  release(11, { buyer: BUYERS.learning, cpv: "80100000", award: { date: "2024-07-01T10:00:00Z", amount: 60_000, suppliers: [SUPPLIERS.c] } }),
];
const ocid = (n: number) => `ocds-senstest-${String(n).padStart(3, "0")}`;

/** The figures worked out by hand from the fixture above. */
const HAND = {
  health: { contracts: 3, valuePence: 15_000_050n, noValue: 1, nonGbp: 0, noCpv: 0, noSupplier: 1, withDataProtection: 2, withAlgorithmic: 1, withEither: 2 },
  education: { contracts: 1, valuePence: 25_000_000n, noValue: 0, nonGbp: 0, noCpv: 0, noSupplier: 0, withDataProtection: 0, withAlgorithmic: 1, withEither: 1 },
  welfare: { contracts: 1, valuePence: 4_000_000n, noValue: 0, nonGbp: 0, noCpv: 0, noSupplier: 0, withDataProtection: 0, withAlgorithmic: 0, withEither: 0 },
  policing: { contracts: 1, valuePence: 0n, noValue: 0, nonGbp: 1, noCpv: 0, noSupplier: 0, withDataProtection: 0, withAlgorithmic: 0, withEither: 0 },
  immigration: { contracts: 1, valuePence: 7_500_000n, noValue: 0, nonGbp: 0, noCpv: 1, noSupplier: 0, withDataProtection: 1, withAlgorithmic: 0, withEither: 1 },
};
const SECTOR_OF: Record<number, string> = { 1: "health", 2: "health", 3: "health", 4: "education", 5: "welfare", 6: "policing", 7: "immigration" };

let t: TestDb;
let server: TestServer;
let nhsId: string;

beforeAll(async () => {
  t = await openTestDatabase("sensitive");
  await t.db.transaction().execute((trx) => ingestReleases(trx, RELEASES, { source: "test" }));
  const b = await t.db.selectFrom("organisations").select("id").where("name", "=", BUYERS.nhs.name).executeTakeFirstOrThrow();
  nhsId = b.id.toString();
  server = await startTestServer(t.db);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await t?.close();
});

async function badParams(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BadRequest) return e.errors.map((x) => x.param);
    throw e;
  }
  throw new Error("expected a BadRequest");
}

/** Every ocid of a view, following keyset pages of `limit`. */
async function allOcids(query: string, sort: SensitiveSort, limit = 2): Promise<string[]> {
  const r = await resolveSensitive(t.db, sp(query));
  const out: string[] = [];
  let cursor: SensitiveCursor | null = null;
  for (let i = 0; i < 50; i++) {
    const page = await searchSensitive(t.db, r.query, sort, limit, cursor);
    out.push(...page.rows.map((x) => x.ocid));
    cursor = page.next;
    if (!cursor) break;
  }
  return out;
}

describe(`sensitive-sector figures (${process.env.TEST_DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("classifies each contract by tag, buyer type or CPV, as stored at ingest", async () => {
    const rows = await t.db.selectFrom("processes").select(["ocid", "sensitive_sector"]).orderBy("ocid").execute();
    expect(rows.map((r) => [r.ocid, r.sensitive_sector])).toEqual(RELEASES.map((_, i) => [ocid(i + 1), SECTOR_OF[i + 1] ?? null]));
  });

  it("gives the hand-computed figures through the pure path and the SQL path alike", async () => {
    // Pure: compile and map each process in memory, classify, summarise.
    const pure: SensitiveContract[] = [];
    for (const r of RELEASES) {
      const s = mapCompiledRelease(compileReleases([r]), [r]);
      const sector = classifySensitiveSector({ explicit: s.sensitiveSectorExplicit, buyerType: s.buyer?.buyerType ?? null, cpvCodes: s.cpvCodes.map((c) => c.code) }).sector;
      if (!sector) continue;
      pure.push({
        sector,
        buyerId: s.buyer?.name ?? null,
        cpv: s.cpv,
        valuePence: s.currentValuePence,
        currency: s.currency,
        supplierCount: s.awards.reduce((n, a) => n + a.suppliers.length, 0),
        documentTypes: s.documents.map((d) => d.documentType),
      });
    }
    const p = summariseSensitive(pure);
    const sqlRows = await sensitiveBySector(t.db, {});
    for (const [sector, want] of Object.entries(HAND)) {
      expect(p.bySector.find((x) => x.sector === sector), `pure ${sector}`).toMatchObject(want);
      expect(sqlRows.find((x) => x.sector === sector), `sql ${sector}`).toMatchObject(want);
    }
    expect(sqlRows.map((x) => x.sector).sort()).toEqual(Object.keys(HAND).sort());
    // The page's one-scan summary (grouping sets) gives the same sector rows, and counts every buyer.
    const combined = await sensitiveSummaryRows(t.db, {}, 2);
    const bySector = (rows: Array<{ sector: string }>) => [...rows].sort((x, y) => x.sector.localeCompare(y.sector));
    expect(bySector(combined.sectors)).toEqual(bySector(sqlRows));
    expect(combined.buyers.map((b) => b.name)).toEqual([BUYERS.learning.name, BUYERS.nhs.name]);
    expect(combined.buyerCount).toBe(5);
    expect(p.total).toMatchObject({ contracts: 7, valuePence: 51_500_050n, withEither: 4, noValue: 1, noCpv: 1, noCpvValuePence: 7_500_000n, noSupplier: 1, nonGbp: 1 });

    // The service and the API: the same numbers, by sector and by buyer.
    const page = await sensitivePage(t.db, sp(""));
    expect(page.summary.total).toEqual(p.total);
    const api = await sensitiveApi(t.db, sp(""));
    expect(api.total).toMatchObject({ contracts: 7, valuePence: 51_500_050n, withTransparencyDocument: 4, noCpvContracts: 1, noSupplierContracts: 1 });
    expect(api.sectors.map((s) => [s.sector, s.valuePence, s.contracts])).toEqual([
      ["education", 25_000_000n, 1],
      ["health", 15_000_050n, 3],
      ["policing", 0n, 1],
      ["immigration", 7_500_000n, 1],
      ["welfare", 4_000_000n, 1],
    ]);
    expect(api.buyers.map((b) => [b.name, b.valuePence, b.contracts])).toEqual([
      [BUYERS.learning.name, 25_000_000n, 1],
      [BUYERS.nhs.name, 15_000_050n, 3],
      [BUYERS.home.name, 7_500_000n, 1],
      [BUYERS.council.name, 4_000_000n, 1],
      [BUYERS.police.name, 0n, 1],
    ]);
    expect(api.sectors.find((s) => s.sector === "health")!.links).toEqual({ html: "/sensitive?sector=health", contracts: "/contracts?sector=health" });
    // The chart plots the same numbers, in pounds, with a link per bar.
    const value = page.summary.charts.find((c) => c.id === "sensitive-value-by-sector")!;
    expect(value.points.map((pt) => [pt.x, pt.values.value, pt.links?.value])).toContainEqual(["Health and care", 150_000.5, "/sensitive?sector=health"]);
    const share = page.summary.charts.find((c) => c.id === "sensitive-transparency-by-sector")!;
    expect(share.points.find((pt) => pt.x === "Health and care")!.values).toEqual({ either: 66.67, dataProtection: 66.67, algorithmic: 33.33 });
  });

  it("agrees with the contracts register behind each sector's link", async () => {
    for (const sector of Object.keys(HAND)) {
      const reg = await searchContracts(t.db, sp(`sector=${sector}`), NOW, 100);
      const ours = await allOcids(`sector=${sector}`, "newest");
      expect(reg.rows.map((r) => r.ocid).sort(), sector).toEqual([...ours].sort());
    }
  });
});

describe("filters and pages", () => {
  const expectView = async (query: string, ns: number[]) => {
    expect((await allOcids(query, "newest")).sort(), query).toEqual(ns.map(ocid).sort());
  };

  it("filters by sector, buyer, buyer type, CPV prefix, financial year and transparency document", async () => {
    await expectView("", [1, 2, 3, 4, 5, 6, 7]);
    await expectView("sector=health", [1, 2, 3]);
    await expectView("sector=justice", []);
    await expectView(`buyer=${nhsId}`, [1, 2, 3]);
    await expectView("buyerType=central", [4, 7]);
    await expectView("cpv=488", [1]);
    await expectView("cpv=48", [1, 3, 4, 6]);
    await expectView("fy=2024-25", [1, 4, 5, 6, 7]);
    await expectView("transparency=yes", [1, 2, 4, 7]);
    await expectView("transparency=no", [3, 5, 6]);
    await expectView("sector=health&transparency=yes&fy=2024-25", [1]);
    const s = await sensitiveApi(t.db, sp("transparency=no"));
    expect(s.total).toMatchObject({ contracts: 3, withTransparencyDocument: 0, valuePence: 4_000_000n });
  });

  it("filters by supplier, value range and date range, in the page, the API, the CSV and the feed", async () => {
    const supplierId = async (name: string) =>
      (await t.db.selectFrom("organisations").select("id").where("name", "=", name).executeTakeFirstOrThrow()).id.toString();
    const a = await supplierId(SUPPLIERS.a.name);
    const b = await supplierId(SUPPLIERS.b.name);
    await expectView(`supplier=${a}`, [1, 2, 7]);
    await expectView(`supplier=${b}`, [2, 5]);
    // Value in pounds as the register takes it; contracts with no value yet are out of any value range.
    await expectView("minValue=75000", [1, 4, 7]);
    await expectView("maxValue=40000", [2, 5, 6]);
    await expectView("minValue=30000.50&maxValue=75000", [2, 5, 7]);
    await expectView("minValue=30000.51&maxValue=75000", [5, 7]);
    // Dates: the register's sort date (award, else tender publication), whole UK days, both ends included.
    await expectView("from=2024-09-01", [3, 4, 6, 7]);
    await expectView("to=2024-05-10", [1, 2, 5]);
    await expectView("from=2024-04-02&to=2024-05-10", [1, 5]);
    await expectView(`supplier=${a}&from=2024-01-01&maxValue=100000`, [7]);
    const api = await sensitiveApi(t.db, sp(`supplier=${a}&minValue=75000`));
    expect(api.filters).toMatchObject({ supplier: a, minValue: "75000", maxValue: null, from: null, to: null });
    expect(api.total).toMatchObject({ contracts: 2, valuePence: 19_500_000n });
    const page = await sensitivePage(t.db, sp(`supplier=${a}&minValue=75000&from=2024-01-01`));
    expect(page.supplier).toEqual({ id: a, name: SUPPLIERS.a.name });
    expect(page.registerHref).toBe(`/contracts?supplier=${a}&minValue=75000&from=2024-01-01`);
    expect(page.query).toBe(`?supplier=${a}&minValue=75000&from=2024-01-01`);
    // The CSV and the Atom feed of the same view list the same contracts.
    const q = `supplier=${a}&to=2024-06-30`;
    const csv = parse(await new Response((await sensitiveCsv(t.db, sp(q), "https://register.example")).stream).text(), { columns: true, bom: true }) as Array<{
      ocid: string;
    }>;
    expect(csv.map((r) => r.ocid).sort()).toEqual([ocid(1), ocid(2)]);
    const feed = await sensitiveFeed(t.db, sp(q), "https://register.example", NOW);
    expect(feed).toContain(ocid(1));
    expect(feed).not.toContain(ocid(7));
  });

  it("names a bad supplier, value or date", async () => {
    expect(await badParams(sensitivePage(t.db, sp("supplier=999999999")))).toEqual(["supplier"]);
    expect(await badParams(sensitivePage(t.db, sp("supplier=abc")))).toEqual(["supplier"]);
    expect(await badParams(sensitivePage(t.db, sp("minValue=-5")))).toEqual(["minValue"]);
    expect(await badParams(sensitivePage(t.db, sp("minValue=500&maxValue=10")))).toEqual(["maxValue"]);
    expect(await badParams(sensitivePage(t.db, sp("from=2024-02-30")))).toEqual(["from"]);
    expect(await badParams(sensitivePage(t.db, sp("from=2024-05-01&to=2024-04-01")))).toEqual(["to"]);
    expect(await badParams(sensitiveApi(t.db, sp("to=yesterday")))).toEqual(["to"]);
  });

  it("pages by keyset in every sort without gaps or repeats, in order", async () => {
    const rows = await t.db.selectFrom("processes").select(["ocid", "sort_date", "sort_value"]).where("sensitive_sector", "is not", null).execute();
    const by = (key: (r: (typeof rows)[number]) => number | bigint, dir: 1 | -1) =>
      [...rows].sort((a, b) => (key(a) === key(b) ? (a.ocid < b.ocid ? -dir : dir) : key(a) < key(b) ? -dir : dir)).map((r) => r.ocid);
    expect(await allOcids("", "newest")).toEqual(by((r) => new Date(r.sort_date).getTime(), -1));
    expect(await allOcids("", "oldest")).toEqual(by((r) => new Date(r.sort_date).getTime(), 1));
    expect(await allOcids("", "value-high")).toEqual(by((r) => r.sort_value, -1));
    expect(await allOcids("", "value-low", 3)).toEqual(by((r) => r.sort_value, 1));
  });

  it("names each bad parameter", async () => {
    expect(await badParams(sensitivePage(t.db, sp("sector=galactic")))).toEqual(["sector"]);
    expect(await badParams(sensitivePage(t.db, sp("buyerType=spaceport")))).toEqual(["buyerType"]);
    expect(await badParams(sensitivePage(t.db, sp("cpv=4")))).toEqual(["cpv"]);
    expect(await badParams(sensitivePage(t.db, sp("fy=2024")))).toEqual(["fy"]);
    expect(await badParams(sensitivePage(t.db, sp("transparency=maybe")))).toEqual(["transparency"]);
    expect(await badParams(sensitivePage(t.db, sp("sort=relevance")))).toEqual(["sort"]);
    expect(await badParams(sensitivePage(t.db, sp("buyer=987654321")))).toEqual(["buyer"]);
    expect(await badParams(sensitivePage(t.db, sp("cursor=bm90LWEtY3Vyc29y")))).toEqual(["cursor"]);
    expect(await badParams(sensitiveApi(t.db, sp("sector=health&colour=red")))).toEqual(["colour"]);
    expect(await badParams(sensitiveApi(t.db, sp("sort=newest")))).toEqual(["sort"]);
  });
});

describe("migrations 0007 and 0011: the CPV rule, then the technology rule, applied to stored processes", () => {
  it("0007 then 0011 give a process without a sector the sector of its CPV codes, only when it is technology, and change nothing else", async () => {
    const before = await t.db.selectFrom("processes").select(["ocid", "sensitive_sector"]).orderBy("ocid").execute();
    await t.db.updateTable("processes").set({ sensitive_sector: null }).where("ocid", "in", [ocid(3), ocid(4)]).execute();
    await backfillCpvSectors(t.db as never);
    // 3 (medical software) and 4 (educational software) get their sectors back; 8 and 9 (generic IT) stay without;
    // the old rule also gives 10 (health services) and 11 (education services) a sector…
    const changed = await sql<{ ocid: string; sensitive_sector: string | null }>`
      select ocid, sensitive_sector from processes where ocid in (${ocid(3)}, ${ocid(4)}, ${ocid(10)}, ${ocid(11)}) order by ocid`.execute(t.db);
    expect(changed.rows).toEqual([
      { ocid: ocid(3), sensitive_sector: "health" },
      { ocid: ocid(4), sensitive_sector: "education" },
      { ocid: ocid(10), sensitive_sector: "health" },
      { ocid: ocid(11), sensitive_sector: "education" },
    ]);
    // … which 0011 takes away again, as ingest would (they are not technology).
    await backfillSensitiveTechnology(t.db as never);
    const after = await t.db.selectFrom("processes").select(["ocid", "sensitive_sector"]).orderBy("ocid").execute();
    expect(after).toEqual(before);
  });

  it("0011 clears the sector of what is not technology, keeps a publisher's tag on a contract with no CPV code", async () => {
    // As the old rule stored them: the NHS's health services, and the Home Office's tagged contract with no CPV code.
    await t.db.updateTable("processes").set({ sensitive_sector: "health" }).where("ocid", "=", ocid(10)).execute();
    await t.db.updateTable("processes").set({ sensitive_sector: "welfare" }).where("ocid", "=", ocid(11)).execute();
    await backfillSensitiveTechnology(t.db as never);
    const rows = await t.db.selectFrom("processes").select(["ocid", "sensitive_sector"]).where("ocid", "in", [ocid(7), ocid(10), ocid(11)]).orderBy("ocid").execute();
    expect(rows.map((r) => [r.ocid, r.sensitive_sector])).toEqual([
      [ocid(7), "immigration"],
      [ocid(10), null],
      [ocid(11), null],
    ]);
  });
});

describe("HTTP", () => {
  const get = (path: string) => fetch(`${server.base}${path}`);

  it("answers an unknown sector with a 400 naming the parameter: page, CSV, feed, chart CSV and API", async () => {
    const page = await get("/sensitive?sector=galactic");
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain("govuk-error-summary");
    expect(html).toContain("<code>sector</code>");
    expect(html).toContain("unknown sensitive sector");
    for (const path of ["/sensitive.csv?sector=galactic", "/sensitive/feed.atom?sector=galactic", "/api/v1/stats/sensitive?sector=galactic", "/sensitive/charts/sensitive-value-by-sector.csv?sector=galactic"]) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      expect(r.headers.get("content-type"), path).toContain("application/problem+json");
      const body = (await r.json()) as { errors: Array<{ param: string }> };
      expect(body.errors.map((e) => e.param), path).toEqual(["sector"]);
    }
    const api = await get("/api/v1/stats/sensitive?fy=2024-25&region=TLC");
    expect(api.status).toBe(400);
    expect(((await api.json()) as { errors: Array<{ param: string }> }).errors.map((e) => e.param)).toEqual(["region"]);
    expect((await get("/sensitive/charts/no-such-chart.csv")).status).toBe(404);
  });

  it("renders the page with the figures, the charts and a link to each contract", async () => {
    const r = await get("/sensitive?sector=health");
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain("£150,000.50");
    for (const n of [1, 2, 3]) expect(html).toContain(`href="/contracts/${ocid(n)}"`);
    expect(html).not.toContain(`href="/contracts/${ocid(4)}"`);
    expect(html).toContain('data-testid="chart-sensitive-value-by-sector"');
    expect(html).toContain("Data protection impact assessment");
  });

  it("downloads the filtered contracts as CSV", async () => {
    const r = await get("/sensitive.csv?sector=health&sort=value-high");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/csv");
    expect(r.headers.get("content-disposition")).toContain("sensitive-contracts-health.csv");
    const rows = parse(await r.text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((x) => [x.ocid, x.sector, x.current_value_pence, x.data_protection_document, x.algorithmic_transparency_document])).toEqual([
      [ocid(1), "health", "12000000", "yes", "no"],
      // Not yet awarded: sorted by its tender estimate (£99,000), as the contracts register sorts.
      [ocid(3), "health", "", "no", "no"],
      [ocid(2), "health", "3000050", "yes", "yes"],
    ]);
    expect(rows[1]!.tender_value_pence).toBe("9900000");
    expect(rows[0]!.cpv_label).toBe("Medical information systems");
    expect(rows[2]!.suppliers).toBe(`${SUPPLIERS.a.name} · ${SUPPLIERS.b.name}`);
  });

  it("serves an Atom feed of the view", async () => {
    const r = await get("/sensitive/feed.atom?transparency=yes");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("application/atom+xml");
    const xml = await r.text();
    expect(xml.match(/<entry>/g)?.length).toBe(4);
    for (const n of [1, 2, 4, 7]) expect(xml).toContain(`/contracts/${ocid(n)}</id>`);
    expect(xml).toContain('<category term="immigration" label="Immigration"/>');
  });

  it("serves each chart's plotted numbers as CSV, and the figures as JSON with money in pence strings", async () => {
    const csv = await (await get("/sensitive/charts/sensitive-value-by-sector.csv?buyerType=central")).text();
    expect(csv).toBe("Sector,Value (£)\r\nSchools and education,250000\r\nImmigration,75000\r\n");
    const api = await get("/api/v1/stats/sensitive?sector=health");
    expect(api.status).toBe(200);
    const body = (await api.json()) as { total: Record<string, unknown>; sectors: Array<Record<string, unknown>> };
    expect(body.total.valuePence).toBe("15000050");
    expect(body.sectors).toHaveLength(1);
    expect(body.sectors[0]).toMatchObject({ sector: "health", contracts: 3, valuePence: "15000050", withTransparencyDocument: 2 });
    SensitiveStatsSchema.parse(body);
    SensitiveStatsSchema.parse(await (await get("/api/v1/stats/sensitive")).json());
    // Documented in the OpenAPI document, with the parameters it takes and the sector codes.
    const doc = openApiDocument("http://x");
    const params = (doc.paths["/api/v1/stats/sensitive"].get.parameters as Array<{ name: string; schema: { enum?: string[] } }>);
    expect(params.map((x) => x.name).sort()).toEqual(["buyer", "buyerType", "cpv", "from", "fy", "maxValue", "minValue", "sector", "supplier", "to", "transparency"]);
    expect(params.find((x) => x.name === "sector")!.schema.enum).toEqual(["education", "health", "policing", "justice", "immigration", "welfare"]);
    expect(Object.keys(doc.components.schemas)).toContain("SensitiveStats");
  });
});

describe("after a new release", () => {
  it("counts it at once: the cached summary follows the data version, even for a tender with no award", async () => {
    const before = await sensitiveApi(t.db, sp(""));
    expect(before.total.contracts).toBe(7);
    await t.db.transaction().execute((trx) => ingestReleases(trx, [release(12, { buyer: BUYERS.police, cpv: "48000000" })], { source: "test" }));
    const after = await sensitiveApi(t.db, sp(""));
    expect(after.total.contracts).toBe(8);
    expect(after.sectors.find((s) => s.sector === "policing")).toMatchObject({ contracts: 2, noValueContracts: 1, noSupplierContracts: 1 });
    const page = await sensitivePage(t.db, sp("sector=policing"));
    expect(page.summary.total.contracts).toBe(2);
    expect(page.rows.map((r) => r.ocid)).toContain(ocid(12));
  });
});
