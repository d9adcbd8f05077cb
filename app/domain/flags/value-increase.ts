/**
 * Value increase after award: the current value exceeds the original by more
 * than `valueIncreasePct` %, or the increases made by amendments add up to more
 * than `valueIncreaseCumulativePct` % of the original.
 *
 * All comparisons are in bigint pence: `value > base × (1 + pct/100)` is tested
 * as `value × 100 × S > base × (100 × S + pct × S)` with S = 10^6, so a
 * configured percentage keeps six decimal places and no float touches money.
 * Exactly at the threshold is clear.
 */
import { defineRule, pence } from "./rule";
import type { FlagEvidence, FlagSubject } from "./types";

const SCALE = 1_000_000n;

function scaledPct(pct: number): bigint {
  return BigInt(Math.round(pct * Number(SCALE)));
}

/** true when `value` is more than `pct` % above `base` (base > 0). */
export function exceedsIncrease(base: bigint, value: bigint, pct: number): boolean {
  return value * 100n * SCALE > base * (100n * SCALE + scaledPct(pct));
}

/** true when `increase` is more than `pct` % of `base` (base > 0). */
export function exceedsShare(base: bigint, increase: bigint, pct: number): boolean {
  return increase * 100n * SCALE > base * scaledPct(pct);
}

/** A change as a percentage of the base, to two decimal places (truncated), for evidence. */
function percentOf(base: bigint, change: bigint): number {
  return Number((change * 10_000n) / base) / 100;
}

/** The sum of positive (valueAfter − valueBefore) over every amendment that shows both values. */
export function cumulativeIncrease(contract: FlagSubject): { increase: bigint; counted: number; withoutValues: number } {
  let increase = 0n;
  let counted = 0;
  let withoutValues = 0;
  for (const item of contract.contracts) {
    for (const amendment of item.amendments) {
      const before = amendment.valueBeforePence;
      const after = amendment.valueAfterPence;
      if (before === null || after === null) {
        withoutValues += 1;
        continue;
      }
      counted += 1;
      if (after > before) increase += after - before;
    }
  }
  return { increase, counted, withoutValues };
}

export const valueIncreaseRule = defineRule({
  code: "value-increase",
  title: "Value increase after award",
  explanation:
    "The contract's value grew well beyond what was agreed when it was awarded. A large increase after award can mean that the work was priced low to win it, or that new work was added without competition. " +
    "We compare the current value (after the latest amendment) with the original value, and we also add up every increase made by amendments, so that a value raised and lowered again is still seen. " +
    "Amendments that do not show the value before and after are left out of that sum.",
  thresholdText: (config) =>
    `The current value is more than ${config.valueIncreasePct}% above the original value, or increases across amendments add up to more than ${config.valueIncreaseCumulativePct}% of it.`,
  decide(contract, config) {
    const original = contract.originalValuePence;
    const current = contract.currentValuePence;
    const cumulative = cumulativeIncrease(contract);
    const evidence: FlagEvidence = {
      ocid: contract.ocid,
      currency: contract.currency,
      originalValuePence: pence(original),
      currentValuePence: pence(current),
      increasePence: original !== null && current !== null ? pence(current - original) : null,
      increasePct: null,
      cumulativeIncreasePence: pence(cumulative.increase),
      cumulativeIncreasePct: null,
      amendmentsCounted: cumulative.counted,
      amendmentsWithoutValues: cumulative.withoutValues,
    };
    if (original === null) {
      return { status: "unknown", evidence: { ...evidence, note: "The original value of the contract is not known." } };
    }
    if (original <= 0n) {
      return {
        status: "unknown",
        evidence: { ...evidence, note: "The original value is zero, so an increase cannot be measured as a share of it." },
      };
    }
    evidence.cumulativeIncreasePct = percentOf(original, cumulative.increase);
    const cumulativeFlag = exceedsShare(original, cumulative.increase, config.valueIncreaseCumulativePct);
    const netFlag = current !== null && exceedsIncrease(original, current, config.valueIncreasePct);
    if (current !== null) evidence.increasePct = percentOf(original, current - original);
    if (netFlag || cumulativeFlag) {
      const reason = netFlag && cumulativeFlag ? "both" : netFlag ? "current value" : "cumulative increase";
      return { status: "flagged", evidence: { ...evidence, flaggedBy: reason } };
    }
    if (current === null) {
      return { status: "unknown", evidence: { ...evidence, note: "The current value of the contract is not known." } };
    }
    return { status: "clear", evidence };
  },
});
