/**
 * UK financial years (1 April – 31 March), identified by their start year:
 * 2024 is "2024-25".
 *
 * Instants are stored in UTC, but a financial year (and a quarter, and a day
 * of a contract period) is decided on the **Europe/London calendar date** of
 * the instant (../shared/docs/metrics.md: a date-only source value is the
 * start of that day, Europe/London). So 2024-03-31T23:00:00Z, which is 00:00
 * BST on 1 April 2024, is in 2024-25; the SQL side does the same with
 * `(ts at time zone 'Europe/London')::date` (function `register_fy`).
 *
 * A date-only string such as "2025-04-01" is read as 00:00 UTC that day, which
 * is on the same London calendar day (00:00 GMT or 01:00 BST), so it lands in
 * the year the day names. London's offset is computed by rule (BST from 01:00
 * UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October;
 * see ../ocds/dates.ts), the rule in force since 1996.
 */
import { londonOffsetMinutes } from "../ocds/dates";

export type FyQuarter = 1 | 2 | 3 | 4;

export const MS_PER_DAY = 86_400_000;

/** `YYYY-YY` where YY is (YYYY + 1) mod 100; `parseFyLabel` checks the second part. */
export const FY_LABEL_RE = /^(\d{4})-(\d{2})$/;

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

function utcMs(y: number, monthIndex: number, day: number, h = 0, mi = 0, s = 0, ms = 0): number {
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not (and is slower).
  if (y >= 100) return Date.UTC(y, monthIndex, day, h, mi, s, ms);
  const d = new Date(0);
  d.setUTCFullYear(y, monthIndex, day);
  d.setUTCHours(h, mi, s, ms);
  return d.getTime();
}

function daysInMonth(y: number, monthIndex: number): number {
  return new Date(utcMs(y, monthIndex + 1, 1) - MS_PER_DAY).getUTCDate();
}

/**
 * Read a Date or an ISO 8601 string as an instant. Date-only strings are 00:00
 * UTC that day; date-times without a zone are taken as UTC. Returns null for
 * invalid dates (including impossible days such as 2023-02-29) and non-ISO text.
 */
export function parseUtcDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    const t = value.getTime();
    return Number.isNaN(t) ? null : new Date(t);
  }
  if (typeof value !== "string") return null;
  const m = ISO_RE.exec(value.trim());
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo - 1)) return null;
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  if (h > 23 || mi > 59 || s > 59) return null;
  const frac = m[7] === undefined ? 0 : Number((m[7] + "00").slice(0, 3));
  let t = utcMs(y, mo - 1, d, h, mi, s, frac);
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = m[11] === undefined ? 0 : Number(m[11]);
    if (oh > 23 || om > 59) return null;
    const sign = m[9] === "-" ? -1 : 1;
    t -= sign * (oh * 60 + om) * 60_000;
  }
  return new Date(t);
}

/** Like `parseUtcDate` but throws a RangeError for missing or invalid input. */
export function toUtcDate(value: Date | string): Date {
  const d = parseUtcDate(value);
  if (d === null) throw new RangeError(`Not a valid date: ${String(value)}`);
  return d;
}

/** Whole UTC days since 1970-01-01 (the UTC calendar day the instant falls on). */
export function utcDayNumber(value: Date | string): number {
  return Math.floor(toUtcDate(value).getTime() / MS_PER_DAY);
}

/**
 * The Europe/London calendar date of an instant, as a day number (whole days
 * since 1970-01-01, the same numbering as `fyStartDay`).
 * 2024-03-31T23:00:00Z (00:00 BST on 1 April) → the day number of 2024-04-01.
 */
export function londonDayNumber(value: Date | string): number {
  const t = toUtcDate(value).getTime();
  return Math.floor((t + londonOffsetMinutes(t) * 60_000) / MS_PER_DAY);
}

