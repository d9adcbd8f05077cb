/**
 * How the register decides that two parties are the same organisation.
 *
 * 1. By identifier: an org-id scheme and identifier (e.g. GB-COH + 01234567)
 *    when both are present: key `id:<SCHEME>:<identifier>`.
 * 2. Otherwise by normalised name within a context: the party's postcode when
 *    it gives one (`name:<normalised>|pc:<POSTCODE>`), else the buyer the
 *    release belongs to (`name:<normalised>|buyer:<buyer key>`). Buyers
 *    without identifier or postcode are matched by name alone.
 *
 * The key is stored on the organisation. When two organisations turn out to
 * be one, merging them (app/services/organisations-merge.server.ts) makes the
 * merged-away key an alias of the survivor (organisation_aliases), which
 * resolution consults before creating anything, so the merge sticks.
 */
import type { PartyInfo } from "./types";
import { normaliseName } from "./ocds/text";

export function normalisePostcode(pc: string | null | undefined): string | null {
  if (!pc) return null;
  const s = pc.toUpperCase().replace(/[^A-Z0-9]/g, "");
  return s.length >= 5 && s.length <= 7 ? s : null;
}

export function organisationKey(party: PartyInfo, context: { buyerKey?: string | null } = {}): string {
  if (party.scheme && party.identifier) {
    return `id:${party.scheme.trim().toUpperCase()}:${party.identifier.trim().replace(/\s+/g, "").toUpperCase()}`;
  }
  const name = normaliseName(party.name) || "(unnamed)";
  const pc = normalisePostcode(party.postcode);
  if (pc) return `name:${name}|pc:${pc}`;
  if (context.buyerKey) return `name:${name}|buyer:${context.buyerKey}`;
  return `name:${name}`;
}
