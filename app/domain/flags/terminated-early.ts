/**
 * Terminated early: the contract ended (was terminated) before its scheduled
 * end date. Dates are compared as London calendar dates.
 */
import { londonDayNumber } from "./dates";
import type { FlagSubject } from "./types";
import { defineRule } from "./rule";

/** The scheduled end date: the process's end date, else the latest end date of its contracts. */
export function scheduledEndDate(contract: FlagSubject): string | null {
  if (londonDayNumber(contract.endDate) !== null) return contract.endDate;
  let best: string | null = null;
  let bestDay = Number.NEGATIVE_INFINITY;
  for (const item of contract.contracts) {
    const day = londonDayNumber(item.endDate);
    if (day !== null && day > bestDay) {
      best = item.endDate;
      bestDay = day;
    }
  }
  return best;
}

export const terminatedEarlyRule = defineRule({
  code: "terminated-early",
  title: "Terminated early",
  explanation:
    "The contract was ended before its scheduled end date. Early termination can follow poor performance, a change in what the buyer needs, or a dispute; it is worth knowing which. " +
    "We compare the termination date with the end date in force (after any amendment), by calendar date.",
  thresholdText: () => "Terminated before the scheduled end date.",
  decide(contract) {
    const terminatedAt = contract.terminatedAt;
    const endDate = scheduledEndDate(contract);
    const terminated = terminatedAt !== null || contract.status === "terminated";
    const evidence = {
      ocid: contract.ocid,
      status: contract.status,
      terminatedAt,
      scheduledEndDate: endDate,
      terminationReason: contract.terminationReason,
    };
    if (!terminated) {
      return { status: "clear", evidence: { ...evidence, daysEarly: null, note: "The contract has not been terminated." } };
    }
    const end = londonDayNumber(endDate);
    const ended = londonDayNumber(terminatedAt);
    if (ended === null) {
      return { status: "unknown", evidence: { ...evidence, daysEarly: null, note: "The contract was terminated, but the termination date is not known." } };
    }
    if (end === null) {
      return { status: "unknown", evidence: { ...evidence, daysEarly: null, note: "The contract was terminated, but its scheduled end date is not known." } };
    }
    const daysEarly = end - ended;
    return { status: daysEarly > 0 ? "flagged" : "clear", evidence: { ...evidence, daysEarly } };
  },
});
