/**
 * The policy dashboards (issue 8): where the money goes by country of
 * registration, co-operatives / mutuals / VCSEs, regions and missions.
 *
 * Pure: every figure is a sum over spend lines (one per contract and supplier,
 * awarded view, GBP only: see spend-lines.ts) grouped by a property of the
 * supplier, its parent group, the buyer or the contract. The database computes
 * the same cells in SQL (db/queries/stats-policy.ts); the functions here are
 * the reference the SQL is tested against, and turn cells into shares.
 */
import type { Itl1, Mission, OrgType, ScaleClass } from "../types";
import { ratio } from "./arith";
import { DEFAULT_METRICS_CONFIG } from "./config";
import { fyLabel } from "./fy";

// ---------------------------------------------------------------------------
// Configuration

/** CPV families for the data-sovereignty tables. */
export type CpvFamily = "cloud" | "software";
export const CPV_FAMILIES: readonly CpvFamily[] = ["cloud", "software"];

export interface CpvFamilyDef {
  label: string;
  /** CPV code prefixes (digits); a contract is in the family when its main CPV code starts with one. */
  prefixes: readonly string[];
  /** What each prefix is, for the methodology page. */
  prefixLabels: Readonly<Record<string, string>>;
}

export interface PolicyConfig {
  /** ISO 3166-1 alpha-2 codes counted as UK-registered. */
  ukCountryCodes: readonly string[];
  cpvFamilies: Readonly<Record<CpvFamily, CpvFamilyDef>>;
  /** The co-operative and mutual target: the share of value to these types, against `multiplier` × the baseline year's share. */
  socialEconomy: {
    types: readonly OrgType[];
    /** Financial year start year of the baseline (2023 = 2023-24). */
    baselineFy: number;
    multiplier: number;
  };
  /** Rows in the "top groups" and "suppliers of each type" tables. */
  topN: number;
}

export const DEFAULT_CPV_FAMILIES: Readonly<Record<CpvFamily, CpvFamilyDef>> = {
  cloud: {
    label: "Cloud and hosting",
    prefixes: ["72317", "72318", "72415", "72416", "72514", "72910", "72251"],
    prefixLabels: {
      "72317": "data storage services (72317000)",
      "72318": "data transmission services (72318000)",
      "72415": "web site hosting (72415000)",
      "72416": "application service providers (72416000)",
      "72514": "computer facilities management (72514000)",
      "72910": "computer back-up services (72910000)",
      "72251": "disaster recovery services (72251000)",
    },
  },
  software: {
    label: "Software",
    prefixes: ["48", "7221", "7223", "7226"],
    prefixLabels: {
      "48": "software packages and information systems (48000000)",
      "7221": "programming services of packaged software products (72210000)",
      "7223": "custom software development services (72230000)",
      "7226": "software-related services (72260000)",
    },
  },
};

export const DEFAULT_POLICY_CONFIG: PolicyConfig = {
  ukCountryCodes: ["GB"],
  cpvFamilies: DEFAULT_CPV_FAMILIES,
  socialEconomy: { types: ["cooperative"], baselineFy: 2023, multiplier: 2 },
  topN: 10,
};

/** Throws an Error naming the first bad field. */
export function validatePolicyConfig(c: PolicyConfig): void {
  if (c.ukCountryCodes.length === 0 || c.ukCountryCodes.some((x) => !/^[A-Z]{2}$/.test(x))) {
    throw new Error("ukCountryCodes must be one or more ISO 3166-1 alpha-2 codes");
  }
  const seen = new Map<string, CpvFamily>();
  for (const fam of CPV_FAMILIES) {
    const def = c.cpvFamilies[fam];
    if (!def || def.prefixes.length === 0) throw new Error(`cpvFamilies.${fam} must have at least one prefix`);
    for (const p of def.prefixes) {
      if (!/^\d{1,8}$/.test(p)) throw new Error(`cpvFamilies.${fam}: prefix ${p} must be 1 to 8 digits`);
      for (const [q, other] of seen) {
        if (p.startsWith(q) || q.startsWith(p)) throw new Error(`cpvFamilies.${fam}: prefix ${p} overlaps ${q} of ${other}`);
      }
    }
    for (const p of def.prefixes) seen.set(p, fam);
  }
  if (c.socialEconomy.types.length === 0) throw new Error("socialEconomy.types must name at least one organisation type");
  if (!Number.isInteger(c.socialEconomy.baselineFy) || c.socialEconomy.baselineFy < 1990 || c.socialEconomy.baselineFy > 2100) {
    throw new Error("socialEconomy.baselineFy must be a financial year start year, e.g. 2023");
  }
  if (!(c.socialEconomy.multiplier > 0) || !Number.isFinite(c.socialEconomy.multiplier)) {
    throw new Error("socialEconomy.multiplier must be a positive number");
  }
  if (!Number.isInteger(c.topN) || c.topN < 1 || c.topN > 100) throw new Error("topN must be a whole number from 1 to 100");
}

