/**
 * The policy dashboards (issue 8): where the money goes (suppliers' country of
 * registration and parent group's country, top overseas groups in cloud and
 * software), co-operatives / mutuals / VCSEs against the doubling target,
 * regions (supplier's and buyer's ITL1 region) and government missions.
 *
 * Each use case parses its URL parameters (a 400 names a bad one), asks
 * PostgreSQL for grouped cells (db/queries/stats-policy.ts, awarded view) and
 * turns them into figures with the pure functions of
 * app/domain/metrics/policy.ts, so the page, the chart CSVs and the API show
 * the same numbers. Results are cached per data version (spend_version).
 */
import { z } from "zod";
import type { DB } from "../../db/client";
import { yearsWithData } from "../../db/queries/stats";
import {
  countryCellsSql,
  missionCellsSql,
  orgTypeCellsSql,
  regionCellsSql,
  topEntitiesSql,
  yearSpanSql,
  topSuppliersOfTypeSql,
} from "../../db/queries/stats-policy";
import type { ChartData, ChartPoint } from "../components/charts/types";
import { DEFAULT_METRICS_CONFIG } from "../domain/metrics/config";
import { percent } from "../domain/metrics/definitions";
import { fyLabel, parseFyLabel } from "../domain/metrics/fy";
import {
  COUNTRY_CLASS_LABELS,
  COUNTRY_CLASSES,
  type CountryClass,
  CPV_FAMILIES,
  type CpvFamily,
  DEFAULT_POLICY_CONFIG,
  type EntityRow,
  GROUP_COUNTRY_CLASSES,
  GROUP_COUNTRY_LABELS,
  groupCells,
  type MissionCell,
  ORG_TYPE_LABELS,
  type OrgTypeCell,
  type PolicyConfig,
  type PolicyFilter,
  type RegionCell,
  type RegionKey,
  slices,
  socialEconomyShare,
  socialEconomyTarget,
} from "../domain/metrics/policy";
import { smeShare } from "../domain/metrics/sme-share";
import { formatPounds, formatShare } from "../domain/money";
import { BUYER_TYPES, ITL1_REGIONS, MISSIONS, ORG_TYPES, type OrgType } from "../domain/types";
import { buyerTypeLabel, formatCount } from "../lib/format";
import { type ParamError, parseParams, searchParamsObject } from "../lib/params";
import { BadRequest } from "./register.server";
import { cached } from "./stats.server";

// ---------------------------------------------------------------------------
// Parameters

const fyParam = z.string().refine((v) => parseFyLabel(v) !== null, { message: "must be a financial year as YYYY-YY, e.g. 2024-25" });
const oneOf = (list: readonly string[], what: string) =>
  z.string().refine((v) => list.includes(v), { message: `unknown ${what}; expected one of ${list.join(", ")}` });

const REGION_CODES = Object.keys(ITL1_REGIONS);
const MISSION_CODES = Object.keys(MISSIONS);

export const PolicyParamsSchema = z
  .object({
    from: fyParam.optional(),
    to: fyParam.optional(),
    fy: fyParam.optional(),
    buyerType: oneOf(BUYER_TYPES, "buyer type").optional(),
    cpv: z.string().regex(/^\d{2,8}$/, "must be a CPV code or prefix of 2 to 8 digits").optional(),
    country: oneOf(COUNTRY_CLASSES, "country class").optional(),
    type: oneOf(ORG_TYPES, "organisation type").optional(),
    region: oneOf(REGION_CODES, "region (ITL1 code such as TLI)").optional(),
    mission: oneOf(MISSION_CODES, "mission").optional(),
  })
  .superRefine((f, ctx) => {
    const from = f.from ? parseFyLabel(f.from) : null;
    const to = f.to ? parseFyLabel(f.to) : null;
    if (from !== null && to !== null && from > to) ctx.addIssue({ code: "custom", path: ["from"], message: `must not be after 'to' (${f.to})` });
    if (f.fy && (f.from || f.to)) ctx.addIssue({ code: "custom", path: ["fy"], message: "give either fy or a from/to range, not both" });
  });

export type PolicyParams = z.infer<typeof PolicyParamsSchema>;
type Extra = "country" | "type" | "region" | "mission";
const COMMON = ["from", "to", "fy", "buyerType", "cpv"] as const;

export interface PolicyResolved {
  params: PolicyParams;
  filter: PolicyFilter;
  /** Query string of the parameters in force (without "?"). */
  query: string;
}

/** Parameters the framework adds to a page's URL (Remix data requests), never a filter. */
const FRAMEWORK_PARAMS = new Set(["_data", "_routes", "index"]);

/**
 * Parse a dashboard's parameters: the common filters and its own code. Any
 * other parameter (a misspelt `regoin`, another dashboard's code) is a
 * BadRequest naming it, with the bad values of the known ones.
 */
export function resolvePolicy(sp: URLSearchParams, extra: Extra | null): PolicyResolved {
  const raw = searchParamsObject(sp);
  const allowed: readonly string[] = [...COMMON, ...(extra ? [extra] : [])];
  const input: Record<string, unknown> = {};
  const unknown: ParamError[] = [];
  for (const k of new Set(sp.keys())) {
    if (FRAMEWORK_PARAMS.has(k)) continue;
    if (!allowed.includes(k)) unknown.push({ param: k, message: `is not a parameter here; this view takes ${allowed.join(", ")}` });
    else if (raw[k] !== undefined) input[k] = raw[k];
  }
  const parsed = parseParams(PolicyParamsSchema, input);
  if (unknown.length > 0 || !parsed.ok) throw new BadRequest([...unknown, ...(parsed.ok ? [] : parsed.errors)]);
  const p = parsed.value;
  const from = p.fy ? parseFyLabel(p.fy) : p.from ? parseFyLabel(p.from) : null;
  const to = p.fy ? parseFyLabel(p.fy) : p.to ? parseFyLabel(p.to) : null;
  const filter: PolicyFilter = {
    from: from ?? undefined,
    to: to ?? undefined,
    buyerType: p.buyerType,
    cpv: p.cpv,
    buyerRegion: extra === "region" ? p.region : undefined,
  };
  const q = new URLSearchParams();
  for (const k of [...COMMON, "country", "type", "region", "mission"] as const) {
    const v = p[k];
    if (v) q.set(k, v);
  }
  return { params: p, filter, query: q.toString() };
}

