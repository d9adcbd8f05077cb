/**
 * Fixtures for the red-flag tests: complete, valid `ContractState` values with
 * overrides. Defaults describe an unremarkable contract that raises no flag:
 * an open procedure with 3 bids, a 45-day tender, £100,000 unchanged, published
 * 5 days after signature, running to its end date.
 */
import type {
  AmendmentState,
  AwardState,
  AwardSupplierState,
  ContractItemState,
  ContractState,
  PartyInfo,
  TenderState,
} from "../types";
import type { PeerAward } from "./types";

export function makeParty(overrides: Partial<PartyInfo> = {}): PartyInfo {
  return {
    partyId: "GB-COH-01234567",
    name: "Example Digital Ltd",
    scheme: "GB-COH",
    identifier: "01234567",
    scale: "small",
    orgType: "company",
    buyerType: null,
    countryCode: "GB",
    region: "TLI",
    postcode: "SW1A 1AA",
    ...overrides,
  };
}

export function makeBuyer(overrides: Partial<PartyInfo> = {}): PartyInfo {
  return makeParty({
    partyId: "GB-GOR-D1",
    name: "Department for Examples",
    scheme: "GB-GOR",
    identifier: "D1",
    scale: null,
    orgType: "public",
    buyerType: "central",
    ...overrides,
  });
}

export function makeTender(overrides: Partial<TenderState> = {}): TenderState {
  return {
    id: "tender-1",
    status: "complete",
    valuePence: 10_000_000n,
    currency: "GBP",
    publishedAt: "2024-01-01T00:00:00Z",
    startDate: "2024-01-01T00:00:00Z",
    deadline: "2024-02-15T12:00:00Z",
    suitableSme: true,
    suitableVcse: false,
    numberOfTenderers: 3,
    submissionUrl: null,
    lots: [],
    ...overrides,
  };
}

export function makeSupplier(overrides: Partial<PartyInfo> = {}, valuePence: bigint | null = null): AwardSupplierState {
  return { party: makeParty(overrides), valuePence };
}

export function makeAward(overrides: Partial<AwardState> = {}): AwardState {
  return {
    id: "award-1",
    title: "Digital service support",
    status: "active",
    date: "2024-03-01T00:00:00Z",
    datePublished: "2024-03-15T00:00:00Z",
    valuePence: 10_000_000n,
    currency: "GBP",
    suppliers: [makeSupplier()],
    ...overrides,
  };
}

export function makeAmendment(overrides: Partial<AmendmentState> = {}): AmendmentState {
  return {
    id: "amendment-1",
    date: "2024-09-01T00:00:00Z",
    rationale: "Additional work",
    valueBeforePence: null,
    valueAfterPence: null,
    endDateBefore: null,
    endDateAfter: null,
    ...overrides,
  };
}

export function makeContractItem(overrides: Partial<ContractItemState> = {}): ContractItemState {
  return {
    id: "contract-1",
    awardId: "award-1",
    title: "Digital service support",
    status: "active",
    dateSigned: "2024-03-10T00:00:00Z",
    startDate: "2024-04-01T00:00:00Z",
    endDate: "2026-03-31T00:00:00Z",
    valuePence: 10_000_000n,
    currency: "GBP",
    originalValuePence: 10_000_000n,
    amendments: [],
    ...overrides,
  };
}

export function makeContract(overrides: Partial<ContractState> = {}): ContractState {
  return {
    ocid: "ocds-test-000001",
    title: "Digital service support",
    description: "Support for a public digital service.",
    buyer: makeBuyer(),
    status: "active",
    procurementMethod: "open",
    procurementMethodDetails: "Open procedure",
    procurementMethodRationale: null,
    mainCategory: "services",
    cpv: "72000000",
    cpvCodes: [{ code: "72000000", label: "IT services" }],
    tender: makeTender(),
    awards: [makeAward()],
    contracts: [makeContractItem()],
    documents: [],
    awardDate: "2024-03-01T00:00:00Z",
    dateSigned: "2024-03-10T00:00:00Z",
    startDate: "2024-04-01T00:00:00Z",
    endDate: "2026-03-31T00:00:00Z",
    originalValuePence: 10_000_000n,
    currentValuePence: 10_000_000n,
    currency: "GBP",
    awardPublishedAt: "2024-03-15T00:00:00Z",
    terminatedAt: null,
    terminationReason: null,
    consultancyExplicit: null,
    missions: [],
    sensitiveSectorExplicit: null,
    releaseCount: 3,
    firstReleaseDate: "2024-01-01T00:00:00Z",
    lastReleaseDate: "2024-03-15T00:00:00Z",
    ...overrides,
  };
}

/** A peer row between the default buyer and supplier (keys as `peerAwardsFromContract` makes them). */
export function makePeer(overrides: Partial<PeerAward> = {}): PeerAward {
  return {
    ocid: "ocds-test-peer",
    buyerKey: "GB-GOR-D1",
    supplierKey: "GB-COH-01234567",
    date: "2024-03-01T00:00:00Z",
    valuePence: 10_000_000n,
    nonCompetitive: true,
    ...overrides,
  };
}

/** ISO date-time (midnight UTC) `days` after `from` (a YYYY-MM-DD date). */
export function addDays(from: string, days: number): string {
  return new Date(Date.parse(`${from}T00:00:00Z`) + days * 86_400_000).toISOString();
}
