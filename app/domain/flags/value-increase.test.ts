import { describe, expect, it } from "vitest";
import { DEFAULT_FLAG_CONFIG, parseFlagConfig } from "./config";
import { makeAmendment, makeContract, makeContractItem } from "./test-factory";
import { exceedsIncrease, valueIncreaseRule } from "./value-increase";
import type { AmendmentState } from "../types";

const ORIGINAL = 10_000_000n; // £100,000

function run(original: bigint | null, current: bigint | null, amendments: AmendmentState[] = []) {
  return valueIncreaseRule.evaluate(
    makeContract({
      originalValuePence: original,
      currentValuePence: current,
      contracts: [makeContractItem({ originalValuePence: original, valuePence: current, amendments })],
    }),
    DEFAULT_FLAG_CONFIG,
  );
}

const change = (before: bigint | null, after: bigint | null) =>
  makeAmendment({ valueBeforePence: before, valueAfterPence: after });

describe("value increase after award: current against original", () => {
  it("is clear at exactly 20% above the original", () => {
    const r = run(ORIGINAL, 12_000_000n);
    expect(r.status).toBe("clear");
    expect(r.evidence).toMatchObject({ originalValuePence: "10000000", currentValuePence: "12000000", increasePct: 20 });
  });

  it("is clear one penny under the threshold", () => {
    expect(run(ORIGINAL, 11_999_999n).status).toBe("clear");
  });

  it("flags one penny over the threshold", () => {
    const r = run(ORIGINAL, 12_000_001n);
    expect(r.status).toBe("flagged");
    expect(r.evidence.flaggedBy).toBe("current value");
    expect(r.evidence.increasePence).toBe("2000001");
  });

  it("compares exactly for values beyond 2^53 pence", () => {
    const big = 2n ** 60n; // divisible by 5, so 120% of it is exact
    expect(run(big, (big * 12n) / 10n).status).toBe("clear");
    expect(run(big, (big * 12n) / 10n + 1n).status).toBe("flagged");
  });

  it("is clear when the value fell", () => {
    const r = run(ORIGINAL, 5_000_000n);
    expect(r.status).toBe("clear");
    expect(r.evidence.increasePct).toBe(-50);
  });

  it("uses a fractional percentage threshold exactly", () => {
    const config = parseFlagConfig({ valueIncreasePct: 12.5 });
    expect(exceedsIncrease(ORIGINAL, 11_250_000n, config.valueIncreasePct)).toBe(false);
    expect(exceedsIncrease(ORIGINAL, 11_250_001n, config.valueIncreasePct)).toBe(true);
  });

  it("is unknown when the original value is missing", () => {
    const r = run(null, 50_000_000n);
    expect(r.status).toBe("unknown");
    expect(r.evidence.note).toMatch(/original value/);
  });

  it("is unknown when the current value is missing", () => {
    const r = run(ORIGINAL, null);
    expect(r.status).toBe("unknown");
    expect(r.evidence.note).toMatch(/current value/);
  });

  it("is unknown when the original value is zero", () => {
    expect(run(0n, 100n).status).toBe("unknown");
  });
});

describe("value increase after award: cumulative across amendments", () => {
  // Up 30%, down 30%, up 20%: net +20% (clear on its own), increases add up to 50%.
  const upDownUp = (lastUp: bigint) => [
    change(10_000_000n, 13_000_000n),
    change(13_000_000n, 10_000_000n),
    change(10_000_000n, 10_000_000n + lastUp),
  ];

  it("is clear at exactly 50% cumulative", () => {
    const r = run(ORIGINAL, 12_000_000n, upDownUp(2_000_000n));
    expect(r.status).toBe("clear");
    expect(r.evidence).toMatchObject({ cumulativeIncreasePence: "5000000", cumulativeIncreasePct: 50, amendmentsCounted: 3 });
  });

  it("is clear just under 50% cumulative", () => {
    expect(run(ORIGINAL, 11_999_999n, upDownUp(1_999_999n)).status).toBe("clear");
  });

  it("flags just over 50% cumulative even when the net increase is within the threshold", () => {
    const r = run(ORIGINAL, 11_000_001n, [
      change(10_000_000n, 14_000_000n),
      change(14_000_000n, 10_000_000n),
      change(10_000_000n, 11_000_001n),
    ]);
    expect(r.status).toBe("flagged");
    expect(r.evidence).toMatchObject({ flaggedBy: "cumulative increase", cumulativeIncreasePence: "5000001" });
  });

  it("reports both tests when both trip", () => {
    const r = run(ORIGINAL, 16_000_000n, [change(10_000_000n, 16_000_000n)]);
    expect(r.evidence.flaggedBy).toBe("both");
  });

  it("leaves out amendments without both values and says how many", () => {
    const r = run(ORIGINAL, ORIGINAL, [change(null, 90_000_000n), change(10_000_000n, null), change(10_000_000n, 11_000_000n)]);
    expect(r.evidence).toMatchObject({ amendmentsCounted: 1, amendmentsWithoutValues: 2, cumulativeIncreasePence: "1000000" });
    expect(r.status).toBe("clear");
  });

  it("still flags a cumulative increase when the current value is missing", () => {
    const r = run(ORIGINAL, null, [change(10_000_000n, 16_000_000n)]);
    expect(r.status).toBe("flagged");
    expect(r.evidence.flaggedBy).toBe("cumulative increase");
  });

  it("uses the cumulative threshold in force", () => {
    const config = parseFlagConfig({ valueIncreaseCumulativePct: 40, valueIncreasePct: 100 });
    const contract = makeContract({
      contracts: [makeContractItem({ amendments: [change(10_000_000n, 14_500_000n), change(14_500_000n, 10_000_000n)] })],
    });
    expect(valueIncreaseRule.evaluate(contract, config).status).toBe("flagged");
    expect(valueIncreaseRule.evaluate(contract, DEFAULT_FLAG_CONFIG).status).toBe("clear");
  });
});
