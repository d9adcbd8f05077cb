import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computePledge, DEFAULT_PLEDGE, MANIFESTO_SAVING_PENCE, REFERENCE_LINES, trajectoryFor, yearStatus } from "./pledge";

describe("computePledge: worked example", () => {
  // Baseline range 2017-18 … 2022-23, target 2025-26 (the defaults).
  const spend = [
    { fy: 2017, spendPence: 1000n, contracts: 4 },
    { fy: 2018, spendPence: 1200n, contracts: 5 },
    // 2019: no row at all
    { fy: 2020, spendPence: 800n, contracts: 2 },
    { fy: 2021, spendPence: 0n, contracts: 0 },
    { fy: 2022, spendPence: 1001n, contracts: 3 },
    { fy: 2023, spendPence: 834n, contracts: 3 },
    { fy: 2024, spendPence: 700n, contracts: 2 },
    { fy: 2025, spendPence: 400n, contracts: 1 },
    { fy: 2026, spendPence: 600n, contracts: 2 },
  ];
  const r = computePledge(spend, DEFAULT_PLEDGE);

  it("takes the floor mean of the years with contracts", () => {
    // used: 2017, 2018, 2020, 2022; missing: 2019 (no row), 2021 (no contracts)
    // baseline = floor((1000 + 1200 + 800 + 1001) ÷ 4) = floor(4001 ÷ 4) = 1000
    // target = floor(1000 ÷ 2) = 500
    expect(r.baselineYearsUsed).toEqual([2017, 2018, 2020, 2022]);
    expect(r.baselineYearsMissing).toEqual([2019, 2021]);
    expect(r.baselinePence).toBe(1000n);
    expect(r.targetPence).toBe(500n);
  });

  it("draws the trajectory and judges each year against it", () => {
    // The line starts at the baseline in the last baseline year: 2022 → 1000 (not judged: a baseline year).
    // n = 2025 − 2022 = 3
    // 2023 (i = 1): 1000 − floor(500 × 1 ÷ 3) = 1000 − 166 = 834 → spend 834 ≤ 834: on track
    // 2024 (i = 2): 1000 − floor(500 × 2 ÷ 3) = 1000 − 333 = 667 → spend 700 > 667: not on track
    // 2025 (target year): 500 → spend 400: on track
    // 2026 (after): target held at 500 → spend 600: not on track
    expect(r.years.map((y) => [y.fy, y.trajectoryPence, y.onTrack])).toEqual([
      [2017, null, null],
      [2018, null, null],
      [2019, null, null],
      [2020, null, null],
      [2021, null, null],
      [2022, 1000n, null],
      [2023, 834n, true],
      [2024, 667n, false],
      [2025, 500n, true],
      [2026, 500n, false],
    ]);
    expect(r.years.find((y) => y.fy === 2019)).toEqual({
      fy: 2019,
      spendPence: 0n,
      contracts: 0,
      registerContracts: 0,
      hasData: false,
      status: "complete",
      trajectoryPence: null,
      onTrack: null,
    });
  });
});

describe("computePledge: edges", () => {
  it("reports not enough data rather than a zero baseline", () => {
    const r = computePledge([{ fy: 2024, spendPence: 500n, contracts: 2 }], DEFAULT_PLEDGE);
    expect(r.baselinePence).toBeNull();
    expect(r.targetPence).toBeNull();
    expect(r.baselineYearsUsed).toEqual([]);
    expect(r.baselineYearsMissing).toEqual([2017, 2018, 2019, 2020, 2021, 2022]);
    expect(r.years.every((y) => y.trajectoryPence === null && y.onTrack === null)).toBe(true);
    expect(r.years.map((y) => y.fy)).toEqual([2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025]);
  });

  it("counts a year with contracts but zero spend in the baseline", () => {
    // (0 + 301) ÷ 2 = 150.5 → 150; target floor(150 ÷ 2) = 75
    const r = computePledge(
      [
        { fy: 2021, spendPence: 0n, contracts: 1 },
        { fy: 2022, spendPence: 301n, contracts: 1 },
      ],
      { baselineFrom: 2021, baselineTo: 2022, targetFy: 2023 },
    );
    expect(r.baselinePence).toBe(150n);
    expect(r.targetPence).toBe(75n);
  });

  it("supports a single-year baseline and an odd baseline", () => {
    // baseline 1001; target floor(1001 ÷ 2) = 500; n = 1, so the next year is the target year.
    const r = computePledge([{ fy: 2022, spendPence: 1001n, contracts: 1 }], {
      baselineFrom: 2022,
      baselineTo: 2022,
      targetFy: 2023,
    });
    expect(r.baselinePence).toBe(1001n);
    expect(r.targetPence).toBe(500n);
    expect(r.years.map((y) => [y.fy, y.trajectoryPence])).toEqual([
      [2022, 1001n],
      [2023, 500n],
    ]);
  });

  it("does not judge a year after the baseline that has no contracts", () => {
    const r = computePledge([{ fy: 2022, spendPence: 1000n, contracts: 1 }], DEFAULT_PLEDGE);
    const y2024 = r.years.find((y) => y.fy === 2024);
    expect(y2024?.trajectoryPence).toBe(667n);
    expect(y2024?.onTrack).toBeNull();
  });

  it("adds rows for the same year together and extends to years given before and after", () => {
    const r = computePledge(
      [
        { fy: 2017, spendPence: 100n, contracts: 1 },
        { fy: 2017, spendPence: 50n, contracts: 2 },
        { fy: 2015, spendPence: 9n, contracts: 1 },
        { fy: 2027, spendPence: 9n, contracts: 1 },
      ],
      DEFAULT_PLEDGE,
    );
    expect(r.baselinePence).toBe(150n);
    expect(r.years[0]?.fy).toBe(2015);
    expect(r.years[r.years.length - 1]?.fy).toBe(2027);
    expect(r.years.find((y) => y.fy === 2017)?.contracts).toBe(3);
  });

  it("validates the configuration, naming the field", () => {
    expect(() => computePledge([], { baselineFrom: 2023, baselineTo: 2022, targetFy: 2025 })).toThrow(/baselineFrom/);
    expect(() => computePledge([], { baselineFrom: 2017, baselineTo: 2022, targetFy: 2022 })).toThrow(/targetFy/);
    expect(() => computePledge([], { baselineFrom: 2017.5, baselineTo: 2022, targetFy: 2025 })).toThrow(/baselineFrom/);
    expect(() => computePledge([], { baselineFrom: 2017, baselineTo: Number.NaN, targetFy: 2025 })).toThrow(/baselineTo/);
  });
});

