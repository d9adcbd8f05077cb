/**
 * Dashboards: SME share, the consultancy pledge, concentration, buyer and
 * supplier profiles and the headline figures. Each use case parses its URL
 * parameters (a 400 names a bad one), asks PostgreSQL for the aggregates
 * (db/queries/stats.ts) and applies the pure metric definitions
 * (app/domain/metrics) to them, so the pages, the CSV downloads and the API
 * show the same numbers. Charts are plain data (ChartData) rendered by
 * app/components/charts.
 */
import { z } from "zod";
import type { DB } from "../../db/client";
import {
  buyerExists,
  buyersWithSpend,
  type ConcentrationTopRow,
  concentrationByYear,
  concentrationOver,
  type CubeRow,
  recentContracts,
  type SpendFilter,
  spendByBuyer,
  spendBySupplier,
  spendCube,
  supplierBuyers,
  supplierChanges,
  supplierYears,
  undatedContracts,
  type View,
  yearsWithData,
} from "../../db/queries/stats";
import { getOrganisation } from "../../db/queries/register";
import type { ChartData, ChartPoint } from "../components/charts/types";
import { ratio } from "../domain/metrics/arith";
import { hhiFromSums, isHighlyConcentrated } from "../domain/metrics/concentration";
import { DEFAULT_METRICS_CONFIG, type MetricsConfig, metricsConfigKey, orgIdentifierOf, smeTargetFor } from "../domain/metrics/config";
import { addInputCounts, countAndShare, describeInputCoverage, type InputCounts, inputCoverage } from "../domain/metrics/coverage";
import { chartCaptions, percent } from "../domain/metrics/definitions";
import { fyLabel, fyOf, parseFyLabel } from "../domain/metrics/fy";
import {
  computePledge,
  type PledgeConfig,
  type PledgeResult,
  type PledgeYear,
  REFERENCE_LINES,
  validatePledgeConfig,
  type YearStatus,
  yearStatus,
} from "../domain/metrics/pledge";
import { smeShare, type SmeShareResult } from "../domain/metrics/sme-share";
import { formatHeadline, formatPounds, formatShare } from "../domain/money";
import { BUYER_TYPES } from "../domain/types";
import { buyerTypeLabel, formatCount } from "../lib/format";
import { type ParamError, parseParams, searchParamsObject } from "../lib/params";
import { BadRequest } from "./register.server";

// ---------------------------------------------------------------------------
// Cache: results keyed by the data version (bumped by every write to the spend
// tables, in the writing transaction), so a cached figure is never stale.

const CACHE_ENTRIES = 400;
const caches = new WeakMap<object, Map<string, { version: string; value: unknown }>>();

/** Caching is on unless STATS_CACHE=off (the benchmark measures both). */
const cacheOn = () => process.env.STATS_CACHE !== "off";

async function dataVersion(db: DB): Promise<string | null> {
  const r = await db.selectFrom("spend_version").select("version").executeTakeFirst();
  return r ? String(r.version) : null;
}

/** Compute once per data version and key; transactions (which may see uncommitted data) bypass it. */
export async function cached<T>(db: DB, key: string, compute: () => Promise<T>): Promise<T> {
  if (!cacheOn() || db.isTransaction) return compute();
  const version = await dataVersion(db);
  if (version === null) return compute();
  let map = caches.get(db);
  if (!map) {
    map = new Map();
    caches.set(db, map);
  }
  const hit = map.get(key);
  if (hit && hit.version === version) {
    map.delete(key);
    map.set(key, hit);
    return hit.value as T;
  }
  const value = await compute();
  map.set(key, { version, value });
  if (map.size > CACHE_ENTRIES) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
  return value;
}