/** Calendar year and month (0 = January) of a day number. */
function dayParts(day: number): { y: number; monthIndex: number } {
  const d = new Date(day * MS_PER_DAY);
  return { y: d.getUTCFullYear(), monthIndex: d.getUTCMonth() };
}

/** The instant of 00:00 Europe/London on a calendar day. */
function londonMidnight(y: number, monthIndex: number, day: number): Date {
  const asUtc = utcMs(y, monthIndex, day);
  // 00:00 local is asUtc − offset; the offset at that instant decides (never ambiguous at midnight).
  const summer = asUtc - 3_600_000;
  return new Date(londonOffsetMinutes(summer) === 60 ? summer : asUtc);
}

function assertFy(fy: number, name = "fy"): void {
  if (!Number.isInteger(fy)) throw new RangeError(`${name} must be an integer year, got ${String(fy)}`);
}

/**
 * Financial year (start year) of an instant, by its Europe/London calendar
 * date: 2024-03-31T22:59Z (23:59 BST on 31 March) → 2023;
 * 2024-03-31T23:00Z (00:00 BST on 1 April) → 2024.
 */
export function fyOf(date: Date | string): number {
  return fyOfDay(londonDayNumber(date));
}

/** Financial year of a calendar day number (see `londonDayNumber`). */
export function fyOfDay(day: number): number {
  const { y, monthIndex } = dayParts(day);
  return monthIndex >= 3 ? y : y - 1;
}

/** "2024-25" for 2024; "1999-00" for 1999. */
export function fyLabel(fy: number): string {
  assertFy(fy);
  if (fy < 0 || fy > 9999) throw new RangeError(`fy must be between 0 and 9999, got ${fy}`);
  return `${String(fy).padStart(4, "0")}-${String((fy + 1) % 100).padStart(2, "0")}`;
}

/** Strict inverse of `fyLabel`: "2024-25" → 2024; "2024-26", "2024/25", " 2024-25" → null. */
export function parseFyLabel(s: string): number | null {
  if (typeof s !== "string") return null;
  const m = FY_LABEL_RE.exec(s);
  if (!m) return null;
  const start = Number(m[1]);
  const next = Number(m[2]);
  return (start + 1) % 100 === next ? start : null;
}

/**
 * Financial quarter of an instant, by its Europe/London calendar date:
 * Q1 = April–June, Q2 = July–September, Q3 = October–December, Q4 = January–March.
 */
export function fyQuarter(date: Date | string): FyQuarter {
  return fyQuarterOfDay(londonDayNumber(date));
}

/** Financial quarter of a calendar day number. */
export function fyQuarterOfDay(day: number): FyQuarter {
  const { monthIndex } = dayParts(day); // 0 = January
  return (Math.floor(((monthIndex + 9) % 12) / 3) + 1) as FyQuarter;
}

/** 00:00 Europe/London on 1 April of the start year (23:00 UTC on 31 March, as 1 April is always in BST). */
export function fyStart(fy: number): Date {
  assertFy(fy);
  return londonMidnight(fy, 3, 1);
}

/** 00:00 Europe/London on 1 April of the following year: the first instant after the year. */
export function fyEndExclusive(fy: number): Date {
  assertFy(fy);
  return londonMidnight(fy + 1, 3, 1);
}

/** Day number (see `londonDayNumber`) of 1 April of the start year. */
export function fyStartDay(fy: number): number {
  assertFy(fy);
  return Math.round(utcMs(fy, 3, 1) / MS_PER_DAY);
}

/** 366 when the year contains 29 February (i.e. fy + 1 is a leap year), else 365. */
export function daysInFy(fy: number): number {
  return fyStartDay(fy + 1) - fyStartDay(fy);
}

/** Every financial year from `from` to `to` inclusive; empty when from > to. */
export function fyRange(from: number, to: number): number[] {
  assertFy(from, "from");
  assertFy(to, "to");
  const out: number[] = [];
  for (let fy = from; fy <= to; fy++) out.push(fy);
  return out;
}
