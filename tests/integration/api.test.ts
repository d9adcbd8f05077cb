/**
 * The JSON API (/api/v1/contracts, /suppliers, /buyers), its OpenAPI
 * document, the CSV download and the Atom feed of register views, on
 * demonstration data plus one real-looking notice with awkward text.
 */
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRegister, searchRegister } from "../../db/queries/register";
import { loadDemo } from "../../seeds/load";
import { importSources } from "../../app/services/import.server";
import { ingestReleases } from "../../app/services/ingest.server";
import { CONTRACT_PARAMS, ORG_PARAMS } from "../../app/services/api.server";
import { contractsCsv } from "../../app/services/downloads.server";
import {
  BuyerListSchema,
  ConcentrationSchema,
  ConsultancySchema,
  ContractListSchema,
  ProblemSchema,
  SensitiveStatsSchema,
  SmeShareSchema,
  SupplierListSchema,
  type openApiDocument,
} from "../../app/services/openapi.server";
import { parseRegisterFilters } from "../../app/services/register-filters";
import { toQuery } from "../../app/services/register.server";
import { action as contractsAction, loader as contractsLoader } from "../../app/routes/api.v1.contracts";
import { loader as suppliersLoader } from "../../app/routes/api.v1.suppliers";
import { loader as buyersLoader } from "../../app/routes/api.v1.buyers";
import { loader as openapiLoader } from "../../app/routes/api.v1.openapi[.]json";
import { loader as csvLoader } from "../../app/routes/contracts[.]csv";
import { loader as feedLoader } from "../../app/routes/contracts.feed[.]atom";
import { loader as smeLoader } from "../../app/routes/api.v1.stats.sme-share";
import { loader as consultancyLoader } from "../../app/routes/api.v1.stats.consultancy";
import { loader as concentrationLoader } from "../../app/routes/api.v1.stats.concentration";
import { loader as sensitiveLoader } from "../../app/routes/api.v1.stats.sensitive";
import { ITL1_REGIONS, MISSIONS } from "../../app/domain/types";
import { type TestDb, openTestDatabase } from "../setup/test-db";
import { type Json, callLoader, loaderArgs, realReleases, tempDir, writeJsonLines } from "./import-fixtures";

let t: TestDb;
const O = "http://register.test";
const tmp = tempDir("api");
const TODAY = new Date("2025-05-01T00:00:00Z");

beforeAll(async () => {
  t = await openTestDatabase("api");
  await loadDemo(t.db, { contracts: 400, seed: 7, today: TODAY });
  // A real notice whose title a spreadsheet would run as a formula, and text with a control character.
  const r = realReleases(["cf-2025-03-releases"])[5]!.release;
  const title = '=HYPERLINK("http://evil.example","Click")';
  const description = "Bell \u0007 & <b>bold</b>";
  writeJsonLines(tmp.file("odd.jsonl"), [{ ...r, ocid: "ocds-x-formula", id: "f1", title, description, tender: { ...(r.tender as Json), title, description } }]);
  const s = await importSources(t.db, [tmp.file("odd.jsonl")]);
  expect(s.rejected).toBe(0);
}, 240_000);
afterAll(async () => {
  await t?.close();
  tmp.cleanup();
});

type Loader = Parameters<typeof callLoader>[0];
async function get(loader: Loader, path: string, init: RequestInit = {}) {
  const res = await callLoader(loader, t.db, `${O}${path}`, {}, init);
  return { res, body: res.status === 200 && /json/.test(res.headers.get("Content-Type") ?? "") ? ((await res.json()) as Json) : null };
}

/** Every item of a listing, following links.next. */
async function walk(loader: Loader, path: string, key: string): Promise<Json[]> {
  const out: Json[] = [];
  let url: string | null = `${O}${path}`;
  let pages = 0;
  while (url) {
    const res = await callLoader(loader, t.db, url);
    expect(res.status, url).toBe(200);
    const body = (await res.json()) as Json & { links: { next: string | null } };
    out.push(...(body[key] as Json[]));
    url = body.links.next;
    if (++pages > 500) throw new Error("too many pages");
  }
  return out;
}

