/**
 * The register's filters: one zod schema shared by the /contracts page, its
 * CSV download and feed, and /api/v1/contracts. Every value a user can put in
 * the URL is checked here; an unknown value is a 400 naming the parameter.
 */
import { z } from "zod";
import { FLAG_CODES } from "../domain/flags/config";
import { parseFyLabel } from "../domain/metrics/fy";
import { penceFromAmount } from "../domain/money";
import { BUYER_TYPES, ITL1_REGIONS, MISSIONS, ORG_TYPES, REGISTER_STATUSES, SENSITIVE_SECTORS } from "../domain/types";
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
    region: enumOf(ITL1_REGIONS, "region (ITL1 code such as TLI)").optional(),
    mission: enumOf(MISSIONS, "mission").optional(),
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
