/**
 * Red flags: named rules, each with a plain-language explanation, a threshold
 * (configuration) and the evidence it used (../shared/docs/metrics.md,
 * "Red flags"). The methodology page renders its definitions from
 * `describeRule`, the same module that computes the flags.
 *
 * A flag is a prompt to look, never a finding of wrongdoing.
 *
 * Pure TypeScript: imports only ../types, ../money and this folder.
 */
import { DEFAULT_FLAG_CONFIG, FLAG_CODES, type FlagCode, type FlagConfig } from "./config";
import { latePublicationRule } from "./late-publication";
import { nonCompetitiveRule } from "./non-competitive";
import { repeatDirectAwardsRule } from "./repeat-direct-awards";
import { shortTenderRule } from "./short-tender";
import { singleBidRule } from "./single-bid";
import { splitBelowThresholdRule } from "./split-below-threshold";
import { terminatedEarlyRule } from "./terminated-early";
import type { FlagResult, FlagRule, FlagSubject, PeerAward } from "./types";
import { valueIncreaseRule } from "./value-increase";

export {
  CENTRAL_GOVERNMENT_GOODS_SERVICES_THRESHOLD_PENCE,
  DEFAULT_FLAG_CONFIG,
  FLAG_CODES,
  FLAG_ENV_VARS,
  flagConfigFromEnv,
  isFlagCode,
  parseFlagConfig,
  serialiseFlagConfig,
} from "./config";
export type { FlagCode, FlagConfig } from "./config";
export type { FlagEvidence, FlagOutcome, FlagResult, FlagRule, FlagStatus, FlagSubject, PeerAward } from "./types";
export {
  awardCounts,
  normaliseOrganisationName,
  organisationKey,
  peerAwardsFromContract,
  peerAwardsFromSource,
  type PeerSource,
} from "./peers";
export { evaluateRepeatDirectAwards, repeatDirectAwardsRule } from "./repeat-direct-awards";
export { evaluateSplitBelowThreshold, splitBelowThresholdRule } from "./split-below-threshold";
export {
  latePublicationRule,
  nonCompetitiveRule,
  shortTenderRule,
  singleBidRule,
  terminatedEarlyRule,
  valueIncreaseRule,
};

/** Shown with every list of flags and on the methodology page. */
export const FLAG_DISCLAIMER = "A flag is a prompt to look, never a finding of wrongdoing.";

/** Every rule, in `FLAG_CODES` order. */
export const ALL_RULES: readonly FlagRule[] = [
  singleBidRule,
  nonCompetitiveRule,
  shortTenderRule,
  valueIncreaseRule,
  latePublicationRule,
  repeatDirectAwardsRule,
  splitBelowThresholdRule,
  terminatedEarlyRule,
];

const RULES_BY_CODE = new Map<FlagCode, FlagRule>(ALL_RULES.map((rule) => [rule.code, rule]));

export function getRule(code: FlagCode): FlagRule {
  const rule = RULES_BY_CODE.get(code);
  if (rule === undefined) throw new Error(`Unknown red-flag rule: ${code}`);
  return rule;
}

/** The rules that compare a contract with other contracts. */
export const CROSS_CONTRACT_RULES: readonly FlagRule[] = ALL_RULES.filter((rule) => rule.crossContract);
/** The rules that read the contract alone. */
export const SINGLE_CONTRACT_RULES: readonly FlagRule[] = ALL_RULES.filter((rule) => !rule.crossContract);
export const CROSS_CONTRACT_CODES: readonly FlagCode[] = CROSS_CONTRACT_RULES.map((rule) => rule.code);

/**
 * All eight rules for one contract, in `FLAG_CODES` order.
 *
 * `peers` are the `PeerAward` rows of other contracts for the cross-contract
 * rules (build them with `peerAwardsFromContract`; rows of this contract are
 * ignored). For both cross-contract rules it is enough to pass every row with
 * the same buyer whose award date is less than
 * max(`repeatWindowDays`, `splitWindowDays`) days from this contract's, plus the
 * rows with no date. Omitted (or null), the cross-contract rules are `unknown`
 * (not checked) unless they do not apply to this contract.
 *
 * `own`: the contract's own rows, keyed as `peers` are (see `FlagRule.evaluate`).
 */
export function evaluateContractFlags(
  contract: FlagSubject,
  config: FlagConfig = DEFAULT_FLAG_CONFIG,
  peers?: readonly PeerAward[] | null,
  own?: readonly PeerAward[] | null,
): FlagResult[] {
  return ALL_RULES.map((rule) => rule.evaluate(contract, config, peers ?? null, own ?? null));
}

/** The single-contract rules only, in `FLAG_CODES` order. */
export function evaluateSingleContractFlags(contract: FlagSubject, config: FlagConfig = DEFAULT_FLAG_CONFIG): FlagResult[] {
  return SINGLE_CONTRACT_RULES.map((rule) => rule.evaluate(contract, config));
}

/**
 * The cross-contract rules for a contract given only as its own rows (they
 * need nothing else of it), in `FLAG_CODES` order.
 */
export function evaluateCrossContractFlags(
  own: readonly PeerAward[],
  peers: readonly PeerAward[] | null,
  config: FlagConfig = DEFAULT_FLAG_CONFIG,
): FlagResult[] {
  const ocid = own[0]?.ocid ?? "";
  const subject: FlagSubject = {
    ocid,
    status: "active",
    procurementMethod: null,
    procurementMethodDetails: null,
    procurementMethodRationale: null,
    dateSigned: null,
    awardPublishedAt: null,
    originalValuePence: null,
    currentValuePence: null,
    currency: null,
    terminatedAt: null,
    terminationReason: null,
    endDate: null,
    tender: { numberOfTenderers: null, startDate: null, publishedAt: null, deadline: null },
    contracts: [],
  };
  return CROSS_CONTRACT_RULES.map((rule) => rule.evaluate(subject, config, peers, own));
}

export interface RuleDescription {
  code: FlagCode;
  title: string;
  explanation: string;
  /** The threshold in force, in words. */
  threshold: string;
  /** Always `FLAG_DISCLAIMER`. */
  disclaimer: string;
}

/** A rule's definition for the methodology page: title, explanation and the threshold in force. */
export function describeRule(code: FlagCode, config: FlagConfig = DEFAULT_FLAG_CONFIG): RuleDescription {
  const rule = getRule(code);
  return {
    code,
    title: rule.title,
    explanation: rule.explanation,
    threshold: rule.thresholdText(config),
    disclaimer: FLAG_DISCLAIMER,
  };
}

/** Every rule's definition, in `FLAG_CODES` order. */
export function describeAllRules(config: FlagConfig = DEFAULT_FLAG_CONFIG): RuleDescription[] {
  return FLAG_CODES.map((code) => describeRule(code, config));
}
