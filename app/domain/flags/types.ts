/**
 * Types shared by the red-flag rules. Pure types.
 */
import type {
  AmendmentState,
  AwardState,
  ContractItemState,
  ContractState,
  PartyInfo,
  TenderState,
} from "../types";
import type { FlagCode, FlagConfig } from "./config";

export type { FlagCode, FlagConfig } from "./config";

/**
 * - `flagged`: the rule's condition holds.
 * - `clear`: the rule's condition does not hold, or the rule does not apply
 *   (the evidence then says why, in `note`).
 * - `unknown`: an input the rule needs is missing, so the register cannot tell.
 *   A missing input is never `clear`.
 */
export type FlagStatus = "flagged" | "clear" | "unknown";

/**
 * The inputs a rule used: dates as ISO strings, money as strings of integer
 * pence, counts as numbers, several ocids as one comma-separated string, and a
 * plain-language `note` when the outcome needs one (not applicable, missing).
 */
export type FlagEvidence = Record<string, string | number | boolean | null>;

/** A rule's decision before the code and threshold text are attached. */
export interface FlagOutcome {
  status: FlagStatus;
  evidence: FlagEvidence;
}

export interface FlagResult {
  code: FlagCode;
  status: FlagStatus;
  evidence: FlagEvidence;
  /** The threshold in force, in words (from the rule's `thresholdText(config)`). */
  threshold: string;
}

/**
 * One award of one contract to one supplier, as the cross-contract rules see it.
 * A contract to several suppliers gives one row per supplier
 * (see `peerAwardsFromContract`).
 */
export interface PeerAward {
  ocid: string;
  /** `SCHEME-IDENTIFIER` when the buyer has an org-id, else `name:` + normalised name; "" when unknown. */
  buyerKey: string;
  /** As `buyerKey`, for the supplier. */
  supplierKey: string;
  /** The award date (ISO, UTC), null when unknown. */
  date: string | null;
  /** This supplier's share of the contract's current value, in pence; null when unknown or not in GBP. */
  valuePence: bigint | null;
  /** true for a limited or direct procedure, false for open or selective, null when unknown. */
  nonCompetitive: boolean | null;
}

/**
 * What the rules read of a contract: a subset of `ContractState`, so a full
 * compiled state can be passed as it is, and a caller that keeps only these
 * fields (the database's stored columns, when flags are recomputed) can build
 * one without recompiling releases.
 *
 * `buyer`, `awards` and `awardDate` are read only by the cross-contract rules,
 * to make the contract's own `PeerAward` rows when the caller does not give
 * them (see `FlagRule.evaluate`).
 */
export interface FlagSubject
  extends Pick<
    ContractState,
    | "ocid"
    | "status"
    | "procurementMethod"
    | "procurementMethodDetails"
    | "procurementMethodRationale"
    | "dateSigned"
    | "awardPublishedAt"
    | "originalValuePence"
    | "currentValuePence"
    | "currency"
    | "terminatedAt"
    | "terminationReason"
    | "endDate"
  > {
  tender: Pick<TenderState, "numberOfTenderers" | "startDate" | "publishedAt" | "deadline">;
  contracts: ReadonlyArray<
    Pick<ContractItemState, "dateSigned" | "endDate"> & {
      amendments: ReadonlyArray<Pick<AmendmentState, "valueBeforePence" | "valueAfterPence">>;
    }
  >;
  buyer?: PartyInfo | null;
  awards?: readonly AwardState[];
  awardDate?: string | null;
}

export interface FlagRule {
  readonly code: FlagCode;
  /** Short name, sentence case ("Single bid"). */
  readonly title: string;
  /** What the rule looks for and why it matters, in plain language. */
  readonly explanation: string;
  /** true when the rule compares the contract with other contracts (needs `peers`). */
  readonly crossContract: boolean;
  /** The threshold in force, in words. */
  thresholdText(config: FlagConfig): string;
  /**
   * Evaluate the rule for one contract. `peers` (used only by the cross-contract
   * rules) are the award rows of other contracts, typically every row with the
   * same buyer; rows of the contract itself are ignored. `null` or omitted
   * means "not looked up": a cross-contract rule is then `unknown`, unless it
   * does not apply to this contract.
   *
   * `own` (cross-contract rules only) are the contract's own rows, keyed the
   * same way as `peers`. Omitted, they are made from the contract with
   * `peerAwardsFromContract` (org-id or name keys). A caller that keys
   * organisations otherwise (the database uses the register's resolved
   * organisation ids) gives both.
   */
  evaluate(
    contract: FlagSubject,
    config: FlagConfig,
    peers?: readonly PeerAward[] | null,
    own?: readonly PeerAward[] | null,
  ): FlagResult;
}
