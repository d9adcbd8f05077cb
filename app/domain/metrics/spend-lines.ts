/**
 * The spend lines of one contracting process: its value split between its
 * suppliers (../shared/docs/metrics.md, "An award to several suppliers is split
 * equally between them unless a value per supplier is published"), each placed
 * in the financial year of its award (awarded view) and spread by day over the
 * contract period (annualised view).
 *
 * Every dashboard figure is a sum of these lines; the database stores them
 * (spend_lines, spend_annual) and sums them, and the pure path sums them here.
 */
import type { ScaleClass } from "../types";
import { type AnnualiseMethod, annualise, type FyAmount } from "./annualise";
import { sumPence } from "./arith";
import { type FyQuarter, fyOfDay, fyQuarterOfDay, londonDayNumber, parseUtcDate } from "./fy";
import { splitAward } from "./split";

export interface SpendSupplierInput {
  /** Stable key of the supplier (its organisation id in the database). */
  key: string;
  /** Value published for this supplier alone on this award, else null. */
  publishedValuePence: bigint | null;
  scaleClass: ScaleClass;
}

export interface SpendAwardInput {
  id: string;
  status: string | null;
  valuePence: bigint | null;
  suppliers: SpendSupplierInput[];
}

export interface SpendContractItemInput {
  awardId: string | null;
  status: string | null;
  valuePence: bigint | null;
}

export interface SpendInput {
  /** The process's current value (after its latest amendment) and its currency. */
  currentValuePence: bigint | null;
  currency: string | null;
  /** Award date, else contract signature date (the awarded view's date). */
  awardDate: string | null;
  startDate: string | null;
  endDate: string | null;
  awards: SpendAwardInput[];
  contracts: SpendContractItemInput[];
}

export interface SpendLine {
  key: string;
  scaleClass: ScaleClass;
  /** This supplier's part of the current value (0 when the value is missing). */
  valuePence: bigint;
  /** The part spread over financial years; sums exactly to valuePence. */
  annual: FyAmount[];
}

export interface SpendBreakdown {
  /** True when the value counts in pounds-sterling totals (GBP, or no value at all). */
  gbp: boolean;
  /** No current value published: lines carry 0p and the contract counts as missing its value. */
  missingValue: boolean;
  /** Financial year and quarter of the award (or signature) date; null when undated. */
  awardedFy: number | null;
  awardedQuarter: FyQuarter | null;
  /** How the annualised view placed the value (see `annualise`). */
  annualiseMethod: AnnualiseMethod;
  /** One line per supplier, in the order suppliers first appear; empty when nothing was awarded. */
  lines: SpendLine[];
}

const DEAD_AWARD = new Set(["cancelled", "unsuccessful"]);

function liveAward(a: SpendAwardInput): boolean {
  return (a.status === null || !DEAD_AWARD.has(a.status.toLowerCase())) && a.suppliers.length > 0;
}

/**
 * The value of each live award. With one award it is the process's current
 * value. With several, each award's value is the sum of its live contracts'
 * values (else the award's own value) when those add up exactly to the
 * current value; otherwise the current value is split equally between the
 * awards (so the lines always add up to the current value).
 */
function awardValues(value: bigint, awards: SpendAwardInput[], contracts: SpendContractItemInput[]): bigint[] {
  if (awards.length === 1) return [value];
  const live = contracts.filter((c) => c.status === null || c.status.toLowerCase() !== "cancelled");
  const weights = awards.map((a) => {
    const linked = live.filter((c) => c.awardId === a.id && c.valuePence !== null);
    if (linked.length > 0) return sumPence(linked.map((c) => c.valuePence as bigint));
    return a.valuePence;
  });
  if (weights.every((w) => w !== null) && sumPence(weights as bigint[]) === value) return weights as bigint[];
  return splitAward(
    value,
    awards.map((a) => ({ key: a.id, valuePence: null })),
  ).map((p) => p.valuePence);
}

