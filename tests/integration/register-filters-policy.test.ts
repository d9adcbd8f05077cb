/**
 * The register filters the policy dashboards link with (issue 8: "click-through
 * to the contracts behind each figure"): parent group and its country, CPV
 * family, a range of financial years, no (or any) mission tag, a buyer
 * registered overseas or of unknown region. On a hand-computed fixture
 * (tests/integration/policy-fixture.ts): each filter lists the contracts it
 * says, the filters that existed keep their behaviour, bad values are a 400
 * naming the parameter, and every pounds figure of every policy chart links to
 * a register view whose stated total is that figure — for several filters,
 * multi-year ranges included. Unknown parameters of the policy pages and APIs
 * are refused by name. PGlite, or PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChartData } from "../../app/components/charts/types";
import { loader as regionsPageLoader } from "../../app/routes/dashboards.regions";
import { loader as suppliersPageLoader } from "../../app/routes/dashboards.suppliers";
import { loader as missionsApiLoader } from "../../app/routes/api.v1.stats.missions";
import { loader as regionsApiLoader } from "../../app/routes/api.v1.stats.regions";
import { hasSupplierFilter, parseRegisterFilters } from "../../app/services/register-filters";
import { BadRequest, searchContracts } from "../../app/services/register.server";
import {
  missionsDashboard,
  organisationTypesDashboard,
  policyChartById,
  regionsApi,
  regionsDashboard,
  supplierCountriesDashboard,
} from "../../app/services/stats-policy.server";
import { openTestDatabase, type TestDb } from "../setup/test-db";
import { loadPolicyFixture, ocidOf } from "./policy-fixture";

let t: TestDb;
let ids: Map<string, string>;
let groupIds: Map<string, string>;
const NOW = new Date("2025-06-01T12:00:00Z");
const sp = (q: string) => new URLSearchParams(q);

beforeAll(async () => {
  t = await openTestDatabase("register_filters_policy");
  ({ ids, groupIds } = await loadPolicyFixture(t));
}, 120_000);

afterAll(async () => {
  await t?.close();
});

/** The register view of a query: its contract numbers (sorted) and the total it states. */
async function view(query: string) {
  const out: string[] = [];
  const r = await searchContracts(t.db, sp(query), NOW, 100);
  for (const row of r.rows) out.push(row.ocid.replace("ocds-policyreg-", ""));
  const parsed = parseRegisterFilters(sp(query));
  const f = parsed.ok ? parsed.value : {};
  return {
    contracts: out.map(Number).sort((a, b) => a - b),
    total: r.total === null ? null : hasSupplierFilter(f) ? r.total.attributedPence : r.total.valuePence,
  };
}

async function badParams(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BadRequest) return e.errors.map((x) => x.param).sort();
    throw e;
  }
  throw new Error("expected a BadRequest");
}

