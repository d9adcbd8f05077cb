/**
 * Deterministic demonstration data: fictional UK public buyers, fictional
 * suppliers and their supplier groups, and OCDS 1.1 release sequences for N
 * contracting processes (technology, digital and consultancy work).
 *
 * - Same options (contracts, seed, today) ⇒ byte-identical output. No
 *   Math.random, no clock.
 * - The data runs from the start of financial year 2019-20 up to `today`; the
 *   current financial year is partial. Nothing has happened after `today`: no
 *   release, award, signature, amendment or termination is dated on or after
 *   that day (every release is dated before the instant `today`). A process
 *   whose next event would fall after it stops at the last event before it:
 *   a tender whose award is not published yet stays at tender stage with a
 *   past deadline (the register shows it as closed), an award not yet signed
 *   has no contract, later amendments have not happened yet. What lies ahead
 *   is only what is normally known ahead: contract end dates, open tenders'
 *   deadlines (3 to 90 days after `today`) and planned procurements' dates.
 * - Processes are generated lazily, each from its own seeded stream, so a
 *   million of them can be streamed without holding them in memory.
 * - Releases are standard OCDS 1.1 (validated in the tests against the 1.1.5
 *   release schema) with the UK extensions (`parties[].details.scale`,
 *   `details.vcse`, `tender.suitability`, `awards[].datePublished`) and the
 *   register's own `x_` fields described in app/domain/types.ts.
 * - Releases are deltas, as most OCDS publishers write them: each carries what
 *   it publishes or changes, and the OCDS merge (app/domain/ocds/compile.ts)
 *   gives the whole process. The first release carries the buyer party; a
 *   tender release the full tender; an award release the awards, their
 *   supplier parties and the tender's new status; a contract release the
 *   contracts; an amendment release only the amended contract's changed value
 *   or end date and the new amendment; a termination release the contract's
 *   status (and `x_termination` when it ended early).
 * - Every name is invented.
 */
import { CPV_LABELS } from "../app/domain/cpv-labels";
import type { BuyerType, Itl1, Mission, OcdsRelease, OrgType, ProcurementMethod, RegisterStatus, Scale, SensitiveSector } from "../app/domain/types";
import { hashSeed, Rng, WeightedTable, weighted } from "./random";

// ---------------------------------------------------------------------------
// Public types

export interface GenerateOptions {
  /** Number of contracting processes. */
  contracts: number;
  /** Seed of the pseudo-random streams (default 1). */
  seed?: number;
  /**
   * "Today": the data stops before it (no event on or after this day) and open
   * tenders get deadlines 3 to 90 days after it. On or after 1 April 2021.
   */
  today: Date;
}

export interface DemoGroup {
  /** Stable id, e.g. "group-0007". */
  key: string;
  name: string;
  /** ISO 3166-1 alpha-2 country of the parent. */
  countryCode: string;
}

export interface DemoOrg {
  /** Stable id, e.g. "buyer-0042" or "supplier-01234". */
  key: string;
  name: string;
  /** org-id scheme: GB-COH, GB-GOR, GB-LAE, GB-NHS, GB-CHC, US-EIN … */
  scheme: string;
  identifier: string;
  /** `parties[].id` in every release: `${scheme}-${identifier}`. */
  partyId: string;
  role: "buyer" | "supplier";
  /** Suppliers only (null for buyers); "unknown" = the party publishes no scale. */
  scale: Scale | null;
  orgType: OrgType;
  /** Buyers only (null for suppliers). */
  buyerType: BuyerType | null;
  /** ISO 3166-1 alpha-2, null when the publisher gives no address. */
  countryCode: string | null;
  /** ITL1 region, null outside the UK or when unknown. */
  region: Itl1 | null;
  postcode: string | null;
  locality: string | null;
  /** Parent group of a supplier, if any. */
  groupKey: string | null;
}

export interface DemoData {
  groups: DemoGroup[];
  buyers: DemoOrg[];
  suppliers: DemoOrg[];
  /** Each process's releases, in date order. Lazily generated; may be called again for the same sequence. */
  processes(): Generator<DemoRelease[]>;
  /**
   * The same processes, each with the generator's own record of what it
   * published (for tests that check the compiled releases against it).
   */
  processesWithIntent(): Generator<{ releases: DemoRelease[]; intent: DemoIntent }>;
}

/** Kinds of process the generator makes. */
export type DemoKind = "awarded" | "open" | "planned" | "cancelled" | "unsuccessful" | "repeat" | "split";

/**
 * What the generator published for one process, kept beside the releases (not
 * read from them). Dates are ISO 8601 instants as written in the releases;
 * money in whole pence, in `currency`.
 */
export interface DemoIntent {
  ocid: string;
  kind: DemoKind;
  /** The status the register derives (app/domain/ocds/map.ts): a tender still awaiting its award is "open". */
  status: RegisterStatus;
  /** "open" with its deadline before today: the register shows it as closed. */
  closed: boolean;
  buyerPartyId: string;
  /** tender.tenderPeriod.endDate, when published. */
  deadline: string | null;
  /** Published awards: one per lot, or one. */
  awards: { id: string; date: string; valuePence: number; suppliers: { partyId: string; scale: Scale }[] }[];
  /** Number of published contracts. */
  contracts: number;
  originalValuePence: number | null;
  currentValuePence: number | null;
  currency: string | null;
  awardDate: string | null;
  dateSigned: string | null;
  startDate: string | null;
  endDate: string | null;
  /** Amendments of the first contract, in order. */
  amendments: {
    id: string;
    date: string;
    rationale: string;
    valueBeforePence: number;
    valueAfterPence: number;
    endDateBefore: string;
    endDateAfter: string;
  }[];
  /** Early termination of the first contract. */
  termination: { date: string; reason: string } | null;
}

// OCDS shapes this generator writes (a subset of OCDS 1.1 plus extensions).

export interface OcdsValue {
  amount: number;
  currency: string;
}
export interface OcdsPeriod {
  startDate?: string;
  endDate?: string;
}
export interface OcdsClassification {
  scheme: "CPV";
  id: string;
  description: string;
}
export interface OcdsItem {
  id: string;
  classification: OcdsClassification;
  relatedLot?: string;
}
export interface OcdsDocument {
  id: string;
  documentType: string;
  title: string;
  url: string;
  datePublished: string;
}
export interface OcdsAddress {
  locality?: string;
  postalCode?: string;
  countryName: string;
  x_countryCode: string;
  x_itl1?: Itl1;
}
export interface OcdsPartyDetails {
  scale?: Exclude<Scale, "unknown">;
  vcse: boolean;
  x_organisationType: OrgType;
  x_buyerType?: BuyerType;
}
export interface OcdsParty {
  id: string;
  name: string;
  identifier: { scheme: string; id: string };
  address?: OcdsAddress;
  details: OcdsPartyDetails;
  roles: string[];
}
export interface OcdsLot {
  id: string;
  title: string;
  description: string;
  value: OcdsValue;
  status: string;
}
export interface OcdsTender {
  id: string;
  title: string;
  description: string;
  status: "planned" | "active" | "complete" | "cancelled" | "unsuccessful";
  items: OcdsItem[];
  value: OcdsValue;
  procurementMethod?: ProcurementMethod;
  procurementMethodDetails?: string;
  procurementMethodRationale?: string;
  mainProcurementCategory: "goods" | "services";
  tenderPeriod?: OcdsPeriod;
  submissionMethod?: string[];
  submissionMethodDetails?: string;
  numberOfTenderers?: number;
  suitability?: { sme: boolean; vcse: boolean };
  lots?: OcdsLot[];
  documents?: OcdsDocument[];
  x_consultancy?: boolean;
  x_missions?: Mission[];
  x_sensitiveSector?: SensitiveSector;
}
export interface OcdsAward {
  id: string;
  title: string;
  status: "active";
  date: string;
  datePublished: string;
  value: OcdsValue;
  suppliers: { id: string; name: string }[];
  contractPeriod: OcdsPeriod;
  relatedLots?: string[];
  documents?: OcdsDocument[];
}
export interface OcdsAmendment {
  id: string;
  date: string;
  rationale: string;
  description: string;
  amendsReleaseID: string;
  releaseID: string;
}
export interface OcdsContract {
  id: string;
  awardID: string;
  title: string;
  status: "active" | "terminated";
  dateSigned: string;
  period: OcdsPeriod;
  value: OcdsValue;
  documents?: OcdsDocument[];
  amendments?: OcdsAmendment[];
  x_termination?: { date: string; reason: string };
}
export interface OcdsPlanning {
  rationale: string;
  budget: { description: string; amount: OcdsValue };
  documents?: OcdsDocument[];
}
/** What a later release says about a tender already published: what it adds or changes. */
export interface OcdsTenderUpdate extends Partial<Omit<OcdsTender, "id" | "status" | "lots">> {
  id: string;
  status: OcdsTender["status"];
  lots?: (OcdsLot | { id: string; status: string })[];
}
/** What an amendment or termination release says about a contract: only what changed. */
export interface OcdsContractUpdate {
  id: string;
  awardID: string;
  status?: OcdsContract["status"];
  value?: OcdsValue;
  period?: OcdsPeriod;
  amendments?: OcdsAmendment[];
  x_termination?: { date: string; reason: string };
}
export interface DemoRelease extends OcdsRelease {
  initiationType: "tender";
  /** New parties only: the buyer in the first release, the suppliers in the award release. */
  parties?: OcdsParty[];
  buyer?: { id: string; name: string };
  planning?: OcdsPlanning;
  tender?: OcdsTender | OcdsTenderUpdate;
  awards?: OcdsAward[];
  contracts?: (OcdsContract | OcdsContractUpdate)[];
}

/** Every ocid starts with this prefix (a demonstration prefix, not a registered one). */
export const DEMO_OCID_PREFIX = "ocds-demo01-";
/** The first financial year of the demonstration data (2019-20 starts on 1 April 2019). */
const FIRST_FY = 2019;
const DOC_BASE = "https://register.example/demo";

// ---------------------------------------------------------------------------
// Dates: whole days since 1970-01-01 (UTC) and minutes within a day.

const DAY_MS = 86_400_000;
const dayOf = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / DAY_MS;
const TABLE_START = dayOf(2010, 1, 1);
const TABLE_LEN = 366 * 40;
const isoCache: (string | undefined)[] = new Array(TABLE_LEN);
function isoDay(day: number): string {
  const k = day - TABLE_START;
  if (k >= 0 && k < TABLE_LEN) {
    const hit = isoCache[k];
    if (hit !== undefined) return hit;
    const s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoCache[k] = s;
    return s;
  }
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
const dateOnlyCache: (string | undefined)[] = new Array(TABLE_LEN);
/** A date-only value as an OCDS date-time (start of the day, UTC). */
function dateOnly(day: number): string {
  const k = day - TABLE_START;
  if (k >= 0 && k < TABLE_LEN) {
    const hit = dateOnlyCache[k];
    if (hit !== undefined) return hit;
    const s = `${isoDay(day)}T00:00:00Z`;
    dateOnlyCache[k] = s;
    return s;
  }
  return `${isoDay(day)}T00:00:00Z`;
}
/** A moment given in minutes since the epoch. */
function stamp(t: number): string {
  const day = Math.floor(t / 1440);
  const m = t - day * 1440;
  return `${isoDay(day)}T${TWO[Math.floor(m / 60)]}:${TWO[m % 60]}:00Z`;
}
/** The day before the same date `months` later: the last day of a term of that many months. */
function termEnd(startDay: number, months: number): number {
  const d = new Date(startDay * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate()) / DAY_MS - 1;
}
/** Financial year i of the data (0 = 2019-20): its first and last day. */
const fyStart = (i: number) => dayOf(FIRST_FY + i, 4, 1);
const fyEnd = (i: number) => dayOf(FIRST_FY + i + 1, 3, 31);
const fyLabel = (i: number) => `${FIRST_FY + i}-${String((FIRST_FY + i + 1) % 100).padStart(2, "0")}`;
/** Index of the financial year a day falls in (negative before 2019-20). */
function fyOfDay(day: number): number {
  const d = new Date(day * DAY_MS);
  const y = d.getUTCFullYear();
  return (d.getUTCMonth() >= 3 ? y : y - 1) - FIRST_FY;
}
/** The earliest `today` accepted: two whole financial years of data. */
const EARLIEST_TODAY = dayOf(FIRST_FY + 2, 4, 1);

/** The labels of the financial years the data covers for a given `today`: 2019-20 to the year holding the day before it. */
export function demoFinancialYears(today: Date): string[] {
  const last = fyOfDay(Math.floor(today.getTime() / DAY_MS) - 1);
  return Array.from({ length: Math.max(0, last + 1) }, (_, i) => fyLabel(i));
}

/**
 * The span of the data: financial years 2019-20 to the one holding `lastDay`
 * (the day before today), the last one partial.
 */
interface Span {
  lastDay: number;
  /** Release times (minutes since the epoch) must not exceed this: 23:59 on lastDay. */
  limitT: number;
  /** First and last day of each financial year, the last one cut at lastDay. */
  starts: number[];
  ends: number[];
  /** Financial year of an award: weight by year, in proportion to the part of it that has passed. */
  fyTable: WeightedTable<number>;
}
function makeSpan(todayDay: number): Span {
  const lastDay = todayDay - 1;
  const count = fyOfDay(lastDay) + 1;
  const starts: number[] = [];
  const ends: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = fyStart(i);
    const end = Math.min(fyEnd(i), lastDay);
    starts.push(start);
    ends.push(end);
    weights.push(byFy(FY_WEIGHTS, i) * ((end - start + 1) / (fyEnd(i) - start + 1)));
  }
  return {
    lastDay,
    limitT: todayDay * 1440 - 1,
    starts,
    ends,
    fyTable: new WeightedTable(
      weights.map((_, i) => i),
      weights,
    ),
  };
}
/** Procurement Act 2023 in force. */
const PA23_START = dayOf(2025, 2, 24);

// ---------------------------------------------------------------------------
// Shape of the data: weights and rates (tuned so the dashboards show something).