const keyOf = (name: string, r: PolicyResolved) => `policy-${name}?${r.query}`;

// ---------------------------------------------------------------------------
// Helpers

const pounds = (pence: bigint) => Number(pence) / 100;
const pct = (share: number | null) => (share === null ? null : Math.round(share * 10_000) / 100);
const csvHref = (id: string, query: string) => `/charts/${id}.csv${query ? `?${query}` : ""}`;

const AWARDED =
  "Awarded value: each contract's value shared between its suppliers, in the financial year of its award; pounds sterling only.";

/** The financial years a figure covers when the filter leaves them open: the first and last with data. */
export interface YearSpan {
  from?: number | undefined;
  to?: number | undefined;
}

/** The first and last financial year of a set of cells (empty: none). */
export function spanOf(cells: ReadonlyArray<{ fy: number }>): YearSpan {
  let from: number | undefined;
  let to: number | undefined;
  for (const c of cells) {
    if (from === undefined || c.fy < from) from = c.fy;
    if (to === undefined || c.fy > to) to = c.fy;
  }
  return { from, to };
}

/**
 * The register view (/contracts) behind a figure, whose stated total is the
 * figure: the dashboard's filters, the figure's own (supplier's country,
 * parent group or its country, CPV family, organisation type, region, mission
 * or none, scale), and its financial years — one year, or the range shown
 * (`fromFy`/`toFy`; with no range chosen, the first and last years with data,
 * so contracts without an award year, which no figure counts, are left out).
 */
export function policyRegisterHref(
  f: PolicyFilter,
  x: {
    fy?: number;
    buyerType?: string;
    region?: string;
    mission?: string;
    scale?: string;
    supplier?: string;
    supplierCountry?: CountryClass;
    orgType?: OrgType;
    supplierRegion?: string;
    group?: string;
    groupCountry?: string;
    cpvFamily?: CpvFamily;
  } = {},
  span: YearSpan = {},
): string {
  const sp = new URLSearchParams();
  const buyerType = x.buyerType ?? f.buyerType;
  if (buyerType) sp.set("buyerType", buyerType);
  if (f.cpv) sp.set("cpv", f.cpv);
  if (x.cpvFamily) sp.set("cpvFamily", x.cpvFamily);
  const region = x.region ?? f.buyerRegion;
  if (region) sp.set("region", region);
  if (x.mission) sp.set("mission", x.mission);
  if (x.supplier) sp.set("supplier", x.supplier);
  if (x.group) sp.set("group", x.group);
  if (x.groupCountry) sp.set("groupCountry", x.groupCountry);
  if (x.scale) sp.set("scale", x.scale);
  if (x.supplierCountry) sp.set("supplierCountry", x.supplierCountry);
  if (x.orgType) sp.set("orgType", x.orgType);
  if (x.supplierRegion) sp.set("supplierRegion", x.supplierRegion);
  const from = f.from ?? span.from;
  const to = f.to ?? span.to;
  const fy = x.fy ?? (from !== undefined && from === to ? from : undefined);
  if (fy !== undefined) sp.set("fy", fyLabel(fy));
  else {
    if (from !== undefined) sp.set("fromFy", fyLabel(from));
    if (to !== undefined) sp.set("toFy", fyLabel(to));
  }
  const s = sp.toString();
  return `/contracts${s ? `?${s}` : ""}`;
}

function scopeText(f: PolicyFilter): string {
  const parts: string[] = [f.buyerType ? buyerTypeLabel(f.buyerType) : "all buyers"];
  if (f.buyerRegion) parts.push(`buyers in ${ITL1_REGIONS[f.buyerRegion as keyof typeof ITL1_REGIONS]}`);
  if (f.cpv) parts.push(`CPV ${f.cpv}`);
  if (f.from !== undefined || f.to !== undefined) {
    const a = f.from !== undefined ? fyLabel(f.from) : "the first year";
    const b = f.to !== undefined ? fyLabel(f.to) : "the latest year";
    parts.push(a === b ? a : `${a} to ${b}`);
  }
  return parts.join(", ");
}

/** The years with data in the awarded view (for the filter form). */
export function policyYears(db: DB): Promise<string[]> {
  return cached(db, "policy-years", async () => (await yearsWithData(db, "awarded")).map(fyLabel));
}

const sliceApi = (s: { valuePence: bigint; awards: number; share: number | null }) => ({ valuePence: s.valuePence, awards: s.awards, share: s.share });

// ---------------------------------------------------------------------------
// Where the money goes: suppliers' country of registration

const COUNTRY_COLORS: Record<CountryClass, string> = { uk: "#1d70b8", overseas: "#d4351c", unknown: "#505a5f" };
const GROUP_COLORS: Record<string, string> = { uk: "#1d70b8", overseas: "#d4351c", unknown: "#505a5f", none: "#b1b4b6" };

const COUNTRY_LINKS =
  "Each link lists the contracts with a supplier of that country class; the register states the part of their value that went to those suppliers, which is the figure here.";
const GROUP_COUNTRY_LINKS =
  "Each link lists the contracts with a supplier whose parent group is of that country class (or with no parent group known) in that year; the register states the part of their value that went to those suppliers, which is the figure here.";

export function supplierCountriesDashboard(db: DB, sp: URLSearchParams, config: PolicyConfig = DEFAULT_POLICY_CONFIG) {
  const r = resolvePolicy(sp, "country");
  if (config !== DEFAULT_POLICY_CONFIG) return computeSupplierCountries(db, r, config);
  return cached(db, keyOf("suppliers", r), () => computeSupplierCountries(db, r, config));
}

