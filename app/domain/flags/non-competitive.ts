/**
 * Non-competitive award: a direct award or limited procedure, with the
 * justification given (or its absence).
 */
import { defineRule, isCompetitive, text } from "./rule";

export const NO_JUSTIFICATION_NOTE = "No justification for the non-competitive procedure was published.";

export const nonCompetitiveRule = defineRule({
  code: "non-competitive",
  title: "Non-competitive award",
  explanation:
    "The contract was awarded without open competition, by a direct award or a limited procedure. " +
    "The law allows this in some cases, for example extreme urgency or when only one supplier can do the work, and the buyer should publish its reason. " +
    "We show the reason given, or say that none was published.",
  thresholdText: () => "Any award by a limited or direct procedure.",
  decide(contract) {
    const method = contract.procurementMethod;
    const rationale = text(contract.procurementMethodRationale);
    const evidence = {
      ocid: contract.ocid,
      procurementMethod: method,
      procurementMethodDetails: text(contract.procurementMethodDetails),
      procurementMethodRationale: rationale,
    };
    const competitive = isCompetitive(method);
    if (competitive === null) {
      return { status: "unknown", evidence: { ...evidence, note: "The procurement method was not published." } };
    }
    if (competitive) return { status: "clear", evidence };
    return {
      status: "flagged",
      evidence: { ...evidence, justificationGiven: rationale !== null, note: rationale === null ? NO_JUSTIFICATION_NOTE : null },
    };
  },
});