/** Awards per whole year: more in later years. (Each table is by financial year from 2019-20; later years take the last value.) */
const FY_WEIGHTS = [0.075, 0.085, 0.1, 0.115, 0.13, 0.145, 0.165, 0.185];
/** Share of processes that are consultancy, by award FY: rises to 2023-24, then falls unevenly. */
const CONSULTANCY_RATE = [0.19, 0.21, 0.22, 0.22, 0.275, 0.21, 0.15, 0.15];
/** Consultancy contract size by award FY. */
const CONSULTANCY_SIZE = [0.9, 0.95, 0.95, 0.95, 1.35, 0.95, 0.85, 0.9];
/** SME propensity drifts up a little year by year. */
const SME_YEAR = [0.88, 0.9, 0.93, 0.97, 1.0, 1.03, 1.07, 1.1];
/** A year's entry in one of the tables above. */
const byFy = (table: readonly number[], fy: number): number => table[Math.max(0, Math.min(fy, table.length - 1))]!;

const ITL1_LIST: readonly Itl1[] = ["TLC", "TLD", "TLE", "TLF", "TLG", "TLH", "TLI", "TLJ", "TLK", "TLL", "TLM", "TLN"];
/** Rough population shares, for buyers. */
const REGION_POPULATION: Record<Itl1, number> = {
  TLC: 4, TLD: 11, TLE: 8, TLF: 7, TLG: 9, TLH: 9.5, TLI: 13, TLJ: 14, TLK: 8.5, TLL: 4.7, TLM: 8.2, TLN: 2.8,
};
/** Where technology suppliers sit. */
const REGION_SUPPLIERS: Record<Itl1, number> = {
  TLC: 2.5, TLD: 8, TLE: 5.5, TLF: 4.5, TLG: 6, TLH: 8, TLI: 27, TLJ: 17, TLK: 7, TLL: 3, TLM: 7, TLN: 3,
};
const POSTCODE_AREAS: Record<Itl1, readonly string[]> = {
  TLC: ["NE", "SR", "DH", "TS", "DL"],
  TLD: ["M", "L", "WA", "PR", "BL", "OL", "SK", "CH", "CA", "LA", "BB", "FY", "WN", "CW"],
  TLE: ["LS", "S", "BD", "HD", "HG", "YO", "HU", "DN", "WF", "HX"],
  TLF: ["NG", "DE", "LE", "LN", "NN"],
  TLG: ["B", "CV", "WV", "WS", "DY", "ST", "WR", "TF", "HR"],
  TLH: ["CB", "IP", "NR", "CO", "CM", "SS", "LU", "AL", "SG", "PE"],
  TLI: ["E", "EC", "N", "NW", "SE", "SW", "W", "WC"],
  TLJ: ["RG", "OX", "GU", "BN", "CT", "ME", "TN", "MK", "HP", "SO", "PO", "SL", "RH", "KT"],
  TLK: ["BS", "BA", "EX", "PL", "TQ", "TR", "GL", "SN", "SP", "BH", "DT", "TA"],
  TLL: ["CF", "SA", "NP", "LL", "SY", "LD"],
  TLM: ["EH", "G", "AB", "DD", "KY", "FK", "PA", "IV", "KA", "ML"],
  TLN: ["BT"],
};
/** Highest district number where the default (15, or 25 for one-letter areas) would be wrong. */
const POSTCODE_DISTRICTS: Record<string, number> = { EC: 4, WC: 2, E: 18, N: 22, NW: 11, SE: 28, SW: 20, W: 14, BT: 49 };
const COUNTRY_NAMES: Record<string, string> = {
  GB: "United Kingdom", US: "United States", IE: "Ireland", DE: "Germany", FR: "France", IN: "India",
};
const OVERSEAS_CITIES: Record<string, readonly string[]> = {
  US: ["Seattle", "Austin", "San Jose", "Boston", "Raleigh", "Denver"],
  IE: ["Dublin", "Cork", "Galway"],
  DE: ["Munich", "Berlin", "Hamburg", "Frankfurt"],
  FR: ["Paris", "Lyon", "Toulouse", "Nantes"],
  IN: ["Bengaluru", "Pune", "Hyderabad", "Chennai"],
};

const BUYER_TYPE_SHARE: Record<BuyerType, number> = {
  central: 0.06, alb: 0.16, local: 0.3, combined: 0.03, nhs: 0.18, school: 0.13, police: 0.07, devolved: 0.04, other: 0.03,
};
/** Caps keep small families (departments, combined authorities, police forces) plausible at large N. */
const BUYER_TYPE_CAP: Partial<Record<BuyerType, number>> = { central: 36, combined: 24, police: 60, devolved: 80 };
/** How much each kind of buyer buys. */
const BUYER_ACTIVITY: Record<BuyerType, number> = {
  central: 10, alb: 3, local: 1.2, combined: 1, nhs: 1.3, school: 0.35, police: 0.9, devolved: 3, other: 0.7,
};
const BUYER_VALUE: Record<BuyerType, number> = {
  central: 2.0, alb: 1.3, local: 0.8, combined: 0.9, nhs: 1.0, school: 0.35, police: 0.9, devolved: 1.4, other: 0.8,
};
const BUYER_SME: Record<BuyerType, number> = {
  central: 0.85, alb: 0.95, local: 1.25, combined: 1.1, nhs: 0.95, school: 1.4, police: 1.0, devolved: 1.05, other: 1.1,
};
const BUYER_CONSULTANCY: Record<BuyerType, number> = {
  central: 1.3, alb: 1.2, local: 0.8, combined: 1.1, nhs: 0.9, school: 0.4, police: 0.7, devolved: 1.1, other: 0.9,
};
const MISSION_BY_BUYER: Record<BuyerType, readonly Mission[]> = {
  central: ["growth", "energy", "streets", "opportunity", "nhs"],
  alb: ["growth", "energy", "opportunity"],
  local: ["growth", "opportunity", "streets"],
  combined: ["growth", "energy", "opportunity"],
  nhs: ["nhs", "nhs", "opportunity"],
  school: ["opportunity"],
  police: ["streets"],
  devolved: ["growth", "energy", "nhs"],
  other: ["opportunity", "growth"],
};
const ALL_MISSIONS: readonly Mission[] = ["growth", "energy", "streets", "opportunity", "nhs"];
const SECTOR_BY_BUYER: Record<BuyerType, readonly SensitiveSector[]> = {
  central: ["immigration", "welfare", "justice", "health", "education"],
  alb: ["justice", "welfare", "health"],
  local: ["welfare", "education"],
  combined: ["welfare"],
  nhs: ["health"],
  school: ["education"],
  police: ["policing", "justice"],
  devolved: ["health", "education", "justice"],
  other: ["education", "justice"],
};

// ---------------------------------------------------------------------------
// Categories of work and their CPV codes (labels from app/domain/cpv-labels.ts).

type Category =
  | "consultancy"
  | "software"
  | "itservices"
  | "data"
  | "cloud"
  | "hardware"
  | "telecoms"
  | "research"
  | "business"
  | "staffing"
  | "training"
  | "advisory";
type Specialism = "consultancy" | "software" | "itservices" | "cloud" | "hardware" | "telecoms" | "research" | "business" | "training";
const SPECIALISMS: readonly Specialism[] = ["consultancy", "software", "itservices", "cloud", "hardware", "telecoms", "research", "business", "training"];
const SPECIALISM_SHARE: Record<Specialism, number> = {
  consultancy: 0.24, software: 0.14, itservices: 0.26, cloud: 0.04, hardware: 0.08, telecoms: 0.04, research: 0.06, business: 0.09, training: 0.05,
};
/** Which suppliers do which work. */
const SUPPLIERS_FOR: Record<Category, readonly (readonly [Specialism, number])[]> = {
  consultancy: [["consultancy", 0.8], ["itservices", 0.2]],
  software: [["software", 0.85], ["itservices", 0.15]],
  itservices: [["itservices", 0.85], ["software", 0.1], ["consultancy", 0.05]],
  data: [["itservices", 0.7], ["research", 0.15], ["software", 0.15]],
  cloud: [["cloud", 0.8], ["itservices", 0.2]],
  hardware: [["hardware", 0.9], ["telecoms", 0.1]],
  telecoms: [["telecoms", 0.9], ["hardware", 0.1]],
  research: [["research", 0.85], ["consultancy", 0.15]],
  business: [["business", 0.9], ["consultancy", 0.1]],
  staffing: [["business", 1]],
  training: [["training", 0.85], ["consultancy", 0.15]],
  advisory: [["consultancy", 1]],
};
/** Non-consultancy work mix; multiplied per buyer type. */
const CATEGORY_BASE: readonly (readonly [Exclude<Category, "consultancy">, number])[] = [
  ["software", 0.2], ["itservices", 0.26], ["data", 0.06], ["cloud", 0.07], ["hardware", 0.14], ["telecoms", 0.06],
  ["research", 0.04], ["business", 0.07], ["staffing", 0.04], ["training", 0.05], ["advisory", 0.01],
];
const CATEGORY_BY_BUYER: Partial<Record<BuyerType, Partial<Record<Category, number>>>> = {
  school: { hardware: 2, software: 1.5, training: 1.5, cloud: 0.5, research: 0.2, staffing: 0.3, data: 0.4 },
  police: { hardware: 1.5, telecoms: 1.5, data: 1.3 },
  nhs: { software: 1.3, staffing: 1.3 },
  central: { research: 2, data: 1.5, staffing: 1.5, cloud: 1.3 },
  local: { business: 1.3, software: 1.2 },
};
/** Typical size: median £ and log-sd. */
const CATEGORY_SIZE: Record<Category, readonly [number, number]> = {
  consultancy: [140_000, 1.1],
  software: [90_000, 1.45],
  itservices: [200_000, 1.45],
  data: [150_000, 1.3],
  cloud: [300_000, 1.6],
  hardware: [120_000, 1.55],
  telecoms: [250_000, 1.55],
  research: [100_000, 1.1],
  business: [80_000, 1.3],
  staffing: [250_000, 1.35],
  training: [30_000, 1.0],
  advisory: [60_000, 1.0],
};
/** SME propensity by kind of work. */
const CATEGORY_SME: Record<Category, number> = {
  consultancy: 0.8, software: 0.8, itservices: 1.0, data: 1.1, cloud: 0.5, hardware: 0.7, telecoms: 0.5,
  research: 1.2, business: 1.0, staffing: 1.0, training: 1.4, advisory: 1.1,
};
const CATEGORY_GOODS: Record<Category, boolean> = {
  consultancy: false, software: true, itservices: false, data: false, cloud: false, hardware: true, telecoms: false,
  research: false, business: false, staffing: false, training: false, advisory: false,
};
/** Contract terms in months. */
const TERMS: Record<Category, readonly (readonly [number, number])[]> = {
  consultancy: [[3, 2], [6, 4], [9, 2], [12, 4], [18, 1], [24, 1]],
  software: [[12, 5], [24, 2], [36, 4], [48, 1], [60, 1]],
  itservices: [[6, 2], [12, 4], [18, 1], [24, 3], [36, 3], [48, 1], [60, 1]],
  data: [[6, 2], [12, 4], [24, 3], [36, 1]],
  cloud: [[12, 2], [24, 3], [36, 4], [48, 1], [60, 1]],
  hardware: [[1, 3], [3, 3], [12, 2], [36, 2], [48, 1]],
  telecoms: [[12, 2], [24, 3], [36, 4], [60, 2]],
  research: [[3, 2], [6, 3], [12, 4], [24, 2]],
  business: [[6, 2], [12, 4], [24, 3], [36, 2]],
  staffing: [[6, 3], [12, 4], [24, 3], [36, 1]],
  training: [[1, 2], [3, 3], [6, 2], [12, 3], [24, 1]],
  advisory: [[3, 2], [6, 3], [12, 3], [24, 1]],
};

