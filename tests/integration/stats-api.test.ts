/**
 * Dashboard use cases as the routes call them: bad input is a 400 naming the
 * parameter, a buyer with no contracts gives empty charts (not zeros), the CSV
 * is exactly the chart's numbers, and the API matches the interface document.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartCsv } from "../../app/components/charts/csv";
import { BadRequest } from "../../app/services/register.server";
import {
  buyerProfile,
  chartById,
  concentrationApi,
  concentrationDashboard,
  consultancyApi,
  consultancyDashboard,
  headlineFigures,
  listBuyers,
  listSuppliers,
  smeDashboard,
  smeShareApi,
  supplierProfile,
} from "../../app/services/stats.server";
import { toJsonText } from "../../app/domain/state-json";
import { DEFAULT_METRICS_CONFIG, type MetricsConfig } from "../../app/domain/metrics/config";
import type { OcdsRelease } from "../../app/domain/types";
import { ingestReleases } from "../../app/services/ingest.server";
import { searchContracts } from "../../app/services/register.server";
import { loadDemo } from "../../seeds/load";
import { openTestDatabase, type TestDb } from "../setup/test-db";

let t: TestDb;
let idleBuyer: string;
const NOW = new Date("2025-09-15T12:00:00Z");
const sp = (q: Record<string, string>) => new URLSearchParams(q);

beforeAll(async () => {
  t = await openTestDatabase("stats_api");
  await loadDemo(t.db, { contracts: 400, seed: 9, today: new Date("2025-09-15T00:00:00Z") });
  const b = await t.db
    .insertInto("organisations")
    .values({ key: "test:idle-buyer", name: "Idle Test Council", normalised_name: "idle test council", scheme: null, identifier: null, is_buyer: true, buyer_type: "local" })
    .returning("id")
    .executeTakeFirstOrThrow();
  idleBuyer = b.id.toString();
});

afterAll(async () => {
  await t?.close();
});

async function badRequest(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BadRequest) return e.errors.map((x) => x.param);
    throw e;
  }
  throw new Error("expected a BadRequest");
}

describe("bad input", () => {
  it("names a financial year that is not YYYY-YY, a from after to, an unknown view and an unknown buyer", async () => {
    expect(await badRequest(smeShareApi(t.db, sp({ from: "2024" }), { now: NOW }))).toEqual(["from"]);
    expect(await badRequest(smeShareApi(t.db, sp({ to: "2024-26" }), { now: NOW }))).toEqual(["to"]);
    expect(await badRequest(smeShareApi(t.db, sp({ from: "2024-25", to: "2022-23" }), { now: NOW }))).toEqual(["from"]);
    expect(await badRequest(smeShareApi(t.db, sp({ view: "monthly" }), { now: NOW }))).toEqual(["view"]);
    expect(await badRequest(smeShareApi(t.db, sp({ buyer: "999999999" }), { now: NOW }))).toEqual(["buyer"]);
    expect(await badRequest(smeShareApi(t.db, sp({ buyer: "abc" }), { now: NOW }))).toEqual(["buyer"]);
    expect(await badRequest(concentrationApi(t.db, sp({ fy: "24-25" }), { now: NOW }))).toEqual(["fy"]);
    expect(await badRequest(concentrationApi(t.db, sp({ by: "parent" }), { now: NOW }))).toEqual(["by"]);
    expect(await badRequest(consultancyApi(t.db, sp({ buyerType: "galactic" }), { now: NOW }))).toEqual(["buyerType"]);
    expect(await badRequest(consultancyApi(t.db, sp({ targetFy: "2020-21" }), { now: NOW }))).toEqual(["targetFy"]);
    expect(await badRequest(consultancyApi(t.db, sp({ baselineFrom: "2023-24", baselineTo: "2022-23" }), { now: NOW }))).toEqual([
      "baselineFrom",
    ]);
    expect(await badRequest(listBuyers(t.db, sp({ page: "x" })))).toEqual(["page"]);
    expect(await badRequest(listSuppliers(t.db, sp({ group: "123456789" })))).toEqual(["group"]);
    expect(await badRequest(chartById(t.db, "buyer-spend-by-year", sp({ id: "987654321" }), NOW))).toEqual(["id"]);
  });
});

describe("a buyer with no contracts", () => {
  it("gives empty charts, never a chart of zeros, on every dashboard and its profile", async () => {
    const sme = await smeDashboard(t.db, sp({ buyer: idleBuyer }), { now: NOW });
    expect(sme.years).toEqual([]);
    for (const c of sme.charts) expect(c.points).toEqual([]);
    const con = await concentrationDashboard(t.db, sp({ buyer: idleBuyer }), { now: NOW });
    expect(con.totalPence).toBe(0n);
    for (const c of con.charts) expect(c.points).toEqual([]);
    const pledge = await consultancyApi(t.db, sp({ buyer: idleBuyer }), { now: NOW });
    expect(pledge.baselinePence).toBeNull();
    expect(pledge.years.every((y) => y.contracts === 0)).toBe(true);
    // no data is "no data" (null), never £0
    expect(pledge.years.every((y) => y.spendPence === null && y.registerContracts === 0 && y.onTrack === null)).toBe(true);
    const profile = await buyerProfile(t.db, idleBuyer, sp({}), { now: NOW });
    expect(profile?.hasContracts).toBe(false);
    for (const c of profile?.charts ?? []) expect(c.points).toEqual([]);
  });

  it("is not a supplier, and unknown ids are not found", async () => {
    expect(await supplierProfile(t.db, idleBuyer, sp({}))).toBeNull();
    expect(await buyerProfile(t.db, "999999999", sp({}))).toBeNull();
    expect(await buyerProfile(t.db, "1; drop", sp({}))).toBeNull();
  });
});

describe("API shapes (../shared/docs/interfaces.md)", () => {
  it("sme-share: view, target, years with pence as strings and share 0–1 or null", async () => {
    const body = JSON.parse(toJsonText(await smeShareApi(t.db, sp({}), { now: NOW }))) as Record<string, unknown>;
    expect(body.view).toBe("awarded");
    expect(body.target).toBe(0.33);
    const years = body.years as Array<Record<string, unknown>>;
    expect(years.length).toBeGreaterThan(3);
    for (const y of years) {
      expect(y.fy).toMatch(/^\d{4}-\d{2}$/);
      for (const k of ["smeValuePence", "knownValuePence", "unknownValuePence"]) expect(y[k]).toMatch(/^\d+$/);
      expect(y.share === null || (typeof y.share === "number" && y.share >= 0 && y.share <= 1)).toBe(true);
      expect(Number.isInteger(y.contracts)).toBe(true);
      // coverage: the contracts with missing inputs, and where the year stands
      for (const k of ["missingValueContracts", "fallbackContracts", "nonGbpContracts"]) expect(Number.isInteger(y[k])).toBe(true);
      expect(["complete", "partial"]).toContain(y.yearStatus);
      expect(String(y.fy) <= "2025-26").toBe(true);
    }
    expect(body.currentFy).toBe("2025-26");
    expect(years[years.length - 1]?.yearStatus).toBe("partial");
  });

  it("consultancy: annualised by default, with the pledge in force and per-year trajectory", async () => {
    const body = JSON.parse(toJsonText(await consultancyApi(t.db, sp({}), { now: NOW }))) as Record<string, unknown>;
    expect(body).toMatchObject({ view: "annualised", baselineFrom: "2017-18", baselineTo: "2022-23", targetFy: "2025-26" });
    expect(body.baselinePence).toMatch(/^\d+$/);
    expect(BigInt(body.targetPence as string)).toBe(BigInt(body.baselinePence as string) / 2n);
    const years = body.years as Array<Record<string, unknown>>;
    expect(years.find((y) => y.fy === "2025-26")?.trajectoryPence).toBe(body.targetPence);
    // the line starts at the baseline in the last baseline year, as the chart draws it
    expect(years.find((y) => y.fy === "2022-23")?.trajectoryPence).toBe(body.baselinePence);
    for (const y of years) {
      for (const k of ["registerContracts", "missingValueContracts", "fallbackContracts", "nonGbpContracts", "contracts"]) expect(Number.isInteger(y[k])).toBe(true);
      expect(y.spendPence === null || /^\d+$/.test(y.spendPence as string)).toBe(true);
      if (y.yearStatus === "committed") {
        expect(y).toMatchObject({ spendPence: null, onTrack: null });
      } else expect(y.committedPence).toBeNull();
    }
    const other = await consultancyApi(t.db, sp({ baselineFrom: "2020-21", baselineTo: "2020-21", targetFy: "2023-24" }), { now: NOW });
    expect(other.baselineFrom).toBe("2020-21");
    expect(other.years.find((y) => y.fy === "2020-21")?.spendPence).toBe(other.baselinePence);
  });

  it("concentration: a year's total, HHI and top 10 with shares", async () => {
    const body = await concentrationApi(t.db, sp({ fy: "2023-24" }), { now: NOW });
    expect(body.fy).toBe("2023-24");
    expect(body.years).toHaveLength(1);
    expect(body.years[0]).toMatchObject({ fy: "2023-24", yearStatus: "complete", totalPence: body.totalPence, hhi: body.hhi });
    expect(body.years[0]!.contracts).toBeGreaterThan(0);
    expect(body.contracts).toBe(body.years[0]!.contracts);
    expect(body.top.length).toBe(10);
    expect(body.hhi).toBeGreaterThan(0);
    expect(body.hhi).toBeLessThanOrEqual(10_000);
    const sum = body.top.reduce((s, x) => s + x.valuePence, 0n);
    expect(body.topShare).toBeCloseTo(Number(sum) / Number(body.totalPence), 12);
    expect(body.top[0]!.share).toBeCloseTo(Number(body.top[0]!.valuePence) / Number(body.totalPence), 12);
  });
});

describe("charts", () => {
  it("CSV has exactly the plotted numbers of the chart on the page", async () => {
    const d = await smeDashboard(t.db, sp({ view: "annualised" }), { now: NOW });
    const chart = d.charts.find((c) => c.id === "sme-value-by-year")!;
    const again = await chartById(t.db, "sme-value-by-year", sp({ view: "annualised" }), NOW);
    expect(chartCsv(again!)).toBe(chartCsv(chart));
    const rows = chartCsv(chart).trim().split("\r\n");
    expect(rows[0]).toBe("Financial year,SMEs (£),Large suppliers (£),Unknown size (£)");
    const y = d.years[0]!;
    expect(rows[1]).toBe(
      `${y.fy},${Number(y.smeValuePence) / 100},${Number(y.knownValuePence - y.smeValuePence) / 100},${Number(y.unknownValuePence) / 100}`,
    );
    expect(await chartById(t.db, "no-such-chart", sp({}), NOW)).toBeNull();
  });

  it("plots the API's figures: SME share per year is the API's share as a percentage", async () => {
    const api = await smeShareApi(t.db, sp({}), { now: NOW });
    const d = await smeDashboard(t.db, sp({}), { now: NOW });
    const chart = d.charts.find((c) => c.id === "sme-share-by-year")!;
    expect(chart.points.map((p) => [p.x, p.values.share])).toEqual(
      api.years.map((y) => [y.fy, y.share === null ? null : Math.round(y.share * 10_000) / 100]),
    );
  });

  it("links every bar to the register with the register's own filter names", async () => {
    const d = await smeDashboard(t.db, sp({ buyerType: "central", cpv: "72", view: "annualised" }), { now: NOW });
    const link = d.charts[1]!.points[0]!.links!.sme!;
    const q = new URL(link, "http://x").searchParams;
    expect(Object.fromEntries(q)).toMatchObject({ buyerType: "central", cpv: "72", scale: "sme" });
    expect(q.get("activeFy")).toMatch(/^\d{4}-\d{2}$/);
    const a = await smeDashboard(t.db, sp({}), { now: NOW });
    const quarter = a.charts.find((c) => c.id === "sme-share-by-quarter")!.points.find((p) => p.x.endsWith("Q4"))!;
    const qq = new URL(quarter.links!.share!, "http://x").searchParams;
    const fy = Number(quarter.x.slice(0, 4));
    expect(Object.fromEntries(qq)).toEqual({ fy: quarter.x.slice(0, 7), from: `${fy + 1}-01-01`, to: `${fy + 1}-03-31` });
  });
});

describe("headline figures and lists", () => {
  it("gives this year's SME share, consultancy against trajectory, and the number of contracts", async () => {
    const h = await headlineFigures(t.db, NOW);
    expect(h.fy).toBe("2025-26");
    expect(h.contracts).toBeGreaterThan(300);
    expect(h.valuePence > 0n).toBe(true);
    expect(h.consultancy?.trajectoryPence).toBe(h.targetPence);
  });

  it("lists buyers and suppliers by value, and finds them by name", async () => {
    const b = await listBuyers(t.db, sp({}));
    expect(b.rows.length).toBeGreaterThan(0);
    for (let i = 1; i < b.rows.length; i++) expect(b.rows[i - 1]!.valuePence >= b.rows[i]!.valuePence).toBe(true);
    const name = b.rows[0]!.name;
    const found = await listBuyers(t.db, sp({ q: name.split(" ")[0]!, sort: "name" }));
    expect(found.rows.some((r) => r.name === name)).toBe(true);
    const s = await listSuppliers(t.db, sp({ from: "2022-23", to: "2022-23" }));
    expect(s.rows.length).toBeGreaterThan(0);
    const profile = await supplierProfile(t.db, s.rows[0]!.supplierId.toString(), sp({ from: "2022-23", to: "2022-23" }));
    expect(profile?.totalPence).toBe(s.rows[0]!.valuePence);
  });
});

/** A contracting process awarded and signed, for the pledge fixture below. */
function fixture(n: number, opts: { cpv: string; pounds: number; start: string; end: string }): OcdsRelease {
  return {
    ocid: `ocds-test-pledge-${n}`,
    id: "r1",
    date: `${opts.start}T09:00:00Z`,
    tag: ["award", "contract"],
    initiationType: "tender",
    parties: [
      { id: "B1", name: "Pledge Test Council", roles: ["buyer"], details: { x_buyerType: "local" } },
      { id: "S1", name: "Pledge Test Advisers Ltd", roles: ["supplier"], details: { scale: "small" } },
    ],
    buyer: { id: "B1", name: "Pledge Test Council" },
    tender: { id: "t1", title: `Pledge test ${n}`, status: "complete", classification: { scheme: "CPV", id: opts.cpv } },
    awards: [{ id: "a1", status: "active", date: opts.start, value: { amount: opts.pounds, currency: "GBP" }, suppliers: [{ id: "S1", name: "Pledge Test Advisers Ltd" }] }],
    contracts: [{ id: "c1", awardID: "a1", status: "active", value: { amount: opts.pounds, currency: "GBP" }, period: { startDate: opts.start, endDate: opts.end } }],
  } as OcdsRelease;
}