async function computeSupplierCountries(db: DB, r: PolicyResolved, config: PolicyConfig) {
  const f = r.filter;
  const focus: CountryClass = (r.params.country as CountryClass | undefined) ?? "overseas";
  const [cells, top] = await Promise.all([countryCellsSql(db, f, config), topEntitiesSql(db, f, focus, config.topN, config)]);
  const scope = scopeText(f);
  const span = spanOf(cells);
  const definition = { text: "Country of registration on the supplier's register entry; no country counts as unknown, never as UK.", href: "/methodology#supplier-country" };

  const years = [...groupCells(cells, (c) => c.fy)].map(([fy, list]) => ({
    fy,
    country: slices(list, (c) => c.country, COUNTRY_CLASSES),
    group: slices(list, (c) => c.groupCountry, GROUP_COUNTRY_CLASSES),
  }));
  const byType = [...groupCells(cells, (c) => c.buyerType)].map(([buyerType, list]) => ({
    buyerType,
    country: slices(list, (c) => c.country, COUNTRY_CLASSES),
  }));
  const all = slices(cells, (c) => c.country, COUNTRY_CLASSES);
  const allGroups = slices(cells, (c) => c.groupCountry, GROUP_COUNTRY_CLASSES);

  const byYear: ChartData = {
    id: "suppliers-country-by-year",
    title: "Value by supplier's country of registration",
    caption: `Value to UK-registered suppliers, suppliers registered overseas and suppliers of unknown country per financial year, ${scope}, with the ${COUNTRY_CLASS_LABELS[focus].toLowerCase()} share (right-hand scale). ${AWARDED}`,
    definition,
    xLabel: "Financial year",
    series: [
      ...COUNTRY_CLASSES.map((c) => ({ key: c, label: COUNTRY_CLASS_LABELS[c], kind: "bar" as const, unit: "pounds" as const, stackId: "v", color: COUNTRY_COLORS[c] })),
      { key: "share", label: `${COUNTRY_CLASS_LABELS[focus]}: share of value`, kind: "line", unit: "percent", axis: "right", color: "#0b0c0c" },
    ],
    points: years.map((y) => ({
      x: fyLabel(y.fy),
      values: {
        ...Object.fromEntries(COUNTRY_CLASSES.map((c) => [c, pounds(y.country.byKey[c].valuePence)])),
        share: pct(y.country.byKey[focus].share),
      },
      links: {
        ...Object.fromEntries(COUNTRY_CLASSES.map((c) => [c, policyRegisterHref(f, { fy: y.fy, supplierCountry: c })])),
        share: policyRegisterHref(f, { fy: y.fy, supplierCountry: focus }),
      },
      extra: {
        total: formatPounds(y.country.totalPence),
        ...Object.fromEntries(COUNTRY_CLASSES.map((c) => [`${c}Share`, formatShare(y.country.byKey[c].share)])),
        awards: formatCount(y.country.awards),
      },
    })),
    extraColumns: [
      { key: "total", label: "Total value", numeric: true },
      ...COUNTRY_CLASSES.map((c) => ({ key: `${c}Share`, label: `${COUNTRY_CLASS_LABELS[c]} share`, numeric: true })),
      { key: "awards", label: "Awards", numeric: true },
    ],
    csvHref: csvHref("suppliers-country-by-year", r.query),
    linkNote: COUNTRY_LINKS,
    emptyText: `No contracts match (${scope}).`,
  };

  const byGroup: ChartData = {
    id: "suppliers-group-country-by-year",
    title: "Value by parent group's country",
    caption: `Value per financial year by the country of the supplier's parent group where a group is known, ${scope}. ${AWARDED}`,
    definition: { text: "The parent group's own country of registration; suppliers with no known group are shown apart.", href: "/methodology#supplier-country" },
    xLabel: "Financial year",
    series: GROUP_COUNTRY_CLASSES.map((c) => ({ key: c, label: GROUP_COUNTRY_LABELS[c], kind: "bar" as const, unit: "pounds" as const, stackId: "v", color: GROUP_COLORS[c] ?? "#505a5f" })),
    points: years.map((y) => ({
      x: fyLabel(y.fy),
      values: Object.fromEntries(GROUP_COUNTRY_CLASSES.map((c) => [c, pounds(y.group.byKey[c].valuePence)])),
      links: Object.fromEntries(GROUP_COUNTRY_CLASSES.map((c) => [c, policyRegisterHref(f, { fy: y.fy, groupCountry: c })])),
      extra: Object.fromEntries(GROUP_COUNTRY_CLASSES.map((c) => [`${c}Share`, formatShare(y.group.byKey[c].share)])),
    })),
    extraColumns: GROUP_COUNTRY_CLASSES.map((c) => ({ key: `${c}Share`, label: `${GROUP_COUNTRY_LABELS[c]} share`, numeric: true })),
    csvHref: csvHref("suppliers-group-country-by-year", r.query),
    linkNote: GROUP_COUNTRY_LINKS,
    emptyText: byYear.emptyText,
  };

  const byBuyerType: ChartData = {
    id: "suppliers-country-by-buyer-type",
    title: `${COUNTRY_CLASS_LABELS[focus]} share by type of buyer`,
    caption: `Share of value to ${COUNTRY_CLASS_LABELS[focus].toLowerCase()} suppliers for each type of buyer, ${scope}, all years in range together. ${AWARDED}`,
    definition,
    xLabel: "Type of buyer",
    layout: "rows",
    series: [{ key: "share", label: `${COUNTRY_CLASS_LABELS[focus]} share`, kind: "bar", unit: "percent", color: COUNTRY_COLORS[focus] }],
    points: byType.map((t) => ({
      x: buyerTypeLabel(t.buyerType || null),
      values: { share: pct(t.country.byKey[focus].share) },
      ...(t.buyerType ? { links: { share: policyRegisterHref(f, { buyerType: t.buyerType, supplierCountry: focus }, span) } } : {}),
      extra: {
        total: formatPounds(t.country.totalPence),
        ...Object.fromEntries(COUNTRY_CLASSES.map((c) => [c, formatPounds(t.country.byKey[c].valuePence)])),
      },
    })),
    extraColumns: [
      { key: "total", label: "Total value", numeric: true },
      ...COUNTRY_CLASSES.map((c) => ({ key: c, label: COUNTRY_CLASS_LABELS[c], numeric: true })),
    ],
    csvHref: csvHref("suppliers-country-by-buyer-type", r.query),
    linkNote: COUNTRY_LINKS,
    emptyText: byYear.emptyText,
  };

  const topCharts = CPV_FAMILIES.map((fam): ChartData => {
    const rows = top.filter((t) => t.family === fam);
    const d = config.cpvFamilies[fam];
    return {
      id: `suppliers-top-${fam}`,
      title: `Top ${COUNTRY_CLASS_LABELS[focus].toLowerCase()} groups: ${d.label.toLowerCase()}`,
      caption: `The ${config.topN} parent groups (or suppliers with no known group) ${focus === "uk" ? "registered in the UK" : focus === "overseas" ? "registered overseas" : "of unknown country"} with the most value in ${d.label.toLowerCase()} contracts (main CPV code ${d.prefixes.join(", ")}), ${scope}. ${AWARDED}`,
      definition: { text: `${d.label}: main CPV code starting ${d.prefixes.join(", ")} (this register's proxy).`, href: "/methodology#cpv-families" },
      xLabel: "Group or supplier",
      layout: "rows",
      series: [{ key: "value", label: "Value", kind: "bar", unit: "pounds", color: COUNTRY_COLORS[focus] }],
      points: rows.map((t) => ({
        x: t.name,
        values: { value: pounds(t.valuePence) },
        links: {
          value: policyRegisterHref(f, t.kind === "group" ? { group: t.id, cpvFamily: fam } : { supplier: t.id, cpvFamily: fam }, span),
        },
        extra: { kind: t.kind === "group" ? "Parent group" : "Supplier", country: t.countryCode ?? "Unknown", awards: formatCount(t.awards) },
      })),
      extraColumns: [
        { key: "kind", label: "Kind" },
        { key: "country", label: "Country" },
        { key: "awards", label: "Awards", numeric: true },
      ],
      csvHref: csvHref(`suppliers-top-${fam}`, r.query),
      linkNote: `Each link lists the group's (or the supplier's) ${d.label.toLowerCase()} contracts in the register, which states the part of their value that went to the group's suppliers: the figure here.`,
      emptyText: `No ${COUNTRY_CLASS_LABELS[focus].toLowerCase()} supplier has ${d.label.toLowerCase()} contracts here (${scope}).`,
    };
  });

  const topByFamily = Object.fromEntries(CPV_FAMILIES.map((fam) => [fam, top.filter((t) => t.family === fam)])) as Record<CpvFamily, EntityRow[]>;
  return {
    resolved: r,
    focus,
    total: all,
    groups: allGroups,
    coverage: { totalPence: all.totalPence, unknownPence: all.byKey.unknown.valuePence, known: all.totalPence === 0n ? null : 1 - (all.byKey.unknown.share ?? 0) },
    years,
    byType,
    top: topByFamily,
    charts: [byYear, byGroup, byBuyerType, ...topCharts],
  };
}

