/**
 * Policy dashboards (issue 8) on a hand-computed fixture: eight supplier lines
 * over two years, published through ingestReleases. Every figure is computed
 * three ways and required equal: by hand (the numbers written here), by the
 * pure functions (app/domain/metrics/policy.ts) over the same lines written
 * out in memory, and by SQL (db/queries/stats-policy.ts) over the register.
 * Then the services and the HTTP layer: the API returns the same numbers, and
 * unknown codes are a 400 naming the parameter (page) or problem+json (API).
 *
 * The fixture (values in pounds; GBP unless said):
 *   buyers  B1 central, London (TLI); B2 local, North West (TLD)
 *   S1 company, GB, TLI, large, group G1 (US)      S2 co-operative, GB, TLD, small
 *   S3 company, DE, no region, large               S4 no type, no country, no scale
 *   S5 VCSE, GB, TLD, micro, group G2 (no country)
 *   C1 2023-24 B1 72415000 S1 1,000 [growth]       C2 2023-24 B2 48000000 S2 200 []
 *   C3 2023-24 B1 79400000 S3+S4 300 split [nhs, growth]
 *   C4 2024-25 B2 72317000 S3 500 [energy]         C5 2024-25 B1 48100000 S5 400 []
 *   C6 2024-25 B2 72230000 S2 100 [growth]         C8 2024-25 B1 72260000 S1 600 []
 *   C7 2024-25 B1 EUR 999 S3: not in GBP figures
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countryCellsSql,
  missionCellsSql,
  orgTypeCellsSql,
  regionCellsSql,
  topEntitiesSql,
  topSuppliersOfTypeSql,
} from "../../db/queries/stats-policy";
import {
  countryCells,
  missionCells,
  type OrgTypeCell,
  orgTypeCells,
  type PolicyFilter,
  type PolicyLine,
  regionCells,
  socialEconomyTarget,
  topEntities,
  topSuppliersOfType,
} from "../../app/domain/metrics/policy";
import type { OcdsRelease } from "../../app/domain/types";
import { ingestReleases } from "../../app/services/ingest.server";
import { BadRequest, searchContracts } from "../../app/services/register.server";
import {
  missionsApi,
  organisationTypesApi,
  organisationTypesDashboard,
  policyChartById,
  regionsApi,
  supplierCountriesApi,
} from "../../app/services/stats-policy.server";
import { chartCsv } from "../../app/components/charts/csv";
import { MissionsStatsSchema, OrganisationTypesSchema, RegionsStatsSchema, SupplierCountriesSchema } from "../../app/services/openapi.server";
import { startTestServer, type TestServer } from "../setup/app-server";
import { openTestDatabase, type TestDb } from "../setup/test-db";

let t: TestDb;
let s: TestServer | null = null;
const ids = new Map<string, string>();
const groupIds = new Map<string, string>();

type Sup = { key: string; name: string; country: string | null; region: string | null; type: string | null; scale: string | null };
const SUP: Record<string, Sup> = {
  S1: { key: "S1", name: "Alpha Cloud UK Ltd", country: "GB", region: "TLI", type: "company", scale: "large" },
  S2: { key: "S2", name: "Beta Co-operative", country: "GB", region: "TLD", type: "cooperative", scale: "small" },
  S3: { key: "S3", name: "Gamma GmbH", country: "DE", region: null, type: "company", scale: "large" },
  S4: { key: "S4", name: "Delta Services", country: null, region: null, type: null, scale: null },
  S5: { key: "S5", name: "Epsilon Trust", country: "GB", region: "TLD", type: "vcse", scale: "micro" },
};
const BUY = {
  B1: { name: "Department for Policy Tests", type: "central", region: "TLI" },
  B2: { name: "Policyshire Council", type: "local", region: "TLD" },
} as const;

function party(id: string, name: string, roles: string[], details: Record<string, unknown>, address: Record<string, unknown>) {
  return { id, name, identifier: { scheme: "GB-COH", id: id.replace(/^GB-COH-/, "") }, roles, details, address };
}

function release(n: number, buyer: keyof typeof BUY, date: string, cpv: string, suppliers: string[], amount: number, missions: string[], currency = "GBP"): OcdsRelease {
  const ocid = `ocds-policytest-${n}`;
  const b = BUY[buyer];
  const bid = `GB-COH-PB${buyer}`;
  const supplierParties = suppliers.map((k) => {
    const x = SUP[k] as Sup;
    return party(
      `GB-COH-PS${k}`,
      x.name,
      ["supplier"],
      { ...(x.scale ? { scale: x.scale } : {}), ...(x.type ? { x_organisationType: x.type } : {}) },
      { ...(x.country ? { x_countryCode: x.country } : {}), ...(x.region ? { x_itl1: x.region } : {}) },
    );
  });
  return {
    ocid,
    id: `${ocid}-1`,
    date,
    tag: ["award"],
    initiationType: "tender",
    parties: [party(bid, b.name, ["buyer"], { x_buyerType: b.type }, { x_countryCode: "GB", x_itl1: b.region }), ...supplierParties],
    buyer: { id: bid, name: b.name },
    tender: {
      id: `${ocid}-tender`,
      title: `Policy test ${n}`,
      status: "complete",
      classification: { scheme: "CPV", id: cpv },
      ...(missions.length ? { x_missions: missions } : {}),
    },
    awards: [
      {
        id: `${ocid}-award`,
        status: "active",
        date,
        value: { amount, currency },
        suppliers: supplierParties.map((p) => ({ id: p.id, name: p.name })),
      },
    ],
  } as unknown as OcdsRelease;
}

const FY23 = "2023-06-01T10:00:00Z";
const FY24 = "2024-06-01T10:00:00Z";
const RELEASES = [
  release(1, "B1", FY23, "72415000", ["S1"], 1000, ["growth"]),
  release(2, "B2", FY23, "48000000", ["S2"], 200, []),
  release(3, "B1", FY23, "79400000", ["S3", "S4"], 300, ["nhs", "growth"]),
  release(4, "B2", FY24, "72317000", ["S3"], 500, ["energy"]),
  release(5, "B1", FY24, "48100000", ["S5"], 400, []),
  release(6, "B2", FY24, "72230000", ["S2"], 100, ["growth"]),
  release(7, "B1", FY24, "72415000", ["S3"], 999, [], "EUR"),
  release(8, "B1", FY24, "72260000", ["S1"], 600, []),
];

/** The same contracts as supplier lines, written out by hand (the pure path's input). */
function pureLines(): PolicyLine[] {
  const sup = (k: string) => {
    const x = SUP[k] as Sup;
    const group =
      k === "S1" ? { id: groupIds.get("G1") as string, name: "Alpha Corp", countryCode: "US" } : k === "S5" ? { id: groupIds.get("G2") as string, name: "Epsilon Trust Group", countryCode: null } : null;
    return { id: ids.get(k) as string, name: x.name, countryCode: x.country, region: x.region, orgType: (x.type ?? "unknown") as PolicyLine["supplier"]["orgType"], group };
  };
  const buyer = (b: keyof typeof BUY) => ({ id: ids.get(b) as string, name: BUY[b].name, countryCode: "GB", region: BUY[b].region });
  const line = (n: number, fy: number, b: keyof typeof BUY, cpv: string, k: string, scale: "sme" | "large" | "unknown", pence: bigint, missions: string[], gbp = true): PolicyLine => ({
    ocid: `ocds-policytest-${n}`,
    fy,
    buyerType: BUY[b].type,
    cpv,
    scaleClass: scale,
    gbp,
    valuePence: pence,
    supplier: sup(k),
    buyer: buyer(b),
    missions,
  });
  return [
    line(1, 2023, "B1", "72415000", "S1", "large", 100000n, ["growth"]),
    line(2, 2023, "B2", "48000000", "S2", "sme", 20000n, []),
    line(3, 2023, "B1", "79400000", "S3", "large", 15000n, ["nhs", "growth"]),
    line(3, 2023, "B1", "79400000", "S4", "unknown", 15000n, ["nhs", "growth"]),
    line(4, 2024, "B2", "72317000", "S3", "large", 50000n, ["energy"]),
    line(5, 2024, "B1", "48100000", "S5", "sme", 40000n, []),
    line(6, 2024, "B2", "72230000", "S2", "sme", 10000n, ["growth"]),
    line(7, 2024, "B1", "72415000", "S3", "large", 99900n, [], false),
    line(8, 2024, "B1", "72260000", "S1", "large", 60000n, []),
  ];
}

