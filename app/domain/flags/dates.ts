/**
 * Day arithmetic for the red-flag rules.
 *
 * "Whole days" between two dates are counted between their calendar dates in
 * UK time (Europe/London). A date-only value from a source is stored as the
 * start of that day in London (../shared/docs/metrics.md), i.e. 23:00 UTC the
 * day before during summer time; counting calendar dates in London time keeps
 * such values on their own day and makes a period across a clock change count
 * the days a person would count (20 March to 14 April is 25 days, not 24 days
 * and 23 hours).
 *
 * The UK rule for summer time (since 1996): from 01:00 UTC on the last Sunday
 * of March to 01:00 UTC on the last Sunday of October, clocks are UTC+1.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const two = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);

/**
 * The common case, fast (rules read millions of dates in a recompute): the
 * canonical UTC form `YYYY-MM-DDTHH:MM:SS.sssZ` or `YYYY-MM-DDTHH:MM:SSZ`.
 * null when the text is not in that form (the general parser then decides).
 */
function parseCanonicalUtc(s: string): number | null {
  const n = s.length;
  if ((n !== 24 && n !== 20) || s.charCodeAt(n - 1) !== 90 /* Z */ || s.charCodeAt(10) !== 84 /* T */) return null;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return null;
  const year = two(s, 0) * 100 + two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  let millis = 0;
  if (n === 24) {
    if (s.charCodeAt(19) !== 46 /* . */) return null;
    millis = digit(s, 20) * 100 + two(s, 21);
  }
  if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59 && millis >= 0)) return null;
  // 31 February is not a date (Date.UTC would roll it over to March).
  if (day > (month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : MONTH_DAYS[month - 1]!)) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Milliseconds since the epoch for an ISO string; a date-time without a zone is read as UTC. null when empty or unparseable. */
export function parseInstant(iso: string | null | undefined): number | null {
  if (iso === null || iso === undefined) return null;
  const fast = parseCanonicalUtc(iso);
  if (fast !== null) return fast;
  const text = iso.trim();
  if (text === "") return null;
  const ms = Date.parse(text.includes("T") && !HAS_ZONE.test(text) ? `${text}Z` : text);
  return Number.isFinite(ms) ? ms : null;
}

function lastSundayUtc(year: number, month: number): number {
  const lastDay = Date.UTC(year, month + 1, 0);
  const weekday = new Date(lastDay).getUTCDay();
  return lastDay - weekday * DAY_MS;
}

const summerTime: Array<readonly [number, number] | undefined> = [];
const MEAN_YEAR_MS = 31_556_952_000;

/** UTC offset of Europe/London at an instant, in milliseconds (0 or one hour). */
export function londonOffsetMs(ms: number): number {
  // The year from the mean Gregorian year can be one off within a day or so of
  // 1 January, far from either clock change: the answer (winter) is the same.
  const year = 1970 + Math.floor(ms / MEAN_YEAR_MS);
  let bounds = year >= 0 && year < 10_000 ? summerTime[year] : undefined;
  if (bounds === undefined) {
    bounds = [lastSundayUtc(year, 2) + HOUR_MS, lastSundayUtc(year, 9) + HOUR_MS] as const;
    if (year >= 0 && year < 10_000) summerTime[year] = bounds;
  }
  return ms >= bounds[0] && ms < bounds[1] ? HOUR_MS : 0;
}

/**
 * The London calendar date of an ISO value, as a day number (days since
 * 1970-01-01). A bare `YYYY-MM-DD` is that date. null when empty or unparseable.
 */
export function londonDayNumber(iso: string | null | undefined): number | null {
  if (iso === null || iso === undefined) return null;
  const fast = parseCanonicalUtc(iso);
  if (fast !== null) return Math.floor((fast + londonOffsetMs(fast)) / DAY_MS);
  return computeLondonDay(iso);
}

const CACHE_SIZE = 100_000;

function computeLondonDay(iso: string): number | null {
  const m = DATE_ONLY.exec(iso.trim());
  if (m) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return Number.isFinite(ms) ? Math.floor(ms / DAY_MS) : null;
  }
  const ms = parseInstant(iso);
  if (ms === null) return null;
  return Math.floor((ms + londonOffsetMs(ms)) / DAY_MS);
}

/** Whole days from one date to another (London calendar dates); negative when `to` is earlier; null when either is missing. */
export function wholeDaysBetween(from: string | null | undefined, to: string | null | undefined): number | null {
  const a = londonDayNumber(from);
  const b = londonDayNumber(to);
  return a === null || b === null ? null : b - a;
}

/** A day number as `YYYY-MM-DD`. */
export function isoDateFromDayNumber(day: number): string {
  let text = isoDates.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (isoDates.size >= CACHE_SIZE) isoDates.clear();
    isoDates.set(day, text);
  }
  return text;
}

const isoDates = new Map<number, string>();
