import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ScaleClass } from "../types";
import { smeShare } from "./sme-share";

describe("smeShare", () => {
  it("worked example", () => {
    // SME 10,000 + 20,000 = 30,000; large 70,000; unknown 100,000.
    // known = 30,000 + 70,000 = 100,000 → share = 30,000 ÷ 100,000 = 0.3
    // coverage = 100,000 ÷ (100,000 + 100,000) = 0.5 → not uncertain (uncertain is below 0.5)
    const r = smeShare([
      { scaleClass: "sme", valuePence: 10_000n },
      { scaleClass: "sme", valuePence: 20_000n },
      { scaleClass: "large", valuePence: 70_000n },
      { scaleClass: "unknown", valuePence: 100_000n },
    ]);
    expect(r).toEqual({
      smeValuePence: 30_000n,
      knownValuePence: 100_000n,
      unknownValuePence: 100_000n,
      share: 0.3,
      coverage: 0.5,
      uncertain: false,
    });
  });

  it("is uncertain when coverage is below the threshold", () => {
    // known 40, unknown 60 → coverage 0.4 < 0.5
    const r = smeShare([
      { scaleClass: "sme", valuePence: 40n },
      { scaleClass: "unknown", valuePence: 60n },
    ]);
    expect(r.share).toBe(1);
    expect(r.coverage).toBe(0.4);
    expect(r.uncertain).toBe(true);
    expect(smeShare([{ scaleClass: "sme", valuePence: 40n }, { scaleClass: "unknown", valuePence: 60n }], { uncertainCoverageBelow: 0.3 }).uncertain).toBe(false);
  });

  it("has no share when nothing is of known scale, and no coverage when there is no value", () => {
    const unknownOnly = smeShare([{ scaleClass: "unknown", valuePence: 5n }]);
    expect(unknownOnly.share).toBeNull();
    expect(unknownOnly.coverage).toBe(0);
    expect(unknownOnly.uncertain).toBe(true);
    const empty = smeShare([]);
    expect(empty).toEqual({
      smeValuePence: 0n,
      knownValuePence: 0n,
      unknownValuePence: 0n,
      share: null,
      coverage: null,
      uncertain: true,
    });
    const zero = smeShare([{ scaleClass: "large", valuePence: 0n }]);
    expect(zero.share).toBeNull();
    expect(zero.coverage).toBeNull();
  });

  it("keeps shares in [0, 1] and conserves value, even for huge totals", () => {
    const line = fc.record({
      scaleClass: fc.constantFrom<ScaleClass>("sme", "large", "unknown"),
      valuePence: fc.bigInt({ min: 0n, max: 10n ** 20n }),
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const r = smeShare(lines);
        const total = lines.reduce((s, l) => s + l.valuePence, 0n);
        expect(r.knownValuePence + r.unknownValuePence).toBe(total);
        expect(r.smeValuePence <= r.knownValuePence).toBe(true);
        for (const x of [r.share, r.coverage]) {
          if (x !== null) {
            expect(x).toBeGreaterThanOrEqual(0);
            expect(x).toBeLessThanOrEqual(1);
          }
        }
        expect(r.share === null).toBe(r.knownValuePence === 0n);
        expect(r.coverage === null).toBe(total === 0n);
        expect(r.uncertain).toBe(r.coverage === null || r.coverage < 0.5);
        if (r.share !== null) {
          const approx = Number(r.smeValuePence) / Number(r.knownValuePence);
          expect(Math.abs(r.share - approx)).toBeLessThan(1e-12);
        }
      }),
    );
  });
});