/** CPV codes (8 digits, no check digit) by category, with relative weights. */
const CPV_BY_CATEGORY: Record<Category, readonly (readonly [string, number])[]> = {
  consultancy: [
    ["79400000", 6], ["79410000", 6], ["79411000", 5], ["79411100", 1], ["79412000", 2], ["79414000", 1], ["79418000", 2],
    ["79419000", 2], ["79421000", 4], ["79420000", 1], ["79415200", 1], ["72220000", 4], ["72221000", 3], ["72222000", 2],
    ["72222300", 3], ["72224000", 3], ["72225000", 1], ["72227000", 1], ["72246000", 2], ["72266000", 2], ["73200000", 2],
    ["73210000", 1], ["73220000", 1], ["71241000", 2],
  ],
  software: [
    ["48000000", 8], ["48100000", 2], ["48180000", 2], ["48190000", 1], ["48160000", 1], ["48311000", 2], ["48321000", 1],
    ["48326000", 1], ["48331000", 1], ["48440000", 1], ["48442000", 1], ["48443000", 1], ["48445000", 2], ["48450000", 2],
    ["48451000", 2], ["48482000", 1], ["48490000", 1], ["48515000", 1], ["48517000", 2], ["48610000", 1], ["48612000", 1],
    ["48730000", 2], ["48761000", 1], ["48781000", 1], ["48783000", 1], ["48810000", 1], ["48814000", 2], ["48814200", 1],
    ["48814400", 1], ["48900000", 1], ["48218000", 1],
  ],
  itservices: [
    ["72000000", 6], ["72200000", 3], ["72212000", 3], ["72230000", 2], ["72250000", 2], ["72253000", 2], ["72253200", 1],
    ["72254000", 2], ["72260000", 2], ["72261000", 2], ["72262000", 3], ["72263000", 2], ["72267000", 2], ["72268000", 1],
    ["72400000", 1], ["72413000", 2], ["72420000", 1], ["72421000", 1], ["72500000", 2], ["72510000", 1], ["72514000", 1],
    ["72590000", 1], ["72600000", 2], ["72610000", 1], ["72611000", 2], ["72700000", 1], ["72720000", 1], ["72800000", 1],
    ["72810000", 1], ["72820000", 1], ["72212180", 1], ["72212311", 1], ["72240000", 1], ["72244000", 1],
  ],
  data: [
    ["72300000", 4], ["72310000", 2], ["72311100", 1], ["72316000", 4], ["72320000", 2], ["72322000", 3], ["72330000", 1],
    ["72313000", 1], ["72314000", 1], ["48463000", 1], ["48482000", 1],
  ],
  cloud: [
    ["72415000", 3], ["72416000", 2], ["72317000", 3], ["72318000", 1], ["72514100", 1], ["72910000", 2], ["72251000", 2],
    ["72315000", 1], ["72315200", 1],
  ],
  hardware: [
    ["30200000", 5], ["30210000", 1], ["30213000", 3], ["30213100", 4], ["30213200", 2], ["30213300", 2], ["30214000", 1],
    ["30231000", 1], ["30231300", 1], ["30232000", 1], ["30232100", 2], ["30233100", 1], ["30236000", 1], ["30237000", 1],
    ["30237200", 1], ["30121100", 1], ["30216110", 1], ["30233300", 1], ["32420000", 2], ["32413100", 1], ["32410000", 1],
    ["32424000", 1], ["32250000", 2], ["32252000", 1], ["32321200", 1], ["32323500", 1], ["32333200", 1], ["32344210", 1],
    ["32500000", 1], ["32524000", 1], ["32552100", 1], ["32581000", 1],
  ],
  telecoms: [
    ["64200000", 5], ["64210000", 4], ["64212000", 4], ["64212100", 1], ["64214000", 1], ["64215000", 2], ["64216000", 1],
    ["64216200", 1], ["64220000", 1], ["64221000", 1], ["64224000", 1], ["64227000", 1], ["64216110", 1],
  ],
  research: [
    ["73000000", 3], ["73100000", 2], ["73110000", 4], ["73120000", 1], ["73300000", 1], ["73420000", 1], ["73430000", 1],
    ["79311400", 2], ["79315000", 2], ["79300000", 1], ["79310000", 1], ["79311000", 2], ["79330000", 1], ["79320000", 1],
    ["79311410", 1],
  ],
  business: [
    ["79500000", 1], ["79512000", 2], ["79530000", 2], ["79540000", 1], ["79571000", 1], ["79800000", 1], ["79810000", 1],
    ["79342000", 2], ["79340000", 1], ["79341000", 1], ["79822500", 1], ["79212000", 1], ["79212200", 1], ["79211110", 1],
    ["79100000", 1], ["79110000", 1], ["79111000", 1], ["79121100", 1], ["79995100", 1], ["79996100", 2], ["79999100", 2],
    ["79131000", 1], ["79132100", 1], ["79710000", 1], ["79952000", 1], ["79994000", 1],
  ],
  staffing: [["79600000", 2], ["79620000", 5], ["79621000", 2], ["79610000", 1], ["79630000", 1], ["79631000", 1], ["79635000", 1]],
  training: [
    ["80500000", 4], ["80510000", 2], ["80511000", 3], ["80521000", 1], ["80522000", 1], ["80530000", 1], ["80531200", 1],
    ["80532000", 2], ["80533000", 1], ["80533100", 2], ["80533200", 1], ["80550000", 1], ["80570000", 1], ["79632000", 1],
    ["79633000", 1], ["79998000", 1],
  ],
  advisory: [["71240000", 2], ["71242000", 2], ["71243000", 1], ["71244000", 2], ["71248000", 1]],
};
/** Consultancy codes a publisher may well say are not consultancy (delivery work filed under 7222 or 794). */
const AMBIGUOUS_CONSULTANCY_CPV = ["72222300", "72224000", "79421000", "72227000"] as const;
/** Non-consultancy codes a publisher may well call consultancy. */
const AMBIGUOUS_OTHER: readonly (readonly [Category, string])[] = [
  ["data", "72316000"], ["research", "79311400"], ["research", "73110000"], ["itservices", "72590000"], ["itservices", "72600000"],
];

function cpvTable(category: Category): WeightedTable<string> {
  const rows = CPV_BY_CATEGORY[category];
  for (const [code] of rows) {
    if (!CPV_LABELS[code]) throw new Error(`seeds: CPV ${code} has no label in app/domain/cpv-labels.ts`);
  }
  return new WeightedTable(
    rows.map((r) => r[0]),
    rows.map((r) => r[1]),
  );
}

// ---------------------------------------------------------------------------
// Words for titles and descriptions (plain text).

const AREAS = [
  "case management", "housing repairs", "library services", "planning applications", "revenues and benefits",
  "patient records", "fleet management", "HR and payroll", "finance", "customer contact", "records management",
  "school admissions", "grant management", "asset management", "online forms", "identity verification", "data warehouse",
  "geospatial data", "incident reporting", "licensing", "waste collection", "parking permits", "social care records",
  "electronic document management", "appointment booking", "complaints handling", "contract management",
  "learning management", "digital evidence", "workforce scheduling", "building control", "land charges",
  "environmental monitoring", "travel and expenses", "council tax", "visitor management",
] as const;
const TOPICS = [
  "digital inclusion", "public sector productivity", "local economic growth", "skills gaps in the digital workforce",
  "user needs for online services", "the use of artificial intelligence in casework", "data sharing between services",
  "net zero technology options", "cyber resilience", "citizen satisfaction", "accessibility of public websites",
  "the cost of legacy systems", "workforce wellbeing", "service demand forecasting",
] as const;

type Templates = readonly string[];
const TITLES: Record<Category, Templates> = {
  consultancy: [
    "Strategic review of {area}", "Business case for {area} replacement", "Programme management support for {area} transformation",
    "Independent assurance of the {area} programme", "Target operating model for {area}", "Options appraisal for {area}",
    "Commercial advice on the re-procurement of {area}", "Organisational design review", "Benefits realisation support for {area}",
    "Digital strategy refresh", "Technology roadmap and architecture review", "Project management support for {area} migration",
  ],
  software: [
    "{Area} software licences", "Renewal of {area} system licences", "{Area} software as a service subscription",
    "Enterprise licence agreement for productivity software", "Security software licences and support",
    "Replacement {area} system", "Business intelligence software licences",
  ],
  itservices: [
    "Development of the {area} service", "Support and maintenance of the {area} system", "Discovery and alpha for {area}",
    "Managed service for {area}", "Data migration for {area}", "Website redesign and hosting", "Accessibility audit of online services",
    "Penetration testing services", "Service desk and end user support", "Integration of {area} with the finance system",
    "Application support for {area}", "Beta and live development of {area}",
  ],
  data: [
    "Data platform for {area}", "Data analysis and reporting for {area}", "Machine learning model for {area} triage",
    "Data cleansing and matching for {area}", "Predictive analytics for {area}", "Master data management for {area}",
  ],
  cloud: [
    "Cloud hosting for the {area} platform", "Data centre exit and cloud migration", "Managed cloud platform services",
    "Backup and disaster recovery service", "Hosting and support for the {area} system",
  ],
  hardware: [
    "Supply of laptops and peripherals", "End user device refresh", "Network switches and wireless access points",
    "Server hardware refresh", "Supply of tablets for frontline staff", "Audio visual equipment for meeting rooms",
    "Body worn video cameras", "Mobile phones and accessories", "Multi-function printers and managed print",
    "Smart card readers for secure access",
  ],
  telecoms: [
    "Mobile voice and data services", "Wide area network services", "Telephony and contact centre platform",
    "Internet connectivity for sites", "Unified communications service", "SMS messaging service for {area}",
  ],
  research: [
    "Research into {topic}", "Evaluation of the {area} programme", "User research for the {area} service",
    "Survey of {topic}", "Economic analysis of {topic}",
  ],
  business: [
    "Translation and interpreting services", "Scanning and digitisation of {area} records", "Print and mail services",
    "Resident satisfaction survey", "Records management and archiving", "Contact centre services for {area}",
    "Legal advice on data protection", "Internal audit of {area}", "Marketing campaign for {area}",
  ],
  staffing: [
    "Contingent labour for digital projects", "Supply of interim technology staff", "Temporary staff for {area}",
    "Recruitment services for digital roles",
  ],
  training: [
    "Digital skills training for staff", "Cyber security awareness training", "Data literacy training programme",
    "Project management training", "Leadership development programme", "{Area} system user training",
  ],
  advisory: [
    "Cost planning for data centre works", "Design preparation for {area} accommodation works",
    "Supervision of technology installation works", "Cost monitoring for the {area} estate programme",
  ],
};
const SCOPE_LINES: Record<Category, Templates> = {
  consultancy: [
    "The supplier will review current arrangements and recommend options with costs, risks and benefits.",
    "Advice is needed for a fixed period to fill a gap in specialist knowledge; outputs are a report and a plan.",
    "The work covers analysis, stakeholder interviews and a final recommendation to the programme board.",
  ],
  software: [
    "The contract covers licences, hosting where offered, support and upgrades.",
    "Licences for all users, with support during working hours and security updates.",
  ],
  itservices: [
    "Work is delivered in agile sprints by a multidisciplinary team, to the Service Standard.",
    "The supplier will maintain the system, fix defects and make small changes on request.",
  ],
  data: [
    "The work includes data protection assessment, model documentation and a plan for human review of outputs.",
    "Outputs are reusable pipelines, documentation and a handover to the in-house team.",
  ],
  cloud: [
    "The service runs on a public cloud with monitoring, patching and support around the clock.",
    "The supplier will migrate workloads and operate them for the term of the contract.",
  ],
  hardware: [
    "Delivery, installation and secure disposal of old equipment are included.",
    "Devices are supplied with a three year warranty and configured before delivery.",
  ],
  telecoms: [
    "The service includes installation, management and a service desk.",
    "Connectivity is supplied for all sites with agreed service levels.",
  ],
  research: [
    "The findings will be published and used to shape future policy.",
    "Methods include a survey, interviews and analysis of existing data.",
  ],
  business: [
    "The service is delivered to agreed volumes and turnaround times.",
    "The supplier will work to the buyer's policies on data protection and security.",
  ],
  staffing: [
    "Roles are supplied on day rates for fixed periods while permanent posts are filled.",
    "The supplier will provide vetted staff at short notice.",
  ],
  training: [
    "Training is delivered online and in person, with materials staff can keep.",
    "Courses are run for groups of up to twenty staff across several sites.",
  ],
  advisory: [
    "The adviser will prepare estimates and monitor costs during the works.",
    "Outputs include drawings, cost plans and progress reports.",
  ],
};
const RATIONALES = [
  "Extreme urgency arising from events the buyer could not foresee.",
  "Only one supplier can provide the service, for technical reasons.",
  "Protection of exclusive rights, including intellectual property.",
  "Additional deliveries by the original supplier, where a change of supplier would cause incompatibility.",
  "Continuation of the existing service while a new competition is run.",
  "Call-off from a framework agreement that permits direct award.",
  "Value below the buyer's threshold for competition in its contract standing orders.",
];
const AMENDMENT_RATIONALES = [
  "Additional users and licences required.",
  "Extension to cover the transition to a new service.",
  "Change in scope following a change in policy.",
  "Additional development sprints to complete the service.",
  "Price indexation under the terms of the contract.",
  "Extension to align with the programme timeline.",
  "Additional data migration work.",
  "New legislation required changes to the system.",
];
const TERMINATION_REASONS = [
  "Supplier entered administration.",
  "Terminated for convenience following a change in policy.",
  "Service no longer required after a restructure.",
  "Supplier failed to meet key performance indicators.",
  "Ended by mutual agreement after the requirement changed.",
  "Programme closed following the spending review.",
];
const BUDGET_LINES = ["Capital budget for the financial year", "Revenue budget", "Transformation fund allocation", "Programme budget approved by the board"];

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
function fill(rng: Rng, template: string): string {
  if (!template.includes("{")) return template;
  const area = rng.pick(AREAS);
  return template
    .replace("{Area}", capitalise(area))
    .replace("{area}", area)
    .replace("{topic}", rng.pick(TOPICS));
}

// ---------------------------------------------------------------------------
// Invented names.

/** Firms and bodies a generated name must never match (whole words, case-insensitive). */
const REAL_NAME_WORDS = new Set(
  [
    "accenture", "capgemini", "deloitte", "ibm", "microsoft", "amazon", "google", "oracle", "fujitsu", "cgi", "atos", "serco",
    "capita", "sopra", "steria", "pwc", "pricewaterhousecoopers", "kpmg", "ey", "ernst", "bt", "computacenter", "softcat",
    "civica", "kainos", "northgate", "mckinsey", "bain", "bcg", "baringa", "mazars", "forvis", "bdo", "infosys", "wipro",
    "tata", "tcs", "cognizant", "hcl", "mahindra", "leidos", "mastek", "ntt", "dxc", "kyndryl", "agilisys", "netcompany",
    "valtech", "tpximpact", "zaizi", "nortal", "idox", "sap", "salesforce", "servicenow", "cisco", "dell", "hp", "hewlett",
    "lenovo", "apple", "vodafone", "virgin", "openreach", "gartner", "palantir", "experian", "equifax", "sage", "xero",
    "bytes", "cdw", "xma", "scc", "crayon", "bechtle", "trustmarque", "liberata", "telent", "maintel", "arcadis", "atkins",
    "arup", "jacobs", "aecom", "mace", "kellton", "lumion", "quantexa", "methods", "hippo", "unit4", "tribal", "thales",
    "leonardo", "babcock", "qinetiq", "bae", "raytheon", "lockheed", "kyocera", "ricoh", "xerox", "canon", "samsung",
  ],
);
const REAL_PHRASES = ["grant thornton", "boston consulting", "pa consulting", "made tech", "version 1", "equal experts", "sopra steria", "ernst & young"];
const REAL_PLACES = new Set(["brackley", "amberley", "grisedale", "tarlton", "quenby", "staveley", "marlbury", "kellton", "osterley", "fennwick"]);

function isReal(name: string): boolean {
  const lower = name.toLowerCase();
  for (const w of lower.split(/[^a-z0-9]+/)) if (w && REAL_NAME_WORDS.has(w)) return true;
  for (const p of REAL_PHRASES) if (lower.includes(p)) return true;
  return false;
}

