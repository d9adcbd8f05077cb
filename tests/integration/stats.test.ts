/**
 * Dashboards: the SQL path (rollups in PostgreSQL, read through the services)
 * against the pure path (the domain metric functions over the same fixture's
 * contracts, compiled in memory), to the penny; the rollups against their base
 * tables after later writes; and the register totals behind the chart links.
 */
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileReleases } from "../../app/domain/ocds/compile";
import { mapCompiledRelease } from "../../app/domain/ocds/map";
import { concentration } from "../../app/domain/metrics/concentration";
import { DEFAULT_METRICS_CONFIG } from "../../app/domain/metrics/config";
import { classifyConsultancy } from "../../app/domain/metrics/consultancy";
import { fyLabel, fyOf, parseFyLabel } from "../../app/domain/metrics/fy";
import { computePledge } from "../../app/domain/metrics/pledge";
import { resolveScale, scaleClass } from "../../app/domain/metrics/scale";
import { smeShare } from "../../app/domain/metrics/sme-share";
import { type SpendBreakdown, spendBreakdown } from "../../app/domain/metrics/spend-lines";
import { organisationKey } from "../../app/domain/organisations";
import type { ContractState, OcdsRelease, Scale } from "../../app/domain/types";
import { ingestReleases } from "../../app/services/ingest.server";
import { searchContracts } from "../../app/services/register.server";
import { concentrationApi, consultancyApi, consultancyDashboard, smeDashboard, smeShareApi } from "../../app/services/stats.server";
import { generateDemo } from "../../seeds/generate";
import { loadDemo } from "../../seeds/load";
import { openTestDatabase, type TestDb } from "../setup/test-db";

const N = 1200;
const SEED = 5;
const TODAY = new Date("2025-09-15T00:00:00Z");
const NOW = new Date("2025-09-15T12:00:00Z");

interface PureContract {
  ocid: string;
  buyerKey: string | null;
  buyerType: string | null;
  cpv: string | null;
  consultancy: boolean;
  b: SpendBreakdown;
}

let t: TestDb;
const pure: PureContract[] = [];
const keyById = new Map<string, string>();
const idByKey = new Map<string, string>();
const groupOfKey = new Map<string, string>();

beforeAll(async () => {
  t = await openTestDatabase("stats");
  await loadDemo(t.db, { contracts: N, seed: SEED, today: TODAY });

  // The pure path: the same generated releases, compiled in memory; scales and
  // organisations resolved as the register does, from the demo's register entries.
  const demo = generateDemo({ contracts: N, seed: SEED, today: TODAY });
  const orgKey = (o: (typeof demo.suppliers)[number]) =>
    organisationKey({
      partyId: o.key,
      name: o.name,
      scheme: o.scheme,
      identifier: o.identifier,
      scale: null,
      orgType: null,
      buyerType: null,
      countryCode: o.countryCode,
      region: o.region,
      postcode: o.postcode,
    });
  const registerScale = new Map<string, Scale>();
  for (const o of demo.suppliers) {
    registerScale.set(orgKey(o), o.scale ?? "unknown");
    if (o.groupKey) groupOfKey.set(orgKey(o), o.groupKey);
  }
  const buyerTypes = new Map(demo.buyers.map((o) => [orgKey(o), o.buyerType]));
  for (const rels of demo.processes()) {
    const s: ContractState = mapCompiledRelease(compileReleases(rels as OcdsRelease[]), rels as OcdsRelease[]);
    const buyerKey = s.buyer ? organisationKey(s.buyer) : null;
    const cls = classifyConsultancy({ explicit: s.consultancyExplicit, cpvCodes: s.cpvCodes.map((c) => c.code) });
    const b = spendBreakdown({
      currentValuePence: s.currentValuePence,
      currency: s.currency,
      awardDate: s.awardDate,
      startDate: s.startDate,
      endDate: s.endDate,
      awards: s.awards.map((a) => ({
        id: a.id,
        status: a.status,
        valuePence: a.valuePence,
        suppliers: a.suppliers.map((sup) => {
          const key = organisationKey(sup.party, { buyerKey });
          return {
            key,
            publishedValuePence: sup.valuePence,
            scaleClass: scaleClass(resolveScale(sup.party.scale, registerScale.get(key) ?? null)),
          };
        }),
      })),
      contracts: s.contracts.map((c) => ({ awardId: c.awardId, status: c.status, valuePence: c.valuePence })),
    });
    pure.push({
      ocid: s.ocid,
      buyerKey,
      buyerType: (buyerKey ? buyerTypes.get(buyerKey) : null) ?? s.buyer?.buyerType ?? null,
      cpv: s.cpv,
      consultancy: cls.consultancy,
      b,
    });
  }
  const orgs = await t.db.selectFrom("organisations").select(["id", "key"]).execute();
  for (const o of orgs) {
    keyById.set(o.id.toString(), o.key);
    idByKey.set(o.key, o.id.toString());
  }
});

