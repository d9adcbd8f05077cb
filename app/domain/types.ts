/**
 * Core domain types shared by the OCDS mapping, metrics, red flags, seeds and
 * the database layer. Pure types: no imports from web, database or Node I/O.
 *
 * Money is always integer pence (`bigint`). Dates are ISO 8601 strings in UTC.
 */

/** Supplier scale, as in ../shared/docs/metrics.md. `sme` = SME of unspecified size. */
export const SCALES = ["micro", "small", "medium", "sme", "large", "unknown"] as const;
export type Scale = (typeof SCALES)[number];
/** The three buckets the register filters and SME share use. */
export type ScaleClass = "sme" | "large" | "unknown";

export const ORG_TYPES = ["company", "vcse", "cooperative", "public", "unknown"] as const;
export type OrgType = (typeof ORG_TYPES)[number];

export const BUYER_TYPES = [
  "central",
  "alb",
  "local",
  "combined",
  "nhs",
  "school",
  "police",
  "devolved",
  "other",
] as const;
export type BuyerType = (typeof BUYER_TYPES)[number];

/** UK ITL1 regions (codes TLC..TLN) plus non-UK / unknown handled as null. */
export const ITL1_REGIONS = {
  TLC: "North East",
  TLD: "North West",
  TLE: "Yorkshire and The Humber",
  TLF: "East Midlands",
  TLG: "West Midlands",
  TLH: "East of England",
  TLI: "London",
  TLJ: "South East",
  TLK: "South West",
  TLL: "Wales",
  TLM: "Scotland",
  TLN: "Northern Ireland",
} as const;
export type Itl1 = keyof typeof ITL1_REGIONS;

/** The government's five missions (2024). */
export const MISSIONS = {
  growth: "Kickstart economic growth",
  energy: "Make Britain a clean energy superpower",
  streets: "Take back our streets",
  opportunity: "Break down barriers to opportunity",
  nhs: "Build an NHS fit for the future",
} as const;
export type Mission = keyof typeof MISSIONS;

export const SENSITIVE_SECTORS = {
  education: "Schools and education",
  health: "Health and care",
  policing: "Policing",
  justice: "Justice",
  immigration: "Immigration",
  welfare: "Welfare",
} as const;
export type SensitiveSector = keyof typeof SENSITIVE_SECTORS;

export type ProcurementMethod = "open" | "selective" | "limited" | "direct";

/** Register status of a contracting process, derived from its compiled release. */
export const REGISTER_STATUSES = [
  "planned",
  "open",
  "closed",
  "awarded",
  "active",
  "completed",
  "terminated",
  "cancelled",
  "unsuccessful",
] as const;
export type RegisterStatus = (typeof REGISTER_STATUSES)[number];

/** A loose OCDS release: only the fields every release must have are typed. */
export interface OcdsRelease {
  ocid: string;
  id: string;
  date: string;
  tag: string[];
  [key: string]: unknown;
}

/**
 * A party (buyer or supplier) as the register reads it from a release.
 *
 * Register extension fields the mapping reads (besides standard OCDS and the UK
 * extensions in ../shared/data/ocds-schema/extensions):
 * - `parties[].details.scale` (micro|small|medium|sme|large|selfEmployed)
 * - `parties[].details.vcse` (boolean), Contracts Finder `parties[].sme` / `.vco`
 * - `parties[].details.x_organisationType` (OrgType)
 * - `parties[].details.x_buyerType` (BuyerType)
 * - `parties[].address.x_itl1` (Itl1), `parties[].address.countryName` / `.x_countryCode`
 */
export interface PartyInfo {
  /** `parties[].id` inside the release (not globally unique). */
  partyId: string;
  name: string;
  /** org-id scheme and identifier, e.g. GB-COH + 01234567; null when empty. */
  scheme: string | null;
  identifier: string | null;
  /** Scale as published for this party, null when not published. */
  scale: Scale | null;
  orgType: OrgType | null;
  buyerType: BuyerType | null;
  /** ISO 3166-1 alpha-2 country code ("GB"), null when unknown. */
  countryCode: string | null;
  region: Itl1 | null;
  postcode: string | null;
}

