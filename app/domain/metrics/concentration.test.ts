import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concentration } from "./concentration";

const s = (id: string, valuePence: bigint) => ({ id, name: `Supplier ${id}`, valuePence });

describe("concentration", () => {
  it("worked example", () => {
    // A 50, B 30, C 20 → total 100; shares 50%, 30%, 20%
    // HHI = 50² + 30² + 20² = 2500 + 900 + 400 = 3800 > 2500 → highly concentrated
    // top 2 = A + B = 80 → 0.8
    const r = concentration([s("C", 20n), s("A", 50n), s("B", 30n)], 2);
    expect(r.totalPence).toBe(100n);
    expect(r.hhi).toBe(3800);
    expect(r.highlyConcentrated).toBe(true);
    expect(r.top).toEqual([
      { id: "A", name: "Supplier A", valuePence: 50n, share: 0.5 },
      { id: "B", name: "Supplier B", valuePence: 30n, share: 0.3 },
    ]);
    expect(r.topShare).toBe(0.8);
  });

  it("is not highly concentrated at exactly 2,500", () => {
    // four suppliers of 25% each: 4 × 25² = 2500
    const r = concentration([s("a", 7n), s("b", 7n), s("c", 7n), s("d", 7n)]);
    expect(r.hhi).toBe(2500);
    expect(r.highlyConcentrated).toBe(false);
    // one penny more for one supplier tips it over: shares 8/29, 7/29 ×3 → (64 + 3 × 49) ÷ 29² × 10000 = 2508.9…
    const s2 = concentration([s("a", 8n), s("b", 7n), s("c", 7n), s("d", 7n)]);
    expect(s2.highlyConcentrated).toBe(true);
    expect(s2.hhi).toBeCloseTo((211 / 841) * 10000, 6);
  });

  it("gives 10,000 for one supplier", () => {
    const r = concentration([s("only", 123_456_789n)]);
    expect(r.hhi).toBe(10000);
    expect(r.topShare).toBe(1);
    expect(r.highlyConcentrated).toBe(true);
  });

  it("sorts ties by id and merges rows with the same id", () => {
    const r = concentration([s("b", 10n), s("a", 10n), s("c", 5n), s("c", 5n)]);
    expect(r.top.map((t) => t.id)).toEqual(["a", "b", "c"]);
    expect(r.top[2]?.valuePence).toBe(10n);
    // three suppliers of a third each → 3 × (100/3)² = 3333.33…
    expect(r.hhi).toBeCloseTo(10000 / 3, 6);
  });

  it("ignores zero values and handles no value at all", () => {
    const r = concentration([s("a", 0n), s("b", 40n)]);
    expect(r.top.map((t) => t.id)).toEqual(["b"]);
    expect(r.hhi).toBe(10000);
    expect(concentration([])).toEqual({ totalPence: 0n, hhi: 0, top: [], topShare: null, highlyConcentrated: false });
    expect(concentration([s("a", 0n)]).topShare).toBeNull();
  });

  it("keeps precision for very large totals", () => {
    // two equal suppliers of 10^20 pence: 2 × 50² = 5000 exactly
    const r = concentration([s("a", 10n ** 20n), s("b", 10n ** 20n)]);
    expect(r.hhi).toBe(5000);
    expect(r.top[0]?.share).toBe(0.5);
  });

  it("accepts n = 0 and rejects a bad n", () => {
    expect(concentration([s("a", 1n)], 0)).toMatchObject({ top: [], topShare: 0 });
    expect(() => concentration([], -1)).toThrow(RangeError);
    expect(() => concentration([], 2.5)).toThrow(RangeError);
  });

  it("has HHI in [10,000 ÷ suppliers, 10,000], sorted top entries and shares in [0, 1]", () => {
    const row = fc.record({
      id: fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"),
      name: fc.constant("x"),
      valuePence: fc.bigInt({ min: 0n, max: 10n ** 18n }),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), fc.integer({ min: 0, max: 15 }), (rows, n) => {
        const r = concentration(rows, n);
        const byId = new Map<string, bigint>();
        for (const x of rows) byId.set(x.id, (byId.get(x.id) ?? 0n) + x.valuePence);
        const positive = [...byId.values()].filter((v) => v > 0n);
        expect(r.totalPence).toBe(positive.reduce((a, b) => a + b, 0n));
        if (positive.length === 0) {
          expect(r.hhi).toBe(0);
          expect(r.topShare).toBeNull();
          return;
        }
        expect(r.hhi).toBeGreaterThanOrEqual(10000 / positive.length - 1e-6);
        expect(r.hhi).toBeLessThanOrEqual(10000);
        // exact: HHI > 2500 ⇔ 10000 × Σv² > 2500 × (Σv)² ⇔ 4 × Σv² > (Σv)²
        const sumSquares = positive.reduce((a, v) => a + v * v, 0n);
        expect(r.highlyConcentrated).toBe(4n * sumSquares > r.totalPence * r.totalPence);
        expect(r.top.length).toBe(Math.min(n, positive.length));
        for (let i = 1; i < r.top.length; i++) {
          const a = r.top[i - 1];
          const b = r.top[i];
          if (!a || !b) throw new Error("missing entry");
          expect(a.valuePence > b.valuePence || (a.valuePence === b.valuePence && a.id < b.id)).toBe(true);
        }
        for (const t of r.top) {
          expect(t.share).toBeGreaterThan(0);
          expect(t.share).toBeLessThanOrEqual(1);
        }
        expect(r.topShare).toBeGreaterThanOrEqual(0);
        expect(r.topShare).toBeLessThanOrEqual(1);
        // agrees with a floating-point computation of the same sum
        const approx = positive.reduce((acc, v) => acc + ((100 * Number(v)) / Number(r.totalPence)) ** 2, 0);
        expect(Math.abs(r.hhi - approx)).toBeLessThan(1e-6);
      }),
    );
  });
});
