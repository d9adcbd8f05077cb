/**
 * The filters of /opportunities and its Atom feed, and small helpers the page
 * shares with the server (sorts, stages, query strings, days left, the feed's
 * title). Plain TypeScript and zod: safe in the browser bundle.
 */
import { z } from "zod";
import { formatPounds, penceFromAmount } from "../domain/money";
import { ITL1_REGIONS } from "../domain/types";
import type { ParamError } from "../lib/params";

export const OPPORTUNITY_SORTS = {
  closing: "Closing soonest",
  newest: "Newest first",
  value: "Highest value",
} as const;

export const STAGES = { open: "Open for bids", upcoming: "Upcoming (planning notice)" } as const;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), {
    message: "is not a real date",
  });
const pounds = z
  .string()
  .regex(/^\d{1,13}(\.\d{1,2})?$/, "must be an amount in pounds, e.g. 250000 (not negative)")
  .transform((v) => penceFromAmount(v)!);
const yes = z.enum(["yes"], { message: "must be yes (or left out)" });
const keyOf = <T extends Record<string, unknown>>(obj: T, what: string) =>
  z.string().refine((v): v is Extract<keyof T, string> => Object.hasOwn(obj, v), {
    message: `unknown ${what}; expected one of ${Object.keys(obj).join(", ")}`,
  });

export const OpportunityFilterFields = z.object({
    q: z
      .string()
      .transform((v) => v.normalize("NFC").replace(/\s+/g, " ").trim().slice(0, 500))
      .optional(),
    stage: keyOf(STAGES, "stage").optional(),
    buyer: z.string().regex(/^\d{1,18}$/, "must be a buyer id (digits)").optional(),
    cpv: z.string().regex(/^\d{2,8}$/, "must be a CPV code or prefix of 2 to 8 digits").optional(),
    region: keyOf(ITL1_REGIONS, "region (ITL1 code such as TLD)").optional(),
    minValue: pounds.optional(),
    maxValue: pounds.optional(),
    deadlineFrom: isoDate.optional(),
    deadlineTo: isoDate.optional(),
    sme: yes.optional(),
    vcse: yes.optional(),
    lots: z.enum(["yes", "no"], { message: "must be yes or no" }).optional(),
    sort: keyOf(OPPORTUNITY_SORTS, "sort").optional(),
    cursor: z.string().max(400, "is too long").optional(),
  });

/** Parameters the framework adds to a page's URL, not filters. */
export const FRAMEWORK_PARAMS = new Set(["_data", "_routes", "index"]);

export const OpportunityFiltersSchema = OpportunityFilterFields.superRefine((f, ctx) => {
    if (f.minValue !== undefined && f.maxValue !== undefined && f.minValue > f.maxValue) {
      ctx.addIssue({ code: "custom", path: ["maxValue"], message: "must be at least the minimum value" });
    }
    if (f.deadlineFrom && f.deadlineTo && f.deadlineFrom > f.deadlineTo) {
      ctx.addIssue({ code: "custom", path: ["deadlineTo"], message: "must be on or after deadlineFrom" });
    }
  });

export type OpportunityFilters = z.infer<typeof OpportunityFiltersSchema>;

/** The first problem with each parameter (a value can fail several checks at once). */
export function onePerParam(errors: ParamError[]): ParamError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(e.param) && seen.add(e.param));
}

/** Filters back to a query string (links, feed URL); drops the cursor unless kept. */
export function opportunityQueryString(f: Partial<Record<keyof OpportunityFilters, unknown>>, keep: { cursor?: boolean } = {}): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === "") continue;
    if (k === "cursor" && !keep.cursor) continue;
    if ((k === "minValue" || k === "maxValue") && typeof v === "bigint") {
      const p = v % 100n;
      sp.set(k, p === 0n ? (v / 100n).toString() : `${v / 100n}.${p.toString().padStart(2, "0")}`);
    } else sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : "";
}

/** Whole days from now to the deadline (0: closes today, within 24 hours). */
export function daysLeft(deadline: Date | string | null, now: Date): number | null {
  if (!deadline) return null;
  return Math.floor((new Date(deadline).getTime() - now.getTime()) / 86_400_000);
}

export function daysLeftText(days: number | null): string {
  if (days === null) return "Deadline not published";
  if (days <= 0) return "Closes within 24 hours";
  return days === 1 ? "1 day left" : `${days} days left`;
}

/** A plain title for a filtered view ("Opportunities: suitable for SMEs, North West, CPV 72"). */
export function feedTitle(f: OpportunityFilters): string {
  const bits = [
    f.stage ? STAGES[f.stage].toLowerCase() : null,
    f.q ? `“${f.q}”` : null,
    f.cpv ? `CPV ${f.cpv}` : null,
    f.region ? ITL1_REGIONS[f.region] : null,
    f.minValue !== undefined ? `from ${formatPounds(f.minValue)}` : null,
    f.maxValue !== undefined ? `up to ${formatPounds(f.maxValue)}` : null,
    f.sme ? "suitable for SMEs" : null,
    f.vcse ? "suitable for VCSEs" : null,
    f.lots === "yes" ? "with lots" : f.lots === "no" ? "without lots" : null,
    f.deadlineFrom ? `closing from ${f.deadlineFrom}` : null,
    f.deadlineTo ? `closing by ${f.deadlineTo}` : null,
    f.buyer ? `buyer ${f.buyer}` : null,
  ].filter(Boolean);
  return bits.length ? `Opportunities: ${bits.join(", ")}` : "Opportunities";
}