const PLACE_HEADS = [
  "Aven", "Brack", "Carrow", "Dunmer", "Elver", "Fenn", "Gorran", "Ivel", "Kell", "Marl", "Pell", "Quen", "Sarn", "Tarl",
  "Vell", "Wend", "Yarrow", "Amber", "Wyv", "Corra", "Hesk", "Lun", "Morr", "Rill", "Tams", "Ebb", "Grise", "Hollin",
  "Kess", "Lorn", "Nant", "Orm", "Pryd", "Fal", "Hask", "Thrane", "Brind", "Quarr",
];
const PLACE_TAILS = [
  "mere", "by", "ford", "wick", "ton", "ham", "ley", "bury", "march", "stead", "field", "dale", "holme", "thorpe", "combe",
  "worth", "bridge", "minster", "haven", "moor", "brook", "well", "den", "cross",
];
const PLACE_FIXED = ["Eastmere", "Harrowby", "Westmarch"];
const COMPASS = ["North", "South", "East", "West", "Mid", "Upper", "Lower"];

function buildPlaces(rng: Rng): string[] {
  const out: string[] = [...PLACE_FIXED];
  for (const h of PLACE_HEADS) {
    for (const t of PLACE_TAILS) {
      const s = h + t;
      if (/(.)\1\1/i.test(s) || REAL_PLACES.has(s.toLowerCase())) continue;
      out.push(s);
    }
  }
  return rng.shuffle(out);
}

const FIRM_HEADS = [
  "Quill", "Brack", "Corv", "Dask", "Fenn", "Glim", "Harl", "Jast", "Kell", "Lum", "Marr", "Norr", "Orr", "Pell", "Quor",
  "Rask", "Tamb", "Ulv", "Vell", "Wren", "Yarr", "Zeph", "Alv", "Brisk", "Cind", "Drom", "Esk", "Fald", "Grel", "Holl",
  "Isk", "Kestr", "Lomb", "Mirr", "Norv", "Ombr", "Pryn", "Rhen", "Starl", "Thal", "Umbr", "Varr", "Wyth", "Auber", "Byr",
  "Calv", "Delv", "Emb", "Frin", "Gant", "Hest", "Jorv", "Kiln", "Lyr", "Mosk", "Nyl",
];
const FIRM_TAILS = [
  "fern", "wick", "lark", "stone", "mere", "holt", "vane", "loom", "ridge", "wyn", "ara", "ex", "ify", "ora", "ion", "ent",
  "io", "by", "ton", "field", "den", "well", "ley", "worth", "haven", "brook", "sey", "ant", "ix", "eon", "ova", "ique",
];
const SURNAMES = [
  "Ashdown", "Brenning", "Calloway", "Dunmore", "Ellery", "Fairbairn", "Garrick", "Halloran", "Ingram", "Jessop", "Kingsley",
  "Lockhart", "Merriman", "Norcott", "Ormsby", "Pendry", "Quarrie", "Sallow", "Thackeray", "Underhill", "Vance", "Whitlock",
  "Yeoman", "Aldous", "Bellamy", "Carver", "Drummond", "Everitt", "Fothergill", "Greaves", "Hartigan", "Kendrick", "Lisle",
  "Marchbank", "Nettleton", "Oakes", "Pemberton", "Radcliffe", "Tolland", "Winslow",
];
const SECTOR_WORDS: Record<Specialism, readonly string[]> = {
  consultancy: ["Consulting", "Advisory", "Partners", "Associates", "Strategy", "Management Consultants"],
  software: ["Software", "Systems", "Technologies", "Labs", "Applications"],
  itservices: ["Digital", "Technology", "Solutions", "IT Services", "Computing", "Engineering", "Studio"],
  cloud: ["Cloud", "Hosting", "Data Centres", "Cloud Services"],
  hardware: ["Technology Supplies", "Devices", "Computer Supplies", "Networks", "Audio Visual"],
  telecoms: ["Communications", "Networks", "Telecom", "Connect"],
  research: ["Research", "Insight Research", "Analytics", "Evaluation", "Social Research"],
  business: ["Business Services", "Records", "Print and Mail", "Language Services", "People", "Legal"],
  training: ["Learning", "Training", "Skills", "Academy"],
};

// ---------------------------------------------------------------------------
// Organisations.