beforeAll(async () => {
  t = await openTestDatabase("stats_policy");
  await t.db.transaction().execute((trx) => ingestReleases(trx, RELEASES, { source: "test" }));
  const orgs = await t.db.selectFrom("organisations").select(["id", "identifier"]).execute();
  for (const o of orgs) {
    const k = (o.identifier ?? "").replace(/^P[SB]/, "");
    ids.set(k, o.id.toString());
  }
  // Parent groups are register data, not published in OCDS: set them as the demonstration loader does.
  const g1 = await t.db.insertInto("org_groups").values({ key: "test:g1", name: "Alpha Corp", country_code: "US" }).returning("id").executeTakeFirstOrThrow();
  const g2 = await t.db.insertInto("org_groups").values({ key: "test:g2", name: "Epsilon Trust Group", country_code: null }).returning("id").executeTakeFirstOrThrow();
  groupIds.set("G1", g1.id.toString());
  groupIds.set("G2", g2.id.toString());
  await t.db.updateTable("organisations").set({ group_id: g1.id }).where("id", "=", BigInt(ids.get("S1") as string)).execute();
  await t.db.updateTable("organisations").set({ group_id: g2.id }).where("id", "=", BigInt(ids.get("S5") as string)).execute();
  // A write after the group change bumps the data version, so no cached figure predates the groups.
  await sql`update spend_version set version = version + 1`.execute(t.db);
});

