/**
 * Reading notice forms: the raw values a form posts (strings keyed by field
 * id), zod schemas for each kind of field, and errors keyed by the id of the
 * field they concern (the GOV.UK error summary links to it).
 *
 * Every field is parsed on its own, so a form with several mistakes gets a
 * message for each at once; checks across fields (end before start) and
 * against the contracting process's current state run on the fields that
 * parsed. Pure code.
 */
import { z } from "zod";
import { CPV_LABELS, CPV_LABEL_FAMILIES } from "../cpv-labels";

/** A form as posted: field id → value. */
export type FormValues = Record<string, string>;

export interface FieldError {
  /** The id of the field (the error summary links to `#<field>`). */
  field: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Limits shown in messages; "absurd" values are refused with the limit named. */
export const LIMITS = {
  title: 300,
  description: 10_000,
  reason: 2_000,
  name: 300,
  identifier: 50,
  /** £10bn: larger than any UK public technology contract. */
  maxPence: 1_000_000_000_000n,
  maxBids: 10_000,
  maxLots: 20,
  maxSuppliers: 10,
  maxCpv: 10,
  minYear: 2000,
  maxYear: 2100,
} as const;

/** Text as typed: NUL and other control characters (except tab and line breaks) removed, line breaks normalised, trimmed. */
export function cleanInput(v: string | undefined | null): string {
  if (typeof v !== "string") return "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return v.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, "").trim();
}

const lower = (label: string) => label.charAt(0).toLowerCase() + label.slice(1);

// ---------------------------------------------------------------------------
// Field schemas: each takes the raw value (string or undefined) and gives the typed value or null when optional and empty.

export function textField(label: string, max: number, opts: { required: boolean; enter?: string }) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const v = cleanInput(raw);
      if (v === "") {
        if (opts.required) ctx.addIssue(opts.enter ?? `Enter ${lower(label)}`);
        return null;
      }
      if (v.length > max) {
        ctx.addIssue(`${label} must be ${max.toLocaleString("en-GB")} characters or fewer (it has ${v.length.toLocaleString("en-GB")})`);
        return null;
      }
      return v;
    });
}

const MONEY = /^(\d{1,16})(?:\.(\d{1,2}))?$/;

export function formatPoundsPlain(pence: bigint): string {
  const pounds = (pence / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const p = pence % 100n;
  return `£${pounds}${p === 0n ? "" : `.${p.toString().padStart(2, "0")}`}`;
}

/** An amount in pounds ("1250000", "£1,250,000.50") → pence; refuses negative, zero (unless allowed), fractions of a penny and absurd amounts. */
export function moneyField(label: string, opts: { required: boolean; allowZero?: boolean }) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const v = cleanInput(raw).replace(/^£/, "").replace(/[,\s]/g, "");
      if (v === "") {
        if (opts.required) ctx.addIssue(`Enter ${lower(label)}`);
        return null;
      }
      if (/^[-−]/.test(v)) {
        ctx.addIssue(`${label} must be more than £0`);
        return null;
      }
      const m = MONEY.exec(v);
      if (!m) {
        ctx.addIssue(`${label} must be an amount in pounds, like 1250000 or 1250000.50`);
        return null;
      }
      const pence = BigInt(m[1]!) * 100n + BigInt((m[2] ?? "").padEnd(2, "0") || "0");
      if (pence === 0n && !opts.allowZero) {
        ctx.addIssue(`${label} must be more than £0`);
        return null;
      }
      if (pence > LIMITS.maxPence) {
        ctx.addIssue(`${label} must be ${formatPoundsPlain(LIMITS.maxPence)} or less`);
        return null;
      }
      return pence;
    });
}

export function integerField(label: string, min: number, max: number, opts: { required: boolean }) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const v = cleanInput(raw).replace(/[,\s]/g, "");
      if (v === "") {
        if (opts.required) ctx.addIssue(`Enter ${lower(label)}`);
        return null;
      }
      if (!/^-?\d+$/.test(v)) {
        ctx.addIssue(`${label} must be a whole number, like 3`);
        return null;
      }
      const n = Number(v);
      if (n < min) {
        ctx.addIssue(`${label} must be ${min} or more`);
        return null;
      }
      if (n > max) {
        ctx.addIssue(`${label} must be ${max.toLocaleString("en-GB")} or fewer`);
        return null;
      }
      return n;
    });
}

export interface DateParts {
  day?: string | undefined;
  month?: string | undefined;
  year?: string | undefined;
}

