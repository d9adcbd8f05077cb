/**
 * Awarded and annualised value (../shared/docs/metrics.md, "Two ways to count value").
 */
import { floorDiv } from "./arith";
import { fyOfDay, fyStartDay, londonDayNumber, parseUtcDate } from "./fy";

export type AnnualiseMethod = "spread" | "start" | "awarded" | "none";

export interface AnnualiseInput {
  valuePence: bigint;
  startDate: string | null;
  endDate: string | null;
  /** Award date, or the contract signature date when there is no award date. */
  awardDate: string | null;
}

export interface FyAmount {
  fy: number;
  pence: bigint;
}

export interface AnnualiseResult {
  /**
   * - `spread`: spread evenly by day over start..end inclusive;
   * - `start`: no end date (or an end before the start): wholly in the start's year;
   * - `awarded`: no start date: falls back to the awarded view (flag it);
   * - `none`: no usable date at all; nothing is counted.
   */
  method: AnnualiseMethod;
  /** Ascending by year; sums exactly to valuePence (empty for `none`). */
  byFy: FyAmount[];
}

/** The Europe/London calendar day of a date (null when missing or unparseable). */
function dayOf(value: string | null): number | null {
  const d = parseUtcDate(value);
  return d === null ? null : londonDayNumber(d);
}

/**
 * Financial year in which an award counts in the awarded view: the award date's
 * year, else the contract signature date's, else null (by the Europe/London
 * calendar date). Unparseable dates count as missing.
 */
export function awardedFy(awardDate: string | null, dateSigned: string | null): number | null {
  const day = dayOf(awardDate) ?? dayOf(dateSigned);
  return day === null ? null : fyOfDay(day);
}

/**
 * Spread a contract's value over financial years.
 *
 * Whole days (Europe/London calendar dates) from start to end inclusive; each year gets
 * floor(value × days in that year ÷ total days) and the pence left over go to
 * the last year, so the years sum exactly to the value. Every year the period
 * touches is listed, even if its share rounds to 0p. Unparseable dates count as
 * missing.
 */
export function annualise(input: AnnualiseInput): AnnualiseResult {
  const value = input.valuePence;
  const startDay = dayOf(input.startDate);
  if (startDay === null) {
    const awardDay = dayOf(input.awardDate);
    if (awardDay === null) return { method: "none", byFy: [] };
    return { method: "awarded", byFy: [{ fy: fyOfDay(awardDay), pence: value }] };
  }
  const endDay = dayOf(input.endDate);
  if (endDay === null || endDay < startDay) {
    return { method: "start", byFy: [{ fy: fyOfDay(startDay), pence: value }] };
  }

  const totalDays = BigInt(endDay - startDay + 1);
  const firstFy = fyOfDay(startDay);
  const lastFy = fyOfDay(endDay);
  const byFy: FyAmount[] = [];
  let allocated = 0n;
  for (let fy = firstFy; fy <= lastFy; fy++) {
    const from = Math.max(startDay, fyStartDay(fy));
    const to = Math.min(endDay, fyStartDay(fy + 1) - 1);
    const days = BigInt(to - from + 1);
    const pence = fy === lastFy ? value - allocated : floorDiv(value * days, totalDays);
    allocated += pence;
    byFy.push({ fy, pence });
  }
  return { method: "spread", byFy };
}

/** The amount of an annualised result falling in one financial year (0n when none). */
export function amountInFy(result: AnnualiseResult, fy: number): bigint {
  let total = 0n;
  for (const row of result.byFy) if (row.fy === fy) total += row.pence;
  return total;
}