afterAll(async () => {
  await s?.close();
  await t?.close();
});

const FILTERS: PolicyFilter[] = [{}, { from: 2024, to: 2024 }, { buyerType: "central" }, { cpv: "48" }, { buyerRegion: "TLD" }, { from: 2023, to: 2023, buyerRegion: "TLI" }];

describe("the fixture as the register holds it", () => {
  it("has one spend line per contract and supplier, split as the metrics define", async () => {
    const r = await sql<{ ocid: string; value_pence: string; gbp: boolean }>`select ocid, value_pence::text, gbp from spend_lines order by ocid, line`.execute(t.db);
    expect(r.rows.map((x) => [x.ocid.replace("ocds-policytest-", ""), x.value_pence, x.gbp])).toEqual([
      ["1", "100000", true],
      ["2", "20000", true],
      ["3", "15000", true],
      ["3", "15000", true],
      ["4", "50000", true],
      ["5", "40000", true],
      ["6", "10000", true],
      ["7", "99900", false],
      ["8", "60000", true],
    ]);
  });
});

describe("country of registration", () => {
  it("hand = pure = SQL, unknown country never UK", async () => {
    const hand = [
      { fy: 2023, buyerType: "central", country: "overseas", groupCountry: "none", valuePence: 15000n, awards: 1 },
      { fy: 2023, buyerType: "central", country: "uk", groupCountry: "overseas", valuePence: 100000n, awards: 1 },
      { fy: 2023, buyerType: "central", country: "unknown", groupCountry: "none", valuePence: 15000n, awards: 1 },
      { fy: 2023, buyerType: "local", country: "uk", groupCountry: "none", valuePence: 20000n, awards: 1 },
      { fy: 2024, buyerType: "central", country: "uk", groupCountry: "overseas", valuePence: 60000n, awards: 1 },
      { fy: 2024, buyerType: "central", country: "uk", groupCountry: "unknown", valuePence: 40000n, awards: 1 },
      { fy: 2024, buyerType: "local", country: "overseas", groupCountry: "none", valuePence: 50000n, awards: 1 },
      { fy: 2024, buyerType: "local", country: "uk", groupCountry: "none", valuePence: 10000n, awards: 1 },
    ];
    expect(countryCells(pureLines())).toEqual(hand);
    expect(await countryCellsSql(t.db, {})).toEqual(hand);
    for (const f of FILTERS) expect(await countryCellsSql(t.db, f)).toEqual(countryCells(pureLines(), f));
  });

  it("top overseas groups by CPV family: hand = pure = SQL", async () => {
    const g1 = groupIds.get("G1");
    const s3 = ids.get("S3");
    const hand = [
      { family: "cloud", key: `group-${g1}`, kind: "group", id: g1, name: "Alpha Corp", countryCode: "US", valuePence: 100000n, awards: 1 },
      { family: "cloud", key: `supplier-${s3}`, kind: "supplier", id: s3, name: "Gamma GmbH", countryCode: "DE", valuePence: 50000n, awards: 1 },
      { family: "software", key: `group-${g1}`, kind: "group", id: g1, name: "Alpha Corp", countryCode: "US", valuePence: 60000n, awards: 1 },
    ];
    expect(topEntities(pureLines(), {}, "overseas", 10)).toEqual(hand);
    expect(await topEntitiesSql(t.db, {}, "overseas", 10)).toEqual(hand);
    expect(await topEntitiesSql(t.db, {}, "overseas", 1)).toEqual([hand[0], hand[2]]);
    for (const cls of ["uk", "overseas", "unknown"] as const) {
      for (const f of FILTERS) expect(await topEntitiesSql(t.db, f, cls, 10)).toEqual(topEntities(pureLines(), f, cls, 10));
    }
  });

  it("the API returns the same shares and coverage", async () => {
    const a = await supplierCountriesApi(t.db, new URLSearchParams());
    expect(a.years.map((y) => [y.fy, y.valuePence, y.country.uk.valuePence, y.country.overseas.valuePence, y.country.unknown.valuePence])).toEqual([
      ["2023-24", 150000n, 120000n, 15000n, 15000n],
      ["2024-25", 160000n, 110000n, 50000n, 0n],
    ]);
    expect(a.years[0]?.country.uk.share).toBe(0.8);
    expect(a.years[1]?.country.overseas.share).toBe(0.3125);
    expect(a.years[1]?.groupCountry.overseas.valuePence).toBe(60000n);
    expect(a.coverage).toEqual({ unknownCountryPence: 15000n, knownShare: 1 - 15000 / 310000 });
    expect(a.topGroups.cloud.rows.map((r) => r.valuePence)).toEqual([100000n, 50000n]);
    expect(a.buyerTypes.map((b) => [b.buyerType, b.valuePence, b.country.overseas.valuePence])).toEqual([
      ["central", 230000n, 15000n],
      ["local", 80000n, 50000n],
    ]);
  });
});

