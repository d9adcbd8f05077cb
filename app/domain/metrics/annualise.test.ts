import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { amountInFy, annualise, awardedFy } from "./annualise";
import { fyOf, fyStartDay, MS_PER_DAY } from "./fy";

const isoDay = (day: number) => new Date(day * MS_PER_DAY).toISOString().slice(0, 10);

describe("annualise: worked example", () => {
  it("spreads £1,000 over 1 Jan 2024 – 31 Dec 2025 by day", () => {
    // Days: FY2023-24 share = 1 Jan–31 Mar 2024 = 31 + 29 + 31 = 91 (2024 is a leap year)
    //       FY2024-25 = 1 Apr 2024–31 Mar 2025 = 365
    //       FY2025-26 share = 1 Apr–31 Dec 2025 = 30+31+30+31+31+30+31+30+31 = 275
    //       total = 91 + 365 + 275 = 731 (= 366 + 365)
    // 2023: floor(100000 × 91 ÷ 731) = floor(9100000 ÷ 731) = 12448 (731 × 12448 = 9099488)
    // 2024: floor(100000 × 365 ÷ 731) = floor(36500000 ÷ 731) = 49931 (731 × 49931 = 36499561)
    // 2025: the rest = 100000 − 12448 − 49931 = 37621 (floor alone would give 37619; 2p left over)
    const r = annualise({ valuePence: 100_000n, startDate: "2024-01-01", endDate: "2025-12-31", awardDate: null });
    expect(r).toEqual({
      method: "spread",
      byFy: [
        { fy: 2023, pence: 12_448n },
        { fy: 2024, pence: 49_931n },
        { fy: 2025, pence: 37_621n },
      ],
    });
    expect(amountInFy(r, 2024)).toBe(49_931n);
    expect(amountInFy(r, 2030)).toBe(0n);
  });
});

describe("annualise: edges", () => {
  it("counts a single-day contract wholly in its year", () => {
    const r = annualise({ valuePence: 999n, startDate: "2025-03-31", endDate: "2025-03-31", awardDate: null });
    expect(r).toEqual({ method: "spread", byFy: [{ fy: 2024, pence: 999n }] });
  });

  it("splits a 31 March – 1 April contract across the boundary", () => {
    // 2 days, one each side: floor(101 × 1 ÷ 2) = 50 to 2024-25; the rest, 51, to 2025-26.
    const r = annualise({ valuePence: 101n, startDate: "2025-03-31", endDate: "2025-04-01", awardDate: null });
    expect(r.byFy).toEqual([
      { fy: 2024, pence: 50n },
      { fy: 2025, pence: 51n },
    ]);
  });

  it("handles leap years exactly", () => {
    // 1 Apr 2023 – 31 Mar 2025: 366 days (with 29 Feb 2024) + 365 days = 731; value 731p → 366p and 365p.
    const r = annualise({ valuePence: 731n, startDate: "2023-04-01", endDate: "2025-03-31", awardDate: null });
    expect(r.byFy).toEqual([
      { fy: 2023, pence: 366n },
      { fy: 2024, pence: 365n },
    ]);
  });

  it("lists every year touched, even when its share rounds to 0p", () => {
    // 1p over three years: floor gives 0 and 0; the leftover 1p goes to the last year.
    const r = annualise({ valuePence: 1n, startDate: "2023-04-01", endDate: "2026-03-31", awardDate: null });
    expect(r.byFy).toEqual([
      { fy: 2023, pence: 0n },
      { fy: 2024, pence: 0n },
      { fy: 2025, pence: 1n },
    ]);
  });

  it("keeps a zero value at zero", () => {
    const r = annualise({ valuePence: 0n, startDate: "2024-01-01", endDate: "2025-12-31", awardDate: null });
    expect(r.method).toBe("spread");
    expect(r.byFy.map((x) => x.pence)).toEqual([0n, 0n, 0n]);
  });

  it("counts a contract with no end date wholly at its start", () => {
    const r = annualise({ valuePence: 5000n, startDate: "2025-04-01", endDate: null, awardDate: "2024-01-01" });
    expect(r).toEqual({ method: "start", byFy: [{ fy: 2025, pence: 5000n }] });
  });

  it("treats an end before the start as start only", () => {
    const r = annualise({ valuePence: 5000n, startDate: "2025-04-01", endDate: "2025-03-31", awardDate: null });
    expect(r).toEqual({ method: "start", byFy: [{ fy: 2025, pence: 5000n }] });
  });

  it("falls back to the award date when there is no start date", () => {
    const r = annualise({ valuePence: 7n, startDate: null, endDate: "2027-01-01", awardDate: "2024-03-31" });
    expect(r).toEqual({ method: "awarded", byFy: [{ fy: 2023, pence: 7n }] });
  });

  it("counts nothing when there are no dates at all", () => {
    expect(annualise({ valuePence: 7n, startDate: null, endDate: null, awardDate: null })).toEqual({
      method: "none",
      byFy: [],
    });
  });

  it("treats an unparseable date as missing", () => {
    const r = annualise({ valuePence: 7n, startDate: "soon", endDate: "2027-01-01", awardDate: "2024-04-01" });
    expect(r).toEqual({ method: "awarded", byFy: [{ fy: 2024, pence: 7n }] });
    const s = annualise({ valuePence: 7n, startDate: "2024-04-01", endDate: "later", awardDate: null });
    expect(s.method).toBe("start");
  });

  it("counts days by the London calendar date of timestamps", () => {
    // 2024-03-31T23:00Z is 00:00 BST on 1 April (how a date-only "2024-04-01" is stored) and
    // 2024-04-01T01:00Z is 02:00 BST the same day: one day, wholly in 2024-25.
    const r = annualise({
      valuePence: 10n,
      startDate: "2024-03-31T23:00:00Z",
      endDate: "2024-04-01T01:00:00Z",
      awardDate: null,
    });
    expect(r.byFy).toEqual([{ fy: 2024, pence: 10n }]);
    // 22:00 UTC on 31 March is 23:00 BST on 31 March: two London days, one each side of the year end.
    const s = annualise({
      valuePence: 10n,
      startDate: "2024-03-31T22:00:00Z",
      endDate: "2024-04-01T01:00:00Z",
      awardDate: null,
    });
    expect(s.byFy).toEqual([
      { fy: 2023, pence: 5n },
      { fy: 2024, pence: 5n },
    ]);
  });

  it("spreads a contract stored as London midnights exactly as its calendar dates", () => {
    // A source's 1 April 2024 – 31 March 2025 is stored as 2024-03-31T23:00Z – 2025-03-30T23:00Z (both BST):
    // 365 London days, all in 2024-25.
    const r = annualise({
      valuePence: 36_500n,
      startDate: "2024-03-31T23:00:00.000Z",
      endDate: "2025-03-30T23:00:00.000Z",
      awardDate: null,
    });
    expect(r).toEqual({ method: "spread", byFy: [{ fy: 2024, pence: 36_500n }] });
  });
});

