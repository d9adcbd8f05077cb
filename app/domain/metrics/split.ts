/**
 * Splitting an award between its suppliers (../shared/docs/metrics.md: "An award
 * to several suppliers is split equally between them unless a value per
 * supplier is published").
 */
import { floorDiv } from "./arith";

export interface SplitSupplierInput {
  key: string;
  /** Value published for this supplier alone, or null. */
  valuePence: bigint | null;
}

export interface SplitPart {
  key: string;
  valuePence: bigint;
}

/**
 * When every supplier has a published value, those values are used as given.
 * Otherwise the award value is split equally: floor(value ÷ n) each, and the
 * pence left over go one each to the first suppliers in order, so the parts
 * sum exactly to the award value. Order of the suppliers is kept. No suppliers
 * → empty list.
 */
export function splitAward(valuePence: bigint, suppliers: SplitSupplierInput[]): SplitPart[] {
  if (suppliers.length === 0) return [];
  if (suppliers.every((s) => s.valuePence !== null)) {
    return suppliers.map((s) => ({ key: s.key, valuePence: s.valuePence as bigint }));
  }
  const n = BigInt(suppliers.length);
  const each = floorDiv(valuePence, n);
  const leftover = valuePence - each * n; // 0 ≤ leftover < n
  return suppliers.map((s, i) => ({
    key: s.key,
    valuePence: each + (BigInt(i) < leftover ? 1n : 0n),
  }));
}
