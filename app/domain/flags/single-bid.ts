/**
 * Single bid: a competitive procedure (open or selective) that received
 * exactly one bid. Same as indicator R018 of the Open Contracting
 * Partnership's Cardinal library.
 */
import { defineRule, isCompetitive } from "./rule";

export const singleBidRule = defineRule({
  code: "single-bid",
  title: "Single bid",
  explanation:
    "The contract was open to competition, but only one supplier bid. With no rival bid the buyer had nothing to compare price and quality against. " +
    "There can be innocent reasons, such as a small specialist market, but many single bids can mean that the tender put suppliers off. " +
    "This is the same test as indicator R018 of the Open Contracting Partnership's Cardinal library.",
  thresholdText: () => "A competitive procedure (open or selective) that received exactly 1 bid.",
  decide(contract) {
    const method = contract.procurementMethod;
    const tenderers = contract.tender.numberOfTenderers;
    const evidence = { ocid: contract.ocid, procurementMethod: method, numberOfTenderers: tenderers };
    const competitive = isCompetitive(method);
    if (competitive === null) {
      return { status: "unknown", evidence: { ...evidence, note: "The procurement method was not published." } };
    }
    if (!competitive) {
      return {
        status: "clear",
        evidence: { ...evidence, note: "Not applicable: the procedure was not competitive, so bids were not invited." },
      };
    }
    if (tenderers === null) {
      return { status: "unknown", evidence: { ...evidence, note: "The number of bids was not published." } };
    }
    return { status: tenderers === 1 ? "flagged" : "clear", evidence };
  },
});