describe("awardedFy", () => {
  it("uses the award date, else the signature date", () => {
    expect(awardedFy("2025-04-01", "2024-01-01")).toBe(2025);
    expect(awardedFy("2025-03-31T23:00:00Z", null)).toBe(2025); // 00:00 BST on 1 April
    expect(awardedFy(null, "2025-03-31")).toBe(2024);
    expect(awardedFy("garbage", "2025-03-31")).toBe(2024);
    expect(awardedFy(null, null)).toBeNull();
  });
});

describe("annualise: properties", () => {
  const day = fc.integer({ min: 0, max: 60 * 365 }); // 1970 … 2030
  const value = fc.bigInt({ min: 0n, max: 10n ** 15n });

  it("sums exactly to the contract value over consecutive years", () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 20 * 366 }), value, (start, len, v) => {
        const r = annualise({ valuePence: v, startDate: isoDay(start), endDate: isoDay(start + len), awardDate: null });
        expect(r.method).toBe("spread");
        expect(r.byFy.reduce((s, x) => s + x.pence, 0n)).toBe(v);
        expect(r.byFy[0]?.fy).toBe(fyOf(isoDay(start)));
        expect(r.byFy[r.byFy.length - 1]?.fy).toBe(fyOf(isoDay(start + len)));
        r.byFy.forEach((x, i) => {
          expect(x.pence >= 0n && x.pence <= v).toBe(true);
          if (i > 0) expect(x.fy).toBe((r.byFy[i - 1]?.fy ?? Number.NaN) + 1);
        });
      }),
    );
  });

  it("gives each year its proportional share, to within the pence left over", () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 10 * 366 }), value, (start, len, v) => {
        const end = start + len;
        const total = BigInt(len + 1);
        const r = annualise({ valuePence: v, startDate: isoDay(start), endDate: isoDay(end), awardDate: null });
        r.byFy.forEach((x, i) => {
          const days = BigInt(Math.min(end, fyStartDay(x.fy + 1) - 1) - Math.max(start, fyStartDay(x.fy)) + 1);
          const exact = v * days; // ideal share × total
          const got = x.pence * total;
          if (i < r.byFy.length - 1) {
            // floor: got ≤ exact < got + total
            expect(got <= exact && exact < got + total).toBe(true);
          } else {
            // the last year holds at least its share, plus under a penny of leftover per other year
            expect(got >= exact && got - exact <= BigInt(r.byFy.length - 1) * total).toBe(true);
          }
        });
      }),
    );
  });

  it("always counts the whole value in one year when it cannot spread", () => {
    fc.assert(
      fc.property(day, fc.option(fc.integer({ min: 1, max: 1000 })), value, (start, before, v) => {
        const end = before === null ? null : isoDay(start - before);
        const r = annualise({ valuePence: v, startDate: isoDay(start), endDate: end, awardDate: null });
        expect(r).toEqual({ method: "start", byFy: [{ fy: fyOf(isoDay(start)), pence: v }] });
      }),
    );
  });
});