// ---------------------------------------------------------------------------
// Classes

export type CountryClass = "uk" | "overseas" | "unknown";
export const COUNTRY_CLASSES: readonly CountryClass[] = ["uk", "overseas", "unknown"];
export const COUNTRY_CLASS_LABELS: Record<CountryClass, string> = {
  uk: "UK-registered",
  overseas: "Registered overseas",
  unknown: "Country unknown",
};

/** Parent group's country: as CountryClass, or "none" when no parent group is known. */
export type GroupCountryClass = CountryClass | "none";
export const GROUP_COUNTRY_CLASSES: readonly GroupCountryClass[] = ["uk", "overseas", "unknown", "none"];
export const GROUP_COUNTRY_LABELS: Record<GroupCountryClass, string> = {
  uk: "UK parent group",
  overseas: "Overseas parent group",
  unknown: "Parent group, country unknown",
  none: "No parent group known",
};

/** A country code → its class. No code is unknown, never UK. */
export function countryClass(code: string | null | undefined, config: PolicyConfig = DEFAULT_POLICY_CONFIG): CountryClass {
  if (code === null || code === undefined || code === "") return "unknown";
  return config.ukCountryCodes.includes(code.toUpperCase()) ? "uk" : "overseas";
}

export function groupCountryClass(
  group: { countryCode: string | null } | null | undefined,
  config: PolicyConfig = DEFAULT_POLICY_CONFIG,
): GroupCountryClass {
  if (!group) return "none";
  return countryClass(group.countryCode, config);
}

/** The family of a main CPV code (8 digits, check digit ignored), or null. */
export function cpvFamilyOf(cpv: string | null | undefined, config: PolicyConfig = DEFAULT_POLICY_CONFIG): CpvFamily | null {
  if (!cpv) return null;
  for (const fam of CPV_FAMILIES) {
    if (config.cpvFamilies[fam].prefixes.some((p) => cpv.startsWith(p))) return fam;
  }
  return null;
}

/** A region key: the ITL1 code; "overseas" for an organisation registered outside the UK; else "unknown". */
export type RegionKey = Itl1 | "overseas" | "unknown";

export function regionKey(
  org: { region: string | null; countryCode: string | null } | null | undefined,
  config: PolicyConfig = DEFAULT_POLICY_CONFIG,
): RegionKey {
  if (!org) return "unknown";
  if (org.region) return org.region as Itl1;
  return countryClass(org.countryCode, config) === "overseas" ? "overseas" : "unknown";
}

export type MissionKey = Mission | "none" | "all";

export const ORG_TYPE_LABELS: Record<OrgType, string> = {
  company: "Companies",
  vcse: "Voluntary, community and social enterprises (VCSEs)",
  cooperative: "Co-operatives and mutuals",
  public: "Public bodies",
  unknown: "Type unknown",
};

// ---------------------------------------------------------------------------
// Lines

export interface PolicyOrg {
  id: string;
  name: string;
  countryCode: string | null;
  region: string | null;
}

export interface PolicyLine {
  ocid: string;
  /** Awarded financial year (start year); lines with none are left out. */
  fy: number | null;
  buyerType: string;
  /** Main CPV code ("" when none). */
  cpv: string;
  scaleClass: ScaleClass;
  gbp: boolean;
  valuePence: bigint;
  supplier: PolicyOrg & {
    orgType: OrgType;
    group: { id: string; name: string; countryCode: string | null } | null;
  };
  buyer: PolicyOrg | null;
  missions: readonly string[];
}

export interface PolicyFilter {
  from?: number | undefined;
  to?: number | undefined;
  buyerType?: string | undefined;
  /** CPV prefix. */
  cpv?: string | undefined;
  /** Buyer's ITL1 region (the register's `region` filter). */
  buyerRegion?: string | undefined;
}

/** The lines every policy figure sums: GBP, dated, and inside the filter. */
export function filterLines(lines: readonly PolicyLine[], f: PolicyFilter = {}): PolicyLine[] {
  return lines.filter(
    (l) =>
      l.gbp &&
      l.fy !== null &&
      (f.from === undefined || l.fy >= f.from) &&
      (f.to === undefined || l.fy <= f.to) &&
      (f.buyerType === undefined || l.buyerType === f.buyerType) &&
      (f.cpv === undefined || l.cpv.startsWith(f.cpv)) &&
      (f.buyerRegion === undefined || l.buyer?.region === f.buyerRegion),
  );
}