describe("the pledge, worked by hand on one buyer", () => {
  let buyer: string;
  const q = { baselineFrom: "2019-20", baselineTo: "2020-21", targetFy: "2022-23" };

  beforeAll(async () => {
    await t.db.transaction().execute((trx) =>
      ingestReleases(
        trx,
        [
          // 2019-20: £1,000 of consultancy (business and management consultancy, 794…)
          fixture(1, { cpv: "79400000", pounds: 1000, start: "2019-04-01", end: "2020-03-31" }),
          // 2020-21: contracts, but no consultancy (IT services, 72…): £0 of consultancy, not "no data"
          fixture(2, { cpv: "72000000", pounds: 500, start: "2020-04-01", end: "2021-03-31" }),
          // 1 April 2025 – 31 March 2027: 730 days, 365 in each year, so £730 → £365 in 2025-26 (today's year) and £365 in 2026-27 (later)
          fixture(3, { cpv: "79400000", pounds: 730, start: "2025-04-01", end: "2027-03-31" }),
        ],
        { source: "test" },
      ),
    );
    const b = await t.db.selectFrom("organisations").select("id").where("name", "=", "Pledge Test Council").where("is_buyer", "=", true).executeTakeFirstOrThrow();
    buyer = b.id.toString();
  });

  it("counts a year with contracts but no consultancy as £0 in the baseline, and says no data for a year without contracts", async () => {
    const api = await consultancyApi(t.db, sp({ ...q, buyer }), { now: NOW });
    // baseline = floor((100000 + 0) ÷ 2) = 50000p (leaving 2020-21 out would give 100000p); target = 25000p
    expect(api.baselinePence).toBe(50_000n);
    expect(api.targetPence).toBe(25_000n);
    expect(api.baselineYearsMissing).toEqual([]);
    const y = (fy: string) => api.years.find((x) => x.fy === fy)!;
    expect(y("2020-21")).toMatchObject({ spendPence: 0n, contracts: 0, registerContracts: 1, trajectoryPence: 50_000n, onTrack: null });
    // 2021-22: no contract at all: no data (null), not judged. Trajectory 50000 − floor(25000 × 1 ÷ 2) = 37500.
    expect(y("2021-22")).toMatchObject({ spendPence: null, registerContracts: 0, trajectoryPence: 37_500n, onTrack: null, yearStatus: "complete" });
  });

  it("measures up to today's year (partial) and shows a later year as committed, never judged", async () => {
    const api = await consultancyApi(t.db, sp({ ...q, buyer }), { now: NOW });
    const y = (fy: string) => api.years.find((x) => x.fy === fy)!;
    // 2025-26: £365 to date against the target £250 held after 2022-23: not on track, so far
    expect(y("2025-26")).toMatchObject({ yearStatus: "partial", spendPence: 36_500n, committedPence: null, trajectoryPence: 25_000n, onTrack: false });
    expect(y("2026-27")).toMatchObject({ yearStatus: "committed", spendPence: null, committedPence: 36_500n, trajectoryPence: 25_000n, onTrack: null });
    expect(api.status).toEqual({ fy: "2025-26", onTrack: false, partial: true });
    expect(api.currentFy).toBe("2025-26");
    // A year later, 2025-26 is complete and 2026-27 is today's year: measured and judged.
    const later = await consultancyApi(t.db, sp({ ...q, buyer }), { now: new Date("2026-09-15T12:00:00Z") });
    expect(later.years.find((x) => x.fy === "2025-26")).toMatchObject({ yearStatus: "complete", onTrack: false });
    expect(later.years.find((x) => x.fy === "2026-27")).toMatchObject({ yearStatus: "partial", spendPence: 36_500n, onTrack: false });
  });

  it("draws what the API returns, the committed bar apart, and its register view totals it", async () => {
    const api = await consultancyApi(t.db, sp({ ...q, buyer }), { now: NOW });
    const d = await consultancyDashboard(t.db, sp({ ...q, buyer }), { now: NOW });
    const chart = d.charts[0]!;
    expect(chart.series.map((x) => x.key)).toEqual(["spend", "committed", "trajectory"]);
    const at = (fy: string) => chart.points.find((p) => p.x === fy)!;
    expect(at("2020-21").values).toEqual({ spend: 0, committed: null, trajectory: 500 });
    expect(at("2021-22").values).toEqual({ spend: null, committed: null, trajectory: 375 });
    expect(at("2026-27").values).toEqual({ spend: null, committed: 365, trajectory: 250 });
    expect(at("2026-27").extra).toMatchObject({ onTrack: "Not yet spent", year: "Committed, not yet spent" });
    expect(at("2025-26").extra).toMatchObject({ onTrack: "Not on track so far", year: "Year in progress (to date)", noValue: "0", noDates: "0" });
    expect(chart.points.map((p) => p.x)).toEqual(api.years.map((x) => x.fy));
    const r = await searchContracts(t.db, new URL(at("2026-27").links!.committed!, "http://x").searchParams, NOW, 1);
    expect(r.total?.valuePence).toBe(36_500n);
    // The SME view of the buyer keeps the committed year apart too.
    const sme = await smeShareApi(t.db, sp({ buyer, view: "annualised" }), { now: NOW });
    expect(sme.years.map((x) => [x.fy, x.yearStatus, x.smeValuePence])).toEqual([
      ["2019-20", "complete", 100_000n],
      ["2020-21", "complete", 50_000n],
      ["2025-26", "partial", 36_500n],
    ]);
    expect(sme.committedYears.map((x) => [x.fy, x.yearStatus, x.smeValuePence])).toEqual([["2026-27", "committed", 36_500n]]);
  });
});

