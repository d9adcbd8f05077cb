/**
 * The sensitive-sector technology register: which OCDS document types count as
 * a data-protection or algorithmic-transparency document, the register's sorts
 * and labels, and the pure summary (by sector, by buyer, coverage) that the SQL
 * aggregate must equal. No database, web or I/O imports.
 */
import { SENSITIVE_SECTORS, type SensitiveSector } from "./types";

export type TransparencyKind = "dataProtection" | "algorithmic";

export const TRANSPARENCY_KIND_LABELS: Record<TransparencyKind, string> = {
  dataProtection: "Data protection impact assessment",
  algorithmic: "Algorithmic transparency record",
};

/**
 * OCDS `documentType` values (exact, case-sensitive, as codelists are) that
 * count as a transparency document when attached anywhere in a contracting
 * process (planning, tender, award or contract). The OCDS documentType
 * codelist has no code for either, so publishers use extension codes
 * (`x_` prefix); the unprefixed forms are accepted too.
 */
export const TRANSPARENCY_DOCUMENT_TYPES: Readonly<Record<string, TransparencyKind>> = {
  x_dataProtectionImpactAssessment: "dataProtection",
  dataProtectionImpactAssessment: "dataProtection",
  x_dpia: "dataProtection",
  x_algorithmicTransparencyRecord: "algorithmic",
  algorithmicTransparencyRecord: "algorithmic",
  x_atrs: "algorithmic",
};

export const TRANSPARENCY_DOCUMENT_TYPE_LIST: readonly string[] = Object.keys(TRANSPARENCY_DOCUMENT_TYPES);

export const documentTypesOf = (kind: TransparencyKind): string[] =>
  TRANSPARENCY_DOCUMENT_TYPE_LIST.filter((t) => TRANSPARENCY_DOCUMENT_TYPES[t] === kind);

/** The kind of transparency document a documentType is, or null. */
export function transparencyKind(documentType: string | null | undefined): TransparencyKind | null {
  if (typeof documentType !== "string") return null;
  return Object.hasOwn(TRANSPARENCY_DOCUMENT_TYPES, documentType) ? TRANSPARENCY_DOCUMENT_TYPES[documentType]! : null;
}

/** Which kinds a process's documents include. */
export function transparencyOf(documentTypes: ReadonlyArray<string | null>): { dataProtection: boolean; algorithmic: boolean } {
  const kinds = new Set(documentTypes.map(transparencyKind));
  return { dataProtection: kinds.has("dataProtection"), algorithmic: kinds.has("algorithmic") };
}

export const SENSITIVE_SORTS = {
  newest: "Newest first",
  oldest: "Oldest first",
  "value-high": "Highest value",
  "value-low": "Lowest value",
} as const;
export type SensitiveSort = keyof typeof SENSITIVE_SORTS;

export const SECTOR_CODES = Object.keys(SENSITIVE_SECTORS) as SensitiveSector[];

// ---------------------------------------------------------------------------
// The summary, computed the pure way (the SQL aggregate in db/queries/sensitive.ts must agree)

/** One contract as the summary sees it. */
export interface SensitiveContract {
  sector: SensitiveSector;
  buyerId: string | null;
  cpv: string | null;
  /** Current value (after amendments), pence; null when none published. */
  valuePence: bigint | null;
  currency: string | null;
  supplierCount: number;
  documentTypes: ReadonlyArray<string | null>;
}

export interface SensitiveTotals {
  contracts: number;
  /** GBP value of contracts with a current value in pounds sterling. */
  valuePence: bigint;
  /** Contracts with a value in another currency (not in valuePence). */
  nonGbp: number;
  /** Contracts with no current value (tenders not yet awarded, or no value published). */
  noValue: number;
  noCpv: number;
  noCpvValuePence: bigint;
  noSupplier: number;
  noSupplierValuePence: bigint;
  /** Contracts with a data-protection document, an algorithmic-transparency document, either. */
  withDataProtection: number;
  withAlgorithmic: number;
  withEither: number;
}

export const emptyTotals = (): SensitiveTotals => ({
  contracts: 0,
  valuePence: 0n,
  nonGbp: 0,
  noValue: 0,
  noCpv: 0,
  noCpvValuePence: 0n,
  noSupplier: 0,
  noSupplierValuePence: 0n,
  withDataProtection: 0,
  withAlgorithmic: 0,
  withEither: 0,
});