/** GET /api/v1/stats/supplier-countries */
export async function supplierCountriesApi(db: DB, sp: URLSearchParams) {
  const d = await supplierCountriesDashboard(db, sp);
  const f = d.resolved.filter;
  return {
    view: "awarded",
    ...commonApi(f),
    country: d.focus,
    ukCountryCodes: DEFAULT_POLICY_CONFIG.ukCountryCodes,
    total: { valuePence: d.total.totalPence, awards: d.total.awards, ...mapKeys(COUNTRY_CLASSES, (c) => sliceApi(d.total.byKey[c])) },
    years: d.years.map((y) => ({
      fy: fyLabel(y.fy),
      valuePence: y.country.totalPence,
      awards: y.country.awards,
      country: mapKeys(COUNTRY_CLASSES, (c) => sliceApi(y.country.byKey[c])),
      groupCountry: mapKeys(GROUP_COUNTRY_CLASSES, (c) => sliceApi(y.group.byKey[c])),
    })),
    buyerTypes: d.byType.map((t) => ({
      buyerType: t.buyerType || null,
      valuePence: t.country.totalPence,
      country: mapKeys(COUNTRY_CLASSES, (c) => sliceApi(t.country.byKey[c])),
    })),
    topGroups: mapKeys(CPV_FAMILIES, (fam) => ({
      prefixes: DEFAULT_POLICY_CONFIG.cpvFamilies[fam].prefixes,
      rows: d.top[fam].map((t) => ({ kind: t.kind, id: t.id, name: t.name, countryCode: t.countryCode, valuePence: t.valuePence, awards: t.awards })),
    })),
    coverage: { unknownCountryPence: d.coverage.unknownPence, knownShare: d.coverage.known },
  };
}

function mapKeys<K extends string, V>(keys: readonly K[], fn: (k: K) => V): Record<K, V> {
  return Object.fromEntries(keys.map((k) => [k, fn(k)])) as Record<K, V>;
}

function commonApi(f: PolicyFilter) {
  return {
    from: f.from !== undefined ? fyLabel(f.from) : null,
    to: f.to !== undefined ? fyLabel(f.to) : null,
    buyerType: f.buyerType ?? null,
    cpv: f.cpv ?? null,
  };
}

// ---------------------------------------------------------------------------
// Co-operatives, mutuals and VCSEs

const TYPE_COLORS: Record<OrgType, string> = { company: "#1d70b8", vcse: "#00703c", cooperative: "#912b88", public: "#f47738", unknown: "#505a5f" };
const TYPE_LINKS =
  "Each link lists the contracts with a supplier of that type; the register states the part of their value that went to those suppliers.";

export function organisationTypesDashboard(db: DB, sp: URLSearchParams, config: PolicyConfig = DEFAULT_POLICY_CONFIG) {
  const r = resolvePolicy(sp, "type");
  if (config !== DEFAULT_POLICY_CONFIG) return computeOrganisationTypes(db, r, config);
  return cached(db, keyOf("cooperatives", r), () => computeOrganisationTypes(db, r, config));
}