describe("by-buyer tables", () => {
  it("sum only the measured years (up to today's) of each buyer, as its own figures do", async () => {
    const d = await smeDashboard(t.db, sp({ view: "annualised" }), { now: NOW });
    expect(d.committedYears.length).toBeGreaterThan(0);
    for (const b of d.byBuyer!.slice(0, 3)) {
      const own = await smeShareApi(t.db, sp({ view: "annualised", buyer: b.buyerId.toString() }), { now: NOW });
      expect(b.valuePence).toBe(own.years.reduce((s, y) => s + y.knownValuePence + y.unknownValuePence, 0n));
    }
    // A range with only an upper bound reads the per-year rows, never the all-years row as well.
    const upTo = await listBuyers(t.db, sp({ to: "2023-24" }));
    const first = upTo.rows[0]!;
    const own = await smeShareApi(t.db, sp({ buyer: first.buyerId.toString(), to: "2023-24" }), { now: NOW });
    expect(first.valuePence).toBe(own.years.reduce((s, y) => s + y.knownValuePence + y.unknownValuePence, 0n));
  });
});

describe("configuration", () => {
  it("computes with the configuration given, and never serves one configuration's cached figures to another", async () => {
    const forty: MetricsConfig = { ...DEFAULT_METRICS_CONFIG, smeTarget: 0.4 };
    expect((await smeShareApi(t.db, sp({}), { now: NOW, config: forty })).target).toBe(0.4);
    expect((await smeShareApi(t.db, sp({}), { now: NOW })).target).toBe(0.33);
    // an equal configuration (another object) shares the cache entry and the figures
    expect((await smeShareApi(t.db, sp({}), { now: NOW, config: { ...forty } })).target).toBe(0.4);
    const five: MetricsConfig = { ...DEFAULT_METRICS_CONFIG, concentrationTopN: 5 };
    expect((await concentrationApi(t.db, sp({ fy: "2023-24" }), { now: NOW, config: five })).top).toHaveLength(5);
    expect((await concentrationApi(t.db, sp({ fy: "2023-24" }), { now: NOW })).top).toHaveLength(10);
    const pledge: MetricsConfig = { ...DEFAULT_METRICS_CONFIG, pledge: { baselineFrom: 2019, baselineTo: 2020, targetFy: 2023 } };
    const c = await consultancyApi(t.db, sp({}), { now: NOW, config: pledge });
    expect([c.baselineFrom, c.baselineTo, c.targetFy]).toEqual(["2019-20", "2020-21", "2023-24"]);
  });

  it("applies a buyer's own SME target, by register id or organisation identifier", async () => {
    const org = await t.db
      .selectFrom("organisations")
      .select(["id", "scheme", "identifier"])
      .where("is_buyer", "=", true)
      .where("scheme", "is not", null)
      .where("identifier", "is not", null)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const byId: MetricsConfig = { ...DEFAULT_METRICS_CONFIG, smeTargetsByBuyer: { [org.id.toString()]: 0.2 } };
    const byIdentifier: MetricsConfig = { ...DEFAULT_METRICS_CONFIG, smeTargetsByBuyer: { [`${org.scheme}-${org.identifier}`]: 0.25 } };
    expect((await smeShareApi(t.db, sp({ buyer: org.id.toString() }), { now: NOW, config: byId })).target).toBe(0.2);
    expect((await smeShareApi(t.db, sp({ buyer: org.id.toString() }), { now: NOW, config: byIdentifier })).target).toBe(0.25);
    expect((await buyerProfile(t.db, org.id.toString(), sp({}), { now: NOW, config: byIdentifier }))?.target).toBe(0.25);
  });
});
