/**
 * The register's filters: one zod schema shared by the /contracts page, its
 * CSV download and feed, and /api/v1/contracts. Every value a user can put in
 * the URL is checked here; an unknown value is a 400 naming the parameter.
 */
import { z } from "zod";
import { FLAG_CODES } from "../domain/flags/config";
import { parseFyLabel } from "../domain/metrics/fy";
import { penceFromAmount } from "../domain/money";
import { CPV_FAMILIES, DEFAULT_POLICY_CONFIG } from "../domain/metrics/policy";
import { BUYER_TYPES, ITL1_REGIONS, MISSIONS, ORG_TYPES, REGISTER_STATUSES, SENSITIVE_SECTORS } from "../domain/types";
import type { RegisterQuery } from "../../db/queries/register";
import { type Parsed, parseParams, searchParamsObject } from "../lib/params";

export const SORTS = {
  relevance: "Best match",
  newest: "Newest first",
  oldest: "Oldest first",
  "value-high": "Highest value",
  "value-low": "Lowest value",
} as const;
export type Sort = keyof typeof SORTS;

export const SCALE_FILTERS = { sme: "SME", large: "Large", unknown: "Unknown" } as const;
export const SUPPLIER_COUNTRIES = { uk: "Registered in the UK", overseas: "Registered overseas", unknown: "Country unknown" } as const;
export const SUPPLIER_REGIONS = { ...ITL1_REGIONS, overseas: "Overseas", unknown: "Unknown" } as const;
export const METHODS = { open: "Open", selective: "Selective", limited: "Limited", direct: "Direct award" } as const;
/** The buyer's region: an ITL1 code, or (the policy dashboards' click-through) a buyer registered overseas, or of unknown region. */
export const BUYER_REGIONS = { ...ITL1_REGIONS, overseas: "Buyer registered overseas", unknown: "Buyer's region unknown" } as const;
/** A mission tag, or (the missions dashboard's click-through) none at all, or any. */
export const MISSION_FILTERS = { ...MISSIONS, none: "No mission tag", any: "Any mission tag" } as const;
/** The supplier's parent group's country: as the supplier's country classes, or no parent group known. */
export const GROUP_COUNTRIES = {
  uk: "Parent group registered in the UK",
  overseas: "Parent group registered overseas",
  unknown: "Parent group, country unknown",
  none: "No parent group known",
} as const;
export const CPV_FAMILY_FILTERS = Object.fromEntries(CPV_FAMILIES.map((f) => [f, DEFAULT_POLICY_CONFIG.cpvFamilies[f].label])) as Record<
  (typeof CPV_FAMILIES)[number],
  string
>;

const enumOf = <T extends Record<string, unknown>>(obj: T, what: string) =>
  z.string().refine((v): v is Extract<keyof T, string> => Object.hasOwn(obj, v), {
    message: `unknown ${what}; expected one of ${Object.keys(obj).join(", ")}`,
  });
const listOf = <T extends readonly string[]>(list: T, what: string) =>
  z.string().refine((v): v is T[number] => (list as readonly string[]).includes(v), {
    message: `unknown ${what}; expected one of ${list.join(", ")}`,
  });
const id = (what: string) => z.string().regex(/^\d{1,18}$/, `must be a ${what} id (digits)`);
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), {
    message: "is not a real date",
  });
const pounds = z
  .string()
  .regex(/^\d{1,13}(\.\d{1,2})?$/, "must be an amount in pounds, e.g. 250000")
  .transform((v) => penceFromAmount(v)!);
const fy = z.string().refine((v) => parseFyLabel(v) !== null, { message: "must be a financial year as YYYY-YY, e.g. 2024-25" });

export const RegisterFiltersSchema = z
  .object({
    q: z
      .string()
      .transform((v) => v.normalize("NFC").replace(/\s+/g, " ").trim().slice(0, 500))
      .optional(),
    buyer: id("buyer").optional(),
    buyerType: listOf(BUYER_TYPES, "buyer type").optional(),
    supplier: id("supplier").optional(),
    scale: enumOf(SCALE_FILTERS, "supplier scale").optional(),
    cpv: z.string().regex(/^\d{2,8}$/, "must be a CPV code or prefix of 2 to 8 digits").optional(),
    consultancy: z.enum(["yes", "no"], { message: "must be yes or no" }).optional(),
    status: listOf(REGISTER_STATUSES, "status").optional(),
    method: enumOf(METHODS, "procedure type").optional(),
    region: enumOf(BUYER_REGIONS, "region (ITL1 code such as TLI, overseas or unknown)").optional(),
    mission: enumOf(MISSION_FILTERS, "mission").optional(),
    sector: enumOf(SENSITIVE_SECTORS, "sensitive sector").optional(),
    minValue: pounds.optional(),
    maxValue: pounds.optional(),
    fy: fy.optional(),
    /** Annualised dashboards' click-through: contracts that contribute to this financial year. */
    activeFy: fy.optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    flag: listOf(FLAG_CODES, "red-flag code").optional(),
    supplierCountry: enumOf(SUPPLIER_COUNTRIES, "supplier country").optional(),
    orgType: listOf(ORG_TYPES, "organisation type").optional(),
    supplierRegion: enumOf(SUPPLIER_REGIONS, "supplier region (ITL1 code such as TLI, overseas or unknown)").optional(),
    /** A supplier in this parent group (the value is the part that went to the group's suppliers). */
    group: id("parent group").optional(),
    groupCountry: enumOf(GROUP_COUNTRIES, "parent group country").optional(),
    /** Main CPV code in a family of the policy configuration (cloud, software). */
    cpvFamily: enumOf(CPV_FAMILY_FILTERS, "CPV family").optional(),
    /** Financial years of award, from … to (inclusive). */
    fromFy: fy.optional(),
    toFy: fy.optional(),
    sort: enumOf(SORTS, "sort").optional(),
    cursor: z.string().max(400, "is too long").optional(),
  })
  .superRefine((f, ctx) => {
    if (f.minValue !== undefined && f.maxValue !== undefined && f.minValue > f.maxValue) {
      ctx.addIssue({ code: "custom", path: ["maxValue"], message: "must be at least the minimum value" });
    }
    if (f.from && f.to && f.from > f.to) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "must be on or after the 'from' date" });
    }
    if (f.fromFy && f.toFy && parseFyLabel(f.fromFy)! > parseFyLabel(f.toFy)!) {
      ctx.addIssue({ code: "custom", path: ["toFy"], message: "must be the same financial year as 'fromFy' or later" });
    }
  });

