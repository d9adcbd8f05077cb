/**
 * The minimum a release must have to be accepted by the register, and the
 * reason when it does not: `<path>: <problem>`, e.g. `ocid: required`,
 * `date: not a date`, `awards[0].value.amount: not a number ("TBC")`. Several
 * problems are joined with "; ".
 *
 * Accepted: `ocid` a non-empty string; `id` a non-empty string or a number
 * (returned as a string); `date` a date parseSourceDate can read; `tag` a
 * non-empty array of strings. Anywhere in the release, an `amount` must be a
 * JSON number (or null): OCDS has no amounts written as text, and the
 * register re-exports releases as received, so a string such as "250000" is
 * refused (`awards[0].value.amount: must be a number, not a string
 * ("250000")`) rather than kept and exported invalid. A `currency` must be
 * three upper-case letters (or null). Everything else is kept as published.
 */
import { z } from "zod";
import { penceFromAmount } from "../money";
import type { OcdsRelease } from "../types";
import { parseSourceDate } from "./dates";
import { isObject } from "./json";

const missing = (input: unknown) => input === undefined || input === null;
const requiredOr = (problem: string) => (issue: { input?: unknown }) => (missing(issue.input) ? "required" : problem);

/** zod schema of the fields every release must have; other fields pass through. */
export const releaseSchema = z.looseObject({
  ocid: z
    .string({ error: requiredOr("must be a string") })
    .refine((s) => s.trim() !== "", { error: "must not be empty" }),
  id: z
    .union([z.string(), z.number()], { error: requiredOr("must be a string or a number") })
    .refine((v) => (typeof v === "string" ? v.trim() !== "" : Number.isFinite(v)), { error: "must not be empty" })
    .transform((v) => String(v)),
  date: z
    .string({ error: requiredOr("not a date") })
    .refine((s) => parseSourceDate(s) !== null, { error: "not a date" }),
  tag: z
    .array(z.string({ error: "must be a string" }), { error: requiredOr("must be an array of strings") })
    .min(1, { error: "must not be empty" }),
});

function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out === "" ? "release" : out;
}

const CURRENCY = /^[A-Z]{3}$/;

function quote(v: unknown): string {
  const s = typeof v === "string" ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : JSON.stringify(v);
  return s ?? String(v);
}

/** Problems with amounts and currencies anywhere in a release. */
function valueProblems(v: unknown, path: (string | number)[], out: string[]): void {
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      valueProblems(item, [...path, i], out);
    });
    return;
  }
  if (!isObject(v)) return;
  for (const [key, child] of Object.entries(v)) {
    const here = [...path, key];
    if (key === "amount" && !isObject(child) && !Array.isArray(child)) {
      if (typeof child === "string" && penceFromAmount(child) !== null) out.push(`${pathText(here)}: must be a number, not a string (${quote(child)})`);
      else if (!(child === null || (typeof child === "number" && Number.isFinite(child)))) out.push(`${pathText(here)}: not a number (${quote(child)})`);
    } else if (key === "currency" && !isObject(child) && !Array.isArray(child)) {
      if (child !== null && !(typeof child === "string" && CURRENCY.test(child))) {
        out.push(`${pathText(here)}: unknown currency code ${quote(child)} (expected 3 upper-case letters, ISO 4217)`);
      }
    } else {
      valueProblems(child, here, out);
    }
  }
}

export type CheckResult = { ok: true; release: OcdsRelease } | { ok: false; reason: string };

/** Check a release as received (parsed JSON) and return it with `id` as a string, or the reason it is refused. */
export function checkRelease(raw: unknown): CheckResult {
  if (!isObject(raw)) return { ok: false, reason: `release: not an object (${Array.isArray(raw) ? "an array" : quote(raw)})` };
  const problems: string[] = [];
  const parsed = releaseSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${pathText(issue.path)}: ${issue.message}`);
  }
  valueProblems(raw, [], problems);
  if (!parsed.success || problems.length > 0) return { ok: false, reason: problems.join("; ") };
  return { ok: true, release: parsed.data };
}
