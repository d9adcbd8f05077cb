/**
 * Short tender period: a competitive tender whose submission period
 * (deadline − start, in whole days; the start falls back to the tender's
 * publication date) was shorter than the threshold.
 */
import { wholeDaysBetween } from "./dates";
import { defineRule, isCompetitive, plural } from "./rule";

export const shortTenderRule = defineRule({
  code: "short-tender",
  title: "Short tender period",
  explanation:
    "Suppliers had little time to prepare a bid. A short submission period favours suppliers who knew about the contract in advance. " +
    "We count whole calendar days (UK time) from the start of the submission period, or from the tender's publication date when no start was published, to the submission deadline. " +
    "Only competitive procedures (open or selective) are checked. For comparison, the Open Contracting Partnership's Cardinal indicator R003 uses 15 days.",
  thresholdText: (config) =>
    `A submission period shorter than ${plural(config.shortTenderDays, "day")} (competitive procedures only).`,
  decide(contract, config) {
    const method = contract.procurementMethod;
    const { startDate, publishedAt, deadline } = contract.tender;
    const start = startDate ?? publishedAt;
    const evidence = {
      ocid: contract.ocid,
      procurementMethod: method,
      tenderStartDate: startDate,
      tenderPublishedAt: publishedAt,
      startUsed: startDate !== null ? "tenderPeriod.startDate" : publishedAt !== null ? "tender publication date" : null,
      deadline,
    };
    const competitive = isCompetitive(method);
    if (competitive === null) {
      return { status: "unknown", evidence: { ...evidence, days: null, note: "The procurement method was not published." } };
    }
    if (!competitive) {
      return {
        status: "clear",
        evidence: { ...evidence, days: null, note: "Not applicable: the procedure was not competitive." },
      };
    }
    const days = wholeDaysBetween(start, deadline);
    if (days === null) {
      const missing = deadline === null ? "submission deadline" : "start or publication date of the tender";
      return { status: "unknown", evidence: { ...evidence, days: null, note: `The ${missing} was not published or could not be read.` } };
    }
    if (days < 0) {
      return {
        status: "unknown",
        evidence: { ...evidence, days, note: "The published deadline is before the start of the tender, so the dates cannot be relied on." },
      };
    }
    return { status: days < config.shortTenderDays ? "flagged" : "clear", evidence: { ...evidence, days } };
  },
});
