/**
 * Late publication: the award or contract was published more than the
 * threshold number of whole days after the contract was signed (the earliest
 * signature date of the process's contracts).
 *
 * "Published" is when the contract was first made public (`awardPublishedAt`
 * of the compiled state: a contract's own publication date, else the date of
 * the first release carrying it, the earliest of the process's contracts), so
 * a contract notice published months after signature is flagged even when an
 * award notice came before it. Only a process with no contract falls back to
 * the award's publication.
 */
import { londonDayNumber, parseInstant, wholeDaysBetween } from "./dates";
import type { FlagSubject } from "./types";
import { defineRule, plural } from "./rule";

/** The earliest `contracts[].dateSigned`, else the process's `dateSigned`. */
export function earliestDateSigned(contract: FlagSubject): { date: string | null; source: string | null } {
  let best: string | null = null;
  let bestMs = Number.POSITIVE_INFINITY;
  for (const item of contract.contracts) {
    const ms = parseInstant(item.dateSigned);
    if (item.dateSigned !== null && ms !== null && ms < bestMs) {
      best = item.dateSigned;
      bestMs = ms;
    }
  }
  if (best !== null) return { date: best, source: "contracts[].dateSigned" };
  if (contract.dateSigned !== null && londonDayNumber(contract.dateSigned) !== null) {
    return { date: contract.dateSigned, source: "dateSigned" };
  }
  return { date: null, source: null };
}

export const latePublicationRule = defineRule({
  code: "late-publication",
  title: "Late publication",
  explanation:
    "The award or contract was published long after the contract was signed, so the public could not see in good time who was paid to do what. " +
    "We count whole calendar days (UK time) from the earliest signature date of the contract to the date the contract was first published " +
    "(its own publication date, else the first release that carries it), even when an award notice came earlier; " +
    "only a process with no contract published is measured to the award's publication.",
  thresholdText: (config) => `Published more than ${plural(config.latePublicationDays, "day")} after the contract was signed.`,
  decide(contract, config) {
    const signed = earliestDateSigned(contract);
    const published = contract.awardPublishedAt;
    const days = wholeDaysBetween(signed.date, published);
    const evidence = {
      ocid: contract.ocid,
      dateSigned: signed.date,
      dateSignedSource: signed.source,
      publishedAt: published,
      publishedSource: contract.contracts.length > 0 ? "contract" : "award",
      days,
    };
    if (days === null) {
      const notes: string[] = [];
      if (signed.date === null) notes.push("The date the contract was signed is not known.");
      if (londonDayNumber(published) === null) notes.push(`The date the ${contract.contracts.length > 0 ? "contract" : "award"} was published is not known.`);
      return { status: "unknown", evidence: { ...evidence, note: notes.join(" ") } };
    }
    return { status: days > config.latePublicationDays ? "flagged" : "clear", evidence };
  },
});
