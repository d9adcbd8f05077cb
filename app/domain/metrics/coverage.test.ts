import { describe, expect, it } from "vitest";
import { addInputCounts, countAndShare, describeInputCoverage, inputCoverage } from "./coverage";

describe("inputCoverage", () => {
  it("gives each gap as a share of the contracts behind the figure", () => {
    // 250 contracts: 3 with no value → 3 ÷ 250 = 1.2%; 10 with no dates → 4%.
    expect(inputCoverage({ contracts: 250, missingValueContracts: 3, fallbackContracts: 10 })).toEqual({
      contracts: 250,
      missingValueContracts: 3,
      fallbackContracts: 10,
      missingValueShare: 0.012,
      fallbackShare: 0.04,
    });
    expect(inputCoverage({ contracts: 0, missingValueContracts: 0, fallbackContracts: 0 }).missingValueShare).toBeNull();
  });

  it("adds counts together", () => {
    expect(
      addInputCounts([
        { contracts: 2, missingValueContracts: 1, fallbackContracts: 0 },
        { contracts: 5, missingValueContracts: 0, fallbackContracts: 2 },
      ]),
    ).toEqual({ contracts: 7, missingValueContracts: 1, fallbackContracts: 2 });
  });
});

describe("countAndShare and describeInputCoverage", () => {
  it("writes a count with its share", () => {
    expect(countAndShare(0, 10)).toBe("0");
    expect(countAndShare(1, 3)).toBe("1 (33.3%)"); // 1 ÷ 3 = 0.3333… → 33.3%
    expect(countAndShare(1200, 2400)).toBe("1,200 (50%)");
  });

  it("names the gaps of the view shown", () => {
    const c = { contracts: 1204, missingValueContracts: 12, fallbackContracts: 301 };
    // 12 ÷ 1204 = 0.99668% → 1%; 301 ÷ 1204 = 25%
    expect(describeInputCoverage(c, { view: "awarded" })).toBe("1,204 contracts behind these figures: 12 (1%) with no published value (counted as £0).");
    expect(describeInputCoverage(c, { view: "annualised", undatedContracts: 2 })).toBe(
      "1,204 contracts behind these figures: 12 (1%) with no published value (counted as £0); 301 (25%) with no contract dates, counted in their award year instead (the awarded view). A further 2 contracts have no date at all and are in no year.",
    );
  });
});
