import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { floorDiv, ratio, sumPence } from "./arith";

describe("floorDiv", () => {
  it("rounds toward minus infinity", () => {
    expect(floorDiv(7n, 2n)).toBe(3n);
    expect(floorDiv(-7n, 2n)).toBe(-4n); // BigInt's own -7n / 2n is -3n
    expect(floorDiv(7n, -2n)).toBe(-4n);
    expect(floorDiv(-7n, -2n)).toBe(3n);
    expect(floorDiv(-6n, 2n)).toBe(-3n);
    expect(() => floorDiv(1n, 0n)).toThrow(RangeError);
  });

  it("satisfies q·b ≤ a < (q+1)·b for positive b", () => {
    fc.assert(
      fc.property(fc.bigInt(), fc.bigInt({ min: 1n, max: 10n ** 30n }), (a, b) => {
        const q = floorDiv(a, b);
        expect(q * b <= a && a < (q + 1n) * b).toBe(true);
      }),
    );
  });
});

describe("ratio and sumPence", () => {
  it("divides, with null for a zero whole", () => {
    expect(ratio(1n, 4n)).toBe(0.25);
    expect(ratio(1n, 0n)).toBeNull();
    expect(ratio(1n, 2n ** 80n)).toBe(2 ** -80);
    expect(sumPence([1n, 2n, 3n])).toBe(6n);
    expect(sumPence([])).toBe(0n);
  });

  it("stays in [0, 1] for 0 ≤ part ≤ whole", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 40n }), fc.bigInt({ min: 0n, max: 10n ** 40n }), (whole, p) => {
        const part = p % (whole + 1n);
        const r = ratio(part, whole) ?? Number.NaN;
        expect(r >= 0 && r <= 1).toBe(true);
      }),
    );
  });
});