describe(`the register's policy filters (${process.env.TEST_DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("group: contracts with a supplier in the parent group, valued at the group's part", async () => {
    expect(await view(`group=${groupIds.get("G1")}`)).toEqual({ contracts: [1, 8, 10], total: 230000n });
    expect(await view(`group=${groupIds.get("G2")}`)).toEqual({ contracts: [5], total: 40000n });
    expect(await view("group=999999")).toEqual({ contracts: [], total: 0n });
  });

  it("groupCountry: by the parent group's country, or no parent group", async () => {
    expect(await view("groupCountry=overseas")).toEqual({ contracts: [1, 8, 10], total: 230000n });
    expect(await view("groupCountry=uk")).toEqual({ contracts: [9], total: 25000n });
    expect(await view("groupCountry=unknown")).toEqual({ contracts: [5], total: 40000n });
    // No parent group: S2, S3, S4. C3 is split between S3 and S4, both ungrouped; C7 is in euros (not in the total).
    expect(await view("groupCountry=none")).toEqual({ contracts: [2, 3, 4, 6, 7], total: 20000n + 30000n + 50000n + 10000n });
  });

  it("cpvFamily: the main CPV code in the configured family", async () => {
    expect(await view("cpvFamily=cloud")).toEqual({ contracts: [1, 4, 7], total: 100000n + 50000n });
    expect(await view("cpvFamily=software")).toEqual({ contracts: [2, 5, 6, 8, 9], total: 20000n + 40000n + 10000n + 60000n + 25000n });
    expect(await view(`cpvFamily=software&group=${groupIds.get("G1")}`)).toEqual({ contracts: [8], total: 60000n });
  });

  it("fromFy / toFy: financial years of award, inclusive; a contract with no award year is in none", async () => {
    expect(await view("fromFy=2024-25")).toEqual({ contracts: [4, 5, 6, 7, 8, 9], total: 185000n });
    expect(await view("toFy=2023-24")).toEqual({ contracts: [1, 2, 3], total: 150000n });
    expect(await view("fromFy=2023-24&toFy=2024-25")).toEqual({ contracts: [1, 2, 3, 4, 5, 6, 7, 8, 9], total: 335000n });
    expect((await view("")).contracts).toContain(10);
  });

  it("mission=none / any: no mission tag, or at least one; a named mission as before", async () => {
    expect(await view("mission=none")).toEqual({ contracts: [2, 5, 7, 8, 9, 10], total: 20000n + 40000n + 60000n + 25000n + 70000n });
    expect(await view("mission=any")).toEqual({ contracts: [1, 3, 4, 6], total: 100000n + 30000n + 50000n + 10000n });
    expect((await view("mission=growth")).contracts).toEqual([1, 3, 6]);
  });

  it("region=overseas / unknown: the buyer registered overseas with no region, or neither; an ITL1 region as before", async () => {
    expect(await view("region=overseas")).toEqual({ contracts: [9], total: 25000n });
    expect((await view("region=unknown")).contracts).toEqual([]);
    expect((await view("region=TLD")).contracts).toEqual([2, 4, 6]);
    expect((await view("region=TLI")).contracts).toEqual([1, 3, 5, 7, 8, 10]);
  });

  it("refuses a bad value with a 400 naming the parameter", async () => {
    const bad = (q: string) => badParams(searchContracts(t.db, sp(q), NOW, 1));
    expect(await bad("group=G1")).toEqual(["group"]);
    expect(await bad("groupCountry=mars")).toEqual(["groupCountry"]);
    expect(await bad("cpvFamily=hardware")).toEqual(["cpvFamily"]);
    expect(await bad("fromFy=2024")).toEqual(["fromFy"]);
    expect(await bad("fromFy=2024-25&toFy=2023-24")).toEqual(["toFy"]);
    expect(await bad("mission=moon")).toEqual(["mission"]);
    expect(await bad("region=TLZ")).toEqual(["region"]);
  });
});

// ---------------------------------------------------------------------------
// Every figure → the register view behind it

const CHART_IDS = [
  "suppliers-country-by-year",
  "suppliers-group-country-by-year",
  "suppliers-country-by-buyer-type",
  "suppliers-top-cloud",
  "suppliers-top-software",
  "cooperatives-value-by-year",
  "regions-supplier-value",
  "regions-buyer-value",
  "missions-value",
  "missions-by-year",
];

const QUERIES = ["", "from=2023-24&to=2024-25", "fy=2024-25", "from=2024-25", "buyerType=central", "cpv=72", "cpv=48&from=2023-24&to=2024-25"];

describe("every pounds figure links to a register view whose total is the figure", () => {
  it("for every chart of the four policy dashboards, under several filters and year ranges", async () => {
    let checked = 0;
    const extra: Record<string, string[]> = { suppliers: ["country=uk", "country=unknown"], missions: ["mission=growth"], regions: ["region=TLI"] };
    for (const id of CHART_IDS) {
      const prefix = id.split("-")[0]!;
      for (const q of [...QUERIES, ...(extra[prefix] ?? [])]) {
        const chart = (await policyChartById(t.db, id, sp(q))) as ChartData;
        expect(chart, `${id}?${q}`).not.toBeNull();
        const pounds = chart.series.filter((x) => x.unit === "pounds").map((x) => x.key);
        for (const p of chart.points) {
          for (const key of pounds) {
            const value = p.values[key] ?? 0;
            const href = p.links?.[key];
            if (value === 0 && !href) continue;
            expect(href, `${id}?${q} ${p.x} ${key}: a figure with no link`).toBeTruthy();
            const url = new URL(href!, "http://register.example");
            expect(url.pathname).toBe("/contracts");
            const v = await view(url.search.slice(1));
            expect(v.total, `${id}?${q} ${p.x} ${key} → ${href}`).toBe(BigInt(Math.round(value * 100)));
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it("the top groups link to the group's contracts in that CPV family, not to a supplier list", async () => {
    const d = await supplierCountriesDashboard(t.db, sp(""));
    const software = d.charts.find((c) => c.id === "suppliers-top-software")!;
    const alpha = software.points.find((p) => p.x === "Alpha Corp")!;
    expect(alpha.values.value).toBe(600);
    const url = new URL(alpha.links!.value!, "http://x");
    expect(Object.fromEntries(url.searchParams)).toEqual({ cpvFamily: "software", group: groupIds.get("G1"), fromFy: "2023-24", toFy: "2024-25" });
    const gamma = d.charts.find((c) => c.id === "suppliers-top-cloud")!.points.find((p) => p.x === "Gamma GmbH")!;
    expect(Object.fromEntries(new URL(gamma.links!.value!, "http://x").searchParams)).toMatchObject({ cpvFamily: "cloud", supplier: ids.get("S3") });
  });

  it("links every series of the parent-group chart, untagged mission value, and a multi-year range", async () => {
    const d = await supplierCountriesDashboard(t.db, sp(""));
    const groups = d.charts.find((c) => c.id === "suppliers-group-country-by-year")!;
    expect(Object.keys(groups.points[0]!.links ?? {}).sort()).toEqual(["none", "overseas", "uk", "unknown"]);
    const m = await missionsDashboard(t.db, sp("from=2023-24&to=2024-25"));
    const none = m.charts.find((c) => c.id === "missions-value")!.points.find((p) => p.x === "No mission tag")!;
    expect(Object.fromEntries(new URL(none.links!.unknown!, "http://x").searchParams)).toEqual({
      mission: "none",
      scale: "unknown",
      fromFy: "2023-24",
      toFy: "2024-25",
    });
    const byYear = m.charts.find((c) => c.id === "missions-by-year")!;
    expect(Object.keys(byYear.points[0]!.links ?? {}).sort()).toEqual(["tagged", "untagged"]);
    const coop = await organisationTypesDashboard(t.db, sp(""));
    for (const s of coop.suppliers.rows) expect(s.contractsHref).toContain("fromFy=2023-24&toFy=2024-25");
    const r = await regionsDashboard(t.db, sp(""));
    const overseasBuyer = r.charts.find((c) => c.id === "regions-buyer-value")!.points.find((p) => p.x === "Outside the UK")!;
    expect(overseasBuyer.links?.large).toContain("region=overseas");
  });
});

// ---------------------------------------------------------------------------
// Unknown parameters

describe("the policy pages and APIs refuse unknown parameters by name", () => {
  const context = { readDb: null as unknown, db: null as unknown, now: () => NOW };
  beforeAll(() => {
    context.readDb = t.db;
    context.db = t.db;
  });

  it("in the services: a misspelt parameter, another dashboard's own parameter", async () => {
    expect(await badParams(regionsApi(t.db, sp("regoin=TLD")))).toEqual(["regoin"]);
    expect(await badParams(regionsApi(t.db, sp("country=uk&region=TLZ")))).toEqual(["country", "region"]);
    // (the dashboards throw at once, before any query)
    expect(await badParams(Promise.resolve().then(() => supplierCountriesDashboard(t.db, sp("mission=growth"))))).toEqual(["mission"]);
    expect(await badParams(policyChartById(t.db, "missions-value", sp("colour=red")))).toEqual(["colour"]);
    // Framework parameters and empty form fields are not filters, and are not refused.
    await expect(regionsApi(t.db, sp("_data=routes/dashboards.regions&from=&to=&region=TLD"))).resolves.toMatchObject({ region: "TLD" });
  });

  it("the API answers 400 problem+json naming it", async () => {
    const api = (await regionsApiLoader({ request: new Request("http://x/api/v1/stats/regions?regoin=TLD"), context, params: {} } as never)) as Response;
    expect(api.status).toBe(400);
    expect(api.headers.get("content-type")).toContain("application/problem+json");
    const body = (await api.json()) as { errors: Array<{ param: string; message: string }> };
    expect(body.errors.map((e) => e.param)).toEqual(["regoin"]);
    expect(body.errors[0]!.message).toContain("from, to, fy, buyerType, cpv, region");
    const ok = (await missionsApiLoader({ request: new Request("http://x/api/v1/stats/missions?mission=growth"), context, params: {} } as never)) as Response;
    expect(ok.status).toBe(200);
  });

  it("the pages answer 400 (the GOV.UK error page) naming it", async () => {
    for (const [loader, url] of [
      [regionsPageLoader, "http://x/dashboards/regions?regoin=TLD"],
      [suppliersPageLoader, "http://x/dashboards/suppliers?type=vcse"],
    ] as const) {
      let thrown: unknown = null;
      try {
        await loader({ request: new Request(url), context, params: {} } as never);
      } catch (e) {
        thrown = e;
      }
      const res = thrown as { init?: { status?: number }; data?: { errors?: Array<{ param: string }> } };
      expect(res?.init?.status, url).toBe(400);
      expect(res.data?.errors?.map((e) => e.param), url).toEqual([new URL(url).searchParams.keys().next().value]);
    }
  });
});

describe("the fixture", () => {
  it("has the contracts it says", async () => {
    const rows = await t.db.selectFrom("processes").select(["ocid", "award_fy"]).orderBy("ocid").execute();
    expect(rows.find((r) => r.ocid === ocidOf(10))?.award_fy).toBeNull();
    expect(rows).toHaveLength(10);
  });
});