async function computeOrganisationTypes(db: DB, r: PolicyResolved, config: PolicyConfig) {
  const f = r.filter;
  const listed: OrgType = (r.params.type as OrgType | undefined) ?? "cooperative";
  // The baseline year is read without the year filter, so the target line does not move with the range shown.
  const [cells, baselineCells, suppliers] = await Promise.all([
    orgTypeCellsSql(db, f),
    orgTypeCellsSql(db, { ...f, from: config.socialEconomy.baselineFy, to: config.socialEconomy.baselineFy }),
    topSuppliersOfTypeSql(db, f, listed, 25),
  ]);
  const target = socialEconomyTarget(baselineCells, config);
  const scope = scopeText(f);
  const span = spanOf(cells);
  const targetNames = config.socialEconomy.types.map((t) => ORG_TYPE_LABELS[t]).join(" and ");
  const definition = { text: "Organisation type on the supplier's register entry; share = value to that type ÷ all value in the year.", href: "/methodology#organisation-types" };
  const years = [...groupCells(cells, (c) => c.fy)].map(([fy, list]) => {
    const se = socialEconomyShare(list, config);
    return {
      fy,
      types: slices(list, (c) => c.orgType, ORG_TYPES),
      targetTypes: se,
      onTarget: se.share === null || target.targetShare === null ? null : se.share >= target.targetShare,
    };
  });
  const all = slices(cells, (c: OrgTypeCell) => c.orgType, ORG_TYPES);
  const targetLabel = target.targetShare === null ? null : `Target: ${percent(target.targetShare)} (${config.socialEconomy.multiplier} × ${fyLabel(target.baselineFy)})`;

  const shareChart: ChartData = {
    id: "cooperatives-share-by-year",
    title: `Share of value to ${targetNames.toLowerCase()}`,
    caption: `Share of value to ${targetNames.toLowerCase()} (and, beside it, to VCSEs) per financial year, ${scope}, against the target of ${config.socialEconomy.multiplier} × the ${fyLabel(target.baselineFy)} share${target.targetShare === null ? " (not enough data in the baseline year)" : ` (${percent(target.targetShare)})`}. ${AWARDED}`,
    definition,
    xLabel: "Financial year",
    series: [
      { key: "target", label: targetNames, kind: "bar", unit: "percent", color: TYPE_COLORS.cooperative },
      ...(config.socialEconomy.types.includes("vcse") ? [] : [{ key: "vcse", label: ORG_TYPE_LABELS.vcse, kind: "bar" as const, unit: "percent" as const, color: TYPE_COLORS.vcse }]),
    ],
    points: years.map((y) => ({
      x: fyLabel(y.fy),
      values: { target: pct(y.targetTypes.share), ...(config.socialEconomy.types.includes("vcse") ? {} : { vcse: pct(y.types.byKey.vcse.share) }) },
      links: {
        ...(config.socialEconomy.types.length === 1 ? { target: policyRegisterHref(f, { fy: y.fy, orgType: config.socialEconomy.types[0] }) } : {}),
        ...(config.socialEconomy.types.includes("vcse") ? {} : { vcse: policyRegisterHref(f, { fy: y.fy, orgType: "vcse" }) }),
      },
      extra: {
        value: formatPounds(y.targetTypes.valuePence),
        total: formatPounds(y.types.totalPence),
        onTarget: y.onTarget === null ? "–" : y.onTarget ? "At or above target" : "Below target",
      },
      ...(y.fy === target.baselineFy ? { note: "baseline year" } : {}),
    })),
    referenceLines: targetLabel && target.targetShare !== null ? [{ y: pct(target.targetShare) as number, label: targetLabel, unit: "percent", color: "#d4351c" }] : [],
    extraColumns: [
      { key: "value", label: `Value to ${targetNames.toLowerCase()}`, numeric: true },
      { key: "total", label: "Total value", numeric: true },
      { key: "onTarget", label: "Against the target" },
    ],
    csvHref: csvHref("cooperatives-share-by-year", r.query),
    linkNote: TYPE_LINKS,
    emptyText: `No contracts match (${scope}).`,
  };
  const perType = (id: string, title: string, unit: "pounds" | "count"): ChartData => ({
    id,
    title,
    caption: `${unit === "pounds" ? "Value" : "Awards (each contract once for each supplier it names)"} per financial year by the supplier's organisation type, ${scope}. ${AWARDED}`,
    definition,
    xLabel: "Financial year",
    series: ORG_TYPES.map((t) => ({ key: t, label: ORG_TYPE_LABELS[t], kind: "bar" as const, unit, stackId: "v", color: TYPE_COLORS[t] })),
    points: years.map((y) => ({
      x: fyLabel(y.fy),
      values: Object.fromEntries(ORG_TYPES.map((t) => [t, unit === "pounds" ? pounds(y.types.byKey[t].valuePence) : y.types.byKey[t].awards])),
      links: Object.fromEntries(ORG_TYPES.map((t) => [t, policyRegisterHref(f, { fy: y.fy, orgType: t })])),
      extra: Object.fromEntries(ORG_TYPES.map((t) => [`${t}Share`, formatShare(y.types.byKey[t].share)])),
    })),
    extraColumns: ORG_TYPES.map((t) => ({ key: `${t}Share`, label: `${ORG_TYPE_LABELS[t]}: share of value`, numeric: true })),
    csvHref: csvHref(id, r.query),
    linkNote: TYPE_LINKS,
    emptyText: shareChart.emptyText,
  });

  return {
    resolved: r,
    listed,
    target,
    targetTypes: config.socialEconomy.types,
    multiplier: config.socialEconomy.multiplier,
    total: all,
    coverage: { totalPence: all.totalPence, unknownPence: all.byKey.unknown.valuePence, known: all.totalPence === 0n ? null : 1 - (all.byKey.unknown.share ?? 0) },
    years,
    suppliers: {
      type: listed,
      total: suppliers.total,
      rows: suppliers.rows.map((s) => ({ ...s, href: `/suppliers/${s.id}`, contractsHref: policyRegisterHref(f, { supplier: s.id }, span) })),
    },
    charts: [shareChart, perType("cooperatives-value-by-year", "Value by organisation type", "pounds"), perType("cooperatives-awards-by-year", "Awards by organisation type", "count")],
  };
}

/** GET /api/v1/stats/organisation-types */
export async function organisationTypesApi(db: DB, sp: URLSearchParams) {
  const d = await organisationTypesDashboard(db, sp);
  return {
    view: "awarded",
    ...commonApi(d.resolved.filter),
    target: {
      types: d.targetTypes,
      baselineFy: fyLabel(d.target.baselineFy),
      multiplier: d.multiplier,
      baselineShare: d.target.baselineShare,
      targetShare: d.target.targetShare,
    },
    total: { valuePence: d.total.totalPence, awards: d.total.awards, types: mapKeys(ORG_TYPES, (t) => sliceApi(d.total.byKey[t])) },
    years: d.years.map((y) => ({
      fy: fyLabel(y.fy),
      valuePence: y.types.totalPence,
      awards: y.types.awards,
      types: mapKeys(ORG_TYPES, (t) => sliceApi(y.types.byKey[t])),
      targetTypesShare: y.targetTypes.share,
      onTarget: y.onTarget,
    })),
    suppliers: { type: d.suppliers.type, total: d.suppliers.total, rows: d.suppliers.rows.map(({ href: _h, contractsHref: _c, ...s }) => s) },
    coverage: { unknownTypePence: d.coverage.unknownPence, knownShare: d.coverage.known },
  };
}

