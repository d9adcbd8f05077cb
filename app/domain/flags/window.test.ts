import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bestWindowContaining, type WindowItem } from "./window";

/** Brute force: try every window start that could contain the target. */
function bruteForce(target: WindowItem, others: WindowItem[], windowDays: number): bigint {
  const all = [target, ...others];
  let best = -1n;
  for (let s = target.day - windowDays + 1; s <= target.day; s += 1) {
    const total = all.filter((i) => i.day >= s && i.day <= s + windowDays - 1).reduce((sum, i) => sum + i.weight, 0n);
    if (total > best) best = total;
  }
  return best;
}

describe("best window containing the target", () => {
  it("matches a brute-force search", () => {
    const item = fc.record({ day: fc.integer({ min: -60, max: 60 }), weight: fc.bigInt({ min: 0n, max: 1000n }) });
    fc.assert(
      fc.property(item, fc.array(item, { maxLength: 12 }), fc.integer({ min: 1, max: 40 }), (t, rest, windowDays) => {
        const target = { ocid: "t", ...t };
        const others = rest.map((r, i) => ({ ocid: `p${i}`, ...r }));
        const best = bestWindowContaining(target, others, windowDays);
        expect(best.total).toBe(bruteForce(target, others, windowDays));
        expect(best.startDay).toBeLessThanOrEqual(target.day);
        expect(best.endDay).toBeGreaterThanOrEqual(target.day);
        expect(best.endDay - best.startDay).toBe(windowDays - 1);
        expect(best.items.map((i) => i.ocid)).toContain("t");
        expect(best.items.every((i) => i.day >= best.startDay && i.day <= best.endDay)).toBe(true);
        expect(best.items.reduce((sum, i) => sum + i.weight, 0n)).toBe(best.total);
        expect(best.count).toBe(best.items.length);
      }),
      { numRuns: 500 },
    );
  });

  it("treats a one-day window as that day only", () => {
    const best = bestWindowContaining({ ocid: "t", day: 5, weight: 1n }, [
      { ocid: "same", day: 5, weight: 1n },
      { ocid: "next", day: 6, weight: 1n },
    ], 1);
    expect(best.count).toBe(2);
  });
});