export type RegisterFilters = z.infer<typeof RegisterFiltersSchema>;

export function parseRegisterFilters(sp: URLSearchParams): Parsed<RegisterFilters> {
  return parseParams(RegisterFiltersSchema, searchParamsObject(sp));
}

/** The sort in force: relevance only makes sense with a query. */
export function effectiveSort(f: RegisterFilters): Sort {
  if (f.sort && (f.sort !== "relevance" || f.q)) return f.sort;
  return f.q ? "relevance" : "newest";
}

/** Filters back to a query string (for links, CSV and feed URLs); drops the cursor unless kept. */
export function filtersToQuery(f: Partial<Record<keyof RegisterFilters, unknown>>, keep: { cursor?: boolean } = {}): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === "") continue;
    if (k === "cursor" && !keep.cursor) continue;
    if ((k === "minValue" || k === "maxValue") && typeof v === "bigint") {
      const pounds = v / 100n;
      const p = v % 100n;
      sp.set(k, p === 0n ? pounds.toString() : `${pounds}.${p.toString().padStart(2, "0")}`);
    } else sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : "";
}

export const fyFromLabel = (label: string) => parseFyLabel(label)!;

/**
 * The query fields of the filters the policy dashboards link with (group,
 * groupCountry, cpvFamily, fromFy, toFy): spread into the register query by
 * register.server.ts toQuery.
 */
export function policyRegisterQuery(f: RegisterFilters): Partial<RegisterQuery> {
  return {
    group: f.group,
    groupCountry: f.groupCountry,
    cpvPrefixes: f.cpvFamily ? DEFAULT_POLICY_CONFIG.cpvFamilies[f.cpvFamily].prefixes : undefined,
    fromFy: f.fromFy ? parseFyLabel(f.fromFy)! : undefined,
    toFy: f.toFy ? parseFyLabel(f.toFy)! : undefined,
  };
}

/** The filters that name suppliers: the register's total is then the part of the value that went to them. */
export function hasSupplierFilter(f: Partial<RegisterFilters>): boolean {
  return Boolean(f.supplier || f.scale || f.supplierCountry || f.orgType || f.supplierRegion || f.group || f.groupCountry);
}

/** Filters the /contracts form has no field for (kept as hidden inputs when the form is sent again). */
export function hiddenRegisterFilters(f: Partial<RegisterFilters>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const k of ["group", "groupCountry", "cpvFamily", "fromFy", "toFy"] as const) {
    const v = f[k];
    if (v) out.push([k, v]);
  }
  return out;
}

/** The filters above in words, for the register page (null when none is in force). */
export function describePolicyFilters(f: Partial<RegisterFilters>): string | null {
  const parts: string[] = [];
  if (f.group) parts.push(`suppliers in parent group ${f.group}`);
  if (f.groupCountry) parts.push(GROUP_COUNTRIES[f.groupCountry].toLowerCase());
  if (f.cpvFamily) parts.push(`${CPV_FAMILY_FILTERS[f.cpvFamily].toLowerCase()} (main CPV code ${DEFAULT_POLICY_CONFIG.cpvFamilies[f.cpvFamily].prefixes.join(", ")})`);
  if (f.fromFy || f.toFy) parts.push(`awarded ${f.fromFy === f.toFy ? `in ${f.fromFy}` : `from ${f.fromFy ?? "the first year"} to ${f.toFy ?? "the latest year"}`}`);
  if (f.mission === "none") parts.push("no mission tag");
  if (f.mission === "any") parts.push("at least one mission tag");
  if (f.region === "overseas" || f.region === "unknown") parts.push(BUYER_REGIONS[f.region].toLowerCase());
  return parts.length ? parts.join("; ") : null;
}
