import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ScaleClass } from "../types";
import { hhiFromSums, isHighlyConcentrated } from "./concentration";
import { type SpendAwardInput, type SpendInput, spendBreakdown } from "./spend-lines";

const sup = (key: string, scaleClass: ScaleClass = "sme", publishedValuePence: bigint | null = null) => ({
  key,
  scaleClass,
  publishedValuePence,
});

const base: SpendInput = {
  currentValuePence: 100_000n,
  currency: "GBP",
  awardDate: "2024-03-31T23:00:00.000Z", // 1 April 2024, 00:00 BST
  startDate: "2024-03-31T23:00:00.000Z",
  endDate: "2025-03-30T23:00:00.000Z", // 31 March 2025, 00:00 BST
  awards: [{ id: "a1", status: "active", valuePence: 100_000n, suppliers: [sup("s1")] }],
  contracts: [],
};

describe("spendBreakdown: worked examples", () => {
  it("gives one supplier the whole value, in the award's year and quarter", () => {
    const r = spendBreakdown(base);
    expect(r.gbp).toBe(true);
    expect(r.missingValue).toBe(false);
    expect(r.awardedFy).toBe(2024);
    expect(r.awardedQuarter).toBe(1);
    expect(r.annualiseMethod).toBe("spread");
    expect(r.lines).toEqual([{ key: "s1", scaleClass: "sme", valuePence: 100_000n, annual: [{ fy: 2024, pence: 100_000n }] }]);
  });

  it("splits an award equally, leftover pence to the first supplier, and spreads each part", () => {
    // £1,000.01 between three suppliers: 100001 ÷ 3 = 33333 r 2 → 33334, 33334, 33333.
    // Period 1 Jan 2024 – 31 Dec 2025: 91 days in 2023-24, 365 in 2024-25, 275 in 2025-26 (total 731).
    // Line 1 (33334p): 2023: floor(33334×91÷731) = floor(3033394÷731) = 4149 (731×4149 = 3032919);
    //                  2024: floor(33334×365÷731) = floor(12166910÷731) = 16644 (731×16644 = 12166764);
    //                  2025: 33334 − 4149 − 16644 = 12541.
    // Line 3 (33333p): 2023: floor(3033303÷731) = 4149; 2024: floor(12166545÷731) = 16643 (731×16643 = 12166033);
    //                  2025: 33333 − 4149 − 16643 = 12541.
    const r = spendBreakdown({
      ...base,
      currentValuePence: 100_001n,
      awardDate: "2023-12-15T00:00:00Z",
      startDate: "2024-01-01T00:00:00Z",
      endDate: "2025-12-31T00:00:00Z",
      awards: [{ id: "a1", status: null, valuePence: null, suppliers: [sup("s1"), sup("s2", "large"), sup("s3", "unknown")] }],
    });
    expect(r.awardedFy).toBe(2023);
    expect(r.awardedQuarter).toBe(3);
    expect(r.lines.map((l) => [l.key, l.scaleClass, l.valuePence])).toEqual([
      ["s1", "sme", 33_334n],
      ["s2", "large", 33_334n],
      ["s3", "unknown", 33_333n],
    ]);
    expect(r.lines[0]?.annual).toEqual([
      { fy: 2023, pence: 4_149n },
      { fy: 2024, pence: 16_644n },
      { fy: 2025, pence: 12_541n },
    ]);
    expect(r.lines[2]?.annual).toEqual([
      { fy: 2023, pence: 4_149n },
      { fy: 2024, pence: 16_643n },
      { fy: 2025, pence: 12_541n },
    ]);
  });

  it("uses each lot's contract values when they add up to the current value, and merges a supplier on two lots", () => {
    // Lot 1 £600 (contract), lot 2 £400 (award value, no contract): 600 + 400 = 1000 = current value.
    // s1 is on both lots: 600 ÷ 2 = 300 from lot 1 plus the whole 400 of lot 2 = 700; s2 gets 300.
    const r = spendBreakdown({
      ...base,
      currentValuePence: 1_000n,
      awards: [
        { id: "l1", status: "active", valuePence: 500n, suppliers: [sup("s1"), sup("s2", "large")] },
        { id: "l2", status: "active", valuePence: 400n, suppliers: [sup("s1")] },
        { id: "l3", status: "cancelled", valuePence: 999n, suppliers: [sup("s9")] },
      ],
      contracts: [{ awardId: "l1", status: "active", valuePence: 600n }],
    });
    expect(r.lines.map((l) => [l.key, l.valuePence])).toEqual([
      ["s1", 700n],
      ["s2", 300n],
    ]);
  });

  it("splits equally between lots when their values do not add up to the current value", () => {
    // Lots say 500 + 400 = 900 but the current value is 1001: 1001 ÷ 2 = 500 r 1 → 501 and 500.
    const r = spendBreakdown({
      ...base,
      currentValuePence: 1_001n,
      awards: [
        { id: "l1", status: "active", valuePence: 500n, suppliers: [sup("s1")] },
        { id: "l2", status: "active", valuePence: 400n, suppliers: [sup("s2")] },
      ],
    });
    expect(r.lines.map((l) => l.valuePence)).toEqual([501n, 500n]);
  });

  it("uses published per-supplier values as given", () => {
    const r = spendBreakdown({
      ...base,
      awards: [{ id: "a1", status: "active", valuePence: null, suppliers: [sup("s1", "sme", 70_000n), sup("s2", "large", 20_000n)] }],
    });
    expect(r.lines.map((l) => l.valuePence)).toEqual([70_000n, 20_000n]);
  });

  it("marks values in other currencies and missing values", () => {
    expect(spendBreakdown({ ...base, currency: "EUR" }).gbp).toBe(false);
    const missing = spendBreakdown({ ...base, currentValuePence: null, currency: null });
    expect(missing.gbp).toBe(true);
    expect(missing.missingValue).toBe(true);
    expect(missing.lines.map((l) => l.valuePence)).toEqual([0n]);
  });

  it("has no lines when nothing was awarded to a named supplier", () => {
    const r = spendBreakdown({ ...base, awards: [{ id: "a", status: "unsuccessful", valuePence: 1n, suppliers: [sup("x")] }] });
    expect(r.lines).toEqual([]);
    expect(spendBreakdown({ ...base, awards: [] }).lines).toEqual([]);
  });

  it("falls back to the award date without a start date, and places nothing without any date", () => {
    const r = spendBreakdown({ ...base, startDate: null, endDate: null });
    expect(r.annualiseMethod).toBe("awarded");
    expect(r.lines[0]?.annual).toEqual([{ fy: 2024, pence: 100_000n }]);
    const none = spendBreakdown({ ...base, awardDate: null, startDate: null, endDate: null });
    expect(none.awardedFy).toBeNull();
    expect(none.awardedQuarter).toBeNull();
    expect(none.annualiseMethod).toBe("none");
    expect(none.lines[0]?.annual).toEqual([]);
  });
});