describe("organisation types and the co-operative target", () => {
  it("hand = pure = SQL", async () => {
    const hand = [
      { fy: 2023, orgType: "company", valuePence: 115000n, awards: 2 },
      { fy: 2023, orgType: "cooperative", valuePence: 20000n, awards: 1 },
      { fy: 2023, orgType: "unknown", valuePence: 15000n, awards: 1 },
      { fy: 2024, orgType: "company", valuePence: 110000n, awards: 2 },
      { fy: 2024, orgType: "cooperative", valuePence: 10000n, awards: 1 },
      { fy: 2024, orgType: "vcse", valuePence: 40000n, awards: 1 },
    ] satisfies OrgTypeCell[];
    expect(orgTypeCells(pureLines())).toEqual(hand);
    expect(await orgTypeCellsSql(t.db, {})).toEqual(hand);
    for (const f of FILTERS) expect(await orgTypeCellsSql(t.db, f)).toEqual(orgTypeCells(pureLines(), f));
    // Baseline 2023-24: 20,000 ÷ 150,000; target double that.
    expect(socialEconomyTarget(hand)).toEqual({ baselineFy: 2023, baselineShare: 20000 / 150000, targetShare: (20000 / 150000) * 2 });
  });

  it("lists the suppliers of each type: hand = pure = SQL", async () => {
    expect(topSuppliersOfType(pureLines(), {}, "cooperative", 25)).toEqual({
      total: 1,
      rows: [{ id: ids.get("S2"), name: "Beta Co-operative", valuePence: 30000n, awards: 2 }],
    });
    for (const type of ["company", "vcse", "cooperative", "public", "unknown"] as const) {
      for (const f of FILTERS) expect(await topSuppliersOfTypeSql(t.db, f, type, 1)).toEqual(topSuppliersOfType(pureLines(), f, type, 1));
    }
  });

  it("the dashboard and API give the shares against the target line", async () => {
    const d = await organisationTypesDashboard(t.db, new URLSearchParams({ fy: "2024-25" }));
    // The target does not move with the years shown.
    expect(d.target.targetShare).toBe((20000 / 150000) * 2);
    expect(d.years.map((y) => [y.fy, y.targetTypes.share, y.onTarget])).toEqual([[2024, 10000 / 160000, false]]);
    const a = await organisationTypesApi(t.db, new URLSearchParams({ type: "vcse" }));
    expect(a.years.map((y) => [y.fy, y.types.cooperative.valuePence, y.types.vcse.share])).toEqual([
      ["2023-24", 20000n, 0],
      ["2024-25", 10000n, 0.25],
    ]);
    expect(a.suppliers.rows.map((r) => [r.name, r.valuePence])).toEqual([["Epsilon Trust", 40000n]]);
    expect(a.coverage.unknownTypePence).toBe(15000n);
  });
});