afterAll(async () => {
  await t?.close();
});

type View = "awarded" | "annualised";

/** Pure: per-year GBP line values of the contracts a predicate keeps. */
function pureYears(view: View, keep: (c: PureContract) => boolean) {
  const years = new Map<
    number,
    { lines: { scaleClass: "sme" | "large" | "unknown"; valuePence: bigint; key: string }[]; contracts: number; nonGbp: number; missingValue: number; fallback: number }
  >();
  const at = (fy: number) => {
    let y = years.get(fy);
    if (!y) {
      y = { lines: [], contracts: 0, nonGbp: 0, missingValue: 0, fallback: 0 };
      years.set(fy, y);
    }
    return y;
  };
  // A GBP contract's missing inputs, counted once per year it is in (as the rollups do).
  const gaps = (y: { missingValue: number; fallback: number }, c: PureContract) => {
    if (c.b.missingValue) y.missingValue++;
    if (c.b.annualiseMethod === "awarded") y.fallback++;
  };
  for (const c of pure) {
    if (!keep(c) || c.b.lines.length === 0) continue;
    if (view === "awarded") {
      if (c.b.awardedFy === null) continue;
      const y = at(c.b.awardedFy);
      if (!c.b.gbp) {
        y.nonGbp++;
        continue;
      }
      y.contracts++;
      gaps(y, c);
      for (const l of c.b.lines) y.lines.push({ scaleClass: l.scaleClass, valuePence: l.valuePence, key: l.key });
    } else {
      const fys = new Set<number>();
      for (const l of c.b.lines) {
        for (const a of l.annual) {
          fys.add(a.fy);
          if (c.b.gbp) at(a.fy).lines.push({ scaleClass: l.scaleClass, valuePence: a.pence, key: l.key });
        }
      }
      for (const fy of fys) {
        if (c.b.gbp) {
          at(fy).contracts++;
          gaps(at(fy), c);
        } else at(fy).nonGbp++;
      }
    }
  }
  return new Map([...years.entries()].sort((a, b) => a[0] - b[0]));
}

/** Today's financial year in these tests (NOW is in 2025-26): later years are committed, not yet spent. */
const CURRENT_FY = 2025;
const statusOf = (fy: number) => (fy < CURRENT_FY ? "complete" : fy === CURRENT_FY ? "partial" : "committed");

function pureSme(view: View, keep: (c: PureContract) => boolean) {
  return [...pureYears(view, keep).entries()].map(([fy, y]) => {
    const s = smeShare(y.lines);
    return {
      fy: fyLabel(fy),
      smeValuePence: s.smeValuePence,
      knownValuePence: s.knownValuePence,
      unknownValuePence: s.unknownValuePence,
      share: s.share,
      coverage: s.coverage,
      uncertain: s.uncertain,
      contracts: y.contracts,
      nonGbpContracts: y.nonGbp,
      missingValueContracts: y.missingValue,
      fallbackContracts: y.fallback,
      yearStatus: statusOf(fy),
    };
  });
}