function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** GOV.UK date input (day, month, year) → "YYYY-MM-DD". */
export function dateField(label: string, opts: { required: boolean }) {
  return z
    .object({ day: z.string().optional(), month: z.string().optional(), year: z.string().optional() })
    .optional()
    .transform((parts, ctx) => {
      const d = cleanInput(parts?.day);
      const m = cleanInput(parts?.month);
      const y = cleanInput(parts?.year);
      if (d === "" && m === "" && y === "") {
        if (opts.required) ctx.addIssue(`Enter ${lower(label)}`);
        return null;
      }
      const missing = [d === "" ? "a day" : null, m === "" ? "a month" : null, y === "" ? "a year" : null].filter(Boolean);
      if (missing.length) {
        ctx.addIssue(`${label} must include ${missing.join(" and ")}`);
        return null;
      }
      if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) {
        ctx.addIssue(`${label} must be a real date, like 27 3 2025`);
        return null;
      }
      const [dn, mn, yn] = [Number(d), Number(m), Number(y)];
      if (yn < LIMITS.minYear || yn > LIMITS.maxYear) {
        ctx.addIssue(`${label} must be between ${LIMITS.minYear} and ${LIMITS.maxYear}`);
        return null;
      }
      if (mn < 1 || mn > 12 || dn < 1 || dn > daysIn(yn, mn)) {
        ctx.addIssue(`${label} must be a real date`);
        return null;
      }
      return `${yn}-${String(mn).padStart(2, "0")}-${String(dn).padStart(2, "0")}`;
    });
}

/** A time of day "HH:MM" (24-hour; "9:30", "12.00" accepted). */
export function timeField(label: string) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const v = cleanInput(raw) || "12:00";
      const m = /^(\d{1,2})[:.](\d{2})$/.exec(v);
      if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) {
        ctx.addIssue(`${label} must be a time on the 24-hour clock, like 14:30`);
        return null;
      }
      return `${m[1]!.padStart(2, "0")}:${m[2]}`;
    });
}

export function choiceField<const T extends string>(label: string, options: readonly T[], opts: { required: boolean; select?: string }) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T | null => {
      const v = cleanInput(raw);
      if (v === "") {
        if (opts.required) ctx.addIssue(opts.select ?? `Select ${lower(label)}`);
        return null;
      }
      if (!(options as readonly string[]).includes(v)) {
        ctx.addIssue(`Select ${lower(label)} from the list`);
        return null;
      }
      return v as T;
    });
}

/** A checkbox: present ("yes") → true, absent → false. */
export const checkboxField = () =>
  z
    .string()
    .optional()
    .transform((raw) => cleanInput(raw) !== "");

/** Radios yes / no / not stated → true / false / null. */
export const yesNoField = (label: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx): boolean | null => {
      const v = cleanInput(raw);
      if (v === "" || v === "unknown") return null;
      if (v === "yes") return true;
      if (v === "no") return false;
      ctx.addIssue(`Select whether ${lower(label)}`);
      return null;
    });

/** A register id (positive integer) → bigint. */
export function idField(label: string, opts: { required: boolean; select?: string }) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): bigint | null => {
      const v = cleanInput(raw);
      if (v === "") {
        if (opts.required) ctx.addIssue(opts.select ?? `Select ${lower(label)}`);
        return null;
      }
      if (!/^\d{1,18}$/.test(v)) {
        ctx.addIssue(`Select ${lower(label)} from the list`);
        return null;
      }
      return BigInt(v);
    });
}

// ---------------------------------------------------------------------------
// CPV codes

export const CPV_HINT = `Codes from the technology, digital and consultancy families of CPV 2008 (codes starting ${CPV_LABEL_FAMILIES.join(", ")}), for example 72000000 for IT services. Separate several codes with commas.`;

/**
 * CPV codes: 8 digits, an optional check digit ("72000000-5"), separated by
 * commas, semicolons, spaces or lines; each must be a code of CPV 2008 in the
 * families this register covers (app/domain/cpv-labels.ts), or one already
 * published for the procurement (`allow`, for corrections). A well-formed code
 * outside that list is refused as unknown: the register covers technology,
 * digital and consultancy work, and a code it cannot label cannot be checked.
 */
