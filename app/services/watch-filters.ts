/**
 * The filters of /watch and its CSV download, and the query-string helpers
 * the page uses for its links (to itself and to the register). Plain
 * TypeScript and zod: safe in the browser bundle.
 */
import { z } from "zod";
import { FLAG_CODES } from "../domain/flags/config";
import { parseFyLabel } from "../domain/metrics/fy";
import { penceFromAmount } from "../domain/money";
import { BUYER_TYPES } from "../domain/types";

export const WATCH_SORTS = { newest: "Newest first", "value-high": "Highest value" } as const;
export const WATCH_STATUSES = { flagged: "Flagged", unknown: "Could not be checked" } as const;

const listOf = <T extends readonly string[]>(list: T, what: string) =>
  z.string().refine((v): v is T[number] => (list as readonly string[]).includes(v), {
    message: `unknown ${what}; expected one of ${list.join(", ")}`,
  });
const keyOf = <T extends Record<string, unknown>>(obj: T, what: string) =>
  z.string().refine((v): v is Extract<keyof T, string> => Object.hasOwn(obj, v), {
    message: `unknown ${what}; expected one of ${Object.keys(obj).join(", ")}`,
  });
const pounds = z
  .string()
  .regex(/^\d{1,13}(\.\d{1,2})?$/, "must be an amount in pounds, e.g. 250000 (not negative)")
  .transform((v) => penceFromAmount(v)!);

export const WatchFilterFields = z.object({
  flag: listOf(FLAG_CODES, "red-flag code").optional(),
  status: keyOf(WATCH_STATUSES, "outcome").optional(),
  buyer: z.string().regex(/^\d{1,18}$/, "must be a buyer id (digits)").optional(),
  buyerType: listOf(BUYER_TYPES, "buyer type").optional(),
  supplier: z.string().regex(/^\d{1,18}$/, "must be a supplier id (digits)").optional(),
  /** Part of a supplier's name, from the page's form: resolved to `supplier` by the page (one match), else a message. */
  supplierName: z
    .string()
    .max(200, "is too long (at most 200 characters)")
    .transform((v) => v.normalize("NFC").replace(/\s+/g, " ").trim())
    .optional(),
  fy: z.string().refine((v) => parseFyLabel(v) !== null, { message: "must be a financial year as YYYY-YY, e.g. 2024-25" }).optional(),
  minValue: pounds.optional(),
  maxValue: pounds.optional(),
  buyers: z.enum(["all"], { message: "must be all (or left out)" }).optional(),
  sort: keyOf(WATCH_SORTS, "sort").optional(),
  cursor: z.string().max(400, "is too long").optional(),
});

export const WatchFiltersSchema = WatchFilterFields.superRefine((f, ctx) => {
  if (f.minValue !== undefined && f.maxValue !== undefined && f.minValue > f.maxValue) {
    ctx.addIssue({ code: "custom", path: ["maxValue"], message: "must be at least the minimum value" });
  }
});
export type WatchFilters = z.infer<typeof WatchFiltersSchema>;

export const FRAMEWORK_PARAMS = new Set(["_data", "_routes", "index"]);

/** Filters back to a query string for links; drops the cursor unless kept. */
export function watchQueryString(f: Partial<Record<keyof WatchFilters, unknown>>, keep: { cursor?: boolean } = {}): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === "") continue;
    if (k === "cursor" && !keep.cursor) continue;
    if ((k === "minValue" || k === "maxValue") && typeof v === "bigint") {
      const p = v % 100n;
      sp.set(k, p === 0n ? (v / 100n).toString() : `${v / 100n}.${p.toString().padStart(2, "0")}`);
    } else sp.set(k, String(v));
  }
  const out = sp.toString();
  return out ? `?${out}` : "";
}

/** The register's view of the same contracts: /contracts takes the same filter names (and one flag). */
export function registerQueryString(f: WatchFilters, overrides: { flag?: string | undefined; buyer?: string | undefined } = {}): string {
  return watchQueryString({
    flag: f.flag,
    buyer: f.buyer,
    buyerType: f.buyerType,
    supplier: f.supplier,
    fy: f.fy,
    minValue: f.minValue,
    maxValue: f.maxValue,
    ...overrides,
  });
}