const sp = (q: Record<string, string>) => new URLSearchParams(q);
const someBuyer = () => {
  const counts = new Map<string, number>();
  for (const c of pure) if (c.buyerKey && c.b.lines.length) counts.set(c.buyerKey, (counts.get(c.buyerKey) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
};

describe(`dashboards: SQL path = pure path (${process.env.TEST_DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("has spend lines that add up to the current value of every GBP contract", async () => {
    const r = await sql<{ a: string; b: string }>`
      select (select coalesce(sum(value_pence), 0)::text from spend_lines where gbp) as a,
             (select coalesce(sum(current_value_pence), 0)::text from processes
               where currency = 'GBP' and ocid in (select ocid from spend_lines)) as b`.execute(t.db);
    expect(r.rows[0]!.a).toBe(r.rows[0]!.b);
    const pureTotal = pure.reduce((s, c) => s + (c.b.gbp ? c.b.lines.reduce((x, l) => x + l.valuePence, 0n) : 0n), 0n);
    expect(BigInt(r.rows[0]!.a)).toBe(pureTotal);
  });

  it("SME share by year, both views, for all buyers, one buyer, one buyer type and a CPV category", async () => {
    const buyerKey = someBuyer();
    const buyerId = idByKey.get(buyerKey)!;
    const counts = new Map<string, number>();
    for (const c of pure) if (c.cpv && c.b.lines.length) counts.set(c.cpv.slice(0, 5), (counts.get(c.cpv.slice(0, 5)) ?? 0) + 1);
    const cpv5 = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    const cases: Array<[Record<string, string>, (c: PureContract) => boolean]> = [
      [{}, () => true],
      [{ buyer: buyerId }, (c) => c.buyerKey === buyerKey],
      [{ buyerType: "local" }, (c) => c.buyerType === "local"],
      [{ cpv: "72" }, (c) => (c.cpv ?? "").startsWith("72")],
      // longer than the rollups' four digits: answered from the spend tables themselves
      [{ cpv: cpv5 }, (c) => (c.cpv ?? "").startsWith(cpv5)],
      [{ buyer: buyerId, cpv: "72" }, (c) => c.buyerKey === buyerKey && (c.cpv ?? "").startsWith("72")],
      [{ from: "2021-22", to: "2023-24" }, () => true],
    ];
    for (const view of ["awarded", "annualised"] as const) {
      for (const [q, keep] of cases) {
        const api = await smeShareApi(t.db, sp({ ...q, view }), { now: NOW });
        let expected = pureSme(view, keep);
        if (q.from) expected = expected.filter((y) => y.fy >= q.from! && y.fy <= q.to!);
        // Measured years up to today's (2025-26, partial); later ones apart, as committed.
        expect(api.years, `${view} ${JSON.stringify(q)}`).toEqual(expected.filter((y) => y.yearStatus !== "committed"));
        expect(api.committedYears, `${view} ${JSON.stringify(q)} committed`).toEqual(expected.filter((y) => y.yearStatus === "committed"));
        if (view === "annualised" && Object.keys(q).length === 0) expect(api.committedYears.length).toBeGreaterThan(0);
      }
    }
  });

  it("SME share by quarter adds up to the year", async () => {
    const d = await smeDashboard(t.db, sp({}), { now: NOW });
    const quarters = d.charts.find((c) => c.id === "sme-share-by-quarter")!;
    const year = pureYears("awarded", () => true);
    for (const [fy, y] of year) {
      if (fy > CURRENT_FY) continue;
      const inYear = quarters.points.filter((p) => p.x.startsWith(fyLabel(fy)));
      const contracts = inYear.reduce((s, p) => s + Number((p.extra?.contracts ?? "0").replace(/,/g, "")), 0);
      expect(contracts).toBe(y.contracts);
    }
  });

  it("consultancy spend, baseline, target, trajectory and on-track status", async () => {
    const buyerKey = someBuyer();
    for (const view of ["annualised", "awarded"] as const) {
      for (const [q, inScope] of [
        [{}, () => true],
        [{ buyer: idByKey.get(buyerKey)! }, (c: PureContract) => c.buyerKey === buyerKey],
        [{ baselineFrom: "2019-20", baselineTo: "2021-22", targetFy: "2024-25" }, () => true],
      ] as const) {
        const api = await consultancyApi(t.db, sp({ ...q, view }), { now: NOW });
        const pledge = {
          baselineFrom: q && "baselineFrom" in q ? parseFyLabel(q.baselineFrom)! : DEFAULT_METRICS_CONFIG.pledge.baselineFrom,
          baselineTo: q && "baselineTo" in q ? parseFyLabel(q.baselineTo)! : DEFAULT_METRICS_CONFIG.pledge.baselineTo,
          targetFy: q && "targetFy" in q ? parseFyLabel(q.targetFy)! : DEFAULT_METRICS_CONFIG.pledge.targetFy,
        };
        const years = pureYears(view, (c) => inScope(c) && c.consultancy);
        // The register's contracts of any kind in the same scope decide whether a year has data.
        const scope = pureYears(view, (c) => inScope(c));
        const fys = new Set([...years.keys(), ...scope.keys()]);
        const expected = computePledge(
          [...fys].map((fy) => ({
            fy,
            spendPence: (years.get(fy)?.lines ?? []).reduce((s, l) => s + l.valuePence, 0n),
            contracts: years.get(fy)?.contracts ?? 0,
            registerContracts: (scope.get(fy)?.contracts ?? 0) + (scope.get(fy)?.nonGbp ?? 0),
          })),
          pledge,
          { currentFy: CURRENT_FY },
        );
        expect(api.baselinePence).toBe(expected.baselinePence);
        expect(api.targetPence).toBe(expected.targetPence);
        expect(api.baselineYearsMissing).toEqual(expected.baselineYearsMissing.map(fyLabel));
        expect(api.years).toEqual(
          expected.years.map((y) => ({
            fy: fyLabel(y.fy),
            spendPence: y.status === "committed" || !y.hasData ? null : y.spendPence,
            trajectoryPence: y.trajectoryPence,
            onTrack: y.onTrack,
            contracts: y.contracts,
            yearStatus: y.status,
            committedPence: y.status === "committed" && y.hasData ? y.spendPence : null,
            registerContracts: y.registerContracts,
            missingValueContracts: years.get(y.fy)?.missingValue ?? 0,
            fallbackContracts: years.get(y.fy)?.fallback ?? 0,
            nonGbpContracts: years.get(y.fy)?.nonGbp ?? 0,
          })),
        );
        // The chart plots the API's numbers: measured spend, committed value apart, and the same trajectory
        // (at the last baseline year too, where the line starts at the baseline).
        const d = await consultancyDashboard(t.db, sp({ ...q, view }), { now: NOW });
        const points = d.charts[0]!.points;
        expect(points.map((p) => p.x)).toEqual(api.years.map((y) => y.fy));
        points.forEach((p, i) => {
          const y = api.years[i]!;
          const pounds = (v: bigint | null) => (v === null ? null : Number(v) / 100);
          expect(p.values.spend, `${view} ${p.x} spend`).toBe(pounds(y.spendPence));
          expect(p.values.trajectory, `${view} ${p.x} trajectory`).toBe(pounds(y.trajectoryPence));
          expect(p.values.committed ?? null, `${view} ${p.x} committed`).toBe(pounds(y.committedPence));
        });
        const atBaselineTo = api.years.find((y) => y.fy === fyLabel(pledge.baselineTo));
        if (api.baselinePence !== null) expect(atBaselineTo?.trajectoryPence).toBe(api.baselinePence);
        expect(api.years.filter((y) => y.yearStatus === "committed").every((y) => y.onTrack === null && y.spendPence === null)).toBe(true);
        expect(api.years.find((y) => y.fy === "2025-26")?.yearStatus).toBe("partial");
        if (view === "annualised" && Object.keys(q).length === 0) {
          // the demonstration data has contracts running past today: those years are committed, not measured
          expect(api.years.some((y) => y.yearStatus === "committed" && y.committedPence !== null && y.committedPence > 0n)).toBe(true);
        }
      }
    }
  });

  it("concentration (top 10 and HHI) per year and over all years, by supplier and by group", async () => {
    for (const view of ["awarded", "annualised"] as const) {
      const years = pureYears(view, () => true);
      for (const by of ["supplier", "group"] as const) {
        const idOf = (key: string) => (by === "group" && groupOfKey.has(key) ? `g:${groupOfKey.get(key)}` : key);
        const all: { id: string; name: string; valuePence: bigint }[] = [];
        for (const [fy, y] of years) {
          const rows = y.lines.map((l) => ({ id: idOf(l.key), name: l.key, valuePence: l.valuePence }));
          all.push(...rows);
          const expected = concentration(rows, 10);
          const api = await concentrationApi(t.db, sp({ view, by, fy: fyLabel(fy) }), { now: NOW });
          expect(api.totalPence, `${view} ${by} ${fy}`).toBe(expected.totalPence);
          expect(api.hhi).toBe(expected.hhi);
          expect(api.top.map((x) => x.valuePence)).toEqual(expected.top.map((x) => x.valuePence));
          expect(api.topShare).toBe(expected.topShare);
          const yearRow = (await concentrationApi(t.db, sp({ view, by }), { now: NOW })).years.find((x) => x.fy === fyLabel(fy));
          expect(yearRow?.hhi).toBe(expected.hhi);
          expect(yearRow?.topShare).toBe(expected.topShare);
          expect(yearRow?.contracts).toBe(y.contracts);
          expect(yearRow?.missingValueContracts).toBe(y.missingValue);
          expect(yearRow?.fallbackContracts).toBe(y.fallback);
          expect(yearRow?.yearStatus).toBe(statusOf(fy));
        }
        const expected = concentration(all, 10);
        const api = await concentrationApi(t.db, sp({ view, by }), { now: NOW });
        expect(api.totalPence).toBe(expected.totalPence);
        expect(api.hhi).toBe(expected.hhi);
        expect(api.top.map((x) => x.valuePence)).toEqual(expected.top.map((x) => x.valuePence));
        if (by === "supplier") {
          // names: the supplier keys behind the top entries (where values are not tied)
          const unique = expected.top.filter((x) => expected.top.filter((y) => y.valuePence === x.valuePence).length === 1);
          for (const u of unique) {
            const got = api.top.find((x) => x.valuePence === u.valuePence);
            expect(keyById.get(got!.id)).toBe(u.id);
          }
        }
      }
    }
  });
});

describe("register totals behind the chart links", () => {
  /** The total the register page itself states for a chart's link (the page's own service). */
  async function total(href: string) {
    const url = new URL(href, "http://x");
    const r = await searchContracts(t.db, url.searchParams, NOW, 1);
    expect(r.total, href).not.toBeNull();
    return r.total!;
  }

  it("equal every bar of the consultancy and SME value charts, in both views", async () => {
    for (const view of ["awarded", "annualised"] as const) {
      const c = await consultancyDashboard(t.db, sp({ view }), { now: NOW });
      const chart = c.charts[0]!;
      let checked = 0;
      for (const p of chart.points) {
        // A measured bar, or (a later year) the bar of value committed but not yet spent.
        for (const key of ["spend", "committed"]) {
          const href = p.links?.[key];
          if (!href) continue;
          const r = await total(href);
          expect(r.valuePence, `${view} ${p.x} ${key}`).toBe(BigInt(Math.round((p.values[key] ?? 0) * 100)));
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(3);
      const s = await smeDashboard(t.db, sp({ view }), { now: NOW });
      const value = s.charts.find((x) => x.id === "sme-value-by-year")!;
      for (const p of value.points) {
        for (const key of ["sme", "large", "unknown"]) {
          const r = await total(p.links![key]!);
          expect(r.attributedPence, `${view} ${p.x} ${key}`).toBe(BigInt(Math.round((p.values[key] ?? 0) * 100)));
        }
      }
    }
  });

  it("equal a supplier's bar in the concentration chart", async () => {
    const d = await concentrationApi(t.db, sp({ fy: "2023-24" }), { now: NOW });
    const top = d.top[0]!;
    const r = await total(`/contracts?supplier=${top.id}&fy=2023-24`);
    expect(r.attributedPence).toBe(top.valuePence);
    expect(r.valuePence >= r.attributedPence).toBe(true);
  });
});

describe("rollups maintained on write", () => {
  async function rollupMismatches(): Promise<number> {
    // Every rollup cell equals the same GROUP BY over the base tables (cells that fell to zero aside).
    const r = await sql<{ n: number }>`
      with base as (
        select 'awarded'::text as view, fy, quarter, buyer_type, left(cpv, 4) as cpv4, consultancy, scale_class, gbp,
          sum(value_pence)::int8 as v, count(*) filter (where first_line)::int8 as c
        from spend_lines where fy is not null group by 1,2,3,4,5,6,7,8
        union all
        select 'annualised', fy, 0::smallint, buyer_type, left(cpv, 4), consultancy, scale_class, gbp,
          sum(value_pence)::int8, count(*) filter (where first_line)::int8
        from spend_annual group by 1,2,3,4,5,6,7,8
      ), cube as (select * from spend_cube where contracts <> 0 or value_pence <> 0),
      top as (select view, fy, quarter, buyer_type, consultancy, scale_class, gbp, sum(v)::int8 as v, sum(c)::int8 as c
              from base group by 1,2,3,4,5,6,7),
      cubetop as (select * from spend_cube_top where contracts <> 0 or value_pence <> 0)
      select (select count(*) from base full join cube using (view, fy, quarter, buyer_type, cpv4, consultancy, scale_class, gbp)
               where base.v is distinct from cube.value_pence or base.c is distinct from cube.contracts)::int
           + (select count(*) from top full join cubetop using (view, fy, quarter, buyer_type, consultancy, scale_class, gbp)
               where top.v is distinct from cubetop.value_pence or top.c is distinct from cubetop.contracts)::int as n`.execute(t.db);
    const s = await sql<{ n: number }>`
      with base as (
        select 'awarded'::text as view, fy, supplier_id, sum(value_pence)::int8 as v from spend_lines where gbp and fy is not null group by 1,2,3
        union all select 'annualised', fy, supplier_id, sum(value_pence)::int8 from spend_annual where gbp group by 1,2,3
      ), allyears as (select view, 0::smallint as fy, supplier_id, sum(v)::int8 as v from base group by 1,3),
      want as (select * from base union all select * from allyears),
      conc as (select view, fy, sum(v) filter (where v > 0) as total, sum(v::numeric * v) filter (where v > 0) as sq,
                count(*) filter (where v > 0) as n from want group by 1,2)
      select (select count(*) from want full join (select * from spend_supplier_total where value_pence <> 0) t using (view, fy, supplier_id)
               where want.v is distinct from t.value_pence and coalesce(want.v, 0) <> coalesce(t.value_pence, 0))::int
           + (select count(*) from conc join spend_concentration c using (view, fy)
               where conc.total <> c.total_pence or conc.sq <> c.sum_squares or conc.n <> c.suppliers)::int as n`.execute(t.db);
    const b = await sql<{ n: number }>`
      with base as (
        select 'annualised'::text as view, 0::smallint as fy, coalesce(buyer_id, 0) as buyer_id, buyer_type, consultancy, scale_class, gbp,
          sum(value_pence)::int8 as v, count(*) filter (where first_line and first_year)::int8 as c
        from spend_annual group by 1,2,3,4,5,6,7
      )
      select count(*)::int as n from base join spend_buyer_fy x using (view, fy, buyer_id, buyer_type, consultancy, scale_class, gbp)
      where base.v <> x.value_pence or base.c <> x.contracts`.execute(t.db);
    return r.rows[0]!.n + s.rows[0]!.n + b.rows[0]!.n;
  }

  it("holds right after bulk loading", async () => {
    expect(await rollupMismatches()).toBe(0);
  });

  it("follows a new release that changes a contract's value, and the figures move by exactly that", async () => {
    const row = await t.db
      .selectFrom("processes")
      .select(["ocid", "award_fy", "current_value_pence"])
      .where("consultancy", "=", true)
      .where("currency", "=", "GBP")
      .where("award_fy", "=", 2023)
      .orderBy("ocid")
      .executeTakeFirstOrThrow();
    const before = await consultancyApi(t.db, sp({ view: "awarded" }), { now: NOW });
    const beforeYear = before.years.find((y) => y.fy === "2023-24")!;
    const releases = await t.db.selectFrom("releases").select(["data"]).where("ocid", "=", row.ocid).orderBy("date", "desc").execute();
    const raw = releases[0]!.data as unknown;
    const last = (typeof raw === "string" ? JSON.parse(raw) : raw) as OcdsRelease & { contracts?: Array<Record<string, unknown>> };
    const amended = structuredClone(last) as OcdsRelease & { contracts?: Array<Record<string, unknown>> };
    amended.id = `${last.id}-test-amendment`;
    amended.date = "2025-01-10T10:00:00Z";
    amended.tag = ["contractAmendment"];
    const contract = amended.contracts?.[0] as { value: { amount: number; currency: string } } | undefined;
    expect(contract).toBeDefined();
    const oldAmount = contract!.value.amount;
    contract!.value = { amount: oldAmount + 1234.56, currency: "GBP" };
    await t.db.transaction().execute((trx) => ingestReleases(trx, [amended], { source: "test" }));
    const after = await consultancyApi(t.db, sp({ view: "awarded" }), { now: NOW });
    const afterYear = after.years.find((y) => y.fy === "2023-24")!;
    const current = await t.db.selectFrom("processes").select("current_value_pence").where("ocid", "=", row.ocid).executeTakeFirstOrThrow();
    expect(afterYear.spendPence! - beforeYear.spendPence!).toBe(current.current_value_pence! - row.current_value_pence!);
    expect(afterYear.contracts).toBe(beforeYear.contracts);
    expect(await rollupMismatches()).toBe(0);
  });

  it("counts a newly imported contract, then splits it again when a later release adds a supplier and extends it", async () => {
    const before = await smeShareApi(t.db, sp({ view: "awarded" }), { now: NOW });
    const release: OcdsRelease = {
      ocid: "ocds-test-stats-1",
      id: "r1",
      date: "2024-06-01T09:00:00Z",
      tag: ["award", "contract"],
      initiationType: "tender",
      parties: [
        { id: "B1", name: "Test Borough Council", roles: ["buyer"], details: { x_buyerType: "local" } },
        { id: "S1", name: "Tiny Test Ltd", roles: ["supplier"], details: { scale: "micro" } },
      ],
      buyer: { id: "B1", name: "Test Borough Council" },
      tender: { id: "t1", title: "Test service", status: "complete", classification: { scheme: "CPV", id: "72000000" } },
      awards: [{ id: "a1", status: "active", date: "2024-04-01", value: { amount: 1000.01, currency: "GBP" }, suppliers: [{ id: "S1", name: "Tiny Test Ltd" }] }],
      contracts: [{ id: "c1", awardID: "a1", status: "active", value: { amount: 1000.01, currency: "GBP" }, period: { startDate: "2024-04-01", endDate: "2025-03-31" } }],
    };
    await t.db.transaction().execute((trx) => ingestReleases(trx, [release], { source: "test" }));
    const after = await smeShareApi(t.db, sp({ view: "awarded" }), { now: NOW });
    const y = (api: typeof before) => api.years.find((x) => x.fy === "2024-25")!;
    expect(y(after).smeValuePence - y(before).smeValuePence).toBe(100_001n);
    expect(y(after).contracts - y(before).contracts).toBe(1);
    // Award date "2024-04-01" is stored as 2024-03-31T23:00Z (start of the day, London): still 2024-25.
    const p = await t.db.selectFrom("processes").select(["award_date", "award_fy"]).where("ocid", "=", release.ocid).executeTakeFirstOrThrow();
    expect(new Date(p.award_date!).toISOString()).toBe("2024-03-31T23:00:00.000Z");
    expect(p.award_fy).toBe(2024);
    const annual = await t.db.selectFrom("spend_annual").select(["fy", "value_pence"]).where("ocid", "=", release.ocid).execute();
    expect(annual).toEqual([{ fy: 2024, value_pence: 100_001n }]);
    expect(await rollupMismatches()).toBe(0);

    // A later release adds a large supplier and extends the contract by a year.
    const r2: OcdsRelease = {
      ...release,
      id: "r2",
      date: "2024-07-01T09:00:00Z",
      tag: ["awardUpdate", "contractAmendment"],
      parties: [...(release.parties as object[]), { id: "S2", name: "Big Test plc", roles: ["supplier"], details: { scale: "large" } }],
      awards: [
        {
          id: "a1",
          status: "active",
          date: "2024-04-01",
          value: { amount: 1000.01, currency: "GBP" },
          suppliers: [
            { id: "S1", name: "Tiny Test Ltd" },
            { id: "S2", name: "Big Test plc" },
          ],
        },
      ],
      contracts: [{ id: "c1", awardID: "a1", status: "active", value: { amount: 1000.01, currency: "GBP" }, period: { startDate: "2024-04-01", endDate: "2026-03-31" } }],
    };
    await t.db.transaction().execute((trx) => ingestReleases(trx, [r2], { source: "test" }));
    const later = await smeShareApi(t.db, sp({ view: "awarded" }), { now: NOW });
    // 100001p split equally: 50001p (the leftover penny to the first supplier, the SME) and 50000p (large).
    expect(y(later).smeValuePence - y(before).smeValuePence).toBe(50_001n);
    expect(y(later).knownValuePence - y(before).knownValuePence).toBe(100_001n);
    expect(y(later).contracts - y(before).contracts).toBe(1);
    // Annualised over 1 April 2024 – 31 March 2026: 365 days in 2024-25 and 365 in 2025-26 (no 29 February), 730 in all.
    // SME line 50001p: 2024-25 floor(50001 × 365 ÷ 730) = floor(25000.5) = 25000; 2025-26 the rest, 25001.
    // Large line 50000p: 2024-25 floor(50000 × 365 ÷ 730) = 25000; 2025-26 the rest, 25000.
    const lines = await t.db
      .selectFrom("spend_annual")
      .select(["line", "fy", "scale_class", "value_pence"])
      .where("ocid", "=", release.ocid)
      .orderBy("line")
      .orderBy("fy")
      .execute();
    expect(lines).toEqual([
      { line: 0, fy: 2024, scale_class: "sme", value_pence: 25_000n },
      { line: 0, fy: 2025, scale_class: "sme", value_pence: 25_001n },
      { line: 1, fy: 2024, scale_class: "large", value_pence: 25_000n },
      { line: 1, fy: 2025, scale_class: "large", value_pence: 25_000n },
    ]);
    expect(await rollupMismatches()).toBe(0);
  });
});

describe("register_fy (SQL) agrees with fyOf (TypeScript)", () => {
  it("on boundary instants and random instants since 1997", async () => {
    const fixed = ["2024-03-31T22:59:59Z", "2024-03-31T23:00:00Z", "2025-03-31T23:30:00Z", "2025-01-01T00:00:00Z", "2024-12-31T23:59:59Z"];
    const random = fc.sample(fc.integer({ min: Date.UTC(1997, 0, 1), max: Date.UTC(2060, 0, 1) }), 300).map((ms) => new Date(ms).toISOString());
    const all = [...fixed, ...random];
    const r = await sql<{ i: number; fy: number }>`
      select i::int, register_fy(ts::timestamptz)::int as fy from unnest(${all}::text[]) with ordinality as u(ts, i)`.execute(t.db);
    for (const row of r.rows) expect(row.fy, all[row.i - 1]).toBe(fyOf(all[row.i - 1]!));
  });
});