// ---------------------------------------------------------------------------
// Regions

const REGION_KEYS: RegionKey[] = [...(Object.keys(ITL1_REGIONS) as RegionKey[]), "overseas", "unknown"];
export const regionKeyLabel = (k: RegionKey) =>
  k === "overseas" ? "Outside the UK" : k === "unknown" ? "Region unknown" : ITL1_REGIONS[k as keyof typeof ITL1_REGIONS];

export interface RegionFigure {
  region: RegionKey;
  label: string;
  valuePence: bigint;
  smeValuePence: bigint;
  knownValuePence: bigint;
  unknownValuePence: bigint;
  share: number | null;
  coverage: number | null;
  uncertain: boolean;
  awards: number;
}

/** SME share and value per region of one side (supplier or buyer), regions with no value left out. */
export function regionFigures(cells: readonly RegionCell[], side: "supplier" | "buyer"): RegionFigure[] {
  const by = groupCells(cells, (c) => (side === "supplier" ? c.supplierRegion : c.buyerRegion));
  const out: RegionFigure[] = [];
  for (const k of REGION_KEYS) {
    const list = by.get(k);
    if (!list) continue;
    const s = smeShare(
      list.map((c) => ({ scaleClass: c.scaleClass, valuePence: c.valuePence })),
      { uncertainCoverageBelow: DEFAULT_METRICS_CONFIG.uncertainCoverageBelow },
    );
    out.push({
      region: k,
      label: regionKeyLabel(k),
      valuePence: s.knownValuePence + s.unknownValuePence,
      smeValuePence: s.smeValuePence,
      knownValuePence: s.knownValuePence,
      unknownValuePence: s.unknownValuePence,
      share: s.share,
      coverage: s.coverage,
      uncertain: s.uncertain,
      awards: list.reduce((a, c) => a + c.awards, 0),
    });
  }
  return out;
}

export function regionsDashboard(db: DB, sp: URLSearchParams) {
  const r = resolvePolicy(sp, "region");
  return cached(db, keyOf("regions", r), () => computeRegions(db, r));
}

async function computeRegions(db: DB, r: PolicyResolved) {
  const f = r.filter;
  const [cells, span] = await Promise.all([regionCellsSql(db, f), yearSpanSql(db, f)]);
  const scope = scopeText(f);
  const sides = { supplier: regionFigures(cells, "supplier"), buyer: regionFigures(cells, "buyer") };
  const definition = { text: "ITL1 region on the register entry; SME share = value to SMEs ÷ value to suppliers of known size.", href: "/methodology#regions" };
  const uncertainBelow = percent(DEFAULT_METRICS_CONFIG.uncertainCoverageBelow);
  const charts: ChartData[] = [];
  for (const side of ["supplier", "buyer"] as const) {
    const figs = sides[side];
    const who = side === "supplier" ? "supplier's" : "buyer's";
    const link = (g: RegionFigure, scale?: string): string | undefined =>
      side === "supplier"
        ? policyRegisterHref(f, { supplierRegion: g.region, ...(scale ? { scale } : {}) }, span)
        : policyRegisterHref(f, { region: g.region, ...(scale ? { scale } : {}) }, span);
    const note =
      side === "buyer"
        ? "Each link lists the contracts of buyers in that region (or registered overseas, or of unknown region), in the years shown; the register states their value."
        : "Each link lists the contracts with a supplier in that region (or overseas, or of unknown region), in the years shown; the register states the part of their value that went to those suppliers.";
    charts.push({
      id: `regions-${side}-sme-share`,
      title: `SME share by the ${who} region`,
      caption: `Share of value to suppliers of known size that went to SMEs, by the ${who} ITL1 region, ${scope}. Shares with coverage under ${uncertainBelow} are marked uncertain. ${AWARDED}`,
      definition,
      xLabel: `${side === "supplier" ? "Supplier's" : "Buyer's"} region`,
      layout: "rows",
      series: [{ key: "share", label: "SME share", kind: "bar", unit: "percent", color: "#1d70b8" }],
      points: figs.map((g): ChartPoint => {
        const href = link(g);
        return {
          x: g.label,
          values: { share: pct(g.share) },
          ...(href ? { links: { share: href } } : {}),
          extra: { value: formatPounds(g.valuePence), sme: formatPounds(g.smeValuePence), coverage: formatShare(g.coverage), awards: formatCount(g.awards) },
          ...(g.share === null ? { note: "no supplier of known size" } : g.uncertain ? { note: `uncertain: coverage under ${uncertainBelow}` } : {}),
        };
      }),
      referenceLines: [{ y: Math.round(DEFAULT_METRICS_CONFIG.smeTarget * 10_000) / 100, label: `SME target: ${percent(DEFAULT_METRICS_CONFIG.smeTarget)}`, unit: "percent", color: "#d4351c" }],
      extraColumns: [
        { key: "value", label: "Total value", numeric: true },
        { key: "sme", label: "Value to SMEs", numeric: true },
        { key: "coverage", label: "Coverage", numeric: true },
        { key: "awards", label: "Awards", numeric: true },
      ],
      csvHref: csvHref(`regions-${side}-sme-share`, r.query),
      linkNote: note,
      emptyText: `No contracts match (${scope}).`,
    });
    charts.push({
      id: `regions-${side}-value`,
      title: `Value by the ${who} region and supplier size`,
      caption: `Value to SMEs, large suppliers and suppliers of unknown size, by the ${who} ITL1 region, ${scope}. ${AWARDED}`,
      definition,
      xLabel: `${side === "supplier" ? "Supplier's" : "Buyer's"} region`,
      layout: "rows",
      series: [
        { key: "sme", label: "SMEs", kind: "bar", unit: "pounds", stackId: "v", color: "#1d70b8" },
        { key: "large", label: "Large suppliers", kind: "bar", unit: "pounds", stackId: "v", color: "#f47738" },
        { key: "unknown", label: "Unknown size", kind: "bar", unit: "pounds", stackId: "v", color: "#505a5f" },
      ],
      points: figs.map((g): ChartPoint => {
        const links = Object.fromEntries(
          (["sme", "large", "unknown"] as const).flatMap((s) => {
            const h = link(g, s);
            return h ? [[s, h]] : [];
          }),
        );
        return {
          x: g.label,
          values: { sme: pounds(g.smeValuePence), large: pounds(g.knownValuePence - g.smeValuePence), unknown: pounds(g.unknownValuePence) },
          ...(Object.keys(links).length ? { links } : {}),
          extra: { total: formatPounds(g.valuePence), awards: formatCount(g.awards) },
        };
      }),
      extraColumns: [
        { key: "total", label: "Total value", numeric: true },
        { key: "awards", label: "Awards", numeric: true },
      ],
      csvHref: csvHref(`regions-${side}-value`, r.query),
      linkNote: note,
      emptyText: `No contracts match (${scope}).`,
    });
  }
  const total = sides.supplier.reduce((a, g) => a + g.valuePence, 0n);
  const unknownOf = (side: "supplier" | "buyer") => sides[side].filter((g) => g.region === "unknown").reduce((a, g) => a + g.valuePence, 0n);
  const overseasOf = (side: "supplier" | "buyer") => sides[side].filter((g) => g.region === "overseas").reduce((a, g) => a + g.valuePence, 0n);
  return {
    resolved: r,
    sides,
    coverage: {
      totalPence: total,
      supplierUnknownPence: unknownOf("supplier"),
      supplierOverseasPence: overseasOf("supplier"),
      buyerUnknownPence: unknownOf("buyer"),
      buyerOverseasPence: overseasOf("buyer"),
    },
    charts,
  };
}