const keyOf = (name: string, sp: URLSearchParams, extra = "") => {
  const sorted = new URLSearchParams([...sp.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  return `${name}?${sorted.toString()}#${extra}`;
};

/**
 * What every dashboard use case is computed with besides its URL: the metric
 * configuration in force (context.env.metrics; the defaults when not given)
 * and the clock (today's financial year caps the measured years).
 */
export interface StatsOptions {
  config?: MetricsConfig | undefined;
  now?: Date | undefined;
}

function optionsOf(opts: StatsOptions) {
  const config = opts.config ?? DEFAULT_METRICS_CONFIG;
  const now = opts.now ?? new Date();
  const currentFy = fyOf(now);
  // The cache key carries both, so a different configuration or a new financial year never reads another's figures.
  return { config, now, currentFy, key: `${metricsConfigKey(config)}|${currentFy}` };
}

/** "Complete", "Partial (to date)", "Committed, not yet spent": a year's status as a table cell. */
export function yearStatusText(status: YearStatus): string {
  return status === "complete" ? "Complete" : status === "partial" ? "Year in progress (to date)" : "Committed, not yet spent";
}

/** A point's note for the year's status ("" for a complete year). */
function statusNote(status: YearStatus): string | undefined {
  return status === "partial" ? "year in progress: to date" : status === "committed" ? "committed, not yet spent" : undefined;
}

const joinNotes = (...notes: (string | undefined)[]) => {
  const list = notes.filter((n): n is string => !!n);
  return list.length ? { note: list.join("; ") } : {};
};

/** Input counts of cube rows (contracts in GBP totals, those with no value, those annualised by award date). */
function countsOf(rows: readonly CubeRow[]): InputCounts {
  return addInputCounts(rows.map((x) => ({ contracts: x.contracts, missingValueContracts: x.missingValue, fallbackContracts: x.fallback })));
}

/** Table cells for the missing inputs of a figure: no value always, no dates in the annualised view. */
function coverageCells(c: InputCounts, view: View): Record<string, string> {
  return {
    noValue: countAndShare(c.missingValueContracts, c.contracts),
    ...(view === "annualised" ? { noDates: countAndShare(c.fallbackContracts, c.contracts) } : {}),
  };
}

function coverageColumns(view: View) {
  return [
    { key: "noValue", label: "No value published", numeric: true },
    ...(view === "annualised" ? [{ key: "noDates", label: "No dates: award year used", numeric: true }] : []),
  ];
}

// ---------------------------------------------------------------------------
// Parameters

const fyParam = z.string().refine((v) => parseFyLabel(v) !== null, { message: "must be a financial year as YYYY-YY, e.g. 2024-25" });
const idParam = (what: string) => z.string().regex(/^\d{1,18}$/, `must be a ${what} id (digits)`);

export const StatsParamsSchema = z
  .object({
    from: fyParam.optional(),
    to: fyParam.optional(),
    fy: fyParam.optional(),
    view: z.enum(["awarded", "annualised"], { message: "must be awarded or annualised" }).optional(),
    buyer: idParam("buyer").optional(),
    buyerType: z
      .string()
      .refine((v) => (BUYER_TYPES as readonly string[]).includes(v), { message: `unknown buyer type; expected one of ${BUYER_TYPES.join(", ")}` })
      .optional(),
    cpv: z.string().regex(/^\d{2,8}$/, "must be a CPV code or prefix of 2 to 8 digits").optional(),
    by: z.enum(["supplier", "group"], { message: "must be supplier or group" }).optional(),
    baselineFrom: fyParam.optional(),
    baselineTo: fyParam.optional(),
    targetFy: fyParam.optional(),
    refs: z.enum(["show", "hide"], { message: "must be show or hide" }).optional(),
  })
  .superRefine((f, ctx) => {
    const from = f.from ? parseFyLabel(f.from) : null;
    const to = f.to ? parseFyLabel(f.to) : null;
    if (from !== null && to !== null && from > to) {
      ctx.addIssue({ code: "custom", path: ["from"], message: `must not be after 'to' (${f.to})` });
    }
    if (f.fy && (f.from || f.to)) {
      ctx.addIssue({ code: "custom", path: ["fy"], message: "give either fy or a from/to range, not both" });
    }
  });

export type StatsParams = z.infer<typeof StatsParamsSchema>;

export interface Resolved {
  params: StatsParams;
  filter: SpendFilter;
  buyer: { id: bigint; name: string; buyer_type: string | null; scheme: string | null; identifier: string | null } | null;
  /** The query string of the parameters in force (for CSV links and forms), without "?". */
  query: string;
}

const KEEP = ["from", "to", "fy", "view", "buyer", "buyerType", "cpv", "by", "baselineFrom", "baselineTo", "targetFy", "refs"] as const;

export function statsQuery(p: Partial<Record<(typeof KEEP)[number] | "id", string | undefined>>): string {
  const sp = new URLSearchParams();
  for (const k of ["id", ...KEEP] as const) {
    const v = p[k];
    if (v !== undefined && v !== "") sp.set(k, v);
  }
  return sp.toString();
}

/** Parse and check dashboard parameters; throws BadRequest naming each bad one (and an unknown buyer). */
export async function resolveStats(db: DB, sp: URLSearchParams, defaultView: View): Promise<Resolved> {
  const parsed = parseParams(StatsParamsSchema, searchParamsObject(sp));
  if (!parsed.ok) throw new BadRequest(parsed.errors);
  const p = parsed.value;
  const buyer = p.buyer ? await buyerExists(db, BigInt(p.buyer)) : null;
  if (p.buyer && !buyer) throw new BadRequest([{ param: "buyer", message: `no buyer with id ${p.buyer}` }]);
  const from = p.fy ? parseFyLabel(p.fy) : p.from ? parseFyLabel(p.from) : null;
  const to = p.fy ? parseFyLabel(p.fy) : p.to ? parseFyLabel(p.to) : null;
  const filter: SpendFilter = {
    view: p.view ?? defaultView,
    from: from ?? undefined,
    to: to ?? undefined,
    buyerId: buyer ? buyer.id : undefined,
    buyerType: p.buyerType,
    cpv: p.cpv,
  };
  return { params: p, filter, buyer, query: statsQuery(p) };
}

/** The pledge in force: the configuration, overridden by baselineFrom / baselineTo / targetFy parameters. */
export function pledgeFrom(p: StatsParams, config: MetricsConfig): PledgeConfig {
  const pledge: PledgeConfig = {
    baselineFrom: p.baselineFrom ? (parseFyLabel(p.baselineFrom) as number) : config.pledge.baselineFrom,
    baselineTo: p.baselineTo ? (parseFyLabel(p.baselineTo) as number) : config.pledge.baselineTo,
    targetFy: p.targetFy ? (parseFyLabel(p.targetFy) as number) : config.pledge.targetFy,
  };
  try {
    validatePledgeConfig(pledge);
  } catch (e) {
    const message = (e as Error).message;
    const param = (["baselineFrom", "baselineTo", "targetFy"] as const).find((k) => message.startsWith(k)) ?? "targetFy";
    const errors: ParamError[] = [
      { param, message: message.replace(/^\w+ /, "").replace(/\((\d{1,4})\)/g, (_, y: string) => `(${fyLabel(Number(y))})`) },
    ];
    throw new BadRequest(errors);
  }
  return pledge;
}

// ---------------------------------------------------------------------------
// Links to the register behind a figure

const pounds = (pence: bigint) => Number(pence) / 100;
const pct = (share: number | null) => (share === null ? null : Math.round(share * 10_000) / 100);

const QUARTER_DATES: Record<number, [string, string, number]> = {
  1: ["04-01", "06-30", 0],
  2: ["07-01", "09-30", 0],
  3: ["10-01", "12-31", 0],
  4: ["01-01", "03-31", 1],
};

export interface LinkExtra {
  fy?: number | undefined;
  quarter?: number | undefined;
  consultancy?: boolean | undefined;
  scale?: string | undefined;
  supplier?: bigint | string | undefined;
  buyer?: bigint | undefined;
  buyerType?: string | undefined;
}

/**
 * The register view of the contracts behind a figure, with the register's own
 * filter names. In the awarded view a year is `fy` (the award's year); in the
 * annualised view it is `activeFy` (the contracts that contribute to it).
 */
export function registerHref(f: SpendFilter, x: LinkExtra = {}): string {
  const sp = new URLSearchParams();
  const buyer = x.buyer ?? f.buyerId;
  if (buyer !== undefined) sp.set("buyer", buyer.toString());
  const buyerType = x.buyerType ?? f.buyerType;
  if (buyerType) sp.set("buyerType", buyerType);
  if (f.cpv) sp.set("cpv", f.cpv);
  if (x.supplier !== undefined) sp.set("supplier", x.supplier.toString());
  if (x.scale) sp.set("scale", x.scale);
  const consultancy = x.consultancy ?? f.consultancy;
  if (consultancy !== undefined) sp.set("consultancy", consultancy ? "yes" : "no");
  if (x.fy !== undefined) {
    if (f.view === "awarded") {
      sp.set("fy", fyLabel(x.fy));
      const q = x.quarter !== undefined ? QUARTER_DATES[x.quarter] : undefined;
      if (q) {
        const y = x.fy + q[2];
        sp.set("from", `${y}-${q[0]}`);
        sp.set("to", `${y}-${q[1]}`);
      }
    } else sp.set("activeFy", fyLabel(x.fy));
  }
  const s = sp.toString();
  return `/contracts${s ? `?${s}` : ""}`;
}

const ANNUALISED_LINK_NOTE =
  "This chart shows annualised value: each link lists the contracts that contribute to that year (their value is spread over their contract period), not only those awarded in it.";

function linkNote(f: SpendFilter): string | undefined {
  return f.view === "annualised" ? ANNUALISED_LINK_NOTE : undefined;
}

function viewCaption(view: View, config: MetricsConfig): string {
  const c = chartCaptions(config);
  return view === "awarded" ? c.awarded : c.annualised;
}

function csvHref(id: string, query: string): string {
  return `/charts/${id}.csv${query ? `?${query}` : ""}`;
}

function scopeText(r: Resolved): string {
  const parts: string[] = [];
  if (r.buyer) parts.push(r.buyer.name);
  else if (r.filter.buyerType) parts.push(buyerTypeLabel(r.filter.buyerType));
  else parts.push("all buyers");
  if (r.filter.cpv) parts.push(`CPV ${r.filter.cpv}`);
  if (r.filter.from !== undefined || r.filter.to !== undefined) {
    const a = r.filter.from !== undefined ? fyLabel(r.filter.from) : "the first year";
    const b = r.filter.to !== undefined ? fyLabel(r.filter.to) : "the latest year";
    parts.push(a === b ? a : `${a} to ${b}`);
  }
  return parts.join(", ");
}

// ---------------------------------------------------------------------------
// SME share

export interface SmeYear {
  fy: string;
  smeValuePence: bigint;
  knownValuePence: bigint;
  unknownValuePence: bigint;
  share: number | null;
  coverage: number | null;
  uncertain: boolean;
  contracts: number;
  nonGbpContracts: number;
  missingValueContracts: number;
  /** Annualised view: contracts with no dates, counted in their award year (the awarded view). */
  fallbackContracts: number;
  /** complete, partial (the current year, to date) or committed (a later year: not yet spent). */
  yearStatus: YearStatus;
}

function shareOf(rows: CubeRow[], config: MetricsConfig) {
  const r = smeShare(
    rows.map((x) => ({ scaleClass: x.scale_class, valuePence: x.valuePence })),
    { uncertainCoverageBelow: config.uncertainCoverageBelow },
  );
  return {
    ...r,
    contracts: rows.reduce((s, x) => s + x.contracts, 0),
    nonGbpContracts: rows.reduce((s, x) => s + x.nonGbpContracts, 0),
    missingValueContracts: rows.reduce((s, x) => s + x.missingValue, 0),
    fallbackContracts: rows.reduce((s, x) => s + x.fallback, 0),
  };
}

function groupRows<K>(rows: CubeRow[], key: (r: CubeRow) => K): Map<K, CubeRow[]> {
  const m = new Map<K, CubeRow[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

function smeNote(s: SmeShareResult, config: MetricsConfig): string | undefined {
  if (s.share === null) return "no supplier of known size";
  if (s.uncertain) return `uncertain: coverage under ${percent(config.uncertainCoverageBelow)}`;
  return undefined;
}

function smeExtra(s: ReturnType<typeof shareOf>, view: View) {
  return {
    sme: formatPounds(s.smeValuePence),
    known: formatPounds(s.knownValuePence),
    unknown: formatPounds(s.unknownValuePence),
    coverage: formatShare(s.coverage),
    contracts: formatCount(s.contracts),
    ...coverageCells({ contracts: s.contracts, missingValueContracts: s.missingValueContracts, fallbackContracts: s.fallbackContracts }, view),
    nonGbp: formatCount(s.nonGbpContracts),
  };
}

function smeExtraColumns(view: View) {
  return [
    { key: "sme", label: "Value to SMEs", numeric: true },
    { key: "known", label: "Value to suppliers of known size", numeric: true },
    { key: "unknown", label: "Value to suppliers of unknown size", numeric: true },
    { key: "coverage", label: "Coverage", numeric: true },
    { key: "contracts", label: "Contracts", numeric: true },
    ...coverageColumns(view),
    { key: "nonGbp", label: "Not in GBP totals", numeric: true },
  ];
}

function smeYear(fy: number, s: ReturnType<typeof shareOf>, status: YearStatus): SmeYear {
  return {
    fy: fyLabel(fy),
    smeValuePence: s.smeValuePence,
    knownValuePence: s.knownValuePence,
    unknownValuePence: s.unknownValuePence,
    share: s.share,
    coverage: s.coverage,
    uncertain: s.uncertain,
    contracts: s.contracts,
    nonGbpContracts: s.nonGbpContracts,
    missingValueContracts: s.missingValueContracts,
    fallbackContracts: s.fallbackContracts,
    yearStatus: status,
  };
}

/** A filter capped at the current financial year (measured years only). */
function measuredOnly(f: SpendFilter, currentFy: number): SpendFilter {
  return { ...f, to: f.to === undefined ? currentFy : Math.min(f.to, currentFy) };
}

/** The SME dashboard: figures per year, by quarter, by buyer type and by buyer, and their charts. */
export function smeDashboard(db: DB, sp: URLSearchParams, opts: StatsOptions = {}) {
  const o = optionsOf(opts);
  return cached(db, keyOf("sme", sp, o.key), () => computeSme(db, sp, o, false));
}

async function computeSme(db: DB, sp: URLSearchParams, o: ReturnType<typeof optionsOf>, apiOnly: boolean) {
  const { config, currentFy } = o;
  const r = await resolveStats(db, sp, "awarded");
  const f = r.filter;
  const target = smeTargetFor(config, r.buyer ? r.buyer.id.toString() : null, r.buyer ? orgIdentifierOf(r.buyer.scheme, r.buyer.identifier) : null);
  const captions = chartCaptions(config);
  const definition = { text: captions.smeShare, href: "/methodology#sme-share" };
  const [byYearAll, byQuarterAll, undated] = await Promise.all([
    spendCube(db, f, ["fy", "scale_class"]),
    f.view === "awarded" && !apiOnly ? spendCube(db, f, ["fy", "quarter", "scale_class"]) : Promise.resolve([] as CubeRow[]),
    undatedContracts(db, f),
  ]);
  // Only years up to today's are measured: later years (annualised value of contracts already
  // signed, or an award dated in the future) are committed, not yet spent, and kept apart.
  const byYearRows = byYearAll.filter((x) => x.fy <= currentFy);
  const committedRows = byYearAll.filter((x) => x.fy > currentFy);
  const byQuarterRows = byQuarterAll.filter((x) => x.fy <= currentFy);
  const measured = committedRows.length > 0 ? measuredOnly(f, currentFy) : f;
  const [byTypeRows, buyers] = await Promise.all([
    r.buyer || apiOnly ? Promise.resolve([] as CubeRow[]) : spendCube(db, measured, ["buyer_type", "scale_class"]),
    r.buyer || apiOnly ? Promise.resolve(null) : spendByBuyer(db, measured, { limit: 20 }),
  ]);

  const years: SmeYear[] = [];
  const yearPoints: ChartPoint[] = [];
  const valuePoints: ChartPoint[] = [];
  for (const [fy, rows] of groupRows(byYearRows, (x) => x.fy)) {
    const s = shareOf(rows, config);
    const status = yearStatus(fy, currentFy);
    years.push(smeYear(fy, s, status));
    yearPoints.push({
      x: fyLabel(fy),
      values: { share: pct(s.share) },
      links: { share: registerHref(f, { fy }) },
      extra: smeExtra(s, f.view),
      ...joinNotes(statusNote(status), smeNote(s, config)),
    });
    valuePoints.push({
      x: fyLabel(fy),
      values: { sme: pounds(s.smeValuePence), large: pounds(s.knownValuePence - s.smeValuePence), unknown: pounds(s.unknownValuePence) },
      links: {
        sme: registerHref(f, { fy, scale: "sme" }),
        large: registerHref(f, { fy, scale: "large" }),
        unknown: registerHref(f, { fy, scale: "unknown" }),
      },
      extra: {
        coverage: formatShare(s.coverage),
        contracts: formatCount(s.contracts),
        ...coverageCells({ contracts: s.contracts, missingValueContracts: s.missingValueContracts, fallbackContracts: s.fallbackContracts }, f.view),
      },
      ...joinNotes(statusNote(status)),
    });
  }
  const committedYears = [...groupRows(committedRows, (x) => x.fy)].map(([fy, rows]) => smeYear(fy, shareOf(rows, config), "committed"));
  const targetLine = [{ y: Math.round(target * 10_000) / 100, label: `Target: ${percent(target)}`, unit: "percent" as const, color: "#d4351c" }];
  const scope = scopeText(r);
  const partialText = years.some((y) => y.yearStatus === "partial") ? ` ${fyLabel(currentFy)} is in progress: its figures are to date.` : "";
  const byYear: ChartData = {
    id: "sme-share-by-year",
    title: "SME share by financial year",
    caption: `Share of value to suppliers of known size that went to SMEs, ${scope}, with the target line (${percent(target)}). ${viewCaption(f.view, config)}${partialText}`,
    definition,
    xLabel: "Financial year",
    series: [{ key: "share", label: "SME share", kind: "bar", unit: "percent", color: "#1d70b8" }],
    points: yearPoints,
    referenceLines: targetLine,
    extraColumns: smeExtraColumns(f.view),
    csvHref: csvHref("sme-share-by-year", r.query),
    ...(linkNote(f) ? { linkNote: linkNote(f) } : {}),
    emptyText: `No contracts match (${scope}). Try a wider range of years or fewer filters.`,
  };
  const value: ChartData = {
    id: "sme-value-by-year",
    title: "Value by supplier size",
    caption: `Value to SMEs, to large suppliers and to suppliers of unknown size (coverage), ${scope}. ${viewCaption(f.view, config)}${partialText}`,
    definition,
    xLabel: "Financial year",
    series: [
      { key: "sme", label: "SMEs", kind: "bar", unit: "pounds", stackId: "v", color: "#1d70b8" },
      { key: "large", label: "Large suppliers", kind: "bar", unit: "pounds", stackId: "v", color: "#f47738" },
      { key: "unknown", label: "Unknown size", kind: "bar", unit: "pounds", stackId: "v", color: "#505a5f" },
    ],
    points: valuePoints,
    extraColumns: [
      { key: "coverage", label: "Coverage", numeric: true },
      { key: "contracts", label: "Contracts", numeric: true },
      ...coverageColumns(f.view),
    ],
    csvHref: csvHref("sme-value-by-year", r.query),
    linkNote: `Each part of a bar links to the contracts with at least one supplier of that size; the register shows their total and the part of it that went to suppliers of that size, which is the figure plotted.${f.view === "annualised" ? ` ${ANNUALISED_LINK_NOTE}` : ""}`,
    emptyText: byYear.emptyText,
  };

  const quarterPoints: ChartPoint[] = [];
  for (const [k, rows] of groupRows(byQuarterRows, (x) => x.fy * 10 + x.quarter)) {
    const fy = Math.floor(k / 10);
    const q = k % 10;
    const s = shareOf(rows, config);
    quarterPoints.push({
      x: `${fyLabel(fy)} Q${q}`,
      values: { share: pct(s.share) },
      links: { share: registerHref(f, { fy, quarter: q }) },
      extra: {
        coverage: formatShare(s.coverage),
        contracts: formatCount(s.contracts),
        ...coverageCells({ contracts: s.contracts, missingValueContracts: s.missingValueContracts, fallbackContracts: s.fallbackContracts }, "awarded"),
      },
      ...joinNotes(fy === currentFy ? "year in progress: to date" : undefined, smeNote(s, config)),
    });
  }
  const byQuarter: ChartData | null =
    f.view === "awarded"
      ? {
          id: "sme-share-by-quarter",
          title: "SME share by financial quarter",
          caption: `SME share per financial quarter (Q1 is April to June), ${scope}. ${viewCaption("awarded", config)}`,
          definition,
          xLabel: "Quarter",
          series: [{ key: "share", label: "SME share", kind: "line", unit: "percent", color: "#1d70b8" }],
          points: quarterPoints,
          referenceLines: targetLine,
          extraColumns: [
            { key: "coverage", label: "Coverage", numeric: true },
            { key: "contracts", label: "Contracts", numeric: true },
            ...coverageColumns("awarded"),
          ],
          csvHref: csvHref("sme-share-by-quarter", r.query),
          emptyText: byYear.emptyText,
        }
      : null;

  const typePoints: ChartPoint[] = [];
  for (const [type, rows] of groupRows(byTypeRows, (x) => x.buyer_type)) {
    const s = shareOf(rows, config);
    const note = smeNote(s, config);
    typePoints.push({
      x: buyerTypeLabel(type || null),
      values: { share: pct(s.share) },
      ...(type ? { links: { share: registerHref({ ...f, from: undefined, to: undefined }, { buyerType: type, ...(f.from !== undefined && f.from === f.to ? { fy: f.from } : {}) }) } } : {}),
      extra: smeExtra(s, f.view),
      ...(note ? { note } : {}),
    });
  }
  typePoints.sort((a, b) => (b.values.share ?? -1) - (a.values.share ?? -1));
  const byBuyerType: ChartData | null = r.buyer
    ? null
    : {
        id: "sme-share-by-buyer-type",
        title: "SME share by type of buyer",
        caption: `SME share for each type of buyer, ${scope}, all measured years in range together (up to ${fyLabel(currentFy)}). ${viewCaption(f.view, config)}`,
        definition,
        xLabel: "Type of buyer",
        layout: "rows",
        series: [{ key: "share", label: "SME share", kind: "bar", unit: "percent", color: "#1d70b8" }],
        points: typePoints,
        referenceLines: targetLine,
        extraColumns: smeExtraColumns(f.view),
        csvHref: csvHref("sme-share-by-buyer-type", r.query),
        linkNote:
          f.from !== undefined && f.from === f.to
            ? linkNote(f)
            : "Each link lists that type of buyer's contracts in every year; add a financial year in the register to narrow it.",
        emptyText: byYear.emptyText,
      };

  const byBuyer =
    buyers?.rows.map((b) => {
      const s = smeShare(
        [
          { scaleClass: "sme", valuePence: b.smePence },
          { scaleClass: "large", valuePence: b.largePence },
          { scaleClass: "unknown", valuePence: b.unknownPence },
        ],
        { uncertainCoverageBelow: config.uncertainCoverageBelow },
      );
      return {
        buyerId: b.buyerId,
        name: b.name,
        buyerType: b.buyerType,
        valuePence: b.valuePence,
        contracts: b.contracts,
        share: s.share,
        coverage: s.coverage,
        uncertain: s.uncertain,
        target: smeTargetFor(config, b.buyerId.toString(), orgIdentifierOf(b.scheme, b.identifier)),
        href: `/dashboards/sme?${statsQuery({ ...r.params, buyer: b.buyerId.toString(), buyerType: undefined })}`,
      };
    }) ?? null;

  const all = shareOf(byYearRows, config);
  const inputs = inputCoverage({ contracts: all.contracts, missingValueContracts: all.missingValueContracts, fallbackContracts: all.fallbackContracts });
  return {
    resolved: r,
    view: f.view,
    target,
    currentFy: fyLabel(currentFy),
    years,
    committedYears,
    total: all,
    inputs,
    undatedContracts: undated,
    coverageText: describeInputCoverage(inputs, { view: f.view, undatedContracts: undated }),
    byBuyer,
    buyersTotal: buyers?.total ?? 0,
    charts: [byYear, value, ...(byQuarter ? [byQuarter] : []), ...(byBuyerType ? [byBuyerType] : [])],
  };
}

/** GET /api/v1/stats/sme-share */
export async function smeShareApi(db: DB, sp: URLSearchParams, opts: StatsOptions = {}) {
  const o = optionsOf(opts);
  const d = await cached(db, keyOf("sme-api", sp, o.key), () => computeSme(db, sp, o, true));
  const f = d.resolved.filter;
  return {
    view: d.view,
    target: d.target,
    buyer: f.buyerId?.toString() ?? null,
    buyerType: f.buyerType ?? null,
    cpv: f.cpv ?? null,
    from: f.from !== undefined ? fyLabel(f.from) : null,
    to: f.to !== undefined ? fyLabel(f.to) : null,
    uncertainCoverageBelow: o.config.uncertainCoverageBelow,
    /** Today's financial year: the last measured one (partial). */
    currentFy: d.currentFy,
    years: d.years,
    /** Later years: value committed by contracts already signed, not yet spent (not in `years`). */
    committedYears: d.committedYears,
    /** Contracts with no date this view can place, in no year. */
    undatedContracts: d.undatedContracts,
  };
}

// ---------------------------------------------------------------------------
// Consultancy and the pledge

export interface PledgeApiYear {
  fy: string;
  /** Measured consultancy spend; null when the register has no contracts in scope that year, or the year is later than today's (see committedPence). */
  spendPence: bigint | null;
  trajectoryPence: bigint | null;
  onTrack: boolean | null;
  /** Consultancy contracts behind the figure. */
  contracts: number;
  /** complete, partial (today's year, to date) or committed (a later year: not yet spent). */
  yearStatus: YearStatus;
  /** A later year's value committed by consultancy contracts already signed (not yet spent); null otherwise. */
  committedPence: bigint | null;
  /** Contracts of any kind in scope that year: 0 means no data (the year is left out of the baseline). */
  registerContracts: number;
  missingValueContracts: number;
  fallbackContracts: number;
  nonGbpContracts: number;
}

function pledgeStatus(p: PledgeResult, pledge: PledgeConfig, currentFy: number) {
  // The year judged: the target year when it has been judged (never a later year: those are not yet
  // spent), else the latest judged year after the baseline.
  const judged = p.years.filter((y) => y.onTrack !== null && y.fy <= currentFy);
  const target = judged.find((y) => y.fy === pledge.targetFy);
  const year = target ?? judged[judged.length - 1] ?? null;
  return year
    ? {
        fy: fyLabel(year.fy),
        onTrack: year.onTrack as boolean,
        partial: year.status === "partial",
        spendPence: year.spendPence,
        trajectoryPence: year.trajectoryPence,
      }
    : null;
}

/** Consultancy rows (by fy) and the contracts of any kind in the same scope, as the pledge's input. */
function pledgeInput(consultancy: readonly CubeRow[], scope: readonly CubeRow[]) {
  const register = new Map<number, number>();
  for (const x of scope) register.set(x.fy, (register.get(x.fy) ?? 0) + x.contracts + x.nonGbpContracts);
  const out = consultancy.map((x) => ({ fy: x.fy, spendPence: x.valuePence, contracts: x.contracts, registerContracts: register.get(x.fy) ?? 0 }));
  const have = new Set(consultancy.map((x) => x.fy));
  for (const [fy, n] of register) if (!have.has(fy)) out.push({ fy, spendPence: 0n, contracts: 0, registerContracts: n });
  // A consultancy row always means data, whatever the scope query says.
  for (const row of out) row.registerContracts = Math.max(row.registerContracts, row.contracts);
  return out;
}

function onTrackText(y: PledgeYear): string {
  if (y.status === "committed") return "Not yet spent";
  if (y.onTrack === null) return "–";
  return y.onTrack ? (y.status === "partial" ? "On track so far" : "On track") : y.status === "partial" ? "Not on track so far" : "Not on track";
}

/** Chart points of a pledge: measured spend, committed value for later years (apart), trajectory. */
function pledgePoints(
  years: PledgeYear[],
  opts: {
    pledge: PledgeConfig;
    baselineUsed: number[];
    byFy: Map<number, CubeRow>;
    link: (fy: number) => string;
    view: View;
  },
): ChartPoint[] {
  return years.map((y) => {
    const row = opts.byFy.get(y.fy);
    const committed = y.status === "committed";
    const measuredSpend = !committed && y.hasData ? pounds(y.spendPence) : null;
    const committedValue = committed && y.hasData ? pounds(y.spendPence) : null;
    const counts = { contracts: y.contracts, missingValueContracts: row?.missingValue ?? 0, fallbackContracts: row?.fallback ?? 0 };
    const links: Record<string, string> = y.contracts > 0 ? { [committed ? "committed" : "spend"]: opts.link(y.fy) } : {};
    return {
      x: fyLabel(y.fy),
      values: { spend: measuredSpend, committed: committedValue, trajectory: y.trajectoryPence === null ? null : pounds(y.trajectoryPence) },
      ...(y.contracts > 0 ? { links } : {}),
      extra: {
        contracts: formatCount(y.contracts),
        ...coverageCells(counts, opts.view),
        onTrack: onTrackText(y),
        year: yearStatusText(y.status),
        baseline:
          y.fy >= opts.pledge.baselineFrom && y.fy <= opts.pledge.baselineTo
            ? committed
              ? "Not yet spent: left out"
              : opts.baselineUsed.includes(y.fy)
                ? "In baseline"
                : "No data: left out"
            : "",
        nonGbp: formatCount(row?.nonGbpContracts ?? 0),
      },
      ...joinNotes(y.fy === opts.pledge.targetFy ? "target year" : undefined, statusNote(y.status), !y.hasData ? "no contracts in the register" : undefined),
    };
  });
}

function pledgeSeries(points: ChartPoint[]): ChartData["series"] {
  const anyCommitted = points.some((p) => p.values.committed !== null);
  return [
    { key: "spend", label: "Consultancy spend (measured)", kind: "bar", unit: "pounds", stackId: "spend", color: "#4c2c92" },
    ...(anyCommitted
      ? [{ key: "committed", label: "Committed for later years, not yet spent", kind: "bar" as const, unit: "pounds" as const, stackId: "spend", color: "#b9a8d9" }]
      : []),
    { key: "trajectory", label: "Trajectory to the target", kind: "line", unit: "pounds", color: "#00703c", dashed: true },
  ];
}

/** Drop the committed series' values when the chart has none (so the chart and its CSV have only the series drawn). */
function withoutEmptySeries(points: ChartPoint[], series: ChartData["series"]): ChartPoint[] {
  const keys = new Set(series.map((s) => s.key));
  return points.map((p) => ({ ...p, values: Object.fromEntries(Object.entries(p.values).filter(([k]) => keys.has(k))) }));
}

/** The consultancy dashboard: the pledge, spend against the trajectory, by buyer, risers and fallers. */
export function consultancyDashboard(db: DB, sp: URLSearchParams, opts: StatsOptions = {}) {
  return computeConsultancyCached(db, sp, opts, false);
}

function computeConsultancyCached(db: DB, sp: URLSearchParams, opts: StatsOptions, apiOnly: boolean) {
  const o = optionsOf(opts);
  return cached(db, keyOf(apiOnly ? "consultancy-api" : "consultancy", sp, o.key), () => computeConsultancy(db, sp, o, apiOnly));
}

async function computeConsultancy(db: DB, sp: URLSearchParams, o: ReturnType<typeof optionsOf>, apiOnly: boolean) {
  const { config, currentFy } = o;
  const r = await resolveStats(db, sp, "annualised");
  const pledge = pledgeFrom(r.params, config);
  const f: SpendFilter = { ...r.filter, consultancy: true };
  // The years of the register in the same scope (any contract): a year with contracts but no
  // consultancy is £0 of consultancy, not a year without data.
  // Every year is read, whatever the range shown: the baseline does not depend on the years displayed.
  const [rows, scopeRows] = await Promise.all([
    spendCube(db, { ...f, from: undefined, to: undefined }, ["fy"]),
    spendCube(db, { ...r.filter, from: undefined, to: undefined }, ["fy"]),
  ]);
  const p = computePledge(pledgeInput(rows, scopeRows), pledge, { currentFy });
  const inRange = (fy: number) => (f.from === undefined || fy >= f.from) && (f.to === undefined || fy <= f.to);
  const shownYears = p.years.filter((y) => inRange(y.fy));
  const byFy = new Map(rows.map((x) => [x.fy, x]));
  const status = pledgeStatus(p, pledge, currentFy);

  const captions = chartCaptions({ ...config, pledge });
  // Reference lines describe all of central government. They are drawn for the all-buyers view
  // when asked (refs=show), or by default when the measured figures are on a comparable scale
  // (the largest year at least a tenth of the smaller reference); otherwise they would flatten
  // the measured bars, so the page names them and offers to draw them.
  const allBuyers = !r.buyer && !f.buyerType && !f.cpv;
  const measuredMax =
    [...shownYears.filter((y) => y.status !== "committed").map((y) => y.spendPence)].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))[0] ?? 0n;
  const refMin = [...REFERENCE_LINES.map((ref) => ref.pence)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0] ?? 0n;
  const comparable = measuredMax * 10n >= refMin;
  const showRefs = allBuyers && (r.params.refs === "show" || (r.params.refs !== "hide" && comparable));
  const scope = scopeText(r);
  const rawPoints = pledgePoints(shownYears, { pledge, baselineUsed: p.baselineYearsUsed, byFy, link: (fy) => registerHref(f, { fy }), view: f.view });
  const series = pledgeSeries(rawPoints);
  const points = withoutEmptySeries(rawPoints, series);
  const hasCommitted = series.some((s) => s.key === "committed");
  const chart: ChartData = {
    id: "consultancy-by-year",
    title: "Consultancy spend against the pledge",
    caption: `Consultancy spend per financial year, ${scope}, against a straight-line trajectory from the baseline (in ${fyLabel(pledge.baselineTo)}) to half of it by ${fyLabel(pledge.targetFy)}. ${viewCaption(f.view, config)} Spend is measured up to ${fyLabel(currentFy)}, which is in progress (to date)${hasCommitted ? "; the pale bars for later years are value committed by contracts already signed, not yet spent, and are not judged" : ""}.${showRefs ? " The dashed black lines are external reference figures, not measured values." : ""}`,
    definition: { text: `${captions.consultancy} ${captions.pledge}`, href: "/methodology#pledge" },
    xLabel: "Financial year",
    series,
    points,
    referenceLines: showRefs
      ? REFERENCE_LINES.map((ref) => ({ y: pounds(ref.pence), label: ref.label, unit: "pounds" as const, color: "#0b0c0c" }))
      : [],
    extraColumns: [
      { key: "contracts", label: "Contracts", numeric: true },
      ...coverageColumns(f.view),
      { key: "onTrack", label: "On track?" },
      { key: "year", label: "Year" },
      { key: "baseline", label: "Baseline" },
      { key: "nonGbp", label: "Not in GBP totals", numeric: true },
    ],
    csvHref: csvHref("consultancy-by-year", r.query),
    ...(linkNote(f) ? { linkNote: linkNote(f) } : {}),
    emptyText: `No consultancy contracts match (${scope}).`,
  };
  const chartHasData = rows.some((x) => inRange(x.fy));
  const measuredRows = rows.filter((x) => x.fy <= currentFy && inRange(x.fy));
  const inputs = inputCoverage(countsOf(measuredRows));
  const undated = apiOnly ? 0 : await undatedContracts(db, f);

  // By buyer: the buyers with the most consultancy spend, each against its own pledge.
  let byBuyer: Array<{
    buyerId: bigint;
    name: string;
    baselinePence: bigint | null;
    targetPence: bigint | null;
    status: ReturnType<typeof pledgeStatus>;
    valuePence: bigint;
    href: string;
  }> = [];
  if (!r.buyer && !apiOnly) {
    const top = await spendByBuyer(db, { ...f, from: undefined, to: undefined }, { limit: 15 });
    const ids = top.rows.map((b) => b.buyerId);
    const [consultancyByBuyer, scopeByBuyer] = ids.length
      ? await Promise.all([
          spendCube(db, { ...f, from: undefined, to: undefined, buyerIds: ids }, ["buyer_id", "fy"]),
          spendCube(db, { ...r.filter, from: undefined, to: undefined, buyerIds: ids }, ["buyer_id", "fy"]),
        ])
      : [[], []];
    const perBuyer = groupRows(consultancyByBuyer, (x) => x.buyer_id);
    const scopePerBuyer = groupRows(scopeByBuyer, (x) => x.buyer_id);
    byBuyer = top.rows.map((b) => {
      const bp = computePledge(pledgeInput(perBuyer.get(b.buyerId) ?? [], scopePerBuyer.get(b.buyerId) ?? []), pledge, { currentFy });
      return {
        buyerId: b.buyerId,
        name: b.name,
        baselinePence: bp.baselinePence,
        targetPence: bp.targetPence,
        status: pledgeStatus(bp, pledge, currentFy),
        valuePence: b.valuePence,
        href: `/dashboards/consultancy?${statsQuery({ ...r.params, buyer: b.buyerId.toString(), buyerType: undefined })}`,
      };
    });
  }

  // Suppliers whose consultancy value rose or fell most between the two latest complete years with data.
  const complete = rows.map((x) => x.fy).filter((fy) => fy < currentFy && inRange(fy));
  const toFy = complete[complete.length - 1];
  const changes =
    !apiOnly && toFy !== undefined && complete.includes(toFy - 1)
      ? { fromFy: fyLabel(toFy - 1), toFy: fyLabel(toFy), ...(await supplierChanges(db, f, toFy - 1, toFy, 5)) }
      : null;

  return {
    resolved: r,
    view: f.view,
    pledge,
    result: p,
    status,
    currentFy: fyLabel(currentFy),
    chartHasData,
    inputs,
    undatedContracts: undated,
    coverageText: describeInputCoverage(inputs, { view: f.view, undatedContracts: undated }),
    refs: { allBuyers, drawn: showRefs, comparable, measuredMaxPence: measuredMax },
    years: shownYears.map((y): PledgeApiYear => {
      const row = byFy.get(y.fy);
      const committed = y.status === "committed";
      return {
        fy: fyLabel(y.fy),
        spendPence: committed || !y.hasData ? null : y.spendPence,
        trajectoryPence: y.trajectoryPence,
        onTrack: y.onTrack,
        contracts: y.contracts,
        yearStatus: y.status,
        committedPence: committed && y.hasData ? y.spendPence : null,
        registerContracts: y.registerContracts,
        missingValueContracts: row?.missingValue ?? 0,
        fallbackContracts: row?.fallback ?? 0,
        nonGbpContracts: row?.nonGbpContracts ?? 0,
      };
    }),
    byBuyer,
    changes,
    charts: [chart],
    referenceLines: REFERENCE_LINES,
  };
}

/** GET /api/v1/stats/consultancy */
export async function consultancyApi(db: DB, sp: URLSearchParams, opts: StatsOptions = {}) {
  const d = await computeConsultancyCached(db, sp, opts, true);
  const f = d.resolved.filter;
  return {
    view: d.view,
    buyer: f.buyerId?.toString() ?? null,
    baselineFrom: fyLabel(d.pledge.baselineFrom),
    baselineTo: fyLabel(d.pledge.baselineTo),
    targetFy: fyLabel(d.pledge.targetFy),
    baselinePence: d.result.baselinePence,
    targetPence: d.result.targetPence,
    baselineYearsMissing: d.result.baselineYearsMissing.map(fyLabel),
    baselineYearsNotYetSpent: d.result.baselineYearsNotYetSpent.map(fyLabel),
    currentFy: d.currentFy,
    status: d.status ? { fy: d.status.fy, onTrack: d.status.onTrack, partial: d.status.partial } : null,
    years: d.years,
    referenceLines: d.referenceLines.map((ref) => ({
      id: ref.id,
      kind: ref.kind,
      label: ref.label,
      pence: ref.pence,
      fy: ref.fy === null ? null : fyLabel(ref.fy),
      source: ref.source,
    })),
  };
}

// ---------------------------------------------------------------------------
// Concentration

export interface ConcentrationTop {
  id: string;
  name: string;
  valuePence: bigint;
  share: number;
  kind: "supplier" | "group";
  href: string;
}

function topHref(t: ConcentrationTopRow, f: SpendFilter): string {
  if (t.kind === "group") return `/suppliers?group=${t.id.slice("group-".length)}`;
  const single = f.from !== undefined && f.from === f.to ? f.from : undefined;
  return registerHref({ ...f, from: undefined, to: undefined }, { supplier: t.id, fy: single });
}

/** The concentration dashboard: top N over the years asked, and the HHI and top-N share per year. */
export function concentrationDashboard(db: DB, sp: URLSearchParams, opts: StatsOptions = {}) {
  const o = optionsOf(opts);
  return cached(db, keyOf("concentration", sp, o.key), () => computeConcentration(db, sp, o));
}

async function computeConcentration(db: DB, sp: URLSearchParams, o: ReturnType<typeof optionsOf>) {
  const { config, currentFy } = o;
  const r = await resolveStats(db, sp, "awarded");
  const f = r.filter;
  const by = r.params.by ?? "supplier";
  const n = config.concentrationTopN;
  const [over, years, cube, undated] = await Promise.all([
    concentrationOver(db, f, by, n),
    concentrationByYear(db, f, by, n),
    spendCube(db, f, ["fy"]),
    undatedContracts(db, f),
  ]);
  const countsByFy = new Map(cube.map((x) => [x.fy, x]));
  const total = over.sums.totalPence;
  const top: ConcentrationTop[] = over.top.map((t) => ({
    id: t.id,
    name: t.name,
    valuePence: t.valuePence,
    share: ratio(t.valuePence, total) ?? 0,
    kind: t.kind,
    href: topHref(t, f),
  }));
  const topTotal = over.top.reduce((s, t) => s + t.valuePence, 0n);
  const hhi = hhiFromSums(total, over.sums.sumSquares);
  const yearRows = years.map((y) => {
    const c = countsByFy.get(y.fy);
    return {
      fy: fyLabel(y.fy),
      totalPence: y.totalPence,
      hhi: hhiFromSums(y.totalPence, y.sumSquares),
      highlyConcentrated: isHighlyConcentrated(y.totalPence, y.sumSquares),
      topPence: y.topPence,
      topShare: ratio(y.topPence, y.totalPence),
      suppliers: y.suppliers,
      contracts: c?.contracts ?? 0,
      missingValueContracts: c?.missingValue ?? 0,
      fallbackContracts: c?.fallback ?? 0,
      yearStatus: yearStatus(y.fy, currentFy),
    };
  });
  const inputs = inputCoverage(countsOf(cube));
  const captions = chartCaptions(config);
  const definition = { text: captions.concentration, href: "/methodology#concentration" };
  const scope = scopeText(r);
  const unit = by === "group" ? "supplier or parent group" : "supplier";
  const single = f.from !== undefined && f.from === f.to;
  const topChart: ChartData = {
    id: "concentration-top",
    title: `The ${n} largest ${by === "group" ? "suppliers and groups" : "suppliers"}`,
    caption: `Value to each of the ${n} largest by ${unit}, ${scope}${f.from === undefined && f.to === undefined ? ", all years together" : ""}. ${viewCaption(f.view, config)}`,
    definition,
    xLabel: by === "group" ? "Supplier or group" : "Supplier",
    layout: "rows",
    series: [{ key: "value", label: "Value", kind: "bar", unit: "pounds", color: "#1d70b8" }],
    points: top.map((t) => ({
      x: t.kind === "group" ? `${t.name} (group)` : t.name,
      values: { value: pounds(t.valuePence) },
      links: { value: t.href },
      extra: { share: formatShare(t.share) },
    })),
    extraColumns: [{ key: "share", label: "Share of total", numeric: true }],
    csvHref: csvHref("concentration-top", r.query),
    linkNote: `Each bar links to the supplier's contracts in the register${single ? " in that year" : ""}; the register shows their total and the part of it that went to that supplier, which is the figure plotted. A group links to its member suppliers.${f.view === "annualised" && single ? ` ${ANNUALISED_LINK_NOTE}` : ""}`,
    emptyText: `No contracts match (${scope}).`,
  };
  const hhiChart: ChartData = {
    id: "concentration-hhi-by-year",
    title: "Herfindahl–Hirschman index by financial year",
    caption: `HHI of value by ${unit}, per financial year, ${scope}: 10,000 means one ${unit} had everything; above 2,500 is highly concentrated. ${viewCaption(f.view, config)}`,
    definition,
    xLabel: "Financial year",
    series: [{ key: "hhi", label: "HHI", kind: "line", unit: "index", color: "#4c2c92" }],
    points: yearRows.map((y) => ({
      x: y.fy,
      values: { hhi: Math.round(y.hhi * 10) / 10 },
      links: { hhi: registerHref(f, { fy: parseFyLabel(y.fy) as number }) },
      extra: {
        suppliers: formatCount(y.suppliers),
        total: formatPounds(y.totalPence),
        level: y.highlyConcentrated ? "Highly concentrated" : "Not highly concentrated",
        contracts: formatCount(y.contracts),
        ...coverageCells(y, f.view),
      },
      ...joinNotes(statusNote(y.yearStatus)),
    })),
    referenceLines: [{ y: 2500, label: "Highly concentrated above 2,500", unit: "index", color: "#d4351c" }],
    extraColumns: [
      { key: "suppliers", label: by === "group" ? "Suppliers and groups" : "Suppliers", numeric: true },
      { key: "total", label: "Total value", numeric: true },
      { key: "level", label: "Level" },
      { key: "contracts", label: "Contracts", numeric: true },
      ...coverageColumns(f.view),
    ],
    csvHref: csvHref("concentration-hhi-by-year", r.query),
    ...(linkNote(f) ? { linkNote: linkNote(f) } : {}),
    emptyText: topChart.emptyText,
  };
  const shareChart: ChartData = {
    id: "concentration-top-share-by-year",
    title: `Share of the ${n} largest by financial year`,
    caption: `Value to the ${n} largest (by ${unit}) as a share of all value, per financial year, ${scope}. ${viewCaption(f.view, config)}`,
    definition,
    xLabel: "Financial year",
    series: [{ key: "topShare", label: `Top-${n} share`, kind: "bar", unit: "percent", color: "#1d70b8" }],
    points: yearRows.map((y) => ({
      x: y.fy,
      values: { topShare: pct(y.topShare) },
      links: { topShare: registerHref(f, { fy: parseFyLabel(y.fy) as number }) },
      extra: { top: formatPounds(y.topPence), total: formatPounds(y.totalPence), contracts: formatCount(y.contracts), ...coverageCells(y, f.view) },
      ...joinNotes(statusNote(y.yearStatus)),
    })),
    extraColumns: [
      { key: "top", label: `Value to the top ${n}`, numeric: true },
      { key: "total", label: "Total value", numeric: true },
      { key: "contracts", label: "Contracts", numeric: true },
      ...coverageColumns(f.view),
    ],
    csvHref: csvHref("concentration-top-share-by-year", r.query),
    linkNote: `Each bar links to all the contracts of that year, whose total is the whole of the bar's denominator.${f.view === "annualised" ? ` ${ANNUALISED_LINK_NOTE}` : ""}`,
    emptyText: topChart.emptyText,
  };
  return {
    resolved: r,
    view: f.view,
    by,
    topN: n,
    totalPence: total,
    hhi,
    highlyConcentrated: isHighlyConcentrated(total, over.sums.sumSquares),
    suppliers: over.sums.suppliers,
    topShare: ratio(topTotal, total),
    top,
    years: yearRows,
    inputs,
    undatedContracts: undated,
    coverageText: describeInputCoverage(inputs, { view: f.view, undatedContracts: undated }),
    charts: [topChart, shareChart, hhiChart],
  };
}

/** GET /api/v1/stats/concentration */
export async function concentrationApi(db: DB, sp: URLSearchParams, opts: StatsOptions = {}) {
  const d = await concentrationDashboard(db, sp, opts);
  const f = d.resolved.filter;
  return {
    fy: f.from !== undefined && f.from === f.to ? fyLabel(f.from) : null,
    from: f.from !== undefined ? fyLabel(f.from) : null,
    to: f.to !== undefined ? fyLabel(f.to) : null,
    by: d.by,
    view: d.view,
    buyer: f.buyerId?.toString() ?? null,
    totalPence: d.totalPence,
    hhi: d.hhi,
    highlyConcentrated: d.highlyConcentrated,
    topShare: d.topShare,
    top: d.top.map((t) => ({ id: t.id, name: t.name, valuePence: t.valuePence, share: t.share })),
    topN: d.topN,
    contracts: d.inputs.contracts,
    missingValueContracts: d.inputs.missingValueContracts,
    fallbackContracts: d.inputs.fallbackContracts,
    undatedContracts: d.undatedContracts,
    years: d.years.map((y) => ({
      fy: y.fy,
      totalPence: y.totalPence,
      hhi: y.hhi,
      topShare: y.topShare,
      highlyConcentrated: y.highlyConcentrated,
      suppliers: y.suppliers,
      contracts: y.contracts,
      missingValueContracts: y.missingValueContracts,
      fallbackContracts: y.fallbackContracts,
      yearStatus: y.yearStatus,
    })),
  };
}

// ---------------------------------------------------------------------------
// Headline figures

export function headlineFigures(db: DB, now: Date, opts: Omit<StatsOptions, "now"> = {}) {
  const o = optionsOf({ ...opts, now });
  return cached(db, `headline#${o.key}`, () => computeHeadline(db, o));
}

async function computeHeadline(db: DB, o: ReturnType<typeof optionsOf>) {
  const { config, currentFy: fy } = o;
  const [smeRows, consultancyRows, scopeRows, totals] = await Promise.all([
    spendCube(db, { view: "awarded", from: fy, to: fy }, ["scale_class"]),
    spendCube(db, { view: "annualised", consultancy: true }, ["fy"]),
    spendCube(db, { view: "annualised" }, ["fy"]),
    spendCube(db, { view: "awarded", to: fy }, []),
  ]);
  const sme = shareOf(smeRows, config);
  const p = computePledge(pledgeInput(consultancyRows, scopeRows), config.pledge, { currentFy: fy });
  const thisYear = p.years.find((y) => y.fy === fy && y.hasData) ?? null;
  const t = totals[0];
  return {
    fy: fyLabel(fy),
    sme: { ...sme, target: config.smeTarget },
    consultancy: thisYear
      ? {
          spendPence: thisYear.spendPence,
          trajectoryPence: thisYear.trajectoryPence,
          onTrack: thisYear.onTrack,
          contracts: thisYear.contracts,
          partial: thisYear.status === "partial",
        }
      : null,
    baselinePence: p.baselinePence,
    targetPence: p.targetPence,
    contracts: t?.contracts ?? 0,
    valuePence: t?.valuePence ?? 0n,
    nonGbpContracts: t?.nonGbpContracts ?? 0,
    missingValueContracts: t?.missingValue ?? 0,
  };
}

// ---------------------------------------------------------------------------
// Buyers and suppliers

const PAGE_SIZE = 50;

const ListParams = z.object({
  q: z
    .string()
    .transform((v) => v.normalize("NFC").replace(/\s+/g, " ").trim().slice(0, 200))
    .optional(),
  page: z.string().regex(/^\d{1,6}$/, "must be a page number").optional(),
  sort: z.enum(["value", "name"], { message: "must be value or name" }).optional(),
  view: z.enum(["awarded", "annualised"], { message: "must be awarded or annualised" }).optional(),
  from: fyParam.optional(),
  to: fyParam.optional(),
  group: idParam("group").optional(),
});

/** The /suppliers and /buyers list parameters (also their CSV downloads): throws BadRequest naming the parameter. */
export function parseList(sp: URLSearchParams) {
  const parsed = parseParams(ListParams, searchParamsObject(sp));
  if (!parsed.ok) throw new BadRequest(parsed.errors);
  const p = parsed.value;
  const from = p.from ? parseFyLabel(p.from) : null;
  const to = p.to ? parseFyLabel(p.to) : null;
  if (from !== null && to !== null && from > to) throw new BadRequest([{ param: "from", message: `must not be after 'to' (${p.to})` }]);
  const page = Math.max(1, Number(p.page ?? 1));
  return { p, page, filter: { view: p.view ?? "awarded", from: from ?? undefined, to: to ?? undefined } as SpendFilter };
}

export function listBuyers(db: DB, sp: URLSearchParams) {
  return cached(db, keyOf("buyers", sp), () => computeListBuyers(db, sp));
}

async function computeListBuyers(db: DB, sp: URLSearchParams) {
  const { p, page, filter } = parseList(sp);
  const r = await spendByBuyer(db, filter, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE, order: p.sort ?? "value", q: p.q });
  return {
    params: p,
    page,
    pageSize: PAGE_SIZE,
    total: r.total,
    rows: r.rows.map((b) => ({
      ...b,
      share: smeShare([
        { scaleClass: "sme", valuePence: b.smePence },
        { scaleClass: "large", valuePence: b.largePence },
        { scaleClass: "unknown", valuePence: b.unknownPence },
      ]).share,
    })),
  };
}

export function listSuppliers(db: DB, sp: URLSearchParams) {
  return cached(db, keyOf("suppliers", sp), () => computeListSuppliers(db, sp));
}

async function computeListSuppliers(db: DB, sp: URLSearchParams) {
  const { p, page, filter } = parseList(sp);
  const groupId = p.group ? BigInt(p.group) : undefined;
  const group = groupId !== undefined ? await db.selectFrom("org_groups").select(["id", "name"]).where("id", "=", groupId).executeTakeFirst() : null;
  if (groupId !== undefined && !group) throw new BadRequest([{ param: "group", message: `no supplier group with id ${p.group}` }]);
  const r = await spendBySupplier(db, filter, {
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
    order: p.sort ?? "value",
    q: p.q,
    ...(groupId !== undefined ? { groupId } : {}),
  });
  return { params: p, page, pageSize: PAGE_SIZE, total: r.total, rows: r.rows, group: group ?? null };
}

function profileParams(sp: URLSearchParams) {
  const parsed = parseParams(ListParams.pick({ view: true, from: true, to: true }), searchParamsObject(sp));
  if (!parsed.ok) throw new BadRequest(parsed.errors);
  const p = parsed.value;
  const from = p.from ? parseFyLabel(p.from) : null;
  const to = p.to ? parseFyLabel(p.to) : null;
  if (from !== null && to !== null && from > to) throw new BadRequest([{ param: "from", message: `must not be after 'to' (${p.to})` }]);
  return { p, view: (p.view ?? "awarded") as View, from: from ?? undefined, to: to ?? undefined };
}

export function buyerProfile(db: DB, id: string, sp: URLSearchParams, opts: StatsOptions = {}) {
  const o = optionsOf(opts);
  return cached(db, keyOf(`buyer/${id}`, sp, o.key), () => computeBuyerProfile(db, id, sp, o));
}

async function computeBuyerProfile(db: DB, id: string, sp: URLSearchParams, o: ReturnType<typeof optionsOf>) {
  const { config, currentFy } = o;
  if (!/^\d{1,18}$/.test(id)) return null;
  const org = await getOrganisation(db, BigInt(id));
  if (!org?.is_buyer) return null;
  const { p, view, from, to } = profileParams(sp);
  const f: SpendFilter = { view, from, to, buyerId: org.id };
  const query = statsQuery({ id, view: p.view, from: p.from, to: p.to });
  const [allRows, consultancyRows, scopeRows, top, recent] = await Promise.all([
    spendCube(db, f, ["fy", "scale_class"]),
    spendCube(db, { ...f, from: undefined, to: undefined, view: "annualised", consultancy: true }, ["fy"]),
    spendCube(db, { ...f, from: undefined, to: undefined, view: "annualised" }, ["fy"]),
    concentrationOver(db, f, "supplier", config.concentrationTopN),
    recentContracts(db, { buyerId: org.id }, 10),
  ]);
  // Measured years only (up to today's); later years' committed value is in the consultancy chart, apart.
  const rows = allRows.filter((x) => x.fy <= currentFy);
  const target = smeTargetFor(config, id, orgIdentifierOf(org.scheme, org.identifier));
  const points: ChartPoint[] = [];
  for (const [fy, list] of groupRows(rows, (x) => x.fy)) {
    const s = shareOf(list, config);
    const note = smeNote(s, config);
    points.push({
      x: fyLabel(fy),
      values: {
        sme: pounds(s.smeValuePence),
        large: pounds(s.knownValuePence - s.smeValuePence),
        unknown: pounds(s.unknownValuePence),
        share: pct(s.share),
      },
      links: {
        sme: registerHref(f, { fy, scale: "sme" }),
        large: registerHref(f, { fy, scale: "large" }),
        unknown: registerHref(f, { fy, scale: "unknown" }),
        share: registerHref(f, { fy }),
      },
      extra: {
        total: formatPounds(s.knownValuePence + s.unknownValuePence),
        coverage: formatShare(s.coverage),
        contracts: formatCount(s.contracts),
        ...coverageCells({ contracts: s.contracts, missingValueContracts: s.missingValueContracts, fallbackContracts: s.fallbackContracts }, view),
      },
      ...joinNotes(statusNote(yearStatus(fy, currentFy)), note),
    });
  }
  const spendChart: ChartData = {
    id: "buyer-spend-by-year",
    title: "Spend by year and supplier size",
    caption: `${org.name}: value to SMEs, large suppliers and suppliers of unknown size per financial year, with the SME share (right-hand scale) and the target (${percent(target)}). ${viewCaption(view, config)}`,
    definition: { text: chartCaptions(config).smeShare, href: "/methodology#sme-share" },
    xLabel: "Financial year",
    series: [
      { key: "sme", label: "SMEs", kind: "bar", unit: "pounds", stackId: "v", color: "#1d70b8" },
      { key: "large", label: "Large suppliers", kind: "bar", unit: "pounds", stackId: "v", color: "#f47738" },
      { key: "unknown", label: "Unknown size", kind: "bar", unit: "pounds", stackId: "v", color: "#505a5f" },
      { key: "share", label: "SME share", kind: "line", unit: "percent", axis: "right", color: "#00703c" },
    ],
    points,
    extraColumns: [
      { key: "total", label: "Total value", numeric: true },
      { key: "coverage", label: "Coverage", numeric: true },
      { key: "contracts", label: "Contracts", numeric: true },
      ...coverageColumns(view),
    ],
    csvHref: csvHref("buyer-spend-by-year", query),
    linkNote: `Each part of a bar links to this buyer's contracts with a supplier of that size in that year.${view === "annualised" ? ` ${ANNUALISED_LINK_NOTE}` : ""}`,
    emptyText: `${org.name} has no contracts with a named supplier in the register${from !== undefined || to !== undefined ? " in these years" : ""}.`,
  };
  const pledge = computePledge(pledgeInput(consultancyRows, scopeRows), config.pledge, { currentFy });
  const consultancyFilter: SpendFilter = { ...f, view: "annualised", consultancy: true };
  const shownPledge = pledge.years.filter(
    (y) => (from === undefined || y.fy >= from) && (to === undefined || y.fy <= to) && (y.contracts > 0 || y.trajectoryPence !== null),
  );
  const rawPledgePoints = pledgePoints(shownPledge, {
    pledge: config.pledge,
    baselineUsed: pledge.baselineYearsUsed,
    byFy: new Map(consultancyRows.map((x) => [x.fy, x])),
    link: (fy) => registerHref(consultancyFilter, { fy }),
    view: "annualised",
  });
  const pledgeSeriesList = pledgeSeries(rawPledgePoints);
  const consultancyChart: ChartData = {
    id: "buyer-consultancy-by-year",
    title: "Consultancy spend by year",
    caption: `${org.name}: consultancy spend per financial year with its trajectory from its baseline (in ${fyLabel(config.pledge.baselineTo)}) to half of it by ${fyLabel(config.pledge.targetFy)}. ${viewCaption("annualised", config)} Spend is measured up to ${fyLabel(currentFy)}, which is in progress (to date).`,
    definition: { text: chartCaptions(config).consultancy, href: "/methodology#consultancy" },
    xLabel: "Financial year",
    series: pledgeSeriesList,
    points: withoutEmptySeries(rawPledgePoints, pledgeSeriesList),
    extraColumns: [
      { key: "contracts", label: "Contracts", numeric: true },
      ...coverageColumns("annualised"),
      { key: "onTrack", label: "On track?" },
      { key: "year", label: "Year" },
    ],
    csvHref: csvHref("buyer-consultancy-by-year", query),
    linkNote: ANNUALISED_LINK_NOTE,
    emptyText: `${org.name} has no consultancy contracts in the register.`,
  };
  if (consultancyRows.length === 0) consultancyChart.points = [];
  return {
    org,
    view,
    params: p,
    query,
    hasContracts: rows.length > 0,
    target,
    currentFy: fyLabel(currentFy),
    total: shareOf(rows, config),
    pledge,
    pledgeConfig: config.pledge,
    top: {
      totalPence: top.sums.totalPence,
      hhi: hhiFromSums(top.sums.totalPence, top.sums.sumSquares),
      highlyConcentrated: isHighlyConcentrated(top.sums.totalPence, top.sums.sumSquares),
      suppliers: top.sums.suppliers,
      rows: top.top.map((t) => ({ ...t, share: ratio(t.valuePence, top.sums.totalPence) ?? 0 })),
    },
    recent,
    registerHref: registerHref({ view: "awarded", buyerId: org.id }),
    charts: [spendChart, consultancyChart],
  };
}

export function supplierProfile(db: DB, id: string, sp: URLSearchParams, opts: StatsOptions = {}) {
  const o = optionsOf(opts);
  return cached(db, keyOf(`supplier/${id}`, sp, o.key), () => computeSupplierProfile(db, id, sp, o));
}

async function computeSupplierProfile(db: DB, id: string, sp: URLSearchParams, o: ReturnType<typeof optionsOf>) {
  const { config, currentFy } = o;
  if (!/^\d{1,18}$/.test(id)) return null;
  const org = await getOrganisation(db, BigInt(id));
  if (!org?.is_supplier) return null;
  const { p, view, from, to } = profileParams(sp);
  const f: SpendFilter & { supplierId: bigint } = { view, from, to, supplierId: org.id };
  const query = statsQuery({ id, view: p.view, from: p.from, to: p.to });
  const [allYears, buyers, recent] = await Promise.all([
    supplierYears(db, f),
    supplierBuyers(db, f, 10),
    recentContracts(db, { supplierId: org.id }, 10),
  ]);
  // Measured years only; a later year's annualised value is committed, not yet earned, and listed apart.
  const years = allYears.filter((y) => y.fy <= currentFy);
  const committedYears = allYears.filter((y) => y.fy > currentFy);
  const chart: ChartData = {
    id: "supplier-value-by-year",
    title: "Value by year",
    caption: `${org.name}: its part of the value of its contracts per financial year (an award to several suppliers is split between them), with the consultancy part. ${viewCaption(view, config)}`,
    definition: { text: chartCaptions(config).awarded, href: "/methodology#awarded-and-annualised" },
    xLabel: "Financial year",
    series: [
      { key: "value", label: "Value to this supplier", kind: "bar", unit: "pounds", color: "#1d70b8" },
      { key: "consultancy", label: "of which consultancy", kind: "bar", unit: "pounds", color: "#4c2c92" },
    ],
    points: years.map((y) => ({
      x: fyLabel(y.fy),
      values: { value: pounds(y.valuePence), consultancy: pounds(y.consultancyPence) },
      links: {
        value: registerHref({ view }, { fy: y.fy, supplier: org.id }),
        consultancy: registerHref({ view }, { fy: y.fy, supplier: org.id, consultancy: true }),
      },
      extra: { contracts: formatCount(y.contracts), ...coverageCells(y, view), nonGbp: formatCount(y.nonGbpContracts) },
      ...joinNotes(statusNote(yearStatus(y.fy, currentFy))),
    })),
    extraColumns: [
      { key: "contracts", label: "Contracts", numeric: true },
      ...coverageColumns(view),
      { key: "nonGbp", label: "Not in GBP totals", numeric: true },
    ],
    csvHref: csvHref("supplier-value-by-year", query),
    linkNote: `Each bar links to this supplier's contracts in that year; the register shows their total and the part of it that went to this supplier, which is the figure plotted.${view === "annualised" ? ` ${ANNUALISED_LINK_NOTE}` : ""}`,
    emptyText: `${org.name} has no contracts in the register${from !== undefined || to !== undefined ? " in these years" : ""}.`,
  };
  return {
    org,
    view,
    params: p,
    query,
    hasContracts: allYears.length > 0,
    currentFy: fyLabel(currentFy),
    totalPence: years.reduce((s, y) => s + y.valuePence, 0n),
    contracts: years.reduce((s, y) => s + y.contracts, 0),
    committed: committedYears.length
      ? {
          from: fyLabel(committedYears[0]!.fy),
          to: fyLabel(committedYears[committedYears.length - 1]!.fy),
          valuePence: committedYears.reduce((s, y) => s + y.valuePence, 0n),
        }
      : null,
    inputs: inputCoverage(addInputCounts(years)),
    buyers,
    recent,
    registerHref: registerHref({ view: "awarded" }, { supplier: org.id }),
    charts: [chart],
  };
}

// ---------------------------------------------------------------------------
// Filters for forms, CSV

/**
 * Options for the dashboard filter forms: the years with data, and the 100
 * buyers with the most value (every buyer is in the URL's `buyer` filter and
 * reachable from /buyers; a list of thousands would make every page heavy),
 * plus the buyer in force.
 */
export async function filterOptions(db: DB, view: View, current?: { id: bigint; name: string } | null) {
  const base = await cached(db, `options#${view}`, async () => {
    const [buyers, years] = await Promise.all([buyersWithSpend(db, 100), yearsWithData(db, view)]);
    return { buyers: buyers.map((b) => [b.id.toString(), b.name] as [string, string]), years: years.map(fyLabel) };
  });
  if (!current || base.buyers.some(([id]) => id === current.id.toString())) return base;
  const buyers = [...base.buyers, [current.id.toString(), current.name] as [string, string]].sort((a, b) => a[1].localeCompare(b[1]));
  return { ...base, buyers };
}

/** The chart with this id, built exactly as its page builds it (for the CSV download); null when unknown. */
export async function chartById(db: DB, chartId: string, sp: URLSearchParams, now: Date, config?: MetricsConfig): Promise<ChartData | null> {
  const opts: StatsOptions = { now, config };
  let charts: ChartData[] = [];
  if (chartId.startsWith("sme-")) charts = (await smeDashboard(db, sp, opts)).charts;
  else if (chartId.startsWith("consultancy-")) charts = (await consultancyDashboard(db, sp, opts)).charts;
  else if (chartId.startsWith("concentration-")) charts = (await concentrationDashboard(db, sp, opts)).charts;
  else if (chartId.startsWith("buyer-") || chartId.startsWith("supplier-")) {
    const id = sp.get("id") ?? "";
    if (!/^\d{1,18}$/.test(id)) throw new BadRequest([{ param: "id", message: "must be a buyer or supplier id (digits)" }]);
    const rest = new URLSearchParams(sp);
    rest.delete("id");
    const profile = chartId.startsWith("buyer-") ? await buyerProfile(db, id, rest, opts) : await supplierProfile(db, id, rest, opts);
    if (!profile) throw new BadRequest([{ param: "id", message: `no ${chartId.startsWith("buyer-") ? "buyer" : "supplier"} with id ${id}` }]);
    charts = profile.charts;
  }
  return charts.find((c) => c.id === chartId) ?? null;
}

export { formatHeadline };
