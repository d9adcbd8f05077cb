/**
 * Small exact-arithmetic helpers shared by the metric modules. Money is bigint
 * pence; shares are plain numbers 0–1 computed from bigints without going
 * through floating-point sums.
 */

/** floor(a ÷ b) for bigints (BigInt `/` truncates toward zero; this rounds toward −∞). */
export function floorDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError("floorDiv: division by zero");
  const q = a / b;
  // Truncation differs from floor only when the signs differ and there is a remainder.
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/**
 * part ÷ whole as a number, or null when whole is 0. Each bigint converts to the
 * nearest double (relative error 2^-53, however large the values) and the
 * quotient is correctly rounded, so the result is within a few units in the
 * last place of the exact ratio; rounding is monotonic, so 0 ≤ part ≤ whole
 * always gives a result in [0, 1].
 */
export function ratio(part: bigint, whole: bigint): number | null {
  if (whole === 0n) return null;
  return Number(part) / Number(whole);
}

/** Sum of bigints. */
export function sumPence(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}