describe("regions", () => {
  it("hand = pure = SQL", async () => {
    const hand = [
      { supplierRegion: "TLD", buyerRegion: "TLD", scaleClass: "sme", valuePence: 30000n, awards: 2 },
      { supplierRegion: "TLD", buyerRegion: "TLI", scaleClass: "sme", valuePence: 40000n, awards: 1 },
      { supplierRegion: "TLI", buyerRegion: "TLI", scaleClass: "large", valuePence: 160000n, awards: 2 },
      { supplierRegion: "overseas", buyerRegion: "TLD", scaleClass: "large", valuePence: 50000n, awards: 1 },
      { supplierRegion: "overseas", buyerRegion: "TLI", scaleClass: "large", valuePence: 15000n, awards: 1 },
      { supplierRegion: "unknown", buyerRegion: "TLI", scaleClass: "unknown", valuePence: 15000n, awards: 1 },
    ];
    expect(regionCells(pureLines())).toEqual(hand);
    expect(await regionCellsSql(t.db, {})).toEqual(hand);
    for (const f of FILTERS) expect(await regionCellsSql(t.db, f)).toEqual(regionCells(pureLines(), f));
  });

  it("the API gives SME share and value by the supplier's and the buyer's region", async () => {
    const a = await regionsApi(t.db, new URLSearchParams());
    expect(a.supplierRegions.map((g) => [g.region, g.valuePence, g.share])).toEqual([
      ["TLD", 70000n, 1],
      ["TLI", 160000n, 0],
      ["overseas", 65000n, 0],
      ["unknown", 15000n, null],
    ]);
    expect(a.buyerRegions.map((g) => [g.region, g.valuePence, g.smeValuePence, g.knownValuePence, g.share, g.coverage])).toEqual([
      ["TLD", 80000n, 30000n, 80000n, 0.375, 1],
      ["TLI", 230000n, 40000n, 215000n, 40000 / 215000, 215000 / 230000],
    ]);
    expect(a.coverage).toMatchObject({ totalPence: 310000n, supplierUnknownPence: 15000n, supplierOverseasPence: 65000n, buyerUnknownPence: 0n });
    const london = await regionsApi(t.db, new URLSearchParams({ region: "TLI" }));
    expect(london.buyerRegions.map((g) => g.region)).toEqual(["TLI"]);
    expect(london.supplierRegions.map((g) => [g.region, g.valuePence])).toEqual([
      ["TLD", 40000n],
      ["TLI", 160000n],
      ["overseas", 15000n],
      ["unknown", 15000n],
    ]);
  });
});