describe("spendBreakdown: properties", () => {
  const scale = fc.constantFrom<ScaleClass>("sme", "large", "unknown");
  const award = fc.record({
    id: fc.constantFrom("a", "b", "c", "d"),
    status: fc.constantFrom<string | null>(null, "active", "cancelled", "pending"),
    valuePence: fc.option(fc.bigInt({ min: 0n, max: 10n ** 12n })),
    suppliers: fc.array(
      fc.record({ key: fc.constantFrom("s1", "s2", "s3", "s4", "s5"), publishedValuePence: fc.constant(null), scaleClass: scale }),
      { minLength: 1, maxLength: 4 },
    ),
  });
  const day = fc.integer({ min: 17_000, max: 22_000 }).map((d) => new Date(d * 86_400_000 + 23 * 3_600_000).toISOString());
  const input = fc.record({
    currentValuePence: fc.bigInt({ min: 0n, max: 10n ** 13n }),
    currency: fc.constant("GBP"),
    awardDate: fc.option(day),
    startDate: fc.option(day),
    endDate: fc.option(day),
    awards: fc.uniqueArray(award, { selector: (a: SpendAwardInput) => a.id, maxLength: 4 }),
    contracts: fc.constant<SpendInput["contracts"]>([]),
  });

  it("adds up to the current value, and each line's years add up to the line", () => {
    fc.assert(
      fc.property(input, (inp) => {
        const r = spendBreakdown(inp);
        const live = inp.awards.some((a) => a.status !== "cancelled");
        if (!live) {
          expect(r.lines).toEqual([]);
          return;
        }
        expect(r.lines.reduce((s, l) => s + l.valuePence, 0n)).toBe(inp.currentValuePence);
        expect(new Set(r.lines.map((l) => l.key)).size).toBe(r.lines.length);
        for (const l of r.lines) {
          expect(l.valuePence >= 0n).toBe(true);
          if (r.annualiseMethod === "none") expect(l.annual).toEqual([]);
          else expect(l.annual.reduce((s, a) => s + a.pence, 0n)).toBe(l.valuePence);
        }
      }),
    );
  });
});

describe("hhiFromSums", () => {
  it("is 10,000 for one supplier and matches a worked example", () => {
    expect(hhiFromSums(500n, 250_000n)).toBe(10_000);
    // 60/40: 0.6² + 0.4² = 0.52 → 5,200
    expect(hhiFromSums(100n, 60n * 60n + 40n * 40n)).toBe(5_200);
    expect(isHighlyConcentrated(100n, 5_200n)).toBe(true);
    expect(hhiFromSums(0n, 0n)).toBe(0);
  });
});
