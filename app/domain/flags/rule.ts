/**
 * Small helpers the rule files share.
 */
import type { ProcurementMethod } from "../types";
import type { FlagCode, FlagConfig, FlagOutcome, FlagRule, FlagSubject, PeerAward } from "./types";

interface RuleSpec {
  code: FlagCode;
  title: string;
  explanation: string;
  crossContract?: boolean;
  thresholdText(config: FlagConfig): string;
  /** Decide the outcome; `defineRule` adds the code and the threshold text. */
  decide(
    contract: FlagSubject,
    config: FlagConfig,
    peers: readonly PeerAward[] | null,
    own: readonly PeerAward[] | null,
  ): FlagOutcome;
}

export function defineRule(spec: RuleSpec): FlagRule {
  // The threshold text depends only on the configuration: made again only when
  // the configuration differs from the last one seen, not once per contract
  // (a recompute evaluates millions).
  let lastConfig: FlagConfig | null = null;
  let lastText = "";
  const thresholdFor = (config: FlagConfig): string => {
    if (lastConfig === null || !sameConfig(lastConfig, config)) {
      lastText = spec.thresholdText(config);
      lastConfig = { ...config };
    }
    return lastText;
  };
  return {
    code: spec.code,
    title: spec.title,
    explanation: spec.explanation,
    crossContract: spec.crossContract ?? false,
    thresholdText: spec.thresholdText,
    evaluate(contract, config, peers, own) {
      const { status, evidence } = spec.decide(contract, config, peers ?? null, own ?? null);
      return { code: spec.code, status, evidence, threshold: thresholdFor(config) };
    },
  };
}

function sameConfig(a: FlagConfig, b: FlagConfig): boolean {
  return (
    a.shortTenderDays === b.shortTenderDays &&
    a.valueIncreasePct === b.valueIncreasePct &&
    a.valueIncreaseCumulativePct === b.valueIncreaseCumulativePct &&
    a.latePublicationDays === b.latePublicationDays &&
    a.repeatDirectAwards === b.repeatDirectAwards &&
    a.repeatWindowDays === b.repeatWindowDays &&
    a.splitWindowDays === b.splitWindowDays &&
    a.splitThresholdPence === b.splitThresholdPence
  );
}

/** "1 day", "25 days". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Methods that are competitive procedures. */
export function isCompetitive(method: ProcurementMethod | null): boolean | null {
  if (method === null) return null;
  return method === "open" || method === "selective";
}

/** A string for evidence: trimmed, or null when empty. */
export function text(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const t = value.trim();
  return t === "" ? null : t;
}

export function pence(value: bigint | null): string | null {
  return value === null ? null : value.toString();
}