/**
 * Split a process's current value between its suppliers and place it in time.
 *
 * - Awards that are cancelled or unsuccessful, or name no supplier, are left out.
 * - Within an award the value is split with `splitAward`: equally (leftover
 *   pence to the first suppliers) unless every supplier has a published value.
 * - A supplier on several awards of the process gets one line (the sum), with
 *   the scale of its first appearance.
 * - A missing current value gives 0p lines and `missingValue`.
 */
export function spendBreakdown(input: SpendInput): SpendBreakdown {
  const missingValue = input.currentValuePence === null;
  const value = input.currentValuePence ?? 0n;
  const gbp = missingValue || input.currency === "GBP";
  const awardDay = (() => {
    const d = parseUtcDate(input.awardDate);
    return d === null ? null : londonDayNumber(d);
  })();
  const awardedFy = awardDay === null ? null : fyOfDay(awardDay);
  const awardedQuarter = awardDay === null ? null : fyQuarterOfDay(awardDay);

  const awards = input.awards.filter(liveAward);
  const byKey = new Map<string, { key: string; scaleClass: ScaleClass; valuePence: bigint }>();
  if (awards.length > 0) {
    const values = awardValues(value, awards, input.contracts);
    awards.forEach((a, i) => {
      const awardValue = missingValue ? 0n : (values[i] ?? 0n);
      const parts = splitAward(
        awardValue,
        a.suppliers.map((s) => ({ key: s.key, valuePence: missingValue ? null : s.publishedValuePence })),
      );
      parts.forEach((p, j) => {
        const prev = byKey.get(p.key);
        if (prev) prev.valuePence += p.valuePence;
        else byKey.set(p.key, { key: p.key, scaleClass: a.suppliers[j]?.scaleClass ?? "unknown", valuePence: p.valuePence });
      });
    });
  }

  let method: AnnualiseMethod = "none";
  const lines: SpendLine[] = [...byKey.values()].map((l) => {
    const r = annualise({
      valuePence: l.valuePence,
      startDate: input.startDate,
      endDate: input.endDate,
      awardDate: input.awardDate,
    });
    method = r.method;
    return { ...l, annual: r.byFy };
  });
  if (lines.length === 0) {
    method = annualise({ valuePence: 0n, startDate: input.startDate, endDate: input.endDate, awardDate: input.awardDate }).method;
  }
  return { gbp, missingValue, awardedFy, awardedQuarter, annualiseMethod: method, lines };
}

/** How a contract's value becomes the figures on the dashboards, for the methodology page. */
export function spendLinesDefinition(): { id: "spend-lines"; title: string; body: string[] } {
  return {
    id: "spend-lines",
    title: "From contracts to figures",
    body: [
      "Every figure is a sum over the suppliers of the contracts in it. A contract counts once it has been awarded to at least one named supplier; awards that were cancelled or unsuccessful are left out.",
      "Each contract's current value is shared between its suppliers. An award to several suppliers is split equally between them (the odd pence go to the first suppliers named) unless a value is published for every supplier, in which case those values are used.",
      "A contract with several awards (lots) gives each award the value of its own contracts, or of the award itself, when those add up exactly to the contract's current value; otherwise the current value is split equally between the awards.",
      "A supplier that appears on several awards of one contract is counted once for that contract, with the sum of its parts.",
      "A contract with no published value still counts as a contract, with a value of zero, and is shown as missing its value.",
      "The awarded view places each contract in the financial year and quarter of its award date (or signature date). The annualised view spreads each supplier's part over the contract period as described above, so a supplier's yearly amounts always add up to its part exactly.",
      "Clicking a bar or point opens the register filtered to the contracts behind it. The register's total for those filters is the same sum of supplier parts, so it equals the bar. A bar for one supplier, or for suppliers of one size, equals the part of those contracts that went to them.",
    ],
  };
}
