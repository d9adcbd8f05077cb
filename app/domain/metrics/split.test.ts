import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitAward } from "./split";

describe("splitAward", () => {
  it("splits equally with the leftover pence to the first suppliers", () => {
    // 1000 ÷ 3 = 333 remainder 1 → the first supplier gets 334.
    expect(
      splitAward(1000n, [
        { key: "a", valuePence: null },
        { key: "b", valuePence: null },
        { key: "c", valuePence: null },
      ]),
    ).toEqual([
      { key: "a", valuePence: 334n },
      { key: "b", valuePence: 333n },
      { key: "c", valuePence: 333n },
    ]);
    // 1001 ÷ 3 = 333 remainder 2 → the first two get 334.
    expect(splitAward(1001n, ["a", "b", "c"].map((key) => ({ key, valuePence: null }))).map((p) => p.valuePence)).toEqual([
      334n,
      334n,
      333n,
    ]);
  });

  it("uses published values when every supplier has one", () => {
    expect(
      splitAward(1000n, [
        { key: "a", valuePence: 900n },
        { key: "b", valuePence: 100n },
      ]),
    ).toEqual([
      { key: "a", valuePence: 900n },
      { key: "b", valuePence: 100n },
    ]);
  });

  it("splits equally when only some values are published", () => {
    expect(
      splitAward(1000n, [
        { key: "a", valuePence: 900n },
        { key: "b", valuePence: null },
      ]),
    ).toEqual([
      { key: "a", valuePence: 500n },
      { key: "b", valuePence: 500n },
    ]);
  });

  it("gives one supplier the whole value, and handles zero and no suppliers", () => {
    expect(splitAward(12345n, [{ key: "only", valuePence: null }])).toEqual([{ key: "only", valuePence: 12345n }]);
    expect(splitAward(0n, [{ key: "a", valuePence: null }, { key: "b", valuePence: null }])).toEqual([
      { key: "a", valuePence: 0n },
      { key: "b", valuePence: 0n },
    ]);
    expect(splitAward(2n, [{ key: "a", valuePence: null }, { key: "b", valuePence: null }, { key: "c", valuePence: null }]).map((p) => p.valuePence)).toEqual([1n, 1n, 0n]);
    expect(splitAward(100n, [])).toEqual([]);
  });

  it("sums exactly to the value, differs by at most a penny, and keeps order", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.array(fc.option(fc.bigInt({ min: 0n, max: 10n ** 12n })), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        (value, published, unpublishedAt) => {
          // at least one supplier without a published value → equal split
          const suppliers = published.map((p, i) => ({
            key: `s${i}`,
            valuePence: i === unpublishedAt % published.length ? null : p,
          }));
          const parts = splitAward(value, suppliers);
          expect(parts.map((p) => p.key)).toEqual(suppliers.map((s) => s.key));
          expect(parts.reduce((s, p) => s + p.valuePence, 0n)).toBe(value);
          const vals = parts.map((p) => p.valuePence);
          const sorted = [...vals].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          const min = sorted[0] ?? 0n;
          const max = sorted[sorted.length - 1] ?? 0n;
          expect(max - min <= 1n).toBe(true);
          // larger parts come first
          for (let i = 1; i < vals.length; i++) expect((vals[i] ?? 0n) <= (vals[i - 1] ?? 0n)).toBe(true);
        },
      ),
    );
  });
});
