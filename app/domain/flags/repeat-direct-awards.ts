/**
 * Repeat direct awards: the same buyer gave the same supplier more than
 * `repeatDirectAwards` non-competitive awards within a window of
 * `repeatWindowDays` days (default 365: 12 months) that contains this
 * contract's award. The count includes this contract.
 *
 * Design (shared with split-below-threshold.ts): the rule works on `PeerAward`
 * rows, one per contract and supplier. `evaluateRepeatDirectAwards(target,
 * peers, config)` takes the contract's own rows (`peerAwardsFromContract`) and
 * the rows of other contracts (the caller fetches them, e.g. every row with the
 * same buyer; rows of the same ocid are ignored, duplicates by ocid are counted
 * once). Each supplier of the contract is checked on its own and the worst
 * outcome is reported (flagged, then unknown, then clear). `peers === null`
 * means the peers were not looked up: the outcome is then `unknown` unless the
 * rule does not apply.
 *
 * Uncertain peers (same buyer and supplier, but the method or the date is not
 * known) are not counted; when counting them could take the count over the
 * threshold, the outcome is `unknown` rather than `clear`.
 */
import { ownPeerAwards } from "./peers";
import { defineRule, plural } from "./rule";
import type { FlagConfig, FlagEvidence, FlagOutcome, FlagSubject, PeerAward } from "./types";
import { bestWindowContaining, dayOf, matchingPeers, type WindowItem, windowEvidence, worstOf } from "./window";

function evaluateRow(target: PeerAward, peers: readonly PeerAward[] | null, config: FlagConfig): FlagOutcome {
  const base: FlagEvidence = {
    ocid: target.ocid,
    buyerKey: target.buyerKey || null,
    supplierKey: target.supplierKey || null,
    awardDate: target.date,
    nonCompetitive: target.nonCompetitive,
  };
  if (target.nonCompetitive === false) {
    return { status: "clear", evidence: { ...base, note: "Not applicable: this contract was awarded competitively." } };
  }
  if (target.nonCompetitive === null) {
    return { status: "unknown", evidence: { ...base, note: "The procurement method was not published." } };
  }
  const day = dayOf(target);
  if (day === null) return { status: "unknown", evidence: { ...base, note: "The award date is not known." } };
  if (target.buyerKey === "" || target.supplierKey === "") {
    return { status: "unknown", evidence: { ...base, note: "The buyer or the supplier cannot be identified." } };
  }
  if (peers === null) {
    return { status: "unknown", evidence: { ...base, note: "Other contracts between this buyer and supplier were not checked." } };
  }

  const span = config.repeatWindowDays - 1;
  const others: WindowItem[] = [];
  let uncertain = 0;
  for (const peer of matchingPeers(target, peers)) {
    if (peer.nonCompetitive === false) continue;
    const peerDay = dayOf(peer);
    const inReach = peerDay === null || Math.abs(peerDay - day) <= span;
    if (!inReach) continue;
    if (peer.nonCompetitive === null || peerDay === null) uncertain += 1;
    else others.push({ ocid: peer.ocid, day: peerDay, weight: 1n });
  }
  const best = bestWindowContaining({ ocid: target.ocid, day, weight: 1n }, others, config.repeatWindowDays);
  const count = best.count;
  const evidence: FlagEvidence = { ...base, count, ...windowEvidence(best), uncertainPeers: uncertain };
  if (count > config.repeatDirectAwards) return { status: "flagged", evidence };
  if (count + uncertain > config.repeatDirectAwards) {
    return {
      status: "unknown",
      evidence: {
        ...evidence,
        note: `${plural(uncertain, "other award")} between this buyer and supplier could not be placed (method or date unknown) and could take the count over the threshold.`,
      },
    };
  }
  return { status: "clear", evidence };
}

/**
 * Evaluate the rule for a contract given as its own `PeerAward` rows (one per
 * supplier) against the rows of other contracts. See the file comment.
 */
export function evaluateRepeatDirectAwards(
  target: readonly PeerAward[],
  peers: readonly PeerAward[] | null,
  config: FlagConfig,
): FlagOutcome {
  const outcomes = target.map((row) => evaluateRow(row, peers, config));
  const worst = worstOf(outcomes);
  if (worst === null) {
    return { status: "unknown", evidence: { suppliersChecked: 0, note: "No supplier is recorded for this contract." } };
  }
  return { status: worst.status, evidence: { ...worst.evidence, suppliersChecked: target.length } };
}

export const repeatDirectAwardsRule = defineRule({
  code: "repeat-direct-awards",
  title: "Repeat direct awards",
  crossContract: true,
  explanation:
    "The same buyer gave the same supplier several contracts without competition within a year. Each award may be justified on its own; together they can show a relationship that is never tested in the market. " +
    "We count the non-competitive awards (direct awards and limited procedures) from the buyer to the supplier in any 12-month window that includes this award, this award included. " +
    "Buyers and suppliers are matched by their registered identifier, or by name when no identifier was published.",
  thresholdText: (config: FlagConfig) =>
    `More than ${plural(config.repeatDirectAwards, "non-competitive award")} from the same buyer to the same supplier within ${plural(config.repeatWindowDays, "day")}.`,
  decide(contract: FlagSubject, config: FlagConfig, peers: readonly PeerAward[] | null, own: readonly PeerAward[] | null) {
    return evaluateRepeatDirectAwards(own ?? ownPeerAwards(contract), peers, config);
  },
});
