/**
 * Coverage and honesty (../shared/docs/metrics.md): every figure carries the
 * number of contracts behind it and the share of them with missing inputs: no
 * value, no dates (in the annualised view such a contract falls back to its
 * award year, and is flagged), and, by value, no supplier scale (SME share's
 * coverage).
 */
import { ratio } from "./arith";
import { percent } from "./definitions";

export interface InputCounts {
  /** Contracts behind the figure (in GBP totals, including those with no value). */
  contracts: number;
  /** Of them, contracts with no published value (counted with £0). */
  missingValueContracts: number;
  /** Of them, contracts with no contract dates, annualised in their award year (the awarded view). */
  fallbackContracts: number;
}

export interface InputCoverage extends InputCounts {
  /** missing value ÷ contracts; null with no contracts. */
  missingValueShare: number | null;
  /** fallback ÷ contracts; null with no contracts. */
  fallbackShare: number | null;
}

export function inputCoverage(c: InputCounts): InputCoverage {
  const whole = BigInt(c.contracts);
  return {
    ...c,
    missingValueShare: ratio(BigInt(c.missingValueContracts), whole),
    fallbackShare: ratio(BigInt(c.fallbackContracts), whole),
  };
}

/** Add counts together (e.g. the years of a range). */
export function addInputCounts(rows: Iterable<InputCounts>): InputCounts {
  const out: InputCounts = { contracts: 0, missingValueContracts: 0, fallbackContracts: 0 };
  for (const r of rows) {
    out.contracts += r.contracts;
    out.missingValueContracts += r.missingValueContracts;
    out.fallbackContracts += r.fallbackContracts;
  }
  return out;
}

const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** "12 (4.8%)"; "0" when none; the share is of `of` contracts. */
export function countAndShare(n: number, of: number): string {
  if (n === 0) return "0";
  const share = ratio(BigInt(n), BigInt(of));
  return share === null ? count(n) : `${count(n)} (${percent(share)})`;
}

/**
 * One sentence on the inputs behind a figure: how many contracts, how many of
 * them have no value, and (annualised view) how many have no dates and were
 * placed in their award year; `undated` contracts are in no year at all.
 */
export function describeInputCoverage(
  c: InputCounts,
  opts: { view: "awarded" | "annualised"; undatedContracts?: number },
): string {
  const parts = [`${count(c.contracts)} ${c.contracts === 1 ? "contract" : "contracts"} behind these figures`];
  const gaps = [`${countAndShare(c.missingValueContracts, c.contracts)} with no published value (counted as £0)`];
  if (opts.view === "annualised") {
    gaps.push(`${countAndShare(c.fallbackContracts, c.contracts)} with no contract dates, counted in their award year instead (the awarded view)`);
  }
  const undated = opts.undatedContracts ?? 0;
  const tail =
    undated > 0
      ? ` A further ${count(undated)} ${undated === 1 ? "contract has" : "contracts have"} no date at all and ${undated === 1 ? "is" : "are"} in no year.`
      : "";
  return `${parts[0]}: ${gaps.join("; ")}.${tail}`;
}
