/**
 * What every notice needs: the organisations it names (as OCDS parties), the
 * contracting process it belongs to, and the frame of an OCDS release.
 *
 * A published release carries only the sections the notice changes plus the
 * parties it references (the buyer, and the suppliers of an award): the
 * register compiles the current state by merging it over the earlier
 * releases (OCDS merge), so nothing published before is repeated or lost.
 */
import { amountNumberFromPence } from "../money";
import type { BuyerType, ContractState, Itl1, OcdsRelease, OrgType, Scale } from "../types";
import { ITL1_REGIONS } from "../types";

/** The tags each kind of notice publishes with (OCDS release tag codelist). */
export const NOTICE_KINDS = {
  tender: { tag: ["tender"], label: "Tender notice" },
  tenderUpdate: { tag: ["tenderUpdate"], label: "Tender correction" },
  award: { tag: ["award"], label: "Award notice" },
  contract: { tag: ["contract"], label: "Contract details notice" },
  amendment: { tag: ["contractAmendment"], label: "Contract amendment" },
  termination: { tag: ["contractTermination"], label: "Contract termination" },
} as const;
export type NoticeKind = keyof typeof NOTICE_KINDS;

export const isNoticeKind = (k: string): k is NoticeKind => Object.hasOwn(NOTICE_KINDS, k);

/** An organisation on the register, as notices name it. */
export interface OrgInfo {
  id: bigint;
  name: string;
  scheme: string | null;
  identifier: string | null;
  scale: Scale | null;
  orgType: OrgType | null;
  buyerType: BuyerType | null;
  region: Itl1 | null;
  countryCode: string | null;
  postcode: string | null;
}

/** A contracting process already in the register, as a notice about it sees it. */
export interface ProcessContext {
  ocid: string;
  buyer: OrgInfo;
  /** How many releases it has: the version a form is based on. */
  releaseCount: number;
  /** The id of its latest release (what an amendment amends). */
  lastReleaseId: string | null;
  /** Its current state, compiled from its releases. */
  state: ContractState;
  /** Ids already used inside the compiled release (awards, contracts, amendments, lots, tender). */
  tenderId: string | null;
}

/** When and as what a notice is published. */
export interface PublishMeta {
  ocid: string;
  releaseId: string;
  /** The release date (ISO date-time, UTC). */
  date: string;
  /** Today, "YYYY-MM-DD" (UTC), for checks such as "not in the future". */
  today: string;
}

/** Schemes for organisation identifiers (org-id.guide) a form offers. */
export const ORG_SCHEMES = {
  "GB-COH": "Companies House (company number)",
  "GB-CHC": "Charity Commission for England and Wales",
  "GB-SC": "Scottish Charity Regulator",
  "GB-NIC": "Charity Commission for Northern Ireland",
  "GB-MPR": "Mutuals Public Register (FCA)",
  "GB-UKPRN": "UK Register of Learning Providers",
  "GB-EDU": "Department for Education (schools)",
  "GB-NHS": "NHS organisation code",
  "GB-GOR": "Government Organisation Register",
  "GB-LAE": "Local authorities in England",
  "GB-LAS": "Local authorities in Scotland",
  "GB-LAW": "Local authorities in Wales",
  "GB-PLA": "Local authorities in Northern Ireland",
} as const;
export type OrgScheme = keyof typeof ORG_SCHEMES;

/** Scales a publisher may give for a supplier (metrics.md). */
export const SCALE_CHOICES = {
  micro: "Micro (fewer than 10 staff)",
  small: "Small (fewer than 50 staff)",
  medium: "Medium (fewer than 250 staff)",
  sme: "SME, size not known",
  large: "Large (250 staff or more)",
  unknown: "Not known",
} as const;
export type ScaleChoice = keyof typeof SCALE_CHOICES;