describe("computePledge: years with contracts but no consultancy", () => {
  it("counts them as £0 in the baseline instead of leaving them out", () => {
    // 2017: 900p of consultancy; 2018: 20 contracts in the register, none consultancy → £0 counts;
    // 2019: no contracts at all → left out. Baseline range 2017–2019, target 2021.
    // baseline = floor((900 + 0) ÷ 2) = 450 (leaving 2018 out as well would wrongly give 900)
    const r = computePledge(
      [
        { fy: 2017, spendPence: 900n, contracts: 3, registerContracts: 40 },
        { fy: 2018, spendPence: 0n, contracts: 0, registerContracts: 20 },
        { fy: 2019, spendPence: 0n, contracts: 0, registerContracts: 0 },
        { fy: 2020, spendPence: 0n, contracts: 0, registerContracts: 7 },
      ],
      { baselineFrom: 2017, baselineTo: 2019, targetFy: 2021 },
    );
    expect(r.baselineYearsUsed).toEqual([2017, 2018]);
    expect(r.baselineYearsMissing).toEqual([2019]);
    expect(r.baselinePence).toBe(450n);
    expect(r.targetPence).toBe(225n);
    // 2020 (i = 1 of n = 2): 450 − floor(225 × 1 ÷ 2) = 450 − 112 = 338; spend £0 with data: on track.
    // 2021: the target, 225, but no contracts at all that year: not judged, no data.
    expect(r.years.map((y) => [y.fy, y.hasData, y.trajectoryPence, y.onTrack])).toEqual([
      [2017, true, null, null],
      [2018, true, null, null],
      [2019, false, 450n, null],
      [2020, true, 338n, true],
      [2021, false, 225n, null],
    ]);
  });
});

describe("computePledge: today's year", () => {
  const spend = [
    { fy: 2022, spendPence: 1000n, contracts: 2, registerContracts: 10 },
    { fy: 2023, spendPence: 900n, contracts: 2, registerContracts: 10 },
    { fy: 2024, spendPence: 100n, contracts: 1, registerContracts: 5 },
    { fy: 2025, spendPence: 50n, contracts: 1, registerContracts: 2 },
  ];
  const cfg = { baselineFrom: 2022, baselineTo: 2022, targetFy: 2025 };

  it("labels the current year partial and later years committed, never judging a committed year", () => {
    // baseline 1000, target 500; n = 3: 2023 → 1000 − floor(500 × 1 ÷ 3) = 834; 2024 → 1000 − 333 = 667; 2025 → 500.
    const r = computePledge(spend, cfg, { currentFy: 2023 });
    expect(r.years.map((y) => [y.fy, y.status, y.trajectoryPence, y.onTrack])).toEqual([
      [2022, "complete", 1000n, null],
      [2023, "partial", 834n, false], // 900 > 834
      [2024, "committed", 667n, null], // 100 ≤ 667, but not yet spent: not judged
      [2025, "committed", 500n, null],
    ]);
    // without a current year every year is complete and judged
    expect(computePledge(spend, cfg).years.map((y) => y.onTrack)).toEqual([null, false, true, true]);
  });

  it("leaves baseline years that are not yet spent out of the mean", () => {
    // Range 2021–2023 seen from 2022: 2021 has no contracts, 2022 is partial (used), 2023 is later.
    const r = computePledge(spend, { baselineFrom: 2021, baselineTo: 2023, targetFy: 2025 }, { currentFy: 2022 });
    expect(r.baselineYearsUsed).toEqual([2022]);
    expect(r.baselineYearsMissing).toEqual([2021]);
    expect(r.baselineYearsNotYetSpent).toEqual([2023]);
    expect(r.baselinePence).toBe(1000n);
  });

  it("yearStatus compares with the current year", () => {
    expect(yearStatus(2024, 2025)).toBe("complete");
    expect(yearStatus(2025, 2025)).toBe("partial");
    expect(yearStatus(2026, 2025)).toBe("committed");
    expect(yearStatus(2030, undefined)).toBe("complete");
  });
});