// ---------------------------------------------------------------------------
// Cells: value and awards (one per contract and supplier) grouped by keys

export interface ValueCell {
  valuePence: bigint;
  /** Supplier lines: each contract counts once for each supplier it names. */
  awards: number;
}

type Key = string | number;

/** Compare key tuples: numbers numerically, strings in code-unit order. */
export function compareKeys(a: readonly Key[], b: readonly Key[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

function groupSum<C extends object>(
  lines: readonly PolicyLine[],
  keyOf: (l: PolicyLine) => C | C[],
  keys: (c: C) => Key[],
): Array<C & ValueCell> {
  const m = new Map<string, C & ValueCell>();
  for (const l of lines) {
    const ks = keyOf(l);
    for (const k of Array.isArray(ks) ? ks : [ks]) {
      const id = JSON.stringify(keys(k));
      const cell = m.get(id) ?? { ...k, valuePence: 0n, awards: 0 };
      cell.valuePence += l.valuePence;
      cell.awards += 1;
      m.set(id, cell);
    }
  }
  return [...m.values()].sort((a, b) => compareKeys(keys(a), keys(b)));
}

export interface CountryCell extends ValueCell {
  fy: number;
  buyerType: string;
  country: CountryClass;
  groupCountry: GroupCountryClass;
}
export const countryCellKeys = (c: Omit<CountryCell, keyof ValueCell>): Key[] => [c.fy, c.buyerType, c.country, c.groupCountry];

export function countryCells(lines: readonly PolicyLine[], f: PolicyFilter = {}, config = DEFAULT_POLICY_CONFIG): CountryCell[] {
  return groupSum(
    filterLines(lines, f),
    (l) => ({
      fy: l.fy as number,
      buyerType: l.buyerType,
      country: countryClass(l.supplier.countryCode, config),
      groupCountry: groupCountryClass(l.supplier.group, config),
    }),
    countryCellKeys,
  );
}

export interface EntityRow extends ValueCell {
  family: CpvFamily;
  /** "group-<id>" or "supplier-<id>". */
  key: string;
  kind: "group" | "supplier";
  id: string;
  name: string;
  countryCode: string | null;
}

/**
 * Per CPV family, the parent groups (or suppliers with no known group) of one
 * country class with the most value, `n` each; ties by key in code-unit order.
 * The country is the group's where a group is known, else the supplier's own.
 */
export function topEntities(
  lines: readonly PolicyLine[],
  f: PolicyFilter,
  cls: CountryClass,
  n: number,
  config = DEFAULT_POLICY_CONFIG,
): EntityRow[] {
  const cells = groupSum(
    filterLines(lines, f).filter((l) => cpvFamilyOf(l.cpv, config) !== null),
    (l): Omit<EntityRow, keyof ValueCell> => {
      const g = l.supplier.group;
      const family = cpvFamilyOf(l.cpv, config) as CpvFamily;
      return g
        ? { family, key: `group-${g.id}`, kind: "group", id: g.id, name: g.name, countryCode: g.countryCode }
        : { family, key: `supplier-${l.supplier.id}`, kind: "supplier", id: l.supplier.id, name: l.supplier.name, countryCode: l.supplier.countryCode };
    },
    (c) => [c.family, c.key],
  );
  const out: EntityRow[] = [];
  for (const fam of CPV_FAMILIES) {
    out.push(
      ...cells
        .filter((c) => c.family === fam && countryClass(c.countryCode, config) === cls && c.valuePence > 0n)
        .sort((a, b) => (a.valuePence === b.valuePence ? compareKeys([a.key], [b.key]) : a.valuePence > b.valuePence ? -1 : 1))
        .slice(0, n),
    );
  }
  return out;
}

export interface OrgTypeCell extends ValueCell {
  fy: number;
  orgType: OrgType;
}

export function orgTypeCells(lines: readonly PolicyLine[], f: PolicyFilter = {}): OrgTypeCell[] {
  return groupSum(filterLines(lines, f), (l) => ({ fy: l.fy as number, orgType: l.supplier.orgType }), (c) => [c.fy, c.orgType]);
}

export interface SupplierRow extends ValueCell {
  id: string;
  name: string;
}

/** The suppliers of one organisation type with the most value (ties by id as text), and how many there are. */
export function topSuppliersOfType(
  lines: readonly PolicyLine[],
  f: PolicyFilter,
  type: OrgType,
  n: number,
): { total: number; rows: SupplierRow[] } {
  const cells = groupSum(
    filterLines(lines, f).filter((l) => l.supplier.orgType === type),
    (l) => ({ id: l.supplier.id, name: l.supplier.name }),
    (c) => [c.id],
  );
  const rows = cells.sort((a, b) => (a.valuePence === b.valuePence ? compareKeys([a.id], [b.id]) : a.valuePence > b.valuePence ? -1 : 1));
  return { total: rows.length, rows: rows.slice(0, n) };
}

export interface RegionCell extends ValueCell {
  supplierRegion: RegionKey;
  buyerRegion: RegionKey;
  scaleClass: ScaleClass;
}

export function regionCells(lines: readonly PolicyLine[], f: PolicyFilter = {}, config = DEFAULT_POLICY_CONFIG): RegionCell[] {
  return groupSum(
    filterLines(lines, f),
    (l) => ({ supplierRegion: regionKey(l.supplier, config), buyerRegion: regionKey(l.buyer, config), scaleClass: l.scaleClass }),
    (c) => [c.supplierRegion, c.buyerRegion, c.scaleClass],
  );
}

export interface MissionCell extends ValueCell {
  fy: number;
  /** A mission code; "none" for contracts with no mission; "all" for every contract (a contract with two missions counts once). */
  mission: MissionKey;
  scaleClass: ScaleClass;
}

export function missionCells(lines: readonly PolicyLine[], f: PolicyFilter = {}): MissionCell[] {
  return groupSum(
    filterLines(lines, f),
    (l) => {
      const base = { fy: l.fy as number, scaleClass: l.scaleClass };
      const tags = [...new Set(l.missions)];
      return [
        { ...base, mission: "all" as MissionKey },
        ...(tags.length ? tags.map((m) => ({ ...base, mission: m as MissionKey })) : [{ ...base, mission: "none" as MissionKey }]),
      ];
    },
    (c) => [c.fy, c.mission, c.scaleClass],
  );
}

// ---------------------------------------------------------------------------
// Figures from cells

export interface Slice {
  valuePence: bigint;
  awards: number;
  /** Of the total value of the group; null when the total is 0. */
  share: number | null;
}

/** Sum cells into named slices and each slice's share of the total. */
export function slices<K extends string, C extends ValueCell>(
  cells: readonly C[],
  keyOf: (c: C) => K,
  keys: readonly K[],
): { totalPence: bigint; awards: number; byKey: Record<K, Slice> } {
  const byKey = Object.fromEntries(keys.map((k) => [k, { valuePence: 0n, awards: 0, share: null as number | null }])) as Record<K, Slice>;
  let totalPence = 0n;
  let awards = 0;
  for (const c of cells) {
    const k = keyOf(c);
    const s = byKey[k];
    if (!s) continue;
    s.valuePence += c.valuePence;
    s.awards += c.awards;
    totalPence += c.valuePence;
    awards += c.awards;
  }
  for (const k of keys) byKey[k].share = ratio(byKey[k].valuePence, totalPence);
  return { totalPence, awards, byKey };
}

/** Group cells by a key, in first-seen order of sorted keys. */
export function groupCells<C, K extends Key>(cells: readonly C[], keyOf: (c: C) => K): Map<K, C[]> {
  const m = new Map<K, C[]>();
  for (const c of [...cells].sort((a, b) => compareKeys([keyOf(a)], [keyOf(b)]))) {
    const k = keyOf(c);
    const list = m.get(k);
    if (list) list.push(c);
    else m.set(k, [c]);
  }
  return m;
}

export interface SocialEconomyTarget {
  baselineFy: number;
  /** The target types' share of value in the baseline year; null when that year has no value. */
  baselineShare: number | null;
  /** multiplier × baselineShare (capped at 1); null without a baseline. */
  targetShare: number | null;
}

/** The target line: `multiplier` × the share in the baseline year. */
export function socialEconomyTarget(cells: readonly OrgTypeCell[], config = DEFAULT_POLICY_CONFIG): SocialEconomyTarget {
  const { baselineFy, types, multiplier } = config.socialEconomy;
  const inYear = cells.filter((c) => c.fy === baselineFy);
  let total = 0n;
  let part = 0n;
  for (const c of inYear) {
    total += c.valuePence;
    if (types.includes(c.orgType)) part += c.valuePence;
  }
  const baselineShare = ratio(part, total);
  return { baselineFy, baselineShare, targetShare: baselineShare === null ? null : Math.min(1, baselineShare * multiplier) };
}

/** Share of the target types in a set of cells. */
export function socialEconomyShare(cells: readonly OrgTypeCell[], config = DEFAULT_POLICY_CONFIG): { valuePence: bigint; share: number | null } {
  let total = 0n;
  let part = 0n;
  for (const c of cells) {
    total += c.valuePence;
    if (config.socialEconomy.types.includes(c.orgType)) part += c.valuePence;
  }
  return { valuePence: part, share: ratio(part, total) };
}

// ---------------------------------------------------------------------------
// Definitions (methodology page and chart captions)

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

export function policyDefinitions(config: PolicyConfig = DEFAULT_POLICY_CONFIG): Array<{ id: string; title: string; body: string[] }> {
  const se = config.socialEconomy;
  const typeNames = se.types.map((t) => ORG_TYPE_LABELS[t].toLowerCase()).join(" and ");
  const familyText = (fam: CpvFamily) => {
    const d = config.cpvFamilies[fam];
    return `${d.label}: main CPV code starting with ${d.prefixes.map((p) => `${p} (${d.prefixLabels[p] ?? "no label"})`).join("; ")}.`;
  };
  return [
    {
      id: "supplier-country",
      title: "Where the money goes: country of registration",
      body: [
        "Every figure on the policy dashboards (suppliers' country, organisation types, regions, missions) sums the same spend lines as SME share: each contract's current value shared between its suppliers, in the financial year of its award (awarded value), in pounds sterling only. Contracts with no award date are left out.",
        `A supplier is UK-registered when the country on its register entry is ${config.ukCountryCodes.join(" or ")}, registered overseas when it is any other country, and of unknown country when none is published. A supplier with no country is counted as unknown, never as UK.`,
        "Parent group's country: where a supplier belongs to a known parent group, the group's own country of registration; \"no parent group known\" otherwise. A UK-registered subsidiary of an overseas group is UK-registered by the first measure and overseas by the second.",
        "Shares are of the total value in the group (year or buyer type), unknown included, so the slices add up to 100%; the value of unknown country is the coverage gap.",
        "Top groups: per CPV family, the parent groups (or, for a supplier with no known group, the supplier itself) with the most value, counting the group's country where a group is known, else the supplier's own.",
      ],
    },
    {
      id: "cpv-families",
      title: "Cloud and software CPV families",
      body: [
        "The data-sovereignty tables group contracts by their main CPV code into two families. This is the register's own proxy, not an official classification.",
        familyText("cloud"),
        familyText("software"),
      ],
    },
    {
      id: "organisation-types",
      title: "Co-operatives, mutuals and VCSEs",
      body: [
        "Each supplier has an organisation type on its register entry: company, voluntary, community or social enterprise (VCSE), co-operative or mutual, public body, or unknown. It is read from the publisher's organisation type, or a VCSE flag; otherwise it is unknown.",
        "Share of value = value to suppliers of that type ÷ all value in the year (unknown type included). Awards count each contract once for each supplier it names.",
        `Target line: ${se.multiplier === 2 ? "double" : `${se.multiplier} times`} the share of value to ${typeNames} in ${fyLabel(se.baselineFy)} (the baseline year), the pledge to double the size of the co-operative and mutual sector read as a share of this register's spend. The baseline year, the types counted and the multiplier are configuration. With no value in the baseline year the target is shown as "not enough data".`,
      ],
    },
    {
      id: "regions",
      title: "Regions",
      body: [
        "Regions are the UK's ITL1 regions (the former NUTS1: nine English regions, Wales, Scotland and Northern Ireland), from the region on the supplier's or buyer's register entry.",
        "An organisation registered outside the UK has no UK region and is shown as \"outside the UK\"; one with no region and no foreign country is shown as unknown. The buyer's region is the one the register's region filter uses.",
        "SME share by region = value to SMEs ÷ value to suppliers of known size, as for SME share; coverage is the share of value to suppliers of known size.",
      ],
    },
    {
      id: "missions",
      title: "Government missions",
      body: [
        "A contract carries the mission tags its publisher gives (tender.x_missions): growth, clean energy, safer streets, opportunity and the NHS.",
        "A contract tagged with two missions counts in full under each, so mission values do not add up to the total; the total counts each contract once. The value of contracts with no mission is shown as the coverage gap.",
        `SME share by mission is computed as for SME share. Shares with coverage under ${pct(DEFAULT_METRICS_CONFIG.uncertainCoverageBelow)} are uncertain.`,
      ],
    },
  ];
}