/** The identifier's problem for its scheme, or null. Companies House numbers are 8 characters (01234567, SC123456). */
export function identifierProblem(scheme: string, identifier: string): string | null {
  const id = identifier.replace(/\s+/g, "").toUpperCase();
  if (scheme === "GB-COH" && !/^(?:\d{8}|[A-Z]{2}\d{6})$/.test(id)) {
    return "A Companies House number has 8 characters, like 01234567 or SC123456";
  }
  if (!/^[A-Z0-9][A-Z0-9./-]{0,49}$/.test(id)) return "An identifier has up to 50 letters, digits, dots, slashes and hyphens";
  return null;
}

export function normaliseIdentifier(identifier: string): string {
  return identifier.replace(/\s+/g, "").toUpperCase();
}

/** The party id a release uses for an organisation: its org-id when it has one, else its register id. */
export function partyIdOf(org: Pick<OrgInfo, "id" | "scheme" | "identifier">): string {
  return org.scheme && org.identifier ? `${org.scheme}-${org.identifier}` : `register-org-${org.id}`;
}

export interface OcdsPartyOut {
  id: string;
  name: string;
  identifier?: { scheme: string; id: string; legalName: string };
  address?: Record<string, string>;
  details?: Record<string, unknown>;
  roles: string[];
}

/** An organisation as an OCDS party: identifier, name, address (region, postcode, country) and details (scale, type). */
export function partyOf(
  org: Omit<OrgInfo, "id"> & { id: bigint | null },
  role: "buyer" | "supplier",
): OcdsPartyOut {
  const party: OcdsPartyOut = {
    id: org.scheme && org.identifier ? `${org.scheme}-${org.identifier}` : `register-org-${org.id ?? "new"}`,
    name: org.name,
    roles: [role],
  };
  if (org.scheme && org.identifier) party.identifier = { scheme: org.scheme, id: org.identifier, legalName: org.name };
  const address: Record<string, string> = {};
  if (org.postcode) address.postalCode = org.postcode;
  if (org.countryCode) address.x_countryCode = org.countryCode;
  if (org.countryCode === "GB") address.countryName = "United Kingdom";
  if (org.region && Object.hasOwn(ITL1_REGIONS, org.region)) address.x_itl1 = org.region;
  if (Object.keys(address).length) party.address = address;
  const details: Record<string, unknown> = {};
  if (role === "supplier" && org.scale && org.scale !== "unknown") details.scale = org.scale;
  if (org.orgType && org.orgType !== "unknown") {
    details.x_organisationType = org.orgType;
    if (role === "supplier") details.vcse = org.orgType === "vcse";
  }
  if (role === "buyer" && org.buyerType) details.x_buyerType = org.buyerType;
  if (Object.keys(details).length) party.details = details;
  return party;
}

export function money(pence: bigint, currency = "GBP") {
  return { amount: amountNumberFromPence(pence), currency };
}

/** The frame of a release: ids, date, tag, the buyer and the parties named. */
export function releaseFrame(kind: NoticeKind, meta: PublishMeta, buyer: OrgInfo, others: OcdsPartyOut[] = []): OcdsRelease {
  const buyerParty = partyOf(buyer, "buyer");
  return {
    ocid: meta.ocid,
    id: meta.releaseId,
    date: meta.date,
    tag: [...NOTICE_KINDS[kind].tag],
    initiationType: "tender",
    language: "en",
    parties: [buyerParty, ...others],
    buyer: { id: buyerParty.id, name: buyer.name },
  };
}

/** The first id of the form `${prefix}${n}`, counting from one more than the ids in use, that is not taken. */
export function nextId(prefix: string, used: readonly (string | null)[]): string {
  const set = new Set(used);
  let n = used.length + 1;
  while (set.has(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}

/** A process that can no longer take an award, contract or amendment, with the reason; null when it can. */
export function closedReason(state: ContractState): string | null {
  switch (state.status) {
    case "cancelled":
      return "This procurement was cancelled.";
    case "unsuccessful":
      return "This procurement ended without an award.";
    case "terminated":
      return "This contract was terminated.";
    default:
      return null;
  }
}

/** The money a contract holds now, and its currency. */
export function contractById(state: ContractState, id: string) {
  return state.contracts.find((c) => c.id === id);
}