describe("defaults and reference lines", () => {
  it("uses HM Treasury's reading of the pledge by default", () => {
    expect(DEFAULT_PLEDGE).toEqual({ baselineFrom: 2017, baselineTo: 2022, targetFy: 2025 });
  });

  it("labels the manifesto and Treasury figures as references", () => {
    const manifesto = REFERENCE_LINES.find((r) => r.id === "manifesto-baseline");
    const hmt = REFERENCE_LINES.find((r) => r.id === "hmt-2022-23");
    // £745m a year saved by halving ⇒ baseline 2 × £745m = £1.49bn = 149,000,000,000p
    expect(manifesto?.pence).toBe(2n * MANIFESTO_SAVING_PENCE);
    expect(manifesto?.pence).toBe(149_000_000_000n);
    expect(hmt?.pence).toBe(136_000_000_000n);
    expect(hmt?.fy).toBe(2022);
    for (const r of REFERENCE_LINES) {
      expect(r.kind).toBe("reference");
      expect(r.label.startsWith("Reference:")).toBe(true);
    }
  });
});

describe("computePledge: properties", () => {
  const config = fc
    .tuple(fc.integer({ min: 2000, max: 2030 }), fc.nat({ max: 8 }), fc.integer({ min: 1, max: 8 }))
    .map(([from, len, gap]) => ({ baselineFrom: from, baselineTo: from + len, targetFy: from + len + gap }));
  const spendRows = fc.array(
    fc.record({
      fy: fc.integer({ min: 1995, max: 2050 }),
      spendPence: fc.bigInt({ min: 0n, max: 10n ** 14n }),
      contracts: fc.nat({ max: 5 }),
    }),
    { maxLength: 40 },
  );

  it("has a trajectory that runs down from at most the baseline to the target, then holds", () => {
    fc.assert(
      fc.property(spendRows, config, (spend, cfg) => {
        const r = computePledge(spend, cfg);
        if (r.baselinePence === null || r.targetPence === null) {
          expect(r.baselineYearsUsed).toEqual([]);
          return;
        }
        const after = r.years.filter((y) => y.fy > cfg.baselineTo);
        let prev = r.baselinePence;
        for (const y of after) {
          const t = y.trajectoryPence;
          expect(t).not.toBeNull();
          if (t === null) return;
          expect(t <= prev).toBe(true);
          expect(t >= r.targetPence).toBe(true);
          if (y.fy >= cfg.targetFy) expect(t).toBe(r.targetPence);
          expect(y.onTrack).toBe(y.contracts === 0 ? null : y.spendPence <= t);
          expect(y.hasData).toBe(y.contracts > 0);
          prev = t;
        }
        for (const y of r.years.filter((y) => y.fy <= cfg.baselineTo)) {
          expect(y.trajectoryPence).toBe(y.fy === cfg.baselineTo ? r.baselinePence : null);
          expect(y.onTrack).toBeNull();
        }
      }),
    );
  });

  it("puts the baseline between the smallest and largest year used", () => {
    fc.assert(
      fc.property(spendRows, config, (spend, cfg) => {
        const r = computePledge(spend, cfg);
        expect(r.baselineYearsNotYetSpent).toEqual([]);
        expect([...r.baselineYearsUsed, ...r.baselineYearsMissing].sort((a, b) => a - b)).toEqual(
          Array.from({ length: cfg.baselineTo - cfg.baselineFrom + 1 }, (_, i) => cfg.baselineFrom + i),
        );
        if (r.baselinePence === null) return;
        const used = r.years.filter((y) => r.baselineYearsUsed.includes(y.fy)).map((y) => y.spendPence);
        const sorted = [...used].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const min = sorted[0] ?? 0n;
        const max = sorted[sorted.length - 1] ?? 0n;
        expect(r.baselinePence >= min && r.baselinePence <= max).toBe(true);
        expect(r.targetPence).toBe(r.baselinePence / 2n);
      }),
    );
  });

  it("matches trajectoryFor at the ends of the line", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), config, (baseline, cfg) => {
        const target = baseline / 2n;
        expect(trajectoryFor(cfg.baselineTo - 1, baseline, target, cfg)).toBeNull();
        expect(trajectoryFor(cfg.baselineTo, baseline, target, cfg)).toBe(baseline);
        expect(trajectoryFor(cfg.targetFy, baseline, target, cfg)).toBe(target);
        expect(trajectoryFor(cfg.targetFy + 5, baseline, target, cfg)).toBe(target);
      }),
    );
  });
});