describe("missions", () => {
  it("hand = pure = SQL", async () => {
    const hand = [
      { fy: 2023, mission: "all", scaleClass: "large", valuePence: 115000n, awards: 2 },
      { fy: 2023, mission: "all", scaleClass: "sme", valuePence: 20000n, awards: 1 },
      { fy: 2023, mission: "all", scaleClass: "unknown", valuePence: 15000n, awards: 1 },
      { fy: 2023, mission: "growth", scaleClass: "large", valuePence: 115000n, awards: 2 },
      { fy: 2023, mission: "growth", scaleClass: "unknown", valuePence: 15000n, awards: 1 },
      { fy: 2023, mission: "nhs", scaleClass: "large", valuePence: 15000n, awards: 1 },
      { fy: 2023, mission: "nhs", scaleClass: "unknown", valuePence: 15000n, awards: 1 },
      { fy: 2023, mission: "none", scaleClass: "sme", valuePence: 20000n, awards: 1 },
      { fy: 2024, mission: "all", scaleClass: "large", valuePence: 110000n, awards: 2 },
      { fy: 2024, mission: "all", scaleClass: "sme", valuePence: 50000n, awards: 2 },
      { fy: 2024, mission: "energy", scaleClass: "large", valuePence: 50000n, awards: 1 },
      { fy: 2024, mission: "growth", scaleClass: "sme", valuePence: 10000n, awards: 1 },
      { fy: 2024, mission: "none", scaleClass: "large", valuePence: 60000n, awards: 1 },
      { fy: 2024, mission: "none", scaleClass: "sme", valuePence: 40000n, awards: 1 },
    ];
    expect(missionCells(pureLines())).toEqual(hand);
    expect(await missionCellsSql(t.db, {})).toEqual(hand);
    for (const f of FILTERS) expect(await missionCellsSql(t.db, f)).toEqual(missionCells(pureLines(), f));
  });

  it("the API gives value and SME share per mission, untagged value as coverage", async () => {
    const a = await missionsApi(t.db, new URLSearchParams());
    const growth = a.missions.find((m) => m.mission === "growth");
    expect(growth).toMatchObject({ valuePence: 140000n, smeValuePence: 10000n, knownValuePence: 125000n, share: 0.08, awards: 4 });
    expect(a.missions.find((m) => m.mission === "nhs")).toMatchObject({ valuePence: 30000n, share: 0, coverage: 0.5 });
    expect(a.none).toMatchObject({ valuePence: 120000n, share: 0.5 });
    expect(a.total.valuePence).toBe(310000n);
    expect(a.coverage).toEqual({ totalPence: 310000n, untaggedPence: 120000n, taggedShare: 190000 / 310000 });
    const g = await missionsApi(t.db, new URLSearchParams({ mission: "growth" }));
    expect(g.years.map((y) => [y.fy, (y as { valuePence: bigint }).valuePence])).toEqual([
      ["2023-24", 130000n],
      ["2024-25", 10000n],
    ]);
  });
});