/** GET /api/v1/stats/regions */
export async function regionsApi(db: DB, sp: URLSearchParams) {
  const d = await regionsDashboard(db, sp);
  return {
    view: "awarded",
    ...commonApi(d.resolved.filter),
    region: d.resolved.filter.buyerRegion ?? null,
    supplierRegions: d.sides.supplier,
    buyerRegions: d.sides.buyer,
    coverage: d.coverage,
  };
}

// ---------------------------------------------------------------------------
// Missions

type MissionCode = keyof typeof MISSIONS;
const MISSION_KEYS = Object.keys(MISSIONS) as MissionCode[];

export interface MissionFigure {
  mission: string;
  label: string;
  valuePence: bigint;
  smeValuePence: bigint;
  knownValuePence: bigint;
  unknownValuePence: bigint;
  share: number | null;
  coverage: number | null;
  uncertain: boolean;
  awards: number;
}

/** Value and SME share of cells of one mission key. */
export function missionFigure(cells: readonly MissionCell[], mission: string, label: string): MissionFigure {
  const list = cells.filter((c) => c.mission === mission);
  const s = smeShare(
    list.map((c) => ({ scaleClass: c.scaleClass, valuePence: c.valuePence })),
    { uncertainCoverageBelow: DEFAULT_METRICS_CONFIG.uncertainCoverageBelow },
  );
  return {
    mission,
    label,
    valuePence: s.knownValuePence + s.unknownValuePence,
    smeValuePence: s.smeValuePence,
    knownValuePence: s.knownValuePence,
    unknownValuePence: s.unknownValuePence,
    share: s.share,
    coverage: s.coverage,
    uncertain: s.uncertain,
    awards: list.reduce((a, c) => a + c.awards, 0),
  };
}

export function missionsDashboard(db: DB, sp: URLSearchParams) {
  const r = resolvePolicy(sp, "mission");
  return cached(db, keyOf("missions", r), () => computeMissions(db, r));
}

