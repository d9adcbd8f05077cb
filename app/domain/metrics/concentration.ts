/**
 * Supplier concentration (../shared/docs/metrics.md, "Concentration"): top-N
 * share and the Herfindahl–Hirschman index.
 */
import { ratio } from "./arith";

export interface ConcentrationInput {
  /** Supplier (or supplier group) id; rows with the same id are added together. */
  id: string;
  name: string;
  valuePence: bigint;
}

export interface ConcentrationTopEntry {
  id: string;
  name: string;
  valuePence: bigint;
  /** value ÷ total, 0–1. */
  share: number;
}

export interface ConcentrationResult {
  totalPence: bigint;
  /** Sum of squared percentage shares of all suppliers, 0–10,000. */
  hhi: number;
  /** Largest first; ties by id ascending. */
  top: ConcentrationTopEntry[];
  /** Value to the top N ÷ total; null when the total is 0. */
  topShare: number | null;
  /** HHI above 2,500. */
  highlyConcentrated: boolean;
}

export const DEFAULT_TOP_N = 10;
/** HHI above this is shown as highly concentrated. */
export const HHI_HIGHLY_CONCENTRATED_ABOVE = 2500;

const HHI_SCALE = 10n ** 9n;

/** Largest value first; ties by id ascending (code-unit order, like SQL's "C" collation for these ids). */
export function compareTop(a: { id: string; valuePence: bigint }, b: { id: string; valuePence: bigint }): number {
  if (a.valuePence !== b.valuePence) return a.valuePence > b.valuePence ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * HHI from the total and the sum of squared values (pence²) of every supplier:
 * 10,000 × Σ v² ÷ (Σ v)², computed in bigint and converted once (to within
 * 10^-9). 0 when the total is 0. The database computes Σ v and Σ v² and calls
 * this, so the SQL path and the pure path give the same number.
 */
export function hhiFromSums(totalPence: bigint, sumSquares: bigint): number {
  if (totalPence <= 0n) return 0;
  return Number((10_000n * sumSquares * HHI_SCALE) / (totalPence * totalPence)) / Number(HHI_SCALE);
}

/** HHI above 2,500, decided exactly: 10,000 × Σ v² > 2,500 × (Σ v)². */
export function isHighlyConcentrated(totalPence: bigint, sumSquares: bigint): boolean {
  return 10_000n * sumSquares > BigInt(HHI_HIGHLY_CONCENTRATED_ABOVE) * totalPence * totalPence;
}

/**
 * HHI = 10,000 × Σ v² ÷ (Σ v)², computed in bigint and converted once (to
 * within 10^-9), so large totals lose no precision. "Highly concentrated" is
 * decided exactly: 10,000 × Σ v² > 2,500 × (Σ v)².
 */
export function concentration(values: ConcentrationInput[], n: number = DEFAULT_TOP_N): ConcentrationResult {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number ≥ 0, got ${String(n)}`);
  const byId = new Map<string, { id: string; name: string; valuePence: bigint }>();
  for (const v of values) {
    const prev = byId.get(v.id);
    if (prev) prev.valuePence += v.valuePence;
    else byId.set(v.id, { id: v.id, name: v.name, valuePence: v.valuePence });
  }
  // Zero (and, defensively, negative) totals carry no market share.
  const suppliers = [...byId.values()].filter((s) => s.valuePence > 0n);
  let total = 0n;
  let sumSquares = 0n;
  for (const s of suppliers) {
    total += s.valuePence;
    sumSquares += s.valuePence * s.valuePence;
  }
  if (total === 0n) return { totalPence: 0n, hhi: 0, top: [], topShare: null, highlyConcentrated: false };

  const hhi = hhiFromSums(total, sumSquares);
  const highlyConcentrated = isHighlyConcentrated(total, sumSquares);

  suppliers.sort(compareTop);
  const topSuppliers = suppliers.slice(0, n);
  let topTotal = 0n;
  const top = topSuppliers.map((s) => {
    topTotal += s.valuePence;
    return { id: s.id, name: s.name, valuePence: s.valuePence, share: ratio(s.valuePence, total) ?? 0 };
  });
  return { totalPence: total, hhi, top, topShare: ratio(topTotal, total), highlyConcentrated };
}