describe("click-through: the register view behind each bar states the bar's value", () => {
  it("for supplier country, organisation type and supplier or buyer region, every bar", async () => {
    const charts = ["suppliers-country-by-year", "cooperatives-value-by-year", "regions-supplier-value", "regions-buyer-value"];
    let checked = 0;
    for (const sp of [new URLSearchParams(), new URLSearchParams("from=2024-25&to=2024-25")]) {
      for (const id of charts) {
        const chart = await policyChartById(t.db, id, sp);
        expect(chart, id).not.toBeNull();
        const pounds = new Set(chart!.series.filter((x) => x.unit === "pounds").map((x) => x.key));
        for (const p of chart!.points) {
          for (const [key, href] of Object.entries(p.links ?? {})) {
            if (!pounds.has(key)) continue;
            const url = new URL(href, "http://x");
            const r = await searchContracts(t.db, url.searchParams, new Date(), 1);
            expect(r.total, href).not.toBeNull();
            expect(r.total!.attributedPence, `${id} ${p.x} ${key} ${href}`).toBe(BigInt(Math.round((p.values[key] ?? 0) * 100)));
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it("refuses an unknown supplier country, organisation type or supplier region on the register", async () => {
    for (const [q, param] of [["supplierCountry=mars", "supplierCountry"], ["orgType=guild", "orgType"], ["supplierRegion=TLZ", "supplierRegion"]]) {
      try {
        await searchContracts(t.db, new URLSearchParams(q), new Date(), 1);
        throw new Error(`accepted ${q}`);
      } catch (e) {
        expect(e, q).toBeInstanceOf(BadRequest);
        expect((e as BadRequest).errors.map((x) => x.param)).toEqual([param]);
      }
    }
  });
});

describe("CSV and bad input", () => {
  it("the CSV of a chart is the chart's numbers", async () => {
    const chart = await policyChartById(t.db, "regions-buyer-sme-share", new URLSearchParams());
    expect(chart).not.toBeNull();
    const csv = chartCsv(chart as NonNullable<typeof chart>);
    expect(csv).toContain("North West");
    expect(csv).toContain("37.5");
    expect(await policyChartById(t.db, "sme-share-by-year", new URLSearchParams())).toBeNull();
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

  it("names an unknown country, type, region or mission code", async () => {
    expect(await badParams(supplierCountriesApi(t.db, new URLSearchParams({ country: "mars" })))).toEqual(["country"]);
    expect(await badParams(organisationTypesApi(t.db, new URLSearchParams({ type: "guild" })))).toEqual(["type"]);
    expect(await badParams(regionsApi(t.db, new URLSearchParams({ region: "TLZ" })))).toEqual(["region"]);
    expect(await badParams(missionsApi(t.db, new URLSearchParams({ mission: "moon" })))).toEqual(["mission"]);
    expect(await badParams(missionsApi(t.db, new URLSearchParams({ fy: "2024" })))).toEqual(["fy"]);
  });

  it("over HTTP: pages answer 400 naming the parameter, the API problem+json", async () => {
    s = await startTestServer(t.db);
    const cases: Array<[string, string, string]> = [
      ["/dashboards/suppliers?country=mars", "/api/v1/stats/supplier-countries?country=mars", "country"],
      ["/dashboards/cooperatives?type=guild", "/api/v1/stats/organisation-types?type=guild", "type"],
      ["/dashboards/regions?region=TLZ", "/api/v1/stats/regions?region=TLZ", "region"],
      ["/dashboards/missions?mission=moon", "/api/v1/stats/missions?mission=moon", "mission"],
    ];
    for (const [page, api, param] of cases) {
      const p = await fetch(`${s.base}${page}`);
      expect(p.status, page).toBe(400);
      expect(await p.text()).toContain(param);
      const a = await fetch(`${s.base}${api}`);
      expect(a.status, api).toBe(400);
      expect(a.headers.get("content-type")).toContain("application/problem+json");
      const body = (await a.json()) as { status: number; errors: Array<{ param: string }> };
      expect(body.status).toBe(400);
      expect(body.errors.map((e) => e.param)).toEqual([param]);
    }
    // Each endpoint's answer matches its schema in the OpenAPI document.
    const schemas = [
      ["/api/v1/stats/supplier-countries", SupplierCountriesSchema],
      ["/api/v1/stats/organisation-types", OrganisationTypesSchema],
      ["/api/v1/stats/regions", RegionsStatsSchema],
      ["/api/v1/stats/missions?mission=growth", MissionsStatsSchema],
    ] as const;
    for (const [path, schema] of schemas) {
      const r = await fetch(`${s.base}${path}`);
      expect(r.status, path).toBe(200);
      const parsed = schema.safeParse(await r.json());
      expect(parsed.success ? null : parsed.error.issues, path).toBeNull();
    }
    const doc = (await (await fetch(`${s.base}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(schemas.map(([p]) => p.split("?")[0])));
    const csv = await fetch(`${s.base}/charts/missions-value.csv`);
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain("Kickstart economic growth");
    const ok = await fetch(`${s.base}/api/v1/stats/regions?region=TLD`);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { buyerRegions: Array<{ region: string; valuePence: string }> };
    expect(body.buyerRegions).toEqual([expect.objectContaining({ region: "TLD", valuePence: "80000" })]);
  });
});
