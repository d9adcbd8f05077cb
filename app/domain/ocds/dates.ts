/**
 * Dates as sources publish them, read into UTC ISO 8601 strings
 * (`2024-07-03T23:00:00.000Z`). ../shared/docs/metrics.md: "Dates are stored in
 * UTC. A date-only value from a source is the start of that day, Europe/London."
 *
 * Europe/London is computed by rule, without time-zone data: British Summer
 * Time (UTC+1) runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on
 * the last Sunday of October; GMT (UTC+0) otherwise. This is the rule in force
 * since 1996 (and, for the start of a day, since 1981); older dates are read
 * with the same rule, an approximation.
 */

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;

/** Milliseconds since the epoch for a UTC calendar time (years 0–99 included). */
function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  // Date.UTC reads years 0–99 as 1900–1999; only those need the slower setter.
  if (y >= 100) return Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function daysInMonth(y: number, mo: number): number {
  return mo === 2 && isLeap(y) ? 29 : (MONTH_DAYS[mo - 1] ?? 0);
}

/** Day of the month of the last Sunday of month `mo` (1–12) in year `y`. */
function lastSunday(y: number, mo: number): number {
  const last = daysInMonth(y, mo);
  const weekday = new Date(utcMs(y, mo, last)).getUTCDay(); // 0 = Sunday
  return last - weekday;
}

/** British Summer Time's [start, end) instants per year, computed once each. */
const summerTime = new Map<number, [number, number]>();

/** UTC offset of Europe/London, in minutes (0 or 60), at an instant. */
export function londonOffsetMinutes(instantMs: number): 0 | 60 {
  const y = new Date(instantMs).getUTCFullYear();
  let bounds = summerTime.get(y);
  if (!bounds) {
    bounds = [utcMs(y, 3, lastSunday(y, 3), 1), utcMs(y, 10, lastSunday(y, 10), 1)];
    summerTime.set(y, bounds);
  }
  return instantMs >= bounds[0] && instantMs < bounds[1] ? 60 : 0;
}

/**
 * The instant of a wall-clock time in Europe/London. In the hour that does
 * not exist (spring forward) the time is read as GMT; in the hour that occurs
 * twice (fall back) the first (BST) occurrence is taken.
 */
export function londonLocalToUtcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const asUtc = utcMs(y, mo, d, h, mi, s, ms);
  const ifSummer = asUtc - MS_PER_HOUR;
  return londonOffsetMinutes(ifSummer) === 60 ? ifSummer : asUtc;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

function validCalendar(y: number, mo: number, d: number): boolean {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/**
 * Read a date as published into a UTC ISO string, or null.
 * - `2024-07-04T10:00:00+01:00`, `…Z`, `…+0100`: the instant, in UTC.
 * - `2024-07-04` (date only): the start of that day in Europe/London, so
 *   `2024-07-03T23:00:00.000Z` in summer and `2024-12-04T00:00:00.000Z` in winter.
 * - `2024-07-04T10:00:00` (no zone): a wall-clock time in Europe/London.
 * - a valid `Date` object: its instant.
 * Anything else (other formats, impossible dates such as 2023-02-29 or 25:00,
 * empty strings, numbers, null) → null.
 */
export function parseSourceDate(v: unknown): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v !== "string") return null;
  const text = v.trim();

  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) {
    const [y, mo, d] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    if (!validCalendar(y, mo, d)) return null;
    return new Date(londonLocalToUtcMs(y, mo, d)).toISOString();
  }

  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, "0"));
  if (!validCalendar(y, mo, d) || h > 23 || mi > 59 || s > 59) return null;

  if (m[8] !== undefined) return new Date(utcMs(y, mo, d, h, mi, s, ms)).toISOString();
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = m[11] === undefined ? 0 : Number(m[11]);
    if (oh > 14 || om > 59) return null;
    const offset = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
    return new Date(utcMs(y, mo, d, h, mi, s, ms) - offset * MS_PER_MINUTE).toISOString();
  }
  return new Date(londonLocalToUtcMs(y, mo, d, h, mi, s, ms)).toISOString();
}

/** Milliseconds since the epoch of a source date, or null (see parseSourceDate). */
export function sourceDateMs(v: unknown): number | null {
  const iso = parseSourceDate(v);
  return iso === null ? null : Date.parse(iso);
}