describe(`GET /api/v1/contracts (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("answers the register's contracts in the documented shape, money as strings of pence", async () => {
    const { res, body } = await get(contractsLoader, "/api/v1/contracts?limit=10");
    expect(res.status).toBe(200);
    const parsed = ContractListSchema.parse(body);
    expect(parsed.contracts).toHaveLength(10);
    expect(parsed.limit).toBe(10);
    expect(parsed.sort).toBe("newest");
    const withValue = parsed.contracts.find((c) => c.currentValuePence !== null)!;
    expect(withValue.currentValuePence).toMatch(/^\d+$/);
    expect(res.headers.get("Link")).toBe(`<${parsed.links.next}>; rel="next"`);
    expect(res.headers.get("Cache-Control")).toMatch(/max-age=\d+/);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("pages through every match with a stable order, for every sort and with filters", async () => {
    const cases = ["", "sort=oldest", "sort=value-high", "sort=value-low", "q=services&sort=relevance", "consultancy=yes", "fy=2023-24&scale=sme"];
    for (const q of cases) {
      const small = await walk(contractsLoader, `/api/v1/contracts?limit=7&${q}`, "contracts");
      const big = await walk(contractsLoader, `/api/v1/contracts?limit=100&${q}`, "contracts");
      expect(small.map((c) => c.ocid), q).toEqual(big.map((c) => c.ocid));
      expect(new Set(small.map((c) => c.ocid)).size, q).toBe(small.length);
      const f = parseRegisterFilters(new URLSearchParams(q));
      if (!f.ok) throw new Error(q);
      const n = await countRegister(t.db, toQuery(f.value, new Date()));
      expect(small.length, q).toBe(n.count);
    }
  });

  it("reads from/to as whole days in London, summer and winter", async () => {
    // Published at 00:30 London time (BST) on 4 July and at 23:30 GMT on 3 December: the London days are 4 July and 3 December.
    const late = (ocid: string, date: string) => ({
      ocid,
      id: `${ocid}-1`,
      date,
      tag: ["tender"],
      initiationType: "tender",
      tender: { id: "t1", title: "Late-night notice", datePublished: date, status: "active" },
    });
    await ingestReleases(t.db, [late("ocds-x-summer-night", "2024-07-03T23:30:00Z"), late("ocds-x-winter-night", "2024-12-03T23:30:00Z")], {
      source: "test",
    });
    const ocids = async (q: string) =>
      (await walk(contractsLoader, `/api/v1/contracts?limit=100&${q}`, "contracts")).map((c) => c.ocid as string);
    expect(await ocids("from=2024-07-04&to=2024-07-04")).toContain("ocds-x-summer-night");
    expect(await ocids("from=2024-07-03&to=2024-07-03")).not.toContain("ocds-x-summer-night");
    expect(await ocids("from=2024-12-03&to=2024-12-03")).toContain("ocds-x-winter-night");
    expect(await ocids("from=2024-12-04&to=2024-12-04")).not.toContain("ocds-x-winter-night");
  });

  it("refuses bad parameters with problem+json naming each one", async () => {
    const cases: Array<[string, string[]]> = [
      ["limit=0", ["limit"]],
      ["limit=101", ["limit"]],
      ["limit=ten", ["limit"]],
      ["buyerType=ministry&fy=2024", ["buyerType", "fy"]],
      ["buyer=999999999", ["buyer"]],
      ["minValue=5000&maxValue=100", ["maxValue"]],
      ["cursor=not-a-cursor", ["cursor"]],
      ["page=2", ["page"]],
    ];
    for (const [q, params] of cases) {
      const { res } = await get(contractsLoader, `/api/v1/contracts?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
      const p = ProblemSchema.parse(await res.json());
      expect(p.errors!.map((e) => e.param).sort(), q).toEqual(params.sort());
      expect(p.status).toBe(400);
    }
    // A cursor is tied to its sort order.
    const first = await get(contractsLoader, "/api/v1/contracts?limit=3&sort=value-high");
    const cursor = new URL(String((first.body!.links as Json).next)).searchParams.get("cursor")!;
    const wrong = await get(contractsLoader, `/api/v1/contracts?limit=3&sort=newest&cursor=${cursor}`);
    expect(wrong.res.status).toBe(400);
  });

  it("ETag and If-None-Match → 304; CORS preflight; read-only", async () => {
    const a = await get(contractsLoader, "/api/v1/contracts?limit=5");
    const etag = a.res.headers.get("ETag")!;
    expect(etag).toMatch(/^"[\w-]{20,}"$/);
    const b = await get(contractsLoader, "/api/v1/contracts?limit=5", { headers: { "If-None-Match": `W/"other", ${etag}` } });
    expect(b.res.status).toBe(304);
    expect(b.res.headers.get("ETag")).toBe(etag);
    expect(await b.res.text()).toBe("");
    const c = await get(contractsLoader, "/api/v1/contracts?limit=6", { headers: { "If-None-Match": etag } });
    expect(c.res.status).toBe(200);
    const pre = (await contractsAction(loaderArgs(t.db, `${O}/api/v1/contracts`, {}, { method: "OPTIONS", headers: { Origin: "https://example.org" } }))) as Response;
    expect(pre.status).toBe(204);
    expect(pre.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(pre.headers.get("Access-Control-Allow-Methods")).toContain("GET");
    const post = (await contractsAction(loaderArgs(t.db, `${O}/api/v1/contracts`, {}, { method: "POST", body: "{}" }))) as Response;
    expect(post.status).toBe(405);
    expect(post.headers.get("Allow")).toBe("GET, HEAD, OPTIONS");
  });
});