export function addContract(t: SensitiveTotals, c: SensitiveContract): SensitiveTotals {
  const gbp = c.valuePence !== null && c.currency === "GBP" ? c.valuePence : 0n;
  const tr = transparencyOf(c.documentTypes);
  return {
    contracts: t.contracts + 1,
    valuePence: t.valuePence + gbp,
    nonGbp: t.nonGbp + (c.valuePence !== null && c.currency !== "GBP" ? 1 : 0),
    noValue: t.noValue + (c.valuePence === null ? 1 : 0),
    noCpv: t.noCpv + (c.cpv === null ? 1 : 0),
    noCpvValuePence: t.noCpvValuePence + (c.cpv === null ? gbp : 0n),
    noSupplier: t.noSupplier + (c.supplierCount === 0 ? 1 : 0),
    noSupplierValuePence: t.noSupplierValuePence + (c.supplierCount === 0 ? gbp : 0n),
    withDataProtection: t.withDataProtection + (tr.dataProtection ? 1 : 0),
    withAlgorithmic: t.withAlgorithmic + (tr.algorithmic ? 1 : 0),
    withEither: t.withEither + (tr.dataProtection || tr.algorithmic ? 1 : 0),
  };
}

export function sumTotals(list: readonly SensitiveTotals[]): SensitiveTotals {
  return list.reduce(
    (a, b) => ({
      contracts: a.contracts + b.contracts,
      valuePence: a.valuePence + b.valuePence,
      nonGbp: a.nonGbp + b.nonGbp,
      noValue: a.noValue + b.noValue,
      noCpv: a.noCpv + b.noCpv,
      noCpvValuePence: a.noCpvValuePence + b.noCpvValuePence,
      noSupplier: a.noSupplier + b.noSupplier,
      noSupplierValuePence: a.noSupplierValuePence + b.noSupplierValuePence,
      withDataProtection: a.withDataProtection + b.withDataProtection,
      withAlgorithmic: a.withAlgorithmic + b.withAlgorithmic,
      withEither: a.withEither + b.withEither,
    }),
    emptyTotals(),
  );
}

/** Share of contracts with either kind of transparency document (null for none). */
export const transparencyShare = (t: SensitiveTotals): number | null => (t.contracts > 0 ? t.withEither / t.contracts : null);

/** Totals by sector (sectors with contracts only, in SENSITIVE_SECTORS order) and by buyer (by value, then id). */
export function summariseSensitive(contracts: readonly SensitiveContract[]): {
  bySector: Array<{ sector: SensitiveSector } & SensitiveTotals>;
  byBuyer: Array<{ buyerId: string | null } & SensitiveTotals>;
  total: SensitiveTotals;
} {
  const sectors = new Map<SensitiveSector, SensitiveTotals>();
  const buyers = new Map<string | null, SensitiveTotals>();
  for (const c of contracts) {
    sectors.set(c.sector, addContract(sectors.get(c.sector) ?? emptyTotals(), c));
    buyers.set(c.buyerId, addContract(buyers.get(c.buyerId) ?? emptyTotals(), c));
  }
  const bySector = SECTOR_CODES.filter((s) => sectors.has(s)).map((sector) => ({ sector, ...sectors.get(sector)! }));
  const byBuyer = [...buyers.entries()].map(([buyerId, t]) => ({ buyerId, ...t })).sort(compareBuyers);
  return { bySector, byBuyer, total: sumTotals(bySector) };
}

/** Buyers by GBP value (highest first), then by contracts, then by id; the unknown buyer last among equals. */
export function compareBuyers(a: { buyerId: string | null } & SensitiveTotals, b: { buyerId: string | null } & SensitiveTotals): number {
  if (a.valuePence !== b.valuePence) return a.valuePence > b.valuePence ? -1 : 1;
  if (a.contracts !== b.contracts) return b.contracts - a.contracts;
  if (a.buyerId === b.buyerId) return 0;
  if (a.buyerId === null) return 1;
  if (b.buyerId === null) return -1;
  return BigInt(a.buyerId) < BigInt(b.buyerId) ? -1 : 1;
}