interface BuyerModel {
  org: DemoOrg;
  type: BuyerType;
  smeAffinity: number;
  consultancy: number;
  ref: string;
  categories: WeightedTable<Exclude<Category, "consultancy">>;
}
interface SupplierModel {
  org: DemoOrg;
  specialism: Specialism;
  popularity: number;
  scaleClass: "sme" | "large" | "unknown";
}
interface PairModel {
  buyer: BuyerModel;
  supplier: SupplierModel;
  anchorDay: number;
  category: Category;
}
interface World {
  groups: DemoGroup[];
  buyers: BuyerModel[];
  suppliers: SupplierModel[];
  buyerTable: WeightedTable<BuyerModel>;
  /** pools[specialism][scaleClass] */
  pools: Record<Specialism, Record<"sme" | "large" | "unknown", WeightedTable<SupplierModel> | null>>;
  repeatPairs: PairModel[];
  splitPairs: PairModel[];
  cpv: Record<Category, WeightedTable<string>>;
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");
const INWARD = "ABDEFGHJLNPQRSTUWXYZ";

function ukPostcode(rng: Rng, region: Itl1): string {
  const area = rng.pick(POSTCODE_AREAS[region]);
  const district = rng.int(1, POSTCODE_DISTRICTS[area] ?? (area.length === 1 ? 25 : 15));
  return `${area}${district} ${rng.int(1, 9)}${INWARD[rng.int(0, INWARD.length - 1)]}${INWARD[rng.int(0, INWARD.length - 1)]}`;
}
function overseasPostcode(rng: Rng, country: string): string {
  switch (country) {
    case "US":
      return pad(rng.int(10001, 98199), 5);
    case "IE":
      return `D${pad(rng.int(1, 24), 2)} ${"ACDEFHKNPRTVWXY"[rng.int(0, 14)]}${rng.int(100, 999)}`;
    case "IN":
      return String(rng.int(400001, 600099));
    default:
      return pad(rng.int(10115, 95999), 5);
  }
}
function initials(name: string): string {
  const skip = new Set(["of", "for", "and", "the", "&"]);
  return name
    .split(/\s+/)
    .filter((w) => w && !skip.has(w.toLowerCase()))
    .map((w) => w[0]!.toUpperCase())
    .join("")
    .slice(0, 5);
}

/** Sizes of the sets of organisations for N processes: sublinear in N. */
export function demoSizes(contracts: number): { buyers: number; suppliers: number } {
  const r = Math.max(contracts, 1) / 20_000;
  return {
    buyers: Math.min(2_000, Math.max(12, Math.round(300 * Math.sqrt(r)))),
    suppliers: Math.min(60_000, Math.max(40, Math.round(4_000 * r ** 0.7))),
  };
}

const CENTRAL_TOPICS = [
  "Digital Records", "Public Infrastructure", "Civic Services", "Regional Growth", "Land and Waterways", "Skills and Enterprise",
  "Rural Resilience", "Coastal Affairs", "Public Data", "Heritage and Archives", "Transport Networks", "Energy Transition",
  "Maritime Affairs", "Community Safety", "Citizen Services", "National Registers", "Trade Standards", "Housing Delivery",
  "Family Support", "Flood Resilience", "Civil Aviation Policy", "Public Workforce",
];
const ALB_TOPICS = [
  "Waterways", "Land Registry Services", "Public Archives", "Skills Funding", "Road Safety", "Digital Identity Assurance",
  "Coastal Protection", "Food Standards Testing", "Rail Passenger", "Heritage Estates", "Student Finance Services",
  "Grants Administration", "Public Health Intelligence", "Vehicle Records", "Marine Licensing", "Broadband Delivery",
  "Apprenticeship", "Pensions Administration", "Courts Records", "Benefits Payment", "Planning Inspection", "Charity Oversight",
  "Fisheries", "Forestry", "Energy Efficiency", "Museums Collections", "Seeds and Plant Health", "Research Funding",
];
const ALB_FORMS = ["{t} Agency", "National {t} Service", "{t} Authority", "{t} Commission", "{t} Executive", "{t} Board"];
const DEVOLVED_FORMS: Partial<Record<Itl1, readonly string[]>> = {
  TLM: ["{t} Scotland", "Scottish {t} Agency"],
  TLL: ["{t} Wales", "Welsh {t} Service"],
  TLN: ["Northern Ireland {t} Agency", "{t} Northern Ireland"],
};

/**
 * A buyer's name, and the invented place it is named after (null for national
 * bodies). Places come from the buyer's region; when its names run out (many
 * buyers of one type in one region, at a million contracts), from anywhere.
 */
function buyerName(
  rng: Rng,
  type: BuyerType,
  region: Itl1,
  regional: string[],
  everywhere: string[],
  used: Set<string>,
): { name: string; place: string | null } {
  for (let attempt = 0; attempt < 400; attempt++) {
    const places = attempt < 200 ? regional : everywhere;
    const place = rng.pick(places);
    const place2 = rng.pick(places);
    let name: string;
    switch (type) {
      case "central":
        name = `${weighted(rng, [["Department for", 5], ["Ministry of", 2], ["Office for", 2]] as const)} ${rng.pick(CENTRAL_TOPICS)}`;
        break;
      case "alb":
        name = rng.chance(0.85) ? rng.pick(ALB_FORMS).replace("{t}", rng.pick(ALB_TOPICS)) : `${place} Development Corporation`;
        break;
      case "devolved":
        name = rng.pick(DEVOLVED_FORMS[region] ?? ["{t} Agency"]).replace("{t}", rng.pick(ALB_TOPICS));
        break;
      case "local":
        if (region === "TLM") name = `${place} Council`;
        else if (region === "TLL") name = `${place} County Borough Council`;
        else if (region === "TLN") name = `${place} and ${place2} District Council`;
        else if (region === "TLI") name = rng.chance(0.85) ? `London Borough of ${place}` : `Royal Borough of ${place}`;
        else name = `${place} ${weighted(rng, [["Borough Council", 4], ["District Council", 4], ["City Council", 2], ["County Council", 2]] as const)}`;
        break;
      case "combined":
        name = rng.chance(0.5) ? `${rng.pick(COMPASS)} ${place} Combined Authority` : `${place} and ${place2} Combined Authority`;
        break;
      case "nhs":
        if (region === "TLM") name = `NHS ${place}`;
        else if (region === "TLL") name = `${place} University Health Board`;
        else if (region === "TLN") name = `${place} Health and Social Care Trust`;
        else
          name = weighted(rng, [
            [`${place} NHS Trust`, 3],
            [`${place} and ${place2} NHS Foundation Trust`, 2],
            [`${place} Hospitals NHS Foundation Trust`, 2],
            [`${rng.pick(COMPASS)} ${place} Integrated Care Board`, 1],
            [`${place} Community Health Services NHS Trust`, 1],
          ] as const);
        break;
      case "school":
        name = weighted(rng, [
          [`${place} Academy Trust`, 3],
          [`${place} Learning Trust`, 2],
          [`${place} Multi-Academy Trust`, 1],
          [`${place} Grammar School`, 1],
          [`${place} Community College`, 1],
        ] as const);
        break;
      case "police":
        name = weighted(rng, [
          [`${place} Police`, 3],
          [`${place} Constabulary`, 2],
          [`Office of the Police and Crime Commissioner for ${place}`, 1],
        ] as const);
        break;
      default:
        name = weighted(rng, [
          [`University of ${place}`, 3],
          [`${place} Fire and Rescue Service`, 2],
          [`${place} Harbour Commissioners`, 1],
          [`${place} National Park Authority`, 1],
        ] as const);
    }
    if (place === place2 && name.includes(" and ")) continue;
    if (!used.has(name) && !isReal(name)) {
      used.add(name);
      return { name, place: name.includes(place) ? place : null };
    }
  }
  throw new Error(`seeds: ran out of buyer names for ${type}`);
}

function firmStem(rng: Rng): string {
  for (let i = 0; i < 50; i++) {
    const s = rng.pick(FIRM_HEADS) + rng.pick(FIRM_TAILS);
    if (!/(.)\1\1/i.test(s) && !REAL_NAME_WORDS.has(s.toLowerCase())) return s;
  }
  return "Quillfern";
}

function supplierName(
  rng: Rng,
  specialism: Specialism,
  orgType: OrgType,
  scale: Scale,
  places: string[],
  used: Set<string>,
  reservedStems: Set<string>,
): string {
  for (let attempt = 0; attempt < 2000; attempt++) {
    const stem = firmStem(rng);
    if (reservedStems.has(stem)) continue;
    const sector = rng.pick(SECTOR_WORDS[specialism]);
    let name: string;
    if (orgType === "vcse") {
      name = weighted(rng, [
        [`${stem} ${sector} CIC`, 3],
        [`${stem} Community Interest Company`, 1],
        [`${stem} Digital Inclusion Trust`, 1],
        [`${stem} Foundation`, 1],
        [`${rng.pick(places)} Community ${sector}`, 1],
      ] as const);
    } else if (orgType === "cooperative") {
      name = rng.chance(0.5) ? `${stem} Co-operative Ltd` : `${stem} ${sector} Workers Co-operative`;
    } else if (orgType === "public") {
      name = specialism === "research" || rng.chance(0.4) ? `University of ${rng.pick(places)}` : `${rng.pick(places)} Shared Services Ltd`;
    } else if (specialism === "consultancy" && rng.chance(0.35)) {
      const a = rng.pick(SURNAMES);
      const b = rng.pick(SURNAMES);
      if (a === b) continue;
      name = rng.chance(0.5) ? `${a} ${b} LLP` : `${a} & ${b} ${sector} Ltd`;
    } else {
      const legal = scale === "large" && rng.chance(0.25) ? "plc" : weighted(rng, [["Ltd", 6], ["Limited", 3], ["LLP", specialism === "consultancy" ? 2 : 0.3]] as const);
      name = rng.chance(0.15) ? `${stem} ${legal}` : `${stem} ${sector} ${legal}`;
    }
    if (!used.has(name) && !isReal(name)) {
      used.add(name);
      return name;
    }
  }
  throw new Error("seeds: ran out of supplier names");
}

class IdentifierPool {
  private readonly used = new Set<string>();
  take(rng: Rng, make: (rng: Rng) => string): string {
    for (let i = 0; i < 1000; i++) {
      const id = make(rng);
      if (!this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
    throw new Error("seeds: could not find a free identifier");
  }
}
const LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ";
const letters = (rng: Rng, n: number) => {
  let s = "";
  for (let i = 0; i < n; i++) s += LETTERS[rng.int(0, LETTERS.length - 1)];
  return s;
};

function companyNumber(rng: Rng, region: Itl1 | null, llp: boolean): string {
  if (llp) return `${region === "TLM" ? "SO" : "OC"}${pad(rng.int(300000, 449999), 6)}`;
  if (region === "TLM") return `SC${pad(rng.int(100000, 799999), 6)}`;
  if (region === "TLN") return `NI${pad(rng.int(600000, 699999), 6)}`;
  return pad(rng.int(1_000_000, 15_999_999), 8);
}

function buildWorld(contracts: number, seed: number, span: Span): World {
  const rng = new Rng(hashSeed(seed, 0x0a11));
  const sizes = demoSizes(contracts);
  const places = buildPlaces(rng);
  const placeRegion = new Map<string, Itl1>();
  const popTable = new WeightedTable(ITL1_LIST, ITL1_LIST.map((r) => REGION_POPULATION[r]));
  for (const p of places) placeRegion.set(p, popTable.draw(rng));
  const placesIn = new Map<Itl1, string[]>();
  for (const r of ITL1_LIST) placesIn.set(r, []);
  for (const p of places) placesIn.get(placeRegion.get(p)!)!.push(p);
  const ids = new IdentifierPool();
  const names = new Set<string>();

  // Buyers -------------------------------------------------------------
  const types: BuyerType[] = ["central", "alb", "local", "combined", "nhs", "school", "police", "devolved", "other"];
  const typeTable = new WeightedTable(types, types.map((t) => BUYER_TYPE_SHARE[t]));
  const typeCount = new Map<BuyerType, number>();
  const buyers: BuyerModel[] = [];
  const catCache = new Map<BuyerType, WeightedTable<Exclude<Category, "consultancy">>>();
  for (let i = 0; i < sizes.buyers; i++) {
    let type: BuyerType = i < types.length ? types[i]! : typeTable.draw(rng);
    const cap = BUYER_TYPE_CAP[type];
    if (cap !== undefined && (typeCount.get(type) ?? 0) >= cap) type = rng.chance(0.5) ? "alb" : "local";
    typeCount.set(type, (typeCount.get(type) ?? 0) + 1);
    let region: Itl1;
    if (type === "central") region = rng.chance(0.8) ? "TLI" : rng.pick(["TLE", "TLD", "TLL", "TLG", "TLK"] as const);
    else if (type === "devolved") region = rng.pick(["TLL", "TLM", "TLN"] as const);
    else if (type === "combined") region = rng.pick(["TLC", "TLD", "TLE", "TLF", "TLG", "TLH", "TLJ", "TLK"] as const);
    else if (type === "alb") region = rng.chance(0.45) ? "TLI" : popTable.draw(rng);
    else region = popTable.draw(rng);
    const regionalPlaces = placesIn.get(region)!;
    const pool = regionalPlaces.length >= 3 ? regionalPlaces : places;
    const { name, place } = buyerName(rng, type, region, pool, places, names);
    let scheme: string;
    let identifier: string;
    switch (type) {
      case "local":
      case "combined":
        scheme = region === "TLM" ? "GB-LAS" : region === "TLL" ? "GB-PLA" : region === "TLN" ? "GB-LANI" : "GB-LAE";
        identifier = ids.take(rng, (r) => letters(r, 3));
        break;
      case "nhs":
        scheme = "GB-NHS";
        identifier = ids.take(rng, (r) => (name.includes("Integrated Care") ? "Q" : "R") + letters(r, 2) + (r.chance(0.3) ? String(r.int(1, 9)) : ""));
        break;
      case "school":
        scheme = name.includes("Trust") ? "GB-COH" : "GB-EDU";
        // Academy trusts are companies registered since 2010.
        identifier = ids.take(rng, (r) => (scheme === "GB-COH" ? pad(r.int(7_100_000, 15_999_999), 8) : String(r.int(100000, 149999))));
        break;
      case "other":
        scheme = name.startsWith("University") ? "GB-UKPRN" : "GB-GOR";
        identifier = ids.take(rng, (r) => (scheme === "GB-UKPRN" ? `1000${pad(r.int(1000, 9999), 4)}` : `OT${r.int(100, 1999)}`));
        break;
      default:
        scheme = "GB-GOR";
        identifier = ids.take(rng, (r) =>
          type === "central" ? `D${r.int(10, 999)}` : type === "police" ? `PF${r.int(10, 999)}` : `${r.chance(0.5) ? "EA" : "PB"}${r.int(100, 1999)}`,
        );
    }
    const key = `buyer-${pad(i + 1, 4)}`;
    const locality = place ?? (region === "TLI" ? "London" : rng.pick(pool));
    const org: DemoOrg = {
      key,
      name,
      scheme,
      identifier,
      partyId: `${scheme}-${identifier}`,
      role: "buyer",
      scale: null,
      orgType: "public",
      buyerType: type,
      countryCode: "GB",
      region,
      postcode: ukPostcode(rng, region),
      locality,
      groupKey: null,
    };
    let categories = catCache.get(type);
    if (!categories) {
      const mult = CATEGORY_BY_BUYER[type] ?? {};
      categories = new WeightedTable(
        CATEGORY_BASE.map((c) => c[0]),
        CATEGORY_BASE.map(([c, w]) => w * (mult[c] ?? 1)),
      );
      catCache.set(type, categories);
    }
    buyers.push({
      org,
      type,
      smeAffinity: BUYER_SME[type] * rng.logNormal(0, 0.3),
      consultancy: BUYER_CONSULTANCY[type] * rng.logNormal(0, 0.2),
      ref: initials(name) || "REF",
      categories,
    });
  }
  const buyerTable = new WeightedTable(
    buyers,
    buyers.map((b) => BUYER_ACTIVITY[b.type] * rng.logNormal(0, 0.9)),
  );

  // Groups ---------------------------------------------------------------
  const groupCount = Math.max(4, Math.min(600, Math.round(sizes.suppliers / 80)));
  const groups: DemoGroup[] = [];
  const groupSpecialism: Specialism[] = [];
  /** A group's stem names only its own members. */
  const groupStems = new Set<string>();
  for (let g = 0; g < groupCount; g++) {
    const overseas = rng.chance(0.35);
    const country = overseas ? weighted(rng, [["US", 0.4], ["IE", 0.15], ["DE", 0.15], ["FR", 0.15], ["IN", 0.15]] as const) : "GB";
    const specialism: Specialism = overseas
      ? weighted(rng, [["software", 0.45], ["cloud", 0.3], ["itservices", 0.25]] as const)
      : weighted(rng, [["consultancy", 0.35], ["itservices", 0.3], ["business", 0.1], ["hardware", 0.1], ["telecoms", 0.1], ["software", 0.05]] as const);
    let name = "";
    let stem = "";
    for (let a = 0; a < 500; a++) {
      stem = firmStem(rng);
      name = `${stem} ${weighted(rng, [["Group", 4], ["Holdings", 2], ["International", 2]] as const)}`;
      if (!groupStems.has(stem) && !isReal(name)) break;
    }
    groupStems.add(stem);
    groups.push({ key: `group-${pad(g + 1, 4)}`, name, countryCode: country });
    groupSpecialism.push(specialism);
  }

  // Suppliers -------------------------------------------------------------
  const suppliers: SupplierModel[] = [];
  const supplierRegions = new WeightedTable(ITL1_LIST, ITL1_LIST.map((r) => REGION_SUPPLIERS[r]));
  const specialismTable = new WeightedTable(SPECIALISMS, SPECIALISMS.map((s) => SPECIALISM_SHARE[s]));
  const addSupplier = (spec: {
    name: string;
    scheme: string;
    identifier: string;
    scale: Scale;
    orgType: OrgType;
    country: string | null;
    region: Itl1 | null;
    groupKey: string | null;
    specialism: Specialism;
  }) => {
    const n = suppliers.length + 1;
    const hasAddress = spec.country !== null;
    const org: DemoOrg = {
      key: `supplier-${pad(n, 5)}`,
      name: spec.name,
      scheme: spec.scheme,
      identifier: spec.identifier,
      partyId: `${spec.scheme}-${spec.identifier}`,
      role: "supplier",
      scale: spec.scale,
      orgType: spec.orgType,
      buyerType: null,
      countryCode: spec.country,
      region: spec.region,
      postcode: !hasAddress ? null : spec.region ? ukPostcode(rng, spec.region) : overseasPostcode(rng, spec.country!),
      locality: !hasAddress
        ? null
        : spec.region
          ? rng.pick(placesIn.get(spec.region)!.length ? placesIn.get(spec.region)! : places)
          : rng.pick(OVERSEAS_CITIES[spec.country!] ?? ["Paris"]),
      groupKey: spec.groupKey,
    };
    const scaleClass = spec.scale === "unknown" ? "unknown" : spec.scale === "large" ? "large" : "sme";
    const popularity = rng.logNormal(0, 1.2) * (spec.groupKey ? 6 : 1) * (spec.scale === "large" ? 2.5 : 1);
    suppliers.push({ org, specialism: spec.specialism, popularity, scaleClass });
  };

  // Group members first (they are the big, frequent suppliers).
  for (let g = 0; g < groups.length && suppliers.length < sizes.suppliers; g++) {
    const group = groups[g]!;
    const stem = group.name.split(" ")[0]!;
    const spec = groupSpecialism[g]!;
    const members = rng.int(2, 4);
    for (let m = 0; m < members && suppliers.length < sizes.suppliers; m++) {
      const abroad = group.countryCode !== "GB" && m === 0;
      const country = abroad ? group.countryCode : "GB";
      const region: Itl1 | null = abroad ? null : rng.chance(0.6) ? "TLI" : supplierRegions.draw(rng);
      const sector = rng.pick(SECTOR_WORDS[spec]);
      let name: string;
      if (abroad) {
        name = { US: `${stem} Inc.`, IE: `${stem} Ireland Limited`, DE: `${stem} GmbH`, FR: `${stem} SAS`, IN: `${stem} Private Limited` }[country] ?? `${stem} Inc.`;
      } else if (group.countryCode !== "GB") {
        name = m === 1 ? `${stem} UK Ltd` : `${stem} ${sector} UK Ltd`;
      } else {
        name = m === 0 ? `${stem} ${sector} Ltd` : `${stem} ${weighted(rng, [[sector, 1], ["Consulting", 1], ["Digital", 1], ["Managed Services", 1]] as const)} ${rng.chance(0.3) ? "LLP" : "Ltd"}`;
      }
      if (names.has(name) || isReal(name)) name = `${stem} ${sector} ${m + 1} Ltd`;
      if (names.has(name)) continue;
      names.add(name);
      let scheme = "GB-COH";
      let identifier: string;
      if (abroad) {
        scheme = { US: "US-EIN", IE: "IE-CRO", DE: "DE-CR", FR: "FR-RCS", IN: "IN-MCA" }[country] ?? "US-EIN";
        identifier = ids.take(rng, (r) => {
          switch (country) {
            case "US":
              return `${r.int(10, 99)}-${pad(r.int(0, 9_999_999), 7)}`;
            case "IE":
              return String(r.int(100000, 799999));
            case "DE":
              return `HRB${r.int(10000, 299999)}`;
            case "FR":
              return String(r.int(300_000_000, 899_999_999));
            default:
              return `U72200KA${r.int(1995, 2020)}PTC${pad(r.int(0, 199999), 6)}`;
          }
        });
      } else {
        identifier = ids.take(rng, (r) => companyNumber(r, region, name.endsWith("LLP")));
      }
      addSupplier({
        name,
        scheme,
        identifier,
        scale: rng.chance(0.9) ? "large" : "medium",
        orgType: "company",
        country,
        region,
        groupKey: group.key,
        specialism: spec,
      });
    }
  }
  // Independent suppliers.
  while (suppliers.length < sizes.suppliers) {
    const specialism = specialismTable.draw(rng);
    const orgType: OrgType = weighted(rng, [["company", 0.93], ["vcse", 0.04], ["cooperative", 0.012], ["public", 0.018]] as const);
    let scale: Scale;
    if (rng.chance(0.1)) scale = "unknown";
    else if (orgType === "public") scale = rng.chance(0.7) ? "large" : "medium";
    else if (orgType === "vcse" || orgType === "cooperative") scale = weighted(rng, [["micro", 3], ["small", 4], ["medium", 1], ["sme", 1]] as const);
    else scale = weighted(rng, [["large", 20], ["micro", 24], ["small", 26], ["medium", 12], ["sme", 8]] as const);
    const noAddress = rng.chance(0.006);
    const overseas = !noAddress && scale === "large" && (specialism === "software" || specialism === "cloud") && rng.chance(0.08);
    const country: string | null = noAddress ? null : overseas ? weighted(rng, [["US", 0.5], ["IE", 0.3], ["DE", 0.1], ["FR", 0.1]] as const) : "GB";
    const region: Itl1 | null = country === "GB" ? supplierRegions.draw(rng) : null;
    const name = supplierName(rng, specialism, orgType, scale, places, names, groupStems);
    let scheme = "GB-COH";
    let identifier: string;
    if (overseas) {
      scheme = country === "US" ? "US-EIN" : country === "IE" ? "IE-CRO" : country === "DE" ? "DE-CR" : "FR-RCS";
      identifier = ids.take(rng, (r) =>
        country === "US" ? `${r.int(10, 99)}-${pad(r.int(0, 9_999_999), 7)}` : country === "IE" ? String(r.int(100000, 799999)) : country === "DE" ? `HRB${r.int(10000, 299999)}` : String(r.int(300_000_000, 899_999_999)),
      );
    } else if (orgType === "vcse" && !name.includes("CIC") && !name.includes("Community Interest")) {
      scheme = region === "TLM" ? "GB-SC" : region === "TLN" ? "GB-NIC" : "GB-CHC";
      identifier = ids.take(rng, (r) => (scheme === "GB-SC" ? `SC0${r.int(10000, 53999)}` : scheme === "GB-NIC" ? `10${pad(r.int(0, 9999), 4)}` : String(r.int(1_000_000, 1_209_999))));
    } else if (orgType === "cooperative") {
      scheme = "GB-MPR";
      identifier = ids.take(rng, (r) => `RS00${pad(r.int(0, 9999), 4)}`);
    } else if (orgType === "public" && name.startsWith("University")) {
      scheme = "GB-UKPRN";
      identifier = ids.take(rng, (r) => `1000${pad(r.int(1000, 9999), 4)}`);
    } else {
      identifier = ids.take(rng, (r) => companyNumber(r, region, name.endsWith("LLP")));
    }
    addSupplier({ name, scheme, identifier, scale, orgType, country, region, groupKey: null, specialism });
  }

  // Pools by specialism and scale class.
  const pools = {} as World["pools"];
  for (const s of SPECIALISMS) {
    const bucket: Record<"sme" | "large" | "unknown", SupplierModel[]> = { sme: [], large: [], unknown: [] };
    for (const sup of suppliers) if (sup.specialism === s) bucket[sup.scaleClass].push(sup);
    const table = (list: SupplierModel[]) =>
      list.length
        ? new WeightedTable(
            list,
            list.map((x) => x.popularity),
          )
        : null;
    pools[s] = { sme: table(bucket.sme), large: table(bucket.large), unknown: table(bucket.unknown) };
  }

  const cpv = {} as Record<Category, WeightedTable<string>>;
  for (const c of Object.keys(CPV_BY_CATEGORY) as Category[]) cpv[c] = cpvTable(c);

  // Buyer–supplier pairs with repeated direct awards, and with splits below the threshold.
  const known = suppliers.filter((s) => s.scaleClass !== "unknown" && s.org.countryCode === "GB");
  const pairPool = known.length ? known : suppliers;
  const makePairs = (count: number, categories: readonly Category[], windowDays: number): PairModel[] => {
    const out: PairModel[] = [];
    for (let p = 0; p < count; p++) {
      const category = rng.pick(categories);
      const wanted = SUPPLIERS_FOR[category][0]![0];
      const candidates = pairPool.filter((s) => s.specialism === wanted);
      const supplier = rng.pick(candidates.length ? candidates : pairPool);
      // Every award of the pair falls in 2020-21 or later and at least 60 days before today.
      const hi = span.lastDay - windowDays - 60;
      out.push({ buyer: buyerTable.draw(rng), supplier, anchorDay: rng.int(Math.min(fyStart(1), hi), hi), category });
    }
    return out;
  };
  const repeatPairs = makePairs(Math.max(2, Math.round(contracts / 2000)), ["software", "itservices", "consultancy", "business", "cloud"], 330);
  const splitPairs = makePairs(Math.max(1, Math.round(contracts / 3000)), ["itservices", "consultancy", "training", "business", "data"], 80);

  return { groups, buyers, suppliers, buyerTable, pools, repeatPairs, splitPairs, cpv };
}

// ---------------------------------------------------------------------------
// Processes.

const HOUR_MINUTES = (rng: Rng) => rng.int(8 * 60, 17 * 60 + 30);
/** Every 400th process (offset 7) is a repeated direct award; every 500th (offset 11) a split below threshold. */
const REPEAT_EVERY = 400;
const SPLIT_EVERY = 500;
/** £139,688: Procurement Act 2023 threshold for central government goods and services (metrics default). */
const SPLIT_THRESHOLD_POUNDS = 139_688;

type Kind = DemoKind;

/** A party as published in a release: a fresh object per process (never shared between processes). */
function partyOf(org: DemoOrg): OcdsParty {
  const details: OcdsPartyDetails =
    org.scale !== null && org.scale !== "unknown"
      ? { scale: org.scale, vcse: org.orgType === "vcse", x_organisationType: org.orgType }
      : { vcse: org.orgType === "vcse", x_organisationType: org.orgType };
  if (org.buyerType !== null) details.x_buyerType = org.buyerType;
  const party: OcdsParty = {
    id: org.partyId,
    name: org.name,
    identifier: { scheme: org.scheme, id: org.identifier },
    details,
    roles: [org.role],
  };
  if (org.countryCode !== null) {
    const address: OcdsAddress = { countryName: COUNTRY_NAMES[org.countryCode] ?? org.countryCode, x_countryCode: org.countryCode };
    if (org.locality !== null) address.locality = org.locality;
    if (org.postcode !== null) address.postalCode = org.postcode;
    if (org.region !== null) address.x_itl1 = org.region;
    party.address = address;
  }
  return party;
}

/** Pounds (float) → whole pence with a realistic rounding habit. */
function toPence(rng: Rng, pounds: number): number {
  const r = rng.next();
  if (r < 0.55) {
    const step = pounds >= 50_000 ? 1000 : 100;
    return Math.max(step, Math.round(pounds / step) * step) * 100;
  }
  if (r < 0.85) return Math.round(pounds) * 100;
  return Math.round(pounds * 100);
}
const money = (pence: number, currency: string): OcdsValue => ({ amount: pence / 100, currency });

class ProcessBuilder {
  readonly releases: DemoRelease[] = [];
  private lastT = Number.NEGATIVE_INFINITY;
  constructor(
    readonly ocid: string,
    /** The last minute a release may be dated (23:59 on the day before today). */
    readonly limitT: number,
    readonly buyerParty: OcdsParty,
  ) {}
  /** Parties new in the next release: the buyer goes in the process's first release. */
  newParties(suppliers: OcdsParty[]): OcdsParty[] | undefined {
    const list = this.releases.length === 0 ? [this.buyerParty, ...suppliers] : suppliers;
    return list.length > 0 ? list : undefined;
  }
  /**
   * Time for the next release: never before the previous one. Null, and
   * nothing recorded, when it would fall after the limit: the release has not
   * happened yet (and neither has anything after it).
   */
  at(day: number, minute: number): number | null {
    let t = day * 1440 + minute;
    if (t <= this.lastT) t = this.lastT + 7;
    if (t > this.limitT) return null;
    this.lastT = t;
    return t;
  }
  get lastDay(): number {
    return Math.floor(this.lastT / 1440);
  }
  nextId(): string {
    return `${this.ocid}-${this.releases.length + 1}`;
  }
  push(
    t: number,
    tag: string[],
    body: Pick<DemoRelease, "parties" | "buyer" | "planning" | "tender" | "awards" | "contracts">,
  ): string {
    const id = this.nextId();
    const release: DemoRelease = { ocid: this.ocid, id, date: stamp(t), tag, initiationType: "tender" };
    // Only the fields given (no `undefined` keys in memory).
    if (body.parties) release.parties = body.parties;
    if (body.buyer) release.buyer = body.buyer;
    if (body.planning) release.planning = body.planning;
    if (body.tender) release.tender = body.tender;
    if (body.awards) release.awards = body.awards;
    if (body.contracts) release.contracts = body.contracts;
    this.releases.push(release);
    return id;
  }
}

function doc(id: string, documentType: string, title: string, url: string, datePublished: string): OcdsDocument {
  return { id, documentType, title, url, datePublished };
}

function drawAwardDay(rng: Rng, span: Span): { fy: number; day: number } {
  const fy = span.fyTable.draw(rng);
  for (;;) {
    const day = rng.int(span.starts[fy]!, span.ends[fy]!);
    // Year-end: more awards in March.
    const march = new Date(day * DAY_MS).getUTCMonth() === 2;
    if (march || rng.chance(0.7)) return { fy, day };
  }
}

function pickSupplier(world: World, rng: Rng, category: Category, pSme: number): SupplierModel {
  const specialism = weighted(rng, SUPPLIERS_FOR[category]);
  const pools = world.pools[specialism];
  const cls: "sme" | "large" | "unknown" = rng.chance(0.08) ? "unknown" : rng.chance(pSme) ? "sme" : "large";
  const order: ("sme" | "large" | "unknown")[] = [cls, cls === "sme" ? "large" : "sme", "unknown"];
  for (const c of order) {
    const t = pools[c];
    if (t) return t.draw(rng);
  }
  return rng.pick(world.suppliers);
}

function smeProbability(pounds: number, buyer: BuyerModel, fy: number, category: Category): number {
  const band = pounds < 100_000 ? 0.7 : pounds < 500_000 ? 0.55 : pounds < 2_000_000 ? 0.42 : pounds < 10_000_000 ? 0.28 : pounds < 50_000_000 ? 0.14 : 0.05;
  return Math.min(0.95, Math.max(0.01, band * buyer.smeAffinity * byFy(SME_YEAR, fy) * CATEGORY_SME[category]));
}

function drawValue(rng: Rng, category: Category, buyer: BuyerModel, fy: number): number {
  const [median, sigma] = CATEGORY_SIZE[category];
  let pounds: number;
  if (category === "consultancy") {
    pounds = rng.logNormal(Math.log(median * BUYER_VALUE[buyer.type] * byFy(CONSULTANCY_SIZE, fy)), sigma);
    pounds = Math.min(pounds, 15_000_000 + 20_000_000 * rng.next());
  } else if (rng.chance(0.015) && buyer.type !== "school") {
    // A few very large programmes: outsourcing, cloud, networks.
    pounds = rng.logNormal(Math.log(10_000_000 * Math.sqrt(BUYER_VALUE[buyer.type])), 1.1);
  } else {
    pounds = rng.logNormal(Math.log(median * BUYER_VALUE[buyer.type]), sigma);
  }
  if (pounds < 10_000) pounds = 10_000 + rng.next() * 5_000;
  if (pounds > 600_000_000) pounds = 400_000_000 + rng.next() * 200_000_000;
  return pounds;
}

type MethodMix = readonly (readonly [ProcurementMethod, number])[];
/** Method mix by [small value?][consultancy?]: small purchases are more often direct; consultancy more often a framework call-off. */
const METHOD_MIX: readonly (readonly [MethodMix, MethodMix])[] = [
  [
    [["open", 0.37], ["selective", 0.36], ["limited", 0.08], ["direct", 0.17]],
    [["open", 0.37], ["selective", 0.45], ["limited", 0.08], ["direct", 0.17]],
  ],
  [
    [["open", 0.2], ["selective", 0.36], ["limited", 0.08], ["direct", 0.35]],
    [["open", 0.2], ["selective", 0.45], ["limited", 0.08], ["direct", 0.35]],
  ],
];

function methodFor(rng: Rng, kind: Kind, pounds: number, category: Category): ProcurementMethod {
  if (kind === "repeat") return rng.chance(0.8) ? "direct" : "limited";
  if (kind === "split") return rng.chance(0.5) ? "direct" : "selective";
  return weighted(rng, METHOD_MIX[pounds < 30_000 ? 1 : 0]![category === "consultancy" ? 1 : 0]!);
}

const SELECTIVE_PA23: readonly (readonly [string, number])[] = [
  ["Call-off from a framework agreement (further competition)", 6],
  ["Competitive flexible procedure", 2.5],
  ["Call-off from a dynamic market", 1.5],
];
const SELECTIVE_PCR: readonly (readonly [string, number])[] = [
  ["Call-off from a framework agreement (further competition)", 6],
  ["Restricted procedure", 1.5],
  ["Competitive procedure with negotiation", 1],
  ["Dynamic purchasing system", 1.5],
];
const DIRECT_PA23: readonly (readonly [string, number])[] = [
  ["Direct award from a framework agreement", 5.5],
  ["Direct award (Procurement Act 2023, section 41)", 3],
  ["Direct award (below threshold)", 1.5],
];
const DIRECT_PCR: readonly (readonly [string, number])[] = [
  ["Direct award from a framework agreement", 5.5],
  ["Single tender action", 3],
  ["Direct award (below threshold)", 1.5],
];

function methodDetails(rng: Rng, method: ProcurementMethod, day: number): string {
  const pa23 = day >= PA23_START;
  switch (method) {
    case "open":
      return pa23 ? "Open procedure (Procurement Act 2023)" : rng.chance(0.8) ? "Open procedure" : "Request for quotation (open)";
    case "selective":
      return weighted(rng, pa23 ? SELECTIVE_PA23 : SELECTIVE_PCR);
    case "limited":
      return pa23 ? "Direct award with negotiation (Procurement Act 2023)" : "Negotiated procedure without prior publication";
    default:
      return weighted(rng, pa23 ? DIRECT_PA23 : DIRECT_PCR);
  }
}

function tenderPeriodDays(rng: Rng, method: ProcurementMethod): number {
  if (method === "open") return rng.chance(0.1) ? rng.int(8, 24) : rng.int(28, 50);
  if (method === "selective") return rng.chance(0.2) ? rng.int(7, 24) : rng.int(25, 40);
  return rng.int(10, 30);
}

function tenderersFor(rng: Rng, method: ProcurementMethod): number {
  if (method === "direct") return 1;
  if (method === "limited") return rng.int(1, 3);
  if (rng.chance(method === "open" ? 0.09 : 0.12)) return 1;
  return 2 + Math.min(18, Math.floor(rng.logNormal(1.3, 0.6)));
}

function missionsFor(rng: Rng, type: BuyerType): Mission[] | undefined {
  if (!rng.chance(0.6)) return undefined;
  const r = rng.next();
  const n = r < 0.1 ? 0 : r < 0.7 ? 1 : 2;
  const out: Mission[] = [];
  if (n >= 1) out.push(rng.pick(MISSION_BY_BUYER[type]));
  if (n >= 2) {
    const second = rng.pick(ALL_MISSIONS);
    if (!out.includes(second)) out.push(second);
  }
  return out;
}

interface Plan {
  kind: Kind;
  buyer: BuyerModel;
  category: Category;
  consultancy: boolean;
  /** Publisher's explicit consultancy yes/no, when said. */
  explicit: boolean | undefined;
  codes: string[];
  pounds: number;
  fy: number;
}

function planWork(world: World, rng: Rng, kind: Kind, buyer: BuyerModel, fy: number, pair: PairModel | null): Plan {
  let consultancy: boolean;
  let category: Category;
  if (pair) {
    category = pair.category;
    consultancy = category === "consultancy";
  } else {
    consultancy = rng.chance(Math.min(0.9, byFy(CONSULTANCY_RATE, fy) * buyer.consultancy));
    category = consultancy ? "consultancy" : buyer.categories.draw(rng);
  }
  // Main CPV code, and whether the publisher says consultancy yes/no explicitly.
  let main = world.cpv[category].draw(rng);
  let explicit: boolean | undefined;
  const e = rng.next();
  if (e < 0.004) {
    // The publisher contradicts the CPV rule.
    if (consultancy) {
      const [cat, code] = rng.pick(AMBIGUOUS_OTHER);
      if (!pair) category = cat;
      main = code;
      explicit = true;
    } else {
      main = rng.pick(AMBIGUOUS_CONSULTANCY_CPV);
      explicit = false;
    }
  } else if (e < 0.05) {
    explicit = consultancy;
  }
  const codes = [main];
  const extra = rng.chance(0.3) ? rng.int(1, 2) : 0;
  for (let k = 0; k < extra; k++) {
    const c = world.cpv[category].draw(rng);
    if (!codes.includes(c)) codes.push(c);
  }
  let pounds: number;
  if (kind === "split") pounds = SPLIT_THRESHOLD_POUNDS * (0.7 + 0.29 * rng.next());
  else if (kind === "repeat") pounds = Math.min(900_000, Math.max(12_000, rng.logNormal(Math.log(60_000), 0.9)));
  else pounds = drawValue(rng, consultancy ? "consultancy" : category, buyer, fy);
  return { kind, buyer, category, consultancy, explicit, codes, pounds, fy };
}

function itemsFor(plan: Plan, lots: number): OcdsItem[] {
  const items: OcdsItem[] = [];
  const n = Math.max(lots, plan.codes.length);
  for (let k = 0; k < n; k++) {
    const code = plan.codes[k] ?? plan.codes[0]!;
    const item: OcdsItem = {
      id: String(k + 1),
      classification: { scheme: "CPV", id: code, description: CPV_LABELS[code]! },
    };
    if (lots > 0) item.relatedLot = String((k % lots) + 1);
    items.push(item);
  }
  return items;
}

/** The tender at a later stage, published whole (a direct award with no tender notice before it). */
function tenderAt(tender: OcdsTender, status: OcdsTender["status"], tenderers: number | undefined, lotStatus: string): OcdsTender {
  const t: OcdsTender = { ...tender, status };
  if (tenderers !== undefined) t.numberOfTenderers = tenderers;
  if (tender.lots) t.lots = tender.lots.map((l) => ({ ...l, status: lotStatus }));
  return t;
}
/** What a later release says about a tender already published: its new status, the number of tenderers, the lots' status. */
function tenderUpdate(tender: OcdsTender, status: OcdsTender["status"], tenderers: number | undefined, lotStatus: string): OcdsTenderUpdate {
  const t: OcdsTenderUpdate = { id: tender.id, status };
  if (tenderers !== undefined) t.numberOfTenderers = tenderers;
  if (tender.lots) t.lots = tender.lots.map((l) => ({ id: l.id, status: lotStatus }));
  return t;
}
/** A tender announced in a planning release: the tender notice adds only what the planning release did not give. */
function tenderAfterPlanning(t: OcdsTender): OcdsTenderUpdate {
  const u: OcdsTenderUpdate = { id: t.id, status: t.status };
  if (t.procurementMethodDetails !== undefined) u.procurementMethodDetails = t.procurementMethodDetails;
  if (t.procurementMethodRationale !== undefined) u.procurementMethodRationale = t.procurementMethodRationale;
  if (t.tenderPeriod) u.tenderPeriod = t.tenderPeriod;
  if (t.submissionMethod) u.submissionMethod = t.submissionMethod;
  if (t.submissionMethodDetails !== undefined) u.submissionMethodDetails = t.submissionMethodDetails;
  if (t.numberOfTenderers !== undefined) u.numberOfTenderers = t.numberOfTenderers;
  if (t.suitability) u.suitability = t.suitability;
  if (t.lots) u.lots = t.lots;
  if (t.documents) u.documents = t.documents;
  return u;
}

/** The draws that place an award's events relative to its award day. */
interface AwardTiming {
  /** Days from the award to the contract's signature. */
  signLag: number;
  /** Award and contract published in one release. */
  combined: boolean;
  /** Days from the award to its publication (late publication: more than 30 days after signature). */
  pubLag: number;
  /** Award published, contract never published. */
  noContract: boolean;
  /** Days from signature to the contract's start. */
  startLag: number;
  /** Contract term in months. */
  months: number;
}

function generateProcess(world: World, span: Span, seed: number, index: number, todayDay: number): { releases: DemoRelease[]; intent: DemoIntent } {
  const rng = new Rng(hashSeed(seed, 0x9e37, index));
  const ocid = `${DEMO_OCID_PREFIX}${pad(index + 1, 7)}`;
  const { lastDay } = span;

  // What kind of process.
  let kind: Kind;
  let pair: PairModel | null = null;
  if (index % REPEAT_EVERY === 7) {
    kind = "repeat";
    pair = world.repeatPairs[Math.floor(index / REPEAT_EVERY) % world.repeatPairs.length]!;
  } else if (index % SPLIT_EVERY === 11) {
    kind = "split";
    pair = world.splitPairs[Math.floor(index / SPLIT_EVERY) % world.splitPairs.length]!;
  } else {
    const r = rng.next();
    kind = r < 0.03 ? "open" : r < 0.035 ? "planned" : r < 0.045 ? "cancelled" : r < 0.05 ? "unsuccessful" : "awarded";
  }
  const buyer = pair ? pair.buyer : world.buyerTable.draw(rng);
  // The award day (for processes that end without an award: when it would have been), before today.
  let awardDay: number;
  let fy: number;
  if (pair) {
    awardDay = pair.anchorDay + rng.int(0, kind === "repeat" ? 330 : 80);
    fy = fyOfDay(awardDay);
  } else {
    ({ fy, day: awardDay } = drawAwardDay(rng, span));
  }
  const plan = planWork(world, rng, kind, buyer, fy, pair);
  const { category } = plan;
  const pb = new ProcessBuilder(ocid, span.limitT, partyOf(buyer.org));
  const buyerRef = { id: buyer.org.partyId, name: buyer.org.name };

  // Processes that end without an award (still open, planned, cancelled, unsuccessful) were advertised.
  const tenderOnly = kind === "open" || kind === "planned" || kind === "cancelled" || kind === "unsuccessful";
  const drawn = methodFor(rng, kind, plan.pounds, category);
  const method: ProcurementMethod = tenderOnly && (drawn === "direct" || drawn === "limited") ? "open" : drawn;
  const competitive = method === "open" || method === "selective";
  const lots = competitive && plan.pounds >= 400_000 && kind === "awarded" && rng.chance(0.09) ? rng.int(2, 4) : 0;
  const items = itemsFor(plan, lots);
  const baseTitle = fill(rng, rng.pick(TITLES[category]));
  const title = buyer.type === "school" && rng.chance(0.3) ? `${baseTitle} for schools in the trust` : baseTitle;
  const description = `${title}. ${rng.pick(SCOPE_LINES[category])}`;
  const estimatePence = toPence(rng, plan.pounds * (0.85 + rng.next() * 0.4));
  const awardPence = toPence(rng, plan.pounds);
  const currency = "GBP";

  const suitability = rng.chance(0.85)
    ? {
        sme: rng.chance(plan.pounds < 1_000_000 ? 0.8 : 0.4),
        vcse: rng.chance(category === "business" || category === "training" || category === "research" ? 0.3 : 0.1),
      }
    : undefined;
  const missions = missionsFor(rng, buyer.type);
  const sector = rng.chance(0.03) ? rng.pick(SECTOR_BY_BUYER[buyer.type]) : undefined;
  const rationale = method === "direct" || method === "limited" ? (rng.chance(0.75) ? rng.pick(RATIONALES) : undefined) : undefined;
  const numberOfTenderers = tenderersFor(rng, method);
  const hasTenderRelease = kind !== "planned" && (competitive || method === "limited" || rng.chance(0.3));

  // When the award's events fall, relative to the award day.
  let timing: AwardTiming | null = null;
  if (!tenderOnly) {
    // Late publication: award and contract published together more than 30 days after signature.
    const late = rng.chance(0.07);
    const signLag = rng.int(8, 35);
    const combined = late || rng.chance(0.3);
    const pubLag = late ? signLag + rng.int(31, 240) : combined ? signLag + rng.int(0, 14) : rng.int(1, 20);
    const noContract = rng.chance(0.02);
    const startLag = rng.chance(0.5) ? 0 : rng.int(1, 28);
    timing = { signLag, combined, pubLag, noContract, startLag, months: weighted(rng, TERMS[category]) };
    // A direct award has no deadline, so it cannot wait at a closed tender stage: the
    // register shows it once its award is published, so that is before today.
    if (method === "direct" && awardDay + pubLag > lastDay) {
      awardDay = lastDay - pubLag - rng.int(0, 20);
      plan.fy = fyOfDay(awardDay);
    }
  }

  // Tender timeline (relative to the award, or to today for open and planned tenders).
  let tenderStart: number;
  let tenderEnd: number;
  if (kind === "open") {
    tenderEnd = todayDay + rng.int(3, 90);
    tenderStart = tenderEnd - tenderPeriodDays(rng, method);
    if (tenderStart > lastDay) tenderStart = lastDay - rng.int(0, 10);
  } else if (kind === "planned") {
    tenderStart = todayDay + rng.int(20, 150);
    tenderEnd = tenderStart + tenderPeriodDays(rng, "open");
  } else {
    tenderEnd = awardDay - rng.int(14, 75);
    tenderStart = tenderEnd - tenderPeriodDays(rng, method);
  }
  const details = methodDetails(rng, method, tenderStart);
  const tenderId = `${buyer.ref}-${isoDay(tenderStart).slice(0, 4)}-${pad(rng.int(1, 9999), 4)}`;
  const tenderUrl = `${DOC_BASE}/notices/${ocid}/tender`;
  const deadline = `${isoDay(tenderEnd)}T12:00:00Z`;

  const tenderDocs: OcdsDocument[] = [];
  const tenderPublished = dateOnly(tenderStart);
  if (hasTenderRelease) tenderDocs.push(doc("tender-notice", "tenderNotice", "Tender notice", tenderUrl, tenderPublished));
  if (competitive) {
    if (rng.chance(0.5)) tenderDocs.push(doc("itt", "biddingDocuments", "Invitation to tender", `${DOC_BASE}/documents/${ocid}/itt.pdf`, tenderPublished));
    if (rng.chance(0.4)) tenderDocs.push(doc("spec", "technicalSpecifications", "Specification of requirements", `${DOC_BASE}/documents/${ocid}/specification.pdf`, tenderPublished));
    if (rng.chance(0.25)) tenderDocs.push(doc("evaluation", "evaluationCriteria", "Evaluation criteria and weightings", `${DOC_BASE}/documents/${ocid}/evaluation.pdf`, tenderPublished));
  }
  const dataWork = category === "data" || category === "software" || category === "itservices" || category === "cloud";
  if (dataWork && rng.chance(0.1)) {
    tenderDocs.push(doc("dpia", "x_dataProtectionImpactAssessment", "Data protection impact assessment (summary)", `${DOC_BASE}/documents/${ocid}/dpia.pdf`, tenderPublished));
  }
  if ((category === "data" && rng.chance(0.3)) || (category === "itservices" && rng.chance(0.02))) {
    tenderDocs.push(doc("atrs", "x_algorithmicTransparencyRecord", "Algorithmic transparency record", `${DOC_BASE}/documents/${ocid}/algorithmic-transparency-record`, tenderPublished));
  }

  const lotList: OcdsLot[] | undefined = lots
    ? Array.from({ length: lots }, (_, k) => ({
        id: String(k + 1),
        title: `Lot ${k + 1}: ${CPV_LABELS[items[k]!.classification.id]!}`,
        description: `${title}, lot ${k + 1}.`,
        value: money(Math.round(estimatePence / lots / 100) * 100, currency),
        status: "active",
      }))
    : undefined;

  /** The whole tender, as its first full publication gives it (open for submissions; no results yet). */
  const tender: OcdsTender = {
    id: tenderId,
    title,
    description,
    status: "active",
    items,
    value: money(estimatePence, currency),
    procurementMethod: method,
    procurementMethodDetails: details,
    mainProcurementCategory: CATEGORY_GOODS[category] ? "goods" : "services",
  };
  if (rationale && (method === "direct" || method === "limited")) tender.procurementMethodRationale = rationale;
  if (method !== "direct") {
    tender.tenderPeriod = { startDate: dateOnly(tenderStart), endDate: deadline };
    tender.submissionMethod = ["electronicSubmission"];
    tender.submissionMethodDetails = `${DOC_BASE}/respond/${ocid}`;
  }
  if (suitability) tender.suitability = suitability;
  if (lotList) tender.lots = lotList;
  if (tenderDocs.length > 0) tender.documents = tenderDocs;
  if (plan.explicit !== undefined) tender.x_consultancy = plan.explicit;
  if (missions) tender.x_missions = missions;
  if (sector) tender.x_sensitiveSector = sector;

  const intent: DemoIntent = {
    ocid,
    kind,
    status: "planned",
    closed: false,
    buyerPartyId: buyer.org.partyId,
    deadline: null,
    awards: [],
    contracts: 0,
    originalValuePence: null,
    currentValuePence: null,
    currency: null,
    awardDate: null,
    dateSigned: null,
    startDate: null,
    endDate: null,
    amendments: [],
    termination: null,
  };
  /** What the process published so far (releases and intent grow in place). */
  const result = { releases: pb.releases, intent };

  // Planning.
  const hasPlanning = kind === "planned" || (kind !== "repeat" && kind !== "split" && competitive && rng.chance(kind === "open" ? 0.35 : 0.25));
  if (hasPlanning) {
    const planDay = kind === "planned" ? lastDay - rng.int(0, 60) : tenderStart - rng.int(20, 150);
    const t = pb.at(planDay, HOUR_MINUTES(rng));
    if (t === null) return result;
    const planned: OcdsTender = {
      id: tenderId,
      title,
      description,
      status: "planned",
      items,
      value: money(estimatePence, currency),
      procurementMethod: method,
      mainProcurementCategory: CATEGORY_GOODS[category] ? "goods" : "services",
    };
    if (kind === "planned") {
      planned.tenderPeriod = { startDate: dateOnly(tenderStart), endDate: deadline };
      intent.deadline = deadline;
    }
    if (plan.explicit !== undefined) planned.x_consultancy = plan.explicit;
    if (missions) planned.x_missions = missions;
    if (sector) planned.x_sensitiveSector = sector;
    pb.push(t, ["planning"], {
      parties: pb.newParties([]),
      buyer: buyerRef,
      planning: {
        rationale: `${capitalise(category === "consultancy" ? "specialist advice" : "the service")} is needed to support the buyer's plans for ${rng.pick(AREAS)}.`,
        budget: { description: rng.pick(BUDGET_LINES), amount: money(toPence(rng, plan.pounds * (0.9 + rng.next() * 0.5)), currency) },
        documents: [doc("pin", "plannedProcurementNotice", "Planned procurement notice", `${DOC_BASE}/notices/${ocid}/planning`, stamp(t))],
      },
      tender: planned,
    });
  }
  if (kind === "planned") return result;

  if (hasTenderRelease) {
    const t = pb.at(tenderStart, HOUR_MINUTES(rng));
    if (t === null) return result;
    pb.push(t, ["tender"], { parties: pb.newParties([]), buyer: buyerRef, tender: hasPlanning ? tenderAfterPlanning(tender) : tender });
    intent.status = "open";
    intent.deadline = method !== "direct" ? deadline : null;
    intent.closed = method !== "direct" && tenderEnd < todayDay;
  }
  if (kind === "open") return result;
  if (kind === "cancelled") {
    const t = pb.at(tenderEnd + rng.int(-5, 40), HOUR_MINUTES(rng));
    if (t === null) return result;
    pb.push(t, ["tenderCancellation"], { tender: tenderUpdate(tender, "cancelled", undefined, "cancelled") });
    intent.status = "cancelled";
    intent.closed = false;
    return result;
  }
  if (kind === "unsuccessful") {
    const t = pb.at(tenderEnd + rng.int(10, 60), HOUR_MINUTES(rng));
    if (t === null) return result;
    pb.push(t, ["tenderUpdate"], { tender: tenderUpdate(tender, "unsuccessful", numberOfTenderers, "unsuccessful") });
    intent.status = "unsuccessful";
    intent.closed = false;
    return result;
  }

  // Award(s): one per lot, or one for the whole.
  const pSme = smeProbability(plan.pounds, buyer, plan.fy, category);
  const awardCount = lots || 1;
  const shares: number[] = [];
  if (awardCount > 1) {
    const raw = Array.from({ length: awardCount }, () => 0.5 + rng.next());
    const sum = raw.reduce((a, b) => a + b, 0);
    let left = awardPence;
    for (let k = 0; k < awardCount; k++) {
      const v = k === awardCount - 1 ? left : Math.round((awardPence * raw[k]!) / sum / 100) * 100;
      shares.push(v);
      left -= v;
    }
  } else {
    shares.push(awardPence);
  }
  const supplierSets: SupplierModel[][] = [];
  for (let k = 0; k < awardCount; k++) {
    const lotPounds = shares[k]! / 100;
    const p = awardCount > 1 ? smeProbability(lotPounds, buyer, plan.fy, category) : pSme;
    const first = pair ? pair.supplier : pickSupplier(world, rng, category, p);
    const set = [first];
    if (!pair && awardCount === 1 && rng.chance(0.08)) {
      const more = rng.int(1, 3);
      for (let m = 0; m < more; m++) {
        const s = pickSupplier(world, rng, category, p);
        if (!set.includes(s)) set.push(s);
      }
    }
    supplierSets.push(set);
  }
  const allSuppliers: SupplierModel[] = [];
  for (const set of supplierSets) for (const s of set) if (!allSuppliers.includes(s)) allSuppliers.push(s);
  // Overseas suppliers sometimes bill in their own currency.
  let awardCurrency = currency;
  const lead = supplierSets[0]![0]!.org.countryCode;
  if (awardCount === 1 && (lead === "US" || lead === "IE" || lead === "DE" || lead === "FR") && rng.chance(0.1)) {
    awardCurrency = lead === "US" ? "USD" : "EUR";
  }

  // Dates.
  const { signLag, combined, pubLag, noContract, startLag, months } = timing!;
  const signDay = awardDay + signLag;
  const awardPubDay = awardDay + pubLag;
  const startDay = signDay + startLag;
  const endDay = termEnd(startDay, months);
  const contractPeriod: OcdsPeriod = { startDate: dateOnly(startDay), endDate: dateOnly(endDay) };

  const awards: OcdsAward[] = supplierSets.map((set, k) => {
    const a: OcdsAward = {
      id: `${ocid}-award-${k + 1}`,
      title: lotList ? lotList[k]!.title : title,
      status: "active",
      date: dateOnly(awardDay),
      datePublished: "",
      value: money(shares[k]!, awardCurrency),
      suppliers: set.map((s) => ({ id: s.org.partyId, name: s.org.name })),
      contractPeriod,
    };
    if (lotList) a.relatedLots = [lotList[k]!.id];
    return a;
  });

  // Not published before today: the tender waits, closed, for its award.
  const awardT = pb.at(awardPubDay, HOUR_MINUTES(rng));
  if (awardT === null) return result;
  const awardStamp = stamp(awardT);
  for (const a of awards) {
    a.datePublished = awardStamp;
    a.documents = [doc("award-notice", "awardNotice", "Award notice", `${DOC_BASE}/notices/${ocid}/award`, awardStamp)];
  }
  const firstRelease = pb.releases.length === 0;
  const awardBody = {
    parties: pb.newParties(allSuppliers.map((s) => partyOf(s.org))),
    // The buyer reference (and party) go in the first release; a later award release need not repeat them.
    buyer: firstRelease ? buyerRef : undefined,
    // A direct award without a tender notice publishes its whole tender here.
    tender: hasTenderRelease
      ? tenderUpdate(tender, "complete", numberOfTenderers, "complete")
      : tenderAt(tender, "complete", numberOfTenderers, "complete"),
    awards,
  };
  intent.status = "awarded";
  intent.closed = false;
  intent.awards = awards.map((a, k) => ({
    id: a.id,
    date: a.date,
    valuePence: shares[k]!,
    suppliers: supplierSets[k]!.map((s) => ({ partyId: s.org.partyId, scale: s.org.scale ?? "unknown" })),
  }));
  intent.originalValuePence = awardPence;
  intent.currentValuePence = awardPence;
  intent.currency = awardCurrency;
  intent.awardDate = dateOnly(awardDay);
  intent.startDate = dateOnly(startDay);
  intent.endDate = dateOnly(endDay);

  if (noContract) {
    pb.push(awardT, ["award"], awardBody);
    return result;
  }
  const contracts: OcdsContract[] = [];
  for (let k = 0; k < awards.length; k++) {
    contracts.push({
      id: `${ocid}-contract-${k + 1}`,
      awardID: awards[k]!.id,
      title: awards[k]!.title,
      status: "active",
      dateSigned: dateOnly(signDay),
      period: { startDate: dateOnly(startDay), endDate: dateOnly(endDay) },
      value: money(shares[k]!, awardCurrency),
    });
  }
  const signedDocs = rng.chance(0.25);
  if (signedDocs) {
    for (const c of contracts) {
      c.documents = [doc("contract", "contractSigned", "Redacted contract", `${DOC_BASE}/documents/${ocid}/${c.id}.pdf`, "")];
    }
  }
  let lastContractRelease: string;
  if (combined) {
    if (signedDocs) for (const c of contracts) c.documents![0]!.datePublished = awardStamp;
    lastContractRelease = pb.push(awardT, ["award", "contract"], { ...awardBody, contracts });
  } else {
    pb.push(awardT, ["award"], awardBody);
    // Signed but not yet published: the award stands without a contract.
    const t = pb.at(Math.max(signDay + rng.int(0, 21), awardPubDay), HOUR_MINUTES(rng));
    if (t === null) return result;
    if (signedDocs) for (const c of contracts) c.documents![0]!.datePublished = stamp(t);
    lastContractRelease = pb.push(t, ["contract"], { contracts });
  }
  intent.status = "active";
  intent.contracts = contracts.length;
  intent.dateSigned = dateOnly(signDay);
  const first = contracts[0]!;

  // Amendments of the first contract: raise the value and/or extend the end date.
  let value = shares[0]!;
  let end = endDay;
  if (rng.chance(0.18)) {
    const rc = rng.next();
    const count = rc < 0.6 ? 1 : rc < 0.88 ? 2 : 3;
    let from = Math.max(startDay + 30, pb.lastDay + 1);
    for (let k = 0; k < count; k++) {
      const until = Math.min(end, lastDay);
      if (from >= until) break;
      const day = rng.int(from, Math.min(until, from + Math.max(30, Math.floor((until - from) / (count - k)))));
      const rw = rng.next();
      const what = rw < 0.55 ? "value" : rw < 0.75 ? "extend" : "both";
      const before = value;
      const endBefore = end;
      if (what !== "extend") {
        // Most rises are modest; some exceed 20%, a few 45% or more in one step.
        const rp = rng.next();
        const pct = rp < 0.7 ? 0.03 + 0.15 * rng.next() : rp < 0.92 ? 0.2 + 0.2 * rng.next() : 0.45 + 0.35 * rng.next();
        value = Math.round((value * (1 + pct)) / 100) * 100;
      }
      if (what !== "value") end = termEnd(end + 1, rng.int(3, 12));
      // Published after today: this amendment (and anything later) has not happened yet.
      const t = pb.at(day + rng.int(0, 10), HOUR_MINUTES(rng));
      if (t === null) return result;
      const releaseId = pb.nextId();
      const changes: string[] = [];
      if (value !== before) changes.push(`Value changed from ${(before / 100).toFixed(2)} to ${(value / 100).toFixed(2)} ${awardCurrency}.`);
      if (end !== endBefore) changes.push(`End date changed from ${isoDay(endBefore)} to ${isoDay(end)}.`);
      const amendment: OcdsAmendment = {
        id: `${first.id}-amendment-${k + 1}`,
        date: dateOnly(day),
        rationale: rng.pick(AMENDMENT_RATIONALES),
        description: changes.join(" "),
        amendsReleaseID: lastContractRelease,
        releaseID: releaseId,
      };
      const change: OcdsContractUpdate = { id: first.id, awardID: first.awardID };
      if (value !== before) change.value = money(value, awardCurrency);
      if (end !== endBefore) change.period = { endDate: dateOnly(end) };
      change.amendments = [amendment];
      lastContractRelease = pb.push(t, ["contractAmendment"], { contracts: [change] });
      intent.amendments.push({
        id: amendment.id,
        date: amendment.date,
        rationale: amendment.rationale,
        valueBeforePence: before,
        valueAfterPence: value,
        endDateBefore: dateOnly(endBefore),
        endDateAfter: dateOnly(end),
      });
      intent.currentValuePence = awardPence - shares[0]! + value;
      intent.endDate = dateOnly(end);
      from = day + 30;
    }
  }

  // Early termination of the first contract.
  if (rng.chance(0.035)) {
    const term = end - startDay;
    const lo = Math.max(startDay + Math.floor(term * 0.2), pb.lastDay + 1);
    const hi = Math.min(end - Math.max(1, Math.floor(term * 0.1)), lastDay);
    if (lo < hi) {
      const day = rng.int(lo, hi);
      const t = pb.at(day + rng.int(0, 30), HOUR_MINUTES(rng));
      if (t === null) return result;
      const termination = { date: dateOnly(day), reason: rng.pick(TERMINATION_REASONS) };
      pb.push(t, ["contractTermination"], { contracts: [{ id: first.id, awardID: first.awardID, status: "terminated", x_termination: termination }] });
      intent.status = "terminated";
      intent.termination = termination;
      return result;
    }
  }

  // Some publishers report completion: OCDS status "terminated" at or after the scheduled end (no x_termination).
  if (rng.chance(0.4)) {
    const closeDay = end + rng.int(1, 60);
    if (closeDay <= lastDay) {
      const t = pb.at(closeDay, HOUR_MINUTES(rng));
      if (t !== null) {
        pb.push(t, ["contractTermination"], { contracts: contracts.map((c) => ({ id: c.id, awardID: c.awardID, status: "terminated" as const })) });
        intent.status = "completed";
      }
    }
  }
  return result;
}

// ---------------------------------------------------------------------------

export function generateDemo(opts: GenerateOptions): DemoData {
  const n = Math.floor(opts.contracts);
  if (!Number.isFinite(n) || n < 0) throw new Error("generateDemo: contracts must be a non-negative number");
  if (!(opts.today instanceof Date) || Number.isNaN(opts.today.getTime())) throw new Error("generateDemo: today must be a valid Date");
  const seed = Math.floor(opts.seed ?? 1);
  const todayDay = Math.floor(opts.today.getTime() / DAY_MS);
  if (todayDay < EARLIEST_TODAY) throw new Error(`generateDemo: today must be on or after ${isoDay(EARLIEST_TODAY)} (the data starts in 2019-20)`);
  const span = makeSpan(todayDay);
  const world = buildWorld(n, seed, span);
  const one = (i: number) => {
    const made = generateProcess(world, span, seed, i, todayDay);
    if (made.releases.length === 0) throw new Error(`seeds: process ${i} has no release before today`);
    return made;
  };
  return {
    groups: world.groups,
    buyers: world.buyers.map((b) => b.org),
    suppliers: world.suppliers.map((s) => s.org),
    *processes() {
      for (let i = 0; i < n; i++) yield one(i).releases;
    },
    *processesWithIntent() {
      for (let i = 0; i < n; i++) yield one(i);
    },
  };
}