async function computeMissions(db: DB, r: PolicyResolved) {
  const f = r.filter;
  const cells = await missionCellsSql(db, f);
  const scope = scopeText(f);
  const span = spanOf(cells);
  const focus = r.params.mission as MissionCode | undefined;
  const missions = MISSION_KEYS.map((m) => missionFigure(cells, m, MISSIONS[m]));
  const none = missionFigure(cells, "none", "No mission tag");
  const total = missionFigure(cells, "all", "All contracts");
  const definition = { text: "The mission tags the publisher gives; a contract with two missions counts under each.", href: "/methodology#missions" };
  const uncertainBelow = percent(DEFAULT_METRICS_CONFIG.uncertainCoverageBelow);
  const rows = [...missions, none];
  const valueChart: ChartData = {
    id: "missions-value",
    title: "Value by government mission and supplier size",
    caption: `Value to SMEs, large suppliers and suppliers of unknown size for each mission tag, and for contracts with none, ${scope}. A contract with two missions counts under each. ${AWARDED}`,
    definition,
    xLabel: "Mission",
    layout: "rows",
    series: [
      { key: "sme", label: "SMEs", kind: "bar", unit: "pounds", stackId: "v", color: "#1d70b8" },
      { key: "large", label: "Large suppliers", kind: "bar", unit: "pounds", stackId: "v", color: "#f47738" },
      { key: "unknown", label: "Unknown size", kind: "bar", unit: "pounds", stackId: "v", color: "#505a5f" },
    ],
    points: rows
      .filter((g) => g.awards > 0)
      .map((g) => ({
        x: g.label,
        values: { sme: pounds(g.smeValuePence), large: pounds(g.knownValuePence - g.smeValuePence), unknown: pounds(g.unknownValuePence) },
        links: {
          sme: policyRegisterHref(f, { mission: g.mission, scale: "sme" }, span),
          large: policyRegisterHref(f, { mission: g.mission, scale: "large" }, span),
          unknown: policyRegisterHref(f, { mission: g.mission, scale: "unknown" }, span),
        },
        extra: { total: formatPounds(g.valuePence), awards: formatCount(g.awards) },
      })),
    extraColumns: [
      { key: "total", label: "Total value", numeric: true },
      { key: "awards", label: "Awards", numeric: true },
    ],
    csvHref: csvHref("missions-value", r.query),
    linkNote: "Each part of a bar links to that mission's contracts (or those with no mission tag) with a supplier of that size, in the years shown; the register states the part of their value that went to those suppliers.",
    emptyText: `No contracts match (${scope}).`,
  };
  const shareChart: ChartData = {
    id: "missions-sme-share",
    title: "SME share by government mission",
    caption: `Share of value to suppliers of known size that went to SMEs, for each mission tag and for contracts with none, ${scope}. Shares with coverage under ${uncertainBelow} are marked uncertain. ${AWARDED}`,
    definition,
    xLabel: "Mission",
    layout: "rows",
    series: [{ key: "share", label: "SME share", kind: "bar", unit: "percent", color: "#1d70b8" }],
    points: rows
      .filter((g) => g.awards > 0)
      .map((g) => ({
        x: g.label,
        values: { share: pct(g.share) },
        links: { share: policyRegisterHref(f, { mission: g.mission }, span) },
        extra: { sme: formatPounds(g.smeValuePence), known: formatPounds(g.knownValuePence), coverage: formatShare(g.coverage) },
        ...(g.share === null ? { note: "no supplier of known size" } : g.uncertain ? { note: `uncertain: coverage under ${uncertainBelow}` } : {}),
      })),
    referenceLines: [{ y: Math.round(DEFAULT_METRICS_CONFIG.smeTarget * 10_000) / 100, label: `SME target: ${percent(DEFAULT_METRICS_CONFIG.smeTarget)}`, unit: "percent", color: "#d4351c" }],
    extraColumns: [
      { key: "sme", label: "Value to SMEs", numeric: true },
      { key: "known", label: "Value to suppliers of known size", numeric: true },
      { key: "coverage", label: "Coverage", numeric: true },
    ],
    csvHref: csvHref("missions-sme-share", r.query),
    linkNote: valueChart.linkNote as string,
    emptyText: valueChart.emptyText,
  };
  // By year: the chosen mission, or (by default) tagged against untagged value.
  const years = [...groupCells(cells, (c) => c.fy)].map(([fy, list]) => ({
    fy,
    all: missionFigure(list, "all", "All"),
    none: missionFigure(list, "none", "None"),
    focus: focus ? missionFigure(list, focus, MISSIONS[focus]) : null,
  }));
  const yearChart: ChartData = focus
    ? {
        id: "missions-by-year",
        title: `${MISSIONS[focus]}: value and SME share by year`,
        caption: `Value of contracts tagged "${MISSIONS[focus]}" per financial year, with the SME share (right-hand scale), ${scope}. ${AWARDED}`,
        definition,
        xLabel: "Financial year",
        series: [
          { key: "value", label: "Value", kind: "bar", unit: "pounds", color: "#4c2c92" },
          { key: "share", label: "SME share", kind: "line", unit: "percent", axis: "right", color: "#00703c" },
        ],
        points: years
          .filter((y) => (y.focus?.awards ?? 0) > 0)
          .map((y) => ({
            x: fyLabel(y.fy),
            values: { value: pounds(y.focus?.valuePence ?? 0n), share: pct(y.focus?.share ?? null) },
            links: { value: policyRegisterHref(f, { fy: y.fy, mission: focus }), share: policyRegisterHref(f, { fy: y.fy, mission: focus }) },
            extra: { coverage: formatShare(y.focus?.coverage ?? null), awards: formatCount(y.focus?.awards ?? 0) },
          })),
        extraColumns: [
          { key: "coverage", label: "Coverage", numeric: true },
          { key: "awards", label: "Awards", numeric: true },
        ],
        csvHref: csvHref("missions-by-year", r.query),
        emptyText: `No contracts tagged "${MISSIONS[focus]}" match (${scope}).`,
      }
    : {
        id: "missions-by-year",
        title: "Value with and without a mission tag, by year",
        caption: `Value of contracts with at least one mission tag and with none, per financial year, ${scope}: how much of the value the mission figures cover. ${AWARDED}`,
        definition,
        xLabel: "Financial year",
        series: [
          { key: "tagged", label: "With a mission tag", kind: "bar", unit: "pounds", stackId: "v", color: "#4c2c92" },
          { key: "untagged", label: "No mission tag", kind: "bar", unit: "pounds", stackId: "v", color: "#b1b4b6" },
        ],
        points: years.map((y) => ({
          x: fyLabel(y.fy),
          values: { tagged: pounds(y.all.valuePence - y.none.valuePence), untagged: pounds(y.none.valuePence) },
          links: { tagged: policyRegisterHref(f, { fy: y.fy, mission: "any" }), untagged: policyRegisterHref(f, { fy: y.fy, mission: "none" }) },
          extra: {
            coverage: formatShare(y.all.valuePence === 0n ? null : Number(y.all.valuePence - y.none.valuePence) / Number(y.all.valuePence)),
            awards: formatCount(y.all.awards),
          },
        })),
        extraColumns: [
          { key: "coverage", label: "Share of value with a mission tag", numeric: true },
          { key: "awards", label: "Awards", numeric: true },
        ],
        csvHref: csvHref("missions-by-year", r.query),
        linkNote: "Each link lists that year's contracts with at least one mission tag, or with none; the register states their value.",
        emptyText: `No contracts match (${scope}).`,
      };
  return {
    resolved: r,
    focus: focus ?? null,
    missions,
    none,
    total,
    years,
    coverage: {
      totalPence: total.valuePence,
      untaggedPence: none.valuePence,
      taggedShare: total.valuePence === 0n ? null : Number(total.valuePence - none.valuePence) / Number(total.valuePence),
    },
    charts: [valueChart, shareChart, yearChart],
  };
}

/** GET /api/v1/stats/missions */
export async function missionsApi(db: DB, sp: URLSearchParams) {
  const d = await missionsDashboard(db, sp);
  return {
    view: "awarded",
    ...commonApi(d.resolved.filter),
    mission: d.focus,
    missions: d.missions,
    none: d.none,
    total: d.total,
    years: d.focus
      ? d.years.filter((y) => (y.focus?.awards ?? 0) > 0).map((y) => ({ fy: fyLabel(y.fy), ...(y.focus as MissionFigure) }))
      : d.years.map((y) => ({ fy: fyLabel(y.fy), valuePence: y.all.valuePence, untaggedPence: y.none.valuePence, awards: y.all.awards })),
    coverage: d.coverage,
  };
}

// ---------------------------------------------------------------------------
// CSV downloads

/** The chart with this id from a policy dashboard, built as its page builds it; null when the id is not one of these. */
export async function policyChartById(db: DB, chartId: string, sp: URLSearchParams): Promise<ChartData | null> {
  let charts: ChartData[];
  if (chartId.startsWith("suppliers-")) charts = (await supplierCountriesDashboard(db, sp)).charts;
  else if (chartId.startsWith("cooperatives-")) charts = (await organisationTypesDashboard(db, sp)).charts;
  else if (chartId.startsWith("regions-")) charts = (await regionsDashboard(db, sp)).charts;
  else if (chartId.startsWith("missions-")) charts = (await missionsDashboard(db, sp)).charts;
  else return null;
  return charts.find((c) => c.id === chartId) ?? null;
}
