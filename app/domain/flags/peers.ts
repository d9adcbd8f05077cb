/**
 * Award rows for the cross-contract rules (repeat direct awards, split below
 * threshold): one `PeerAward` per contract and supplier.
 */
import type { AwardState, ContractState, PartyInfo, ProcurementMethod } from "../types";
import type { FlagSubject, PeerAward } from "./types";

const LEGAL_SUFFIXES = new Set(["limited", "ltd", "plc", "llp", "lp", "inc", "incorporated", "uk ltd", "uk limited"]);

/**
 * A name reduced for matching: accents removed, lower case, "&" as "and",
 * punctuation as spaces, one trailing legal form ("Ltd", "Limited", "PLC",
 * "LLP"…) and a leading "the" dropped. "The Acme (UK) Ltd." → "acme uk".
 */
export function normaliseOrganisationName(name: string): string {
  let s = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
  if (s.startsWith("the ")) s = s.slice(4);
  for (const suffix of LEGAL_SUFFIXES) {
    if (s.endsWith(` ${suffix}`) && s.length > suffix.length + 1) {
      s = s.slice(0, s.length - suffix.length - 1);
      break;
    }
  }
  return s.trim();
}

/**
 * The key that identifies an organisation across contracts: `SCHEME-IDENTIFIER`
 * (upper case, spaces removed, e.g. `GB-COH-01234567`) when both are published,
 * else `name:` + the normalised name; null when there is neither.
 * An organisation identified by org-id in one notice and by name only in another
 * gets two keys; the rules do not guess that they are the same.
 */
export function organisationKey(party: Pick<PartyInfo, "scheme" | "identifier" | "name"> | null): string | null {
  if (party === null) return null;
  const scheme = party.scheme?.trim().toUpperCase() ?? "";
  const identifier = party.identifier?.replace(/\s+/g, "").toUpperCase() ?? "";
  if (scheme !== "" && identifier !== "") return `${scheme}-${identifier}`;
  const name = normaliseOrganisationName(party.name ?? "");
  return name === "" ? null : `name:${name}`;
}

const EXCLUDED_AWARD_STATUSES = new Set(["cancelled", "unsuccessful"]);

/** true when an award with this status counts (not cancelled, not unsuccessful). */
export function awardCounts(status: string | null): boolean {
  return status === null || !EXCLUDED_AWARD_STATUSES.has(status);
}

/** What a contract's `PeerAward` rows are made from, whoever keys the organisations. */
export interface PeerSource {
  ocid: string;
  /** "" when the buyer is unknown. */
  buyerKey: string;
  /** The contract's award date (ISO), null when unknown. */
  date: string | null;
  procurementMethod: ProcurementMethod | null;
  currentValuePence: bigint | null;
  currency: string | null;
  /**
   * One entry per supplier of each award that counts (in award order, then
   * supplier order), with the value published for that supplier alone, if any.
   * The same supplier may appear more than once.
   */
  suppliers: ReadonlyArray<{ key: string; valuePence: bigint | null }>;
}

/**
 * One row per distinct supplier key:
 * - `valuePence`: the supplier's share of the current value, split equally
 *   (any odd pence go to the first suppliers, so the shares sum to the value);
 *   when every supplier row carries a value published for that supplier alone,
 *   those values (summed per supplier) are used instead, as for SME share.
 *   null when the current value is unknown or its currency is not GBP.
 * - `nonCompetitive`: true for limited or direct, false for open or selective,
 *   null when the method is unknown.
 */
export function peerAwardsFromSource(source: PeerSource): PeerAward[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const published = new Map<string, bigint>();
  let allPublished = true;
  for (const supplier of source.suppliers) {
    if (!seen.has(supplier.key)) {
      seen.add(supplier.key);
      order.push(supplier.key);
    }
    if (supplier.valuePence === null) allPublished = false;
    else published.set(supplier.key, (published.get(supplier.key) ?? 0n) + supplier.valuePence);
  }
  if (order.length === 0) return [];

  const inGbp = source.currency === null || source.currency.toUpperCase() === "GBP";
  const method = source.procurementMethod;
  const nonCompetitive = method === null ? null : method === "limited" || method === "direct";
  const total = source.currentValuePence;
  const n = BigInt(order.length);

  return order.map((supplierKey, i) => {
    let valuePence: bigint | null = null;
    if (inGbp && allPublished) {
      valuePence = published.get(supplierKey) ?? null;
    } else if (inGbp && total !== null) {
      const base = total / n;
      const remainder = total - base * n;
      valuePence = base + (BigInt(i) < remainder ? 1n : 0n);
    }
    return { ocid: source.ocid, buyerKey: source.buyerKey, supplierKey, date: source.date, valuePence, nonCompetitive };
  });
}

/**
 * One row per distinct supplier of the contract's awards (awards with status
 * cancelled or unsuccessful are left out; suppliers with neither org-id nor
 * name are left out), keyed with `organisationKey`.
 *
 * - `buyerKey`, `supplierKey`: `organisationKey` ("" when the buyer is unknown).
 * - `date`: the contract's award date (earliest award date, else signature date).
 * - values and `nonCompetitive`: see `peerAwardsFromSource`.
 */
export function peerAwardsFromContract(
  c: Pick<ContractState, "ocid" | "buyer" | "awardDate" | "procurementMethod" | "currentValuePence" | "currency"> & {
    awards: readonly AwardState[];
  },
): PeerAward[] {
  const suppliers: { key: string; valuePence: bigint | null }[] = [];
  for (const award of c.awards) {
    if (!awardCounts(award.status)) continue;
    for (const supplier of award.suppliers) {
      const key = organisationKey(supplier.party);
      if (key !== null) suppliers.push({ key, valuePence: supplier.valuePence });
    }
  }
  return peerAwardsFromSource({
    ocid: c.ocid,
    buyerKey: organisationKey(c.buyer) ?? "",
    date: c.awardDate,
    procurementMethod: c.procurementMethod,
    currentValuePence: c.currentValuePence,
    currency: c.currency,
    suppliers,
  });
}

/** The rows a cross-contract rule uses for the contract itself when the caller gives none. */
export function ownPeerAwards(subject: FlagSubject): PeerAward[] {
  if (subject.awards === undefined) return [];
  return peerAwardsFromContract({
    ocid: subject.ocid,
    buyer: subject.buyer ?? null,
    awards: subject.awards,
    awardDate: subject.awardDate ?? null,
    procurementMethod: subject.procurementMethod,
    currentValuePence: subject.currentValuePence,
    currency: subject.currency,
  });
}
