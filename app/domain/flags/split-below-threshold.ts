/**
 * Split below threshold: several (two or more) contracts from one buyer to one
 * supplier within a window of `splitWindowDays` days (default 90), each under
 * the procurement threshold `splitThresholdPence`, whose sum exceeds it. This
 * contract must be one of them.
 *
 * Same design as repeat-direct-awards.ts: `PeerAward` rows, one per contract and
 * supplier; each supplier of the contract checked on its own; the worst outcome
 * reported; `peers === null` means not looked up. A value is a supplier's share
 * of the contract's current value (`peerAwardsFromContract`). "Under" is
 * strictly less than the threshold; a sum exactly at the threshold is clear.
 *
 * Uncertain peers (same buyer and supplier, value or date unknown) are not
 * summed; when they could take the sum over the threshold the outcome is
 * `unknown` rather than `clear`.
 */
import { formatPounds } from "../money";
import { CENTRAL_GOVERNMENT_GOODS_SERVICES_THRESHOLD_PENCE } from "./config";
import { ownPeerAwards } from "./peers";
import { defineRule, pence, plural } from "./rule";
import type { FlagConfig, FlagEvidence, FlagOutcome, FlagSubject, PeerAward } from "./types";
import { bestWindowContaining, dayOf, matchingPeers, type WindowItem, windowEvidence, worstOf } from "./window";

function evaluateRow(target: PeerAward, peers: readonly PeerAward[] | null, config: FlagConfig): FlagOutcome {
  const threshold = config.splitThresholdPence;
  const base: FlagEvidence = {
    ocid: target.ocid,
    buyerKey: target.buyerKey || null,
    supplierKey: target.supplierKey || null,
    awardDate: target.date,
    valuePence: pence(target.valuePence),
    thresholdPence: threshold.toString(),
  };
  if (target.valuePence === null) {
    return { status: "unknown", evidence: { ...base, note: "The value of this contract (in pounds sterling) is not known." } };
  }
  if (target.valuePence >= threshold) {
    return { status: "clear", evidence: { ...base, note: "Not applicable: this contract is not under the threshold." } };
  }
  const day = dayOf(target);
  if (day === null) return { status: "unknown", evidence: { ...base, note: "The award date is not known." } };
  if (target.buyerKey === "" || target.supplierKey === "") {
    return { status: "unknown", evidence: { ...base, note: "The buyer or the supplier cannot be identified." } };
  }
  if (peers === null) {
    return { status: "unknown", evidence: { ...base, note: "Other contracts between this buyer and supplier were not checked." } };
  }

  const span = config.splitWindowDays - 1;
  const others: WindowItem[] = [];
  let uncertainValue = 0;
  let undatedPence = 0n;
  let undated = 0;
  for (const peer of matchingPeers(target, peers)) {
    const peerDay = dayOf(peer);
    if (peerDay !== null && Math.abs(peerDay - day) > span) continue;
    if (peer.valuePence === null) {
      uncertainValue += 1;
    } else if (peer.valuePence < threshold) {
      if (peerDay === null) {
        undated += 1;
        undatedPence += peer.valuePence;
      } else {
        others.push({ ocid: peer.ocid, day: peerDay, weight: peer.valuePence });
      }
    }
  }
  const best = bestWindowContaining({ ocid: target.ocid, day, weight: target.valuePence }, others, config.splitWindowDays);
  const evidence: FlagEvidence = {
    ...base,
    count: best.count,
    sumPence: best.total.toString(),
    ...windowEvidence(best),
    uncertainPeers: uncertainValue + undated,
  };
  if (best.count >= 2 && best.total > threshold) return { status: "flagged", evidence };
  if (uncertainValue > 0 || best.total + undatedPence > threshold) {
    return {
      status: "unknown",
      evidence: {
        ...evidence,
        note: `${plural(uncertainValue + undated, "other contract")} between this buyer and supplier could not be placed (value or date unknown) and could take the sum over the threshold.`,
      },
    };
  }
  return { status: "clear", evidence };
}

/**
 * Evaluate the rule for a contract given as its own `PeerAward` rows (one per
 * supplier) against the rows of other contracts. See the file comment.
 */
export function evaluateSplitBelowThreshold(
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

function thresholdSource(config: FlagConfig): string {
  return config.splitThresholdPence === CENTRAL_GOVERNMENT_GOODS_SERVICES_THRESHOLD_PENCE
    ? " (the Procurement Act 2023 threshold for goods and services contracts awarded by central government, including VAT, in force from 1 January 2024)"
    : "";
}

export const splitBelowThresholdRule = defineRule({
  code: "split-below-threshold",
  title: "Split below threshold",
  crossContract: true,
  explanation:
    "The same buyer gave the same supplier several contracts close together in time, each worth less than the value at which stricter procurement rules apply, but together worth more. " +
    "This can be a sign that one requirement was split into smaller contracts to stay under those rules. " +
    "Contract values are compared as published, which may exclude VAT; a contract to several suppliers is shared equally between them unless each supplier's value is published. " +
    "Buyers and suppliers are matched by their registered identifier, or by name when no identifier was published.",
  thresholdText: (config: FlagConfig) =>
    `Two or more contracts from the same buyer to the same supplier within ${plural(config.splitWindowDays, "day")}, each under ${formatPounds(config.splitThresholdPence)}${thresholdSource(config)}, together worth more than that.`,
  decide(contract: FlagSubject, config: FlagConfig, peers: readonly PeerAward[] | null, own: readonly PeerAward[] | null) {
    return evaluateSplitBelowThreshold(own ?? ownPeerAwards(contract), peers, config);
  },
});