describe("GET /api/v1/suppliers and /api/v1/buyers", () => {
  it("lists suppliers with contracts in the view, by name, with their contracts and value in that view", async () => {
    const all = await walk(suppliersLoader, "/api/v1/suppliers?limit=100", "suppliers");
    const paged = await walk(suppliersLoader, "/api/v1/suppliers?limit=9", "suppliers");
    expect(paged.map((s) => s.id)).toEqual(all.map((s) => s.id));
    expect(all.length).toBeGreaterThan(20);
    SupplierListSchema.parse((await get(suppliersLoader, "/api/v1/suppliers?limit=3")).body);
    // Filtered: each supplier's count is the number of contracts /api/v1/contracts gives for it with the same filters.
    const filtered = await walk(suppliersLoader, "/api/v1/suppliers?limit=100&consultancy=yes", "suppliers");
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.length).toBeLessThan(all.length);
    for (const s of filtered.slice(0, 5)) {
      const contracts = await walk(contractsLoader, `/api/v1/contracts?limit=100&consultancy=yes&supplier=${s.id}`, "contracts");
      expect(contracts.length).toBe(s.contracts);
      expect(contracts.every((c) => c.consultancy === true)).toBe(true);
      expect(String(s.valuePence)).toMatch(/^\d+$/);
    }
  });

  it("lists buyers with the GBP value of their contracts in the view", async () => {
    const buyers = await walk(buyersLoader, "/api/v1/buyers?limit=50&fy=2023-24", "buyers");
    expect(buyers.length).toBeGreaterThan(0);
    BuyerListSchema.parse((await get(buyersLoader, "/api/v1/buyers?limit=3")).body);
    for (const b of buyers.slice(0, 4)) {
      const contracts = await walk(contractsLoader, `/api/v1/contracts?limit=100&fy=2023-24&buyer=${b.id}`, "contracts");
      expect(contracts.length).toBe(b.contracts);
      const gbp = contracts.filter((c) => c.currency === "GBP" && c.currentValuePence !== null).reduce((s, c) => s + BigInt(String(c.currentValuePence)), 0n);
      expect(b.valuePence).toBe(gbp.toString());
    }
    const bad = await get(buyersLoader, "/api/v1/buyers?sort=newest");
    expect(bad.res.status).toBe(400);
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("is OpenAPI 3.1 generated from the parameter schemas, and documents exactly what the endpoints take", async () => {
    const { res, body } = await get(openapiLoader, "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = body as ReturnType<typeof openApiDocument>;
    expect(doc.openapi).toBe("3.1.0");
    const names = (p: string) => (doc.paths as unknown as Record<string, { get: { parameters: Array<{ name: string }> } }>)[p]!.get.parameters.map((x) => x.name);
    expect(names("/api/v1/contracts").sort()).toEqual([...CONTRACT_PARAMS].sort());
    expect(names("/api/v1/ocds/releases").sort()).toEqual([...CONTRACT_PARAMS].sort());
    expect(names("/api/v1/suppliers").sort()).toEqual([...ORG_PARAMS].sort());
    expect(names("/api/v1/stats/sme-share")).toEqual(["from", "to", "view", "buyer", "buyerType", "cpv"]);
    const buyerType = (doc.paths["/api/v1/contracts"].get.parameters as Array<{ name: string; schema: { enum?: string[] } }>).find((p) => p.name === "buyerType")!;
    expect(buyerType.schema.enum).toContain("central");
    // Every $ref to a component resolves.
    const text = JSON.stringify(doc);
    for (const m of text.matchAll(/"#\/components\/schemas\/(\w+)"/g)) expect(Object.keys(doc.components.schemas)).toContain(m[1]);
  });

  it("describes the statistics endpoints as they answer", async () => {
    const sme = await callLoader(smeLoader, t.db, `${O}/api/v1/stats/sme-share`);
    SmeShareSchema.parse(await sme.json());
    const cons = await callLoader(consultancyLoader, t.db, `${O}/api/v1/stats/consultancy`);
    ConsultancySchema.parse(await cons.json());
    const conc = await callLoader(concentrationLoader, t.db, `${O}/api/v1/stats/concentration?fy=2023-24`);
    ConcentrationSchema.parse(await conc.json());
  });

  it("documents the policy click-through filters and the sensitive statistics' filters, with the values the API takes", async () => {
    const { body } = await get(openapiLoader, "/api/v1/openapi.json");
    const doc = body as ReturnType<typeof openApiDocument>;
    type Param = { name: string; description?: string; schema: { enum?: string[]; pattern?: string } };
    const param = (path: string, name: string) =>
      ((doc.paths as unknown as Record<string, { get: { parameters: Param[] } }>)[path]!.get.parameters).find((p) => p.name === name)!;
    for (const path of ["/api/v1/contracts", "/api/v1/ocds/releases", "/api/v1/suppliers", "/api/v1/buyers"]) {
      for (const name of ["group", "groupCountry", "cpvFamily", "fromFy", "toFy", "region", "mission"]) {
        expect(param(path, name).description, `${path} ${name}`).toMatch(/\w{3}/);
      }
    }
    const c = (name: string) => param("/api/v1/contracts", name);
    expect(c("group").description).toContain("parent group");
    expect(c("groupCountry").schema.enum).toEqual(["uk", "overseas", "unknown", "none"]);
    expect(c("cpvFamily").schema.enum).toEqual(["cloud", "software"]);
    expect(c("region").schema.enum).toEqual([...Object.keys(ITL1_REGIONS), "overseas", "unknown"]);
    expect(c("mission").schema.enum).toEqual([...Object.keys(MISSIONS), "none", "any"]);
    for (const name of ["fromFy", "toFy"]) {
      expect(c(name).description).toContain("2024-25");
      const pattern = new RegExp(c(name).schema.pattern!);
      expect(pattern.test("2024-25")).toBe(true);
      expect(pattern.test("2024")).toBe(false);
    }
    // Every documented value is one the filters accept, and a value outside the list is refused naming the parameter.
    for (const name of ["groupCountry", "cpvFamily", "region", "mission"] as const) {
      for (const v of c(name).schema.enum!) expect(parseRegisterFilters(new URLSearchParams({ [name]: v })).ok, `${name}=${v}`).toBe(true);
      const bad = await get(contractsLoader, `/api/v1/contracts?${name}=nowhere`);
      expect(bad.res.status, name).toBe(400);
      expect(ProblemSchema.parse(await bad.res.json()).errors!.map((e) => e.param)).toEqual([name]);
    }
    const ok = await get(contractsLoader, "/api/v1/contracts?groupCountry=none&cpvFamily=software&fromFy=2023-24&toFy=2024-25&region=unknown&mission=none");
    expect(ok.res.status).toBe(200);
    ContractListSchema.parse(ok.body);

    const s = (name: string) => param("/api/v1/stats/sensitive", name);
    expect(s("supplier").description).toContain("supplier");
    for (const name of ["minValue", "maxValue"]) expect(s(name).description).toContain("pounds");
    for (const name of ["from", "to"]) expect(s(name).description).toContain("YYYY-MM-DD");
    const sensitive = await callLoader(sensitiveLoader, t.db, `${O}/api/v1/stats/sensitive?minValue=1000&maxValue=5000000.50&from=2022-04-01&to=2025-03-31`);
    expect(sensitive.status).toBe(200);
    SensitiveStatsSchema.parse(await sensitive.json());
  });
});

describe("downloads of a register view", () => {
  it("CSV streams every matching row (not just a page), in the view's order, with formulas neutralised", async () => {
    const sp = new URLSearchParams("sort=value-high");
    const { stream } = await contractsCsv(t.db, sp, new Date(), O, 37);
    const rows = parse(await new Response(stream).text(), { columns: true }) as Array<Record<string, string>>;
    const f = parseRegisterFilters(sp);
    if (!f.ok) throw new Error("filters");
    const expected = await searchRegister(t.db, toQuery(f.value, new Date()), "value-high", 10_000, null);
    expect(rows.map((r) => r.ocid)).toEqual(expected.rows.map((r) => r.ocid));
    // 400 demo contracts, the formula notice and the two late-night notices of the date test.
    expect(rows.length).toBe(403);
    const odd = rows.find((r) => r.ocid === "ocds-x-formula")!;
    expect(odd.title.startsWith("'=")).toBe(true);
    const priced = rows.find((r) => r.current_value_pence !== "")!;
    expect(priced.current_value).toBe(`${BigInt(priced.current_value_pence!) / 100n}.${(BigInt(priced.current_value_pence!) % 100n).toString().padStart(2, "0")}`);
    // Through the route: a download with a file name, and a 400 naming a bad filter.
    const res = await callLoader(csvLoader, t.db, `${O}/contracts.csv?consultancy=yes&fy=2023-24`);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toBe('attachment; filename="contracts-2023-24-consultancy.csv"');
    const csvRows = parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
    expect(csvRows.every((r) => r.consultancy === "yes")).toBe(true);
    const bad = await callLoader(csvLoader, t.db, `${O}/contracts.csv?region=Mars`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ param: string }> }).errors[0]!.param).toBe("region");
  });

  it("the Atom feed lists the view's most recently changed contracts, escaped", async () => {
    const res = await callLoader(feedLoader, t.db, `${O}/contracts/feed.atom?consultancy=yes`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/atom+xml; charset=utf-8");
    const xml = await res.text();
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">')).toBe(true);
    const entries = xml.split("<entry>").length - 1;
    expect(entries).toBeGreaterThan(0);
    expect(entries).toBeLessThanOrEqual(50);
    expect(xml).toContain(`<link rel="self" type="application/atom+xml" href="${O}/contracts/feed.atom?consultancy=yes"/>`);
    const updated = [...xml.matchAll(/<entry>[\s\S]*?<updated>([^<]+)<\/updated>/g)].map((m) => Date.parse(m[1]!));
    expect(updated).toEqual([...updated].sort((a, b) => b - a));
    const all = await (await callLoader(feedLoader, t.db, `${O}/contracts/feed.atom?q=HYPERLINK`)).text();
    expect(all).toContain("<title type=\"text\">=HYPERLINK(&quot;http://evil.example&quot;,&quot;Click&quot;)</title>");
    expect(all).toContain("Bell  &amp; &lt;b&gt;bold&lt;/b&gt;");
    expect(all).not.toContain("\u0007");
    const bad = await callLoader(feedLoader, t.db, `${O}/contracts/feed.atom?fy=last-year`);
    expect(bad.status).toBe(400);
  });
});