export function cpvField(label: string, opts: { required: boolean; allow?: ReadonlySet<string> }) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): string[] => {
      const v = cleanInput(raw);
      const parts = v.split(/[\s,;]+/).filter((p) => p !== "");
      if (parts.length === 0) {
        if (opts.required) ctx.addIssue(`Enter at least one CPV code`);
        return [];
      }
      const codes: string[] = [];
      const bad: string[] = [];
      const unknown: string[] = [];
      for (const p of parts) {
        const m = /^(\d{8})(?:-\d)?$/.exec(p);
        if (!m) bad.push(p);
        else if (!Object.hasOwn(CPV_LABELS, m[1]!) && !opts.allow?.has(m[1]!)) unknown.push(m[1]!);
        else if (!codes.includes(m[1]!)) codes.push(m[1]!);
      }
      const show = (list: string[]) => list.slice(0, 5).map((s) => `“${s.slice(0, 20)}”`).join(", ") + (list.length > 5 ? "…" : "");
      if (bad.length) ctx.addIssue(`${label}: ${show(bad)} ${bad.length === 1 ? "is not a CPV code" : "are not CPV codes"}; a CPV code has 8 digits, like 72000000`);
      if (unknown.length)
        ctx.addIssue(
          `${label}: ${show(unknown)} ${unknown.length === 1 ? "is not a code" : "are not codes"} this register accepts; use a CPV 2008 code starting ${CPV_LABEL_FAMILIES.join(", ")}`,
        );
      if (!bad.length && !unknown.length && codes.length > LIMITS.maxCpv) ctx.addIssue(`Enter ${LIMITS.maxCpv} CPV codes or fewer`);
      return codes;
    });
}

export function cpvDescription(code: string): string {
  return CPV_LABELS[code] ?? code;
}

// ---------------------------------------------------------------------------
// Parsing a set of fields

/** How a form field is read from the posted values: a plain value, or the three parts of a date input. */
export type FieldSpec = z.ZodType & { _date?: true };

/** Read one field's raw input: dates from `<id>-day`, `-month`, `-year`; anything else from `<id>`. */
export function rawInput(values: FormValues, id: string, kind: "date" | "value"): unknown {
  if (kind === "date") return { day: values[`${id}-day`], month: values[`${id}-month`], year: values[`${id}-year`] };
  return values[id];
}

/** The id the error summary links to: a date input's day field; otherwise the field itself. */
export const anchorOf = (id: string, kind: "date" | "value") => (kind === "date" ? `${id}-day` : id);

export interface FieldDef<S extends z.ZodType = z.ZodType> {
  schema: S;
  kind?: "date" | "value";
}

/**
 * Parse each field on its own. Returns the parsed values (null where a field
 * failed) and an error per failed field, in form order.
 */
export function parseFields<D extends Record<string, FieldDef>>(
  defs: D,
  values: FormValues,
  idOf: (key: string) => string = (k) => k,
): { data: { [K in keyof D]: z.output<D[K]["schema"]> | null }; errors: FieldError[] } {
  const data: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [key, def] of Object.entries(defs)) {
    const kind = def.kind ?? "value";
    const id = idOf(key);
    const r = def.schema.safeParse(rawInput(values, id, kind));
    if (r.success) data[key] = r.data;
    else {
      data[key] = null;
      const first = r.error.issues[0];
      for (const issue of r.error.issues) {
        if (issue !== first && issue.message === first?.message) continue;
        errors.push({ field: anchorOf(id, kind), message: issue.message });
      }
    }
  }
  return { data: data as { [K in keyof D]: z.output<D[K]["schema"]> | null }, errors };
}

/** Dates as OCDS date-times: a date-only value is the start of that day, written in UTC (`2025-03-27T00:00:00Z`), as the demonstration data does. */
export const dayStart = (ymd: string) => `${ymd}T00:00:00Z`;

/** "2025-03-27" of an ISO date-time (UTC), or null. */
export const ymdOf = (iso: string | null | undefined): string | null => (iso ? iso.slice(0, 10) : null);

/** Date-input values (day, month, year) for a stored ISO date, to prefill a form. */
export function dateValues(id: string, iso: string | null | undefined): FormValues {
  const ymd = ymdOf(iso);
  if (!ymd) return {};
  const [y, m, d] = ymd.split("-");
  return { [`${id}-day`]: String(Number(d)), [`${id}-month`]: String(Number(m)), [`${id}-year`]: y! };
}

/** People's form of a "YYYY-MM-DD" date: "4 July 2024". */
export function formatYmd(ymd: string): string {
  const [y, m, d] = ymd.slice(0, 10).split("-").map(Number) as [number, number, number];
  const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  return `${d} ${months[m - 1]} ${y}`;
}