export interface LotState {
  id: string;
  title: string | null;
  description: string | null;
  valuePence: bigint | null;
  status: string | null;
}

export interface DocumentState {
  id: string;
  documentType: string | null;
  title: string | null;
  url: string | null;
  datePublished: string | null;
}

export interface TenderState {
  id: string | null;
  status: string | null;
  valuePence: bigint | null;
  currency: string | null;
  /** Date the tender was published (tender.datePublished, or the first tender release's date). */
  publishedAt: string | null;
  startDate: string | null;
  /** tenderPeriod.endDate: the submission deadline. */
  deadline: string | null;
  suitableSme: boolean | null;
  suitableVcse: boolean | null;
  numberOfTenderers: number | null;
  /** Where to respond: tender.submissionMethodDetails URL or a document of type tenderNotice. */
  submissionUrl: string | null;
  lots: LotState[];
}

export interface AwardSupplierState {
  party: PartyInfo;
  /** Value published for this supplier alone, when published; otherwise null (the award is split equally). */
  valuePence: bigint | null;
}

export interface AwardState {
  id: string;
  title: string | null;
  status: string | null;
  date: string | null;
  datePublished: string | null;
  valuePence: bigint | null;
  currency: string | null;
  suppliers: AwardSupplierState[];
}

export interface AmendmentState {
  id: string | null;
  date: string | null;
  rationale: string | null;
  /** Contract value before and after this amendment, when the releases show it. */
  valueBeforePence: bigint | null;
  valueAfterPence: bigint | null;
  endDateBefore: string | null;
  endDateAfter: string | null;
}

export interface ContractItemState {
  id: string;
  awardId: string | null;
  title: string | null;
  status: string | null;
  dateSigned: string | null;
  startDate: string | null;
  endDate: string | null;
  valuePence: bigint | null;
  currency: string | null;
  /** Value in the first release that carried this contract. */
  originalValuePence: bigint | null;
  amendments: AmendmentState[];
}

export interface CpvCode {
  code: string;
  /** The label the release gives (classification.description), if any. */
  label: string | null;
}

/**
 * The current state of one contracting process, compiled from its releases and
 * read into the register's terms. Produced by `mapCompiledRelease` in
 * app/domain/ocds; consumed by the database writer, metrics and red flags.
 */
export interface ContractState {
  ocid: string;
  title: string;
  description: string | null;
  buyer: PartyInfo | null;
  status: RegisterStatus;
  procurementMethod: ProcurementMethod | null;
  procurementMethodDetails: string | null;
  procurementMethodRationale: string | null;
  mainCategory: string | null;
  /** Main CPV code (tender.classification, else the first item's). */
  cpv: string | null;
  cpvCodes: CpvCode[];
  tender: TenderState;
  awards: AwardState[];
  contracts: ContractItemState[];
  documents: DocumentState[];
  /** Earliest award date, else earliest contract signature date. */
  awardDate: string | null;
  dateSigned: string | null;
  startDate: string | null;
  endDate: string | null;
  /** Value in the first contract release (else the first award value). */
  originalValuePence: bigint | null;
  /** Value after the latest amendment (else the latest award value). */
  currentValuePence: bigint | null;
  currency: string | null;
  /** Date the award or contract was first published (for late-publication). */
  awardPublishedAt: string | null;
  terminatedAt: string | null;
  terminationReason: string | null;
  /** Publisher's explicit consultancy yes/no (`tender.x_consultancy`), null when not said. */
  consultancyExplicit: boolean | null;
  /** `tender.x_missions`. */
  missions: Mission[];
  /** Publisher's explicit sensitive-sector tag (`tender.x_sensitiveSector`). */
  sensitiveSectorExplicit: SensitiveSector | null;
  releaseCount: number;
  firstReleaseDate: string;
  lastReleaseDate: string;
}
