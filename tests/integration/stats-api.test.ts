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
  headlineFigures,
  listBuyers,
  listSuppliers,
  smeDashboard,
  smeShareApi,
  supplierProfile,
} from "../../app/services/stats.server";
import { toJsonText } from "../../app/domain/state-json";
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
    expect(await badRequest(smeShareApi(t.db, sp({ from: "2024" })))).toEqual(["from"]);
    expect(await badRequest(smeShareApi(t.db, sp({ to: "2024-26" })))).toEqual(["to"]);
    expect(await badRequest(smeShareApi(t.db, sp({ from: "2024-25", to: "2022-23" })))).toEqual(["from"]);
    expect(await badRequest(smeShareApi(t.db, sp({ view: "monthly" })))).toEqual(["view"]);
    expect(await badRequest(smeShareApi(t.db, sp({ buyer: "999999999" })))).toEqual(["buyer"]);
    expect(await badRequest(smeShareApi(t.db, sp({ buyer: "abc" })))).toEqual(["buyer"]);
    expect(await badRequest(concentrationApi(t.db, sp({ fy: "24-25" })))).toEqual(["fy"]);
    expect(await badRequest(concentrationApi(t.db, sp({ by: "parent" })))).toEqual(["by"]);
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
    const sme = await smeDashboard(t.db, sp({ buyer: idleBuyer }));
    expect(sme.years).toEqual([]);
    for (const c of sme.charts) expect(c.points).toEqual([]);
    const con = await concentrationDashboard(t.db, sp({ buyer: idleBuyer }));
    expect(con.totalPence).toBe(0n);
    for (const c of con.charts) expect(c.points).toEqual([]);
    const pledge = await consultancyApi(t.db, sp({ buyer: idleBuyer }), { now: NOW });
    expect(pledge.baselinePence).toBeNull();
    expect(pledge.years.every((y) => y.contracts === 0)).toBe(true);
    const profile = await buyerProfile(t.db, idleBuyer, sp({}));
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
    const body = JSON.parse(toJsonText(await smeShareApi(t.db, sp({})))) as Record<string, unknown>;
    expect(body.view).toBe("awarded");
    expect(body.target).toBe(0.33);
    const years = body.years as Array<Record<string, unknown>>;
    expect(years.length).toBeGreaterThan(3);
    for (const y of years) {
      expect(y.fy).toMatch(/^\d{4}-\d{2}$/);
      for (const k of ["smeValuePence", "knownValuePence", "unknownValuePence"]) expect(y[k]).toMatch(/^\d+$/);
      expect(y.share === null || (typeof y.share === "number" && y.share >= 0 && y.share <= 1)).toBe(true);
      expect(Number.isInteger(y.contracts)).toBe(true);
    }
  });

  it("consultancy: annualised by default, with the pledge in force and per-year trajectory", async () => {
    const body = JSON.parse(toJsonText(await consultancyApi(t.db, sp({}), { now: NOW }))) as Record<string, unknown>;
    expect(body).toMatchObject({ view: "annualised", baselineFrom: "2017-18", baselineTo: "2022-23", targetFy: "2025-26" });
    expect(body.baselinePence).toMatch(/^\d+$/);
    expect(BigInt(body.targetPence as string)).toBe(BigInt(body.baselinePence as string) / 2n);
    const years = body.years as Array<Record<string, unknown>>;
    expect(years.find((y) => y.fy === "2025-26")?.trajectoryPence).toBe(body.targetPence);
    const other = await consultancyApi(t.db, sp({ baselineFrom: "2020-21", baselineTo: "2020-21", targetFy: "2023-24" }), { now: NOW });
    expect(other.baselineFrom).toBe("2020-21");
    expect(other.years.find((y) => y.fy === "2020-21")?.spendPence).toBe(other.baselinePence);
  });

  it("concentration: a year's total, HHI and top 10 with shares", async () => {
    const body = await concentrationApi(t.db, sp({ fy: "2023-24" }));
    expect(body.fy).toBe("2023-24");
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
    const d = await smeDashboard(t.db, sp({ view: "annualised" }));
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
    const api = await smeShareApi(t.db, sp({}));
    const d = await smeDashboard(t.db, sp({}));
    const chart = d.charts.find((c) => c.id === "sme-share-by-year")!;
    expect(chart.points.map((p) => [p.x, p.values.share])).toEqual(
      api.years.map((y) => [y.fy, y.share === null ? null : Math.round(y.share * 10_000) / 100]),
    );
  });

  it("links every bar to the register with the register's own filter names", async () => {
    const d = await smeDashboard(t.db, sp({ buyerType: "central", cpv: "72", view: "annualised" }));
    const link = d.charts[1]!.points[0]!.links!.sme!;
    const q = new URL(link, "http://x").searchParams;
    expect(Object.fromEntries(q)).toMatchObject({ buyerType: "central", cpv: "72", scale: "sme" });
    expect(q.get("activeFy")).toMatch(/^\d{4}-\d{2}$/);
    const a = await smeDashboard(t.db, sp({}));
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
