import { readFileSync } from "node:fs";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { compileReleases, mapCompiledRelease } from "../app/domain/ocds";
import { CPV_LABELS } from "../app/domain/cpv-labels";
import { BUYER_TYPES, type ContractState, MISSIONS, type OcdsRelease, SENSITIVE_SECTORS } from "../app/domain/types";
import {
  type DemoData,
  type DemoIntent,
  type DemoRelease,
  DEMO_OCID_PREFIX,
  demoFinancialYears,
  demoSizes,
  generateDemo,
  type OcdsAward,
  type OcdsContract,
  type OcdsParty,
  type OcdsPlanning,
  type OcdsTender,
} from "./generate";
import { hashSeed, Rng } from "./random";

const TODAY = new Date("2026-11-23T00:00:00Z");
const TODAY_MS = TODAY.getTime();
const N = 20_000;
const DAY_MS = 86_400_000;

/** Consultancy CPV prefixes and SME scales, as ../shared/docs/metrics.md defines them. */
const CONSULTANCY_PREFIXES = ["794", "7222", "72246", "72266", "732", "71241"];
const SME_SCALES = new Set(["micro", "small", "medium", "sme"]);
const FINANCIAL_YEARS = ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25", "2025-26", "2026-27"];
const THRESHOLD_POUNDS = 139_688;

/** Real firms (the brief's deny-list) and a few real public bodies: whole words, case-insensitive. */
const REAL_FIRMS = [
  "Accenture", "Capgemini", "Deloitte", "IBM", "Microsoft", "Amazon", "Google", "Oracle", "Fujitsu", "CGI", "Atos", "Serco",
  "Capita", "Sopra Steria", "PwC", "KPMG", "EY", "BT", "Computacenter", "Softcat",
];
const REAL_BODIES = [
  "Department for Education", "Ministry of Defence", "Ministry of Justice", "Home Office", "HM Revenue", "Cabinet Office",
  "Department for Work and Pensions", "NHS England", "Crown Commercial Service", "Government Digital Service",
];
const realName = new RegExp(`\\b(${[...REAL_FIRMS, ...REAL_BODIES].map((w) => w.replace(/ /g, "\\s+")).join("|")})\\b`, "i");
/** Markup or character references: generated text must be plain. */
const MARKUP = /<[A-Za-z!/?]|&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i;

const dayOf = (iso: string) => Math.floor(Date.parse(iso) / DAY_MS);
const ms = (iso: string | null | undefined) => (iso === null || iso === undefined ? null : Date.parse(iso));
function fyOf(iso: string): string {
  const y = Number(iso.slice(0, 4));
  const start = Number(iso.slice(5, 7)) >= 4 ? y : y - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, "0")}`;
}
const isConsultancyCpv = (code: string) => CONSULTANCY_PREFIXES.some((p) => code.startsWith(p));

/** A process compiled by the OCDS merge: the whole state, as the register reads it. */
interface Compiled {
  ocid: string;
  date: string;
  parties: OcdsParty[];
  buyer?: { id: string; name: string };
  planning?: OcdsPlanning;
  tender?: OcdsTender;
  awards?: OcdsAward[];
  contracts?: OcdsContract[];
}
const compile = (releases: DemoRelease[]) => compileReleases(releases) as unknown as Compiled;

function firstProcesses(demo: DemoData, count: number): DemoRelease[][] {
  const out: DemoRelease[][] = [];
  for (const releases of demo.processes()) {
    out.push(releases);
    if (out.length >= count) break;
  }
  return out;
}
function fingerprint(seed: number, count = 200, today = TODAY): string {
  const demo = generateDemo({ contracts: N, seed, today });
  return JSON.stringify({ groups: demo.groups, buyers: demo.buyers, suppliers: demo.suppliers, processes: firstProcesses(demo, count) });
}

function strings(value: unknown, out: string[]): void {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) strings(v, out);
}

/** Every date of an event in a compiled process (not contract periods, not tender deadlines). */
function eventDates(c: Compiled): string[] {
  const out: string[] = [];
  for (const d of c.planning?.documents ?? []) out.push(d.datePublished);
  for (const d of c.tender?.documents ?? []) out.push(d.datePublished);
  for (const a of c.awards ?? []) {
    out.push(a.date, a.datePublished);
    for (const d of a.documents ?? []) out.push(d.datePublished);
  }
  for (const k of c.contracts ?? []) {
    out.push(k.dateSigned);
    for (const d of k.documents ?? []) out.push(d.datePublished);
    for (const m of k.amendments ?? []) out.push(m.date);
    if (k.x_termination) out.push(k.x_termination.date);
  }
  return out;
}

interface Summary {
  processes: number;
  releases: number;
  bytes: number;
  problems: string[];
  releaseIds: Set<string>;
  partyNames: Set<string>;
  latestRelease: number;
  latestEvent: number;
  futureContractEnds: number;
  openDeadlines: number[];
  openProcesses: number;
  closedDeadlines: number[];
  awarded: number;
  consultancy: number;
  explicitConsultancy: number;
  contradictions: number;
  withMissions: number;
  withSector: number;
  tenders: number;
  consultancyByFy: Map<string, number>;
  valueByFy: Map<string, number>;
  awardsByFy: Map<string, number>;
  smeByFy: Map<string, [number, number]>;
  smeByBuyer: Map<string, [number, number]>;
  smeValue: number;
  knownValue: number;
  awards: number;
  unsigned: number;
  multiSupplierAwards: number;
  amended: number;
  terminated: number;
  completed: number;
  raisedOver20: number;
  raisedOver50: number;
  lotted: number;
  singleBid: number;
  shortTender: number;
  latePublication: number;
  directWithoutRationale: number;
  methods: Map<string, number>;
  documentTypes: Map<string, number>;
  minAwardPounds: number;
  over100m: number;
  directAwards: Map<string, number[]>;
  /** buyer|supplier → [award day, pounds] of awards below the threshold. */
  belowThreshold: Map<string, [number, number][]>;
  minAwardDay: number;
  maxAwardDay: number;
}

function summarise(demo: DemoData, today: Date): Summary {
  const s: Summary = {
    processes: 0, releases: 0, bytes: 0, problems: [], releaseIds: new Set(), partyNames: new Set(), latestRelease: Number.NEGATIVE_INFINITY,
    latestEvent: Number.NEGATIVE_INFINITY, futureContractEnds: 0, openDeadlines: [], openProcesses: 0, closedDeadlines: [],
    awarded: 0, consultancy: 0, explicitConsultancy: 0, contradictions: 0, withMissions: 0, withSector: 0, tenders: 0,
    consultancyByFy: new Map(), valueByFy: new Map(), awardsByFy: new Map(), smeByFy: new Map(), smeByBuyer: new Map(),
    smeValue: 0, knownValue: 0, awards: 0, unsigned: 0, multiSupplierAwards: 0, amended: 0, terminated: 0, completed: 0, raisedOver20: 0,
    raisedOver50: 0, lotted: 0, singleBid: 0, shortTender: 0, latePublication: 0, directWithoutRationale: 0, methods: new Map(),
    documentTypes: new Map(), minAwardPounds: Number.POSITIVE_INFINITY, over100m: 0, directAwards: new Map(),
    belowThreshold: new Map(), minAwardDay: Number.POSITIVE_INFINITY, maxAwardDay: Number.NEGATIVE_INFINITY,
  };
  const problem = (msg: string) => {
    if (s.problems.length < 20) s.problems.push(msg);
  };
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const todayDay = Math.floor(today.getTime() / DAY_MS);

  for (const releases of demo.processes()) {
    s.processes++;
    const ocid = releases[0]?.ocid ?? "";
    if (!ocid.startsWith(DEMO_OCID_PREFIX)) problem(`ocid ${ocid}`);
    let prev = "";
    const published = new Set<string>();
    releases.forEach((r, i) => {
      s.releases++;
      s.bytes += JSON.stringify(r).length;
      if (r.ocid !== ocid) problem(`${r.id}: ocid differs within a process`);
      if (r.id !== `${ocid}-${i + 1}`) problem(`${r.id}: id is not ${ocid}-${i + 1}`);
      if (s.releaseIds.has(r.id)) problem(`${r.id}: duplicate release id`);
      s.releaseIds.add(r.id);
      if (typeof r.date !== "string" || Number.isNaN(Date.parse(r.date))) problem(`${r.id}: bad date`);
      if (!Array.isArray(r.tag) || r.tag.length === 0) problem(`${r.id}: no tag`);
      if (r.date < prev) problem(`${r.id}: date ${r.date} before ${prev}`);
      prev = r.date;
      s.latestRelease = Math.max(s.latestRelease, Date.parse(r.date));
      // Deltas: the first release names the buyer and carries its party; each party is published once.
      if (i === 0 && !r.parties?.some((p) => p.id === r.buyer?.id && p.roles.includes("buyer"))) problem(`${r.id}: first release without its buyer party`);
      for (const p of r.parties ?? []) {
        if (published.has(p.id)) problem(`${r.id}: party ${p.id} published again`);
        published.add(p.id);
        s.partyNames.add(p.name);
      }
      for (const a of r.awards ?? []) for (const sup of a.suppliers) if (!published.has(sup.id)) problem(`${r.id}: supplier ${sup.id} not among the parties so far`);
      if (r.tag.includes("contractAmendment") || r.tag.includes("contractTermination")) {
        const keys = Object.keys(r).filter((k) => !["ocid", "id", "date", "tag", "initiationType", "contracts"].includes(k));
        if (keys.length > 0) problem(`${r.id}: ${r.tag[0]} repeats ${keys.join(", ")}`);
        if (r.contracts?.some((c) => "title" in c || "dateSigned" in c)) problem(`${r.id}: ${r.tag[0]} repeats the whole contract`);
        if (r.tag.includes("contractAmendment") && r.contracts?.some((c) => c.amendments?.length !== 1)) problem(`${r.id}: amendment release without exactly its new amendment`);
      }
    });
    if (s.processes <= 2000) {
      const text: string[] = [];
      strings(releases, text);
      for (const t of text) if (MARKUP.test(t)) problem(`${ocid}: markup in "${t}"`);
    }

    const c = compile(releases);
    for (const d of eventDates(c)) {
      if (Number.isNaN(Date.parse(d))) problem(`${ocid}: bad event date ${d}`);
      s.latestEvent = Math.max(s.latestEvent, Date.parse(d));
    }
    for (const k of c.contracts ?? []) if (dayOf(k.period.endDate!) >= todayDay) s.futureContractEnds++;
    if (!c.parties.some((p) => p.id === c.buyer?.id && p.roles.includes("buyer"))) problem(`${ocid}: buyer not among parties`);
    const tender = c.tender;
    if (tender) {
      s.tenders++;
      if (tender.x_missions !== undefined) {
        s.withMissions++;
        if (tender.x_missions.length > 2 || tender.x_missions.some((m) => !(m in MISSIONS))) problem(`${ocid}: bad missions`);
      }
      if (tender.x_sensitiveSector !== undefined) {
        s.withSector++;
        if (!(tender.x_sensitiveSector in SENSITIVE_SECTORS)) problem(`${ocid}: bad sector`);
      }
      for (const item of tender.items) {
        const code = item.classification.id;
        if (CPV_LABELS[code] !== item.classification.description) problem(`${ocid}: CPV ${code} label`);
      }
      for (const d of tender.documents ?? []) add(s.documentTypes, d.documentType, 1);
    }
    if (!c.awards) {
      if (tender?.status === "active") {
        const end = tender.tenderPeriod?.endDate;
        if (!end) problem(`${ocid}: active tender without deadline`);
        else if (dayOf(end) >= todayDay) {
          s.openProcesses++;
          s.openDeadlines.push(dayOf(end) - todayDay);
        } else {
          // Closed, awaiting its award.
          s.closedDeadlines.push(dayOf(end) - todayDay);
        }
        if (releases.some((r) => !r.tag.every((t) => t === "planning" || t === "tender"))) problem(`${ocid}: active tender has later releases`);
      }
      continue;
    }

    // Awarded processes.
    s.awarded++;
    if (!tender) {
      problem(`${ocid}: award without tender`);
      continue;
    }
    const method = tender.procurementMethod ?? "none";
    add(s.methods, method, 1);
    const codes = tender.items.map((i) => i.classification.id);
    const byCpv = codes.some(isConsultancyCpv);
    const consultancy = tender.x_consultancy ?? byCpv;
    if (tender.x_consultancy !== undefined) {
      s.explicitConsultancy++;
      if (tender.x_consultancy !== byCpv) s.contradictions++;
    }
    if (consultancy) s.consultancy++;
    if (tender.lots) s.lotted++;
    const competitive = method === "open" || method === "selective";
    if (competitive && tender.numberOfTenderers === 1) s.singleBid++;
    const period = tender.tenderPeriod;
    if (competitive && period?.startDate && period.endDate && dayOf(period.endDate) - dayOf(period.startDate) < 25) s.shortTender++;
    if ((method === "direct" || method === "limited") && !tender.procurementMethodRationale) s.directWithoutRationale++;

    const scaleOf = new Map(c.parties.map((p) => [p.id, p.details.scale]));
    const buyerId = c.buyer?.id ?? "";
    for (const a of c.awards) {
      s.awards++;
      if (a.suppliers.length > 1) s.multiSupplierAwards++;
      const day = dayOf(a.date);
      s.minAwardDay = Math.min(s.minAwardDay, day);
      s.maxAwardDay = Math.max(s.maxAwardDay, day);
      if (a.value.currency !== "GBP") continue;
      const pounds = a.value.amount;
      s.minAwardPounds = Math.min(s.minAwardPounds, pounds);
      if (pounds > 100_000_000) s.over100m++;
      const fy = fyOf(a.date);
      add(s.valueByFy, fy, pounds);
      add(s.awardsByFy, fy, 1);
      if (consultancy) add(s.consultancyByFy, fy, pounds);
      const share = pounds / a.suppliers.length;
      for (const sup of a.suppliers) {
        const scale = scaleOf.get(sup.id);
        if (scale === undefined) continue;
        const sme = SME_SCALES.has(scale) ? share : 0;
        s.knownValue += share;
        s.smeValue += sme;
        const f = s.smeByFy.get(fy) ?? [0, 0];
        s.smeByFy.set(fy, [f[0] + sme, f[1] + share]);
        const b = s.smeByBuyer.get(buyerId) ?? [0, 0];
        s.smeByBuyer.set(buyerId, [b[0] + sme, b[1] + share]);
        const pair = `${buyerId}|${sup.id}`;
        if (method === "direct" || method === "limited") {
          const days = s.directAwards.get(pair) ?? [];
          days.push(day);
          s.directAwards.set(pair, days);
        }
        if (pounds < THRESHOLD_POUNDS) {
          const rows = s.belowThreshold.get(pair) ?? [];
          rows.push([day, pounds]);
          s.belowThreshold.set(pair, rows);
        }
      }
    }

    // Contracts: late publication, amendments, early termination.
    const firstContractRelease = releases.find((r) => r.contracts);
    const contract = c.contracts?.[0];
    const original = firstContractRelease?.contracts?.[0];
    if (!contract) s.unsigned++;
    if (contract && original) {
      const published = Math.min(...c.awards.map((a) => Date.parse(a.datePublished)), Date.parse(firstContractRelease.date));
      if ((published - Date.parse(contract.dateSigned)) / DAY_MS > 30) s.latePublication++;
      if (releases.some((r) => r.tag.includes("contractAmendment"))) {
        s.amended++;
        if (!contract.amendments?.length) problem(`${ocid}: amendment release without amendments`);
        const ratio = contract.value.amount / original.value!.amount;
        if (ratio > 1.2) s.raisedOver20++;
        if (ratio > 1.5) s.raisedOver50++;
      }
      if (contract.status === "terminated" && contract.x_termination) {
        s.terminated++;
        const t = contract.x_termination;
        if (!contract.period.endDate || t.date >= contract.period.endDate) problem(`${ocid}: termination not before the scheduled end`);
      } else if (contract.status === "terminated") {
        s.completed++;
        if (!contract.period.endDate || c.date < contract.period.endDate) problem(`${ocid}: completion reported before the scheduled end`);
      }
    }
  }
  return s;
}

/** The ContractState fields the intent describes, in the intent's terms. */
function observed(state: ContractState, today: Date) {
  const first = state.contracts[0];
  return {
    status: state.status,
    closed: state.status === "open" && state.tender.deadline !== null && Date.parse(state.tender.deadline) < today.getTime(),
    buyerPartyId: state.buyer?.partyId ?? null,
    deadline: ms(state.tender.deadline),
    awards: state.awards.map((a) => ({
      id: a.id,
      date: ms(a.date),
      valuePence: a.valuePence,
      suppliers: a.suppliers.map((x) => ({ partyId: x.party.partyId, scale: x.party.scale ?? "unknown" })),
    })),
    contracts: state.contracts.length,
    originalValuePence: state.originalValuePence,
    currentValuePence: state.currentValuePence,
    currency: state.currency,
    awardDate: ms(state.awardDate),
    dateSigned: ms(state.dateSigned),
    startDate: ms(state.startDate),
    endDate: ms(state.endDate),
    amendments: (first?.amendments ?? []).map((m) => ({
      id: m.id,
      date: ms(m.date),
      rationale: m.rationale,
      valueBeforePence: m.valueBeforePence,
      valueAfterPence: m.valueAfterPence,
      endDateBefore: ms(m.endDateBefore),
      endDateAfter: ms(m.endDateAfter),
    })),
    termination: state.terminatedAt === null ? null : { date: ms(state.terminatedAt), reason: state.terminationReason },
  };
}
const pence = (v: number | null) => (v === null ? null : BigInt(v));
function expected(intent: DemoIntent): ReturnType<typeof observed> {
  return {
    status: intent.status,
    closed: intent.closed,
    buyerPartyId: intent.buyerPartyId,
    deadline: ms(intent.deadline),
    awards: intent.awards.map((a) => ({ id: a.id, date: ms(a.date), valuePence: BigInt(a.valuePence), suppliers: a.suppliers })),
    contracts: intent.contracts,
    originalValuePence: pence(intent.originalValuePence),
    currentValuePence: pence(intent.currentValuePence),
    currency: intent.currency,
    awardDate: ms(intent.awardDate),
    dateSigned: ms(intent.dateSigned),
    startDate: ms(intent.startDate),
    endDate: ms(intent.endDate),
    amendments: intent.amendments.map((m) => ({
      id: m.id,
      date: ms(m.date),
      rationale: m.rationale,
      valueBeforePence: BigInt(m.valueBeforePence),
      valueAfterPence: BigInt(m.valueAfterPence),
      endDateBefore: ms(m.endDateBefore),
      endDateAfter: ms(m.endDateAfter),
    })),
    termination: intent.termination === null ? null : { date: ms(intent.termination.date), reason: intent.termination.reason },
  };
}

/** The same process written the old way: each release repeats the whole state so far. */
function fullStateReleases(releases: DemoRelease[]): OcdsRelease[] {
  return releases.map((r, i) => ({ ...compileReleases(releases.slice(0, i + 1)), id: r.id, date: r.date, tag: r.tag }));
}

describe("generateDemo", () => {
  let demo: DemoData;
  let s: Summary;

  beforeAll(() => {
    demo = generateDemo({ contracts: N, seed: 1, today: TODAY });
    s = summarise(demo, TODAY);
  });

  it("is deterministic: same seed and today give identical output, another seed or today different output", () => {
    const a = fingerprint(7);
    expect(fingerprint(7)).toBe(a);
    expect(fingerprint(8)).not.toBe(a);
    expect(fingerprint(7, 200, new Date("2025-05-01T00:00:00Z"))).not.toBe(a);
    // processes() can be iterated again and gives the same sequence.
    const again = generateDemo({ contracts: N, seed: 7, today: TODAY });
    expect(JSON.stringify(firstProcesses(again, 50))).toBe(JSON.stringify(firstProcesses(again, 50)));
    // processesWithIntent() gives the same releases.
    const withIntent: DemoRelease[][] = [];
    for (const { releases } of again.processesWithIntent()) {
      withIntent.push(releases);
      if (withIntent.length >= 50) break;
    }
    expect(JSON.stringify(withIntent)).toBe(JSON.stringify(firstProcesses(again, 50)));
  });

  it("yields the requested number of processes and sizes the organisations sublinearly", () => {
    expect(s.processes).toBe(N);
    expect(demo.buyers.length).toBe(300);
    expect(demo.suppliers.length).toBe(4_000);
    expect(demoSizes(1_000_000)).toEqual({ buyers: 2_000, suppliers: 60_000 });
    expect(demoSizes(100).buyers).toBeGreaterThanOrEqual(BUYER_TYPES.length);
    const tiny = generateDemo({ contracts: 3, seed: 5, today: TODAY });
    expect([...tiny.processes()]).toHaveLength(3);
    expect(new Set(tiny.buyers.map((b) => b.buyerType))).toEqual(new Set(BUYER_TYPES));
  });

  it("finds names for every organisation at a million contracts, whatever the seed", () => {
    // Seeds that once ran out of names for London arm's-length bodies or Northern Ireland's devolved bodies.
    for (const seed of [2, 4, 9]) {
      const big = generateDemo({ contracts: 1_000_000, seed, today: TODAY });
      expect(big.buyers.length).toBe(2_000);
      expect(new Set(big.buyers.map((b) => b.name)).size).toBe(2_000);
      expect(big.suppliers.length).toBe(60_000);
    }
  });

  it("gives every release an ocid, a unique id, a date and a tag, in date order within a process", () => {
    expect(s.problems).toEqual([]);
    expect(s.releaseIds.size).toBe(s.releases);
    expect(s.releases / s.processes).toBeGreaterThan(2);
  });

  it("dates nothing after today: no release, award, signature, amendment or termination", () => {
    expect(s.latestRelease).toBeLessThanOrEqual(TODAY_MS);
    expect(s.latestEvent).toBeLessThanOrEqual(TODAY_MS);
    // The data runs up to today: the last release is within a few days of it.
    expect(s.latestRelease).toBeGreaterThan(TODAY_MS - 3 * DAY_MS);
    // What is known ahead may lie ahead: contract end dates and open tenders' deadlines.
    expect(s.futureContractEnds).toBeGreaterThan(1000);
    expect(s.openDeadlines.length).toBeGreaterThan(0);
    // A process stopped by today: tenders closed and awaiting their award, awards not yet signed.
    expect(s.closedDeadlines.length).toBeGreaterThan(50);
    for (const d of s.closedDeadlines) expect(d).toBeLessThan(0);
    expect(s.unsigned).toBeGreaterThan(100);
  });

  it("stops before another today too, and covers 2019-20 to that today's financial year", () => {
    const today = new Date("2025-05-01T09:30:00Z");
    expect(demoFinancialYears(today)).toEqual(FINANCIAL_YEARS.slice(0, 7));
    expect(demoFinancialYears(new Date("2025-04-01T00:00:00Z"))).toEqual(FINANCIAL_YEARS.slice(0, 6));
    const other = summarise(generateDemo({ contracts: 3000, seed: 3, today }), today);
    expect(other.problems).toEqual([]);
    expect(other.latestRelease).toBeLessThanOrEqual(today.getTime());
    expect(other.latestEvent).toBeLessThanOrEqual(today.getTime());
    expect([...other.awardsByFy.keys()].sort()).toEqual(demoFinancialYears(today));
    for (const d of other.openDeadlines) {
      expect(d).toBeGreaterThanOrEqual(3);
      expect(d).toBeLessThanOrEqual(90);
    }
    expect(() => generateDemo({ contracts: 10, today: new Date("2021-03-31T00:00:00Z") })).toThrow(/today/);
  });

  it("writes valid OCDS 1.1 releases", () => {
    const schema = JSON.parse(readFileSync(new URL("../../shared/data/ocds-schema/release-schema.json", import.meta.url), "utf8"));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const errors: string[] = [];
    const tags = new Set<string>();
    for (const releases of firstProcesses(demo, 400)) {
      for (const r of releases) {
        for (const t of r.tag) tags.add(t);
        const id = r.id;
        if (!validate(r)) errors.push(`${id}: ${ajv.errorsText(validate.errors)}`);
      }
    }
    expect(errors.slice(0, 5)).toEqual([]);
    // Every kind of release was checked.
    for (const t of ["planning", "tender", "award", "contract", "contractAmendment", "contractTermination", "tenderCancellation"]) expect(tags).toContain(t);
  });

  it("writes light releases: deltas the OCDS merge compiles into the whole process", () => {
    // Each release carries only what it publishes or changes (checked release by release in summarise).
    expect(s.bytes / s.releases).toBeLessThan(1300);
    const sample = firstProcesses(demo, 300);
    const award = sample.flat().find((r) => r.tag.join() === "award" && r.id.endsWith("-2"))!;
    expect(award.parties!.every((p) => p.roles.includes("supplier"))).toBe(true);
    expect(award.tender).toEqual({ id: award.tender!.id, status: "complete", numberOfTenderers: expect.any(Number) });
    const amendment = sample.flat().find((r) => r.tag.includes("contractAmendment"))!;
    expect(Object.keys(amendment).sort()).toEqual(["contracts", "date", "id", "initiationType", "ocid", "tag"]);
  });

  it("compiles and maps to the process the generator intended (first 300, and rarer outcomes from the first 5,000)", () => {
    const byStatus = new Map<string, number>();
    const checked: string[] = [];
    let i = 0;
    for (const { releases, intent } of demo.processesWithIntent()) {
      if (i++ >= 5000) break;
      const key = `${intent.status}${intent.closed ? " (closed)" : ""}${intent.amendments.length > 0 ? " amended" : ""}`;
      if (i > 300 && (byStatus.get(key) ?? 0) >= 25) continue;
      byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
      const state = mapCompiledRelease(compileReleases(releases), releases);
      expect(observed(state, TODAY), intent.ocid).toEqual(expected(intent));
      // Buyer and suppliers as their register entries describe them.
      const buyer = demo.buyers.find((b) => b.partyId === intent.buyerPartyId)!;
      expect(state.buyer?.buyerType).toBe(buyer.buyerType);
      expect(state.buyer?.region).toBe(buyer.region);
      checked.push(intent.ocid);
    }
    expect(checked.length).toBeGreaterThan(300);
    for (const key of ["active", "active amended", "completed", "completed amended", "terminated", "awarded", "open", "open (closed)", "planned", "cancelled", "unsuccessful"]) {
      expect(byStatus.get(key) ?? 0, key).toBeGreaterThan(0);
    }
  });

  it("maps the same as releases that repeat the whole state so far (the style it replaces)", () => {
    for (const releases of firstProcesses(demo, 300)) {
      const full = fullStateReleases(releases);
      const fromFull = mapCompiledRelease(compileReleases(full), full);
      const fromDeltas = mapCompiledRelease(compileReleases(releases), releases);
      expect(fromDeltas, releases[0]!.ocid).toEqual(fromFull);
    }
  });

  it("puts open tenders' deadlines 3 to 90 days after today", () => {
    expect(s.openProcesses / s.processes).toBeGreaterThan(0.02);
    expect(s.openProcesses / s.processes).toBeLessThan(0.04);
    for (const d of s.openDeadlines) {
      expect(d).toBeGreaterThanOrEqual(3);
      expect(d).toBeLessThanOrEqual(90);
    }
  });

  it("never gives two organisations the same key, identifier or name", () => {
    const orgs = [...demo.buyers, ...demo.suppliers];
    expect(new Set(orgs.map((o) => o.key)).size).toBe(orgs.length);
    expect(new Set(orgs.map((o) => o.identifier)).size).toBe(orgs.length);
    expect(new Set(orgs.map((o) => o.partyId)).size).toBe(orgs.length);
    expect(new Set(orgs.map((o) => o.name)).size).toBe(orgs.length);
    expect(new Set(demo.groups.map((g) => g.key)).size).toBe(demo.groups.length);
    for (const o of orgs) expect(o.partyId).toBe(`${o.scheme}-${o.identifier}`);
  });

  it("uses no real company or public body names", () => {
    const names = [...demo.buyers, ...demo.suppliers].map((o) => o.name).concat(demo.groups.map((g) => g.name), [...s.partyNames]);
    const hits = names.filter((n) => realName.test(n));
    expect(hits).toEqual([]);
    // The check itself works.
    expect(realName.test("Quillfern Digital Ltd")).toBe(false);
    expect(realName.test("BT Group plc")).toBe(true);
    expect(realName.test("Sopra  Steria Ltd")).toBe(true);
  });

  it("describes buyers and suppliers as the register reads them", () => {
    expect(new Set(demo.buyers.map((b) => b.buyerType))).toEqual(new Set(BUYER_TYPES));
    for (const b of demo.buyers) {
      expect(b.role).toBe("buyer");
      expect(b.scale).toBeNull();
      expect(b.orgType).toBe("public");
      expect(b.region).not.toBeNull();
    }
    const unknown = demo.suppliers.filter((x) => x.scale === "unknown").length / demo.suppliers.length;
    expect(unknown).toBeGreaterThan(0.06);
    expect(unknown).toBeLessThan(0.14);
    const countries = new Set(demo.suppliers.map((x) => x.countryCode));
    expect([...countries].filter((c) => c !== null && c !== "GB").every((c) => ["US", "IE", "DE", "FR", "IN"].includes(c!))).toBe(true);
    expect(countries.has(null)).toBe(true);
    expect(demo.suppliers.filter((x) => x.countryCode === "GB").length / demo.suppliers.length).toBeGreaterThan(0.95);
    for (const x of demo.suppliers) {
      expect(x.buyerType).toBeNull();
      expect(x.region === null).toBe(x.countryCode !== "GB");
    }
    const groupKeys = new Set(demo.groups.map((g) => g.key));
    const members = demo.suppliers.filter((x) => x.groupKey !== null);
    expect(members.length).toBeGreaterThan(50);
    expect(members.every((x) => groupKeys.has(x.groupKey!))).toBe(true);
    expect(demo.groups.some((g) => g.countryCode !== "GB")).toBe(true);
    for (const t of ["company", "vcse", "cooperative", "public"]) expect(demo.suppliers.some((x) => x.orgType === t)).toBe(true);
  });

  it("publishes each party's details in the releases", () => {
    const byParty = new Map([...demo.buyers, ...demo.suppliers].map((o) => [o.partyId, o]));
    let parties = 0;
    for (const releases of firstProcesses(demo, 500)) {
      for (const p of compile(releases).parties) {
        parties++;
        const org = byParty.get(p.id);
        expect(org, p.id).toBeDefined();
        if (!org) continue;
        expect(p.name).toBe(org.name);
        expect(p.identifier).toEqual({ scheme: org.scheme, id: org.identifier });
        expect(p.roles).toEqual([org.role]);
        expect(p.details.x_organisationType).toBe(org.orgType);
        expect(p.details.vcse).toBe(org.orgType === "vcse");
        expect(p.details.scale ?? "unknown").toBe(org.scale ?? "unknown");
        expect(p.details.x_buyerType ?? null).toBe(org.buyerType);
        expect(p.address?.x_countryCode ?? null).toBe(org.countryCode);
        expect(p.address?.x_itl1 ?? null).toBe(org.region);
        expect(p.address?.postalCode ?? null).toBe(org.postcode);
        expect(p.address?.locality ?? null).toBe(org.locality);
      }
    }
    expect(parties).toBeGreaterThan(1000);
  });

  it("spreads award dates from 2019-20 to today, more in later years, with values from £10k to over £100m", () => {
    expect(s.minAwardDay).toBeGreaterThanOrEqual(Date.UTC(2019, 3, 1) / DAY_MS);
    expect(s.maxAwardDay).toBeLessThan(TODAY_MS / DAY_MS);
    expect(demoFinancialYears(TODAY)).toEqual(FINANCIAL_YEARS);
    expect([...s.awardsByFy.keys()].sort()).toEqual(FINANCIAL_YEARS);
    expect(s.awardsByFy.get("2025-26")!).toBeGreaterThan(1.8 * s.awardsByFy.get("2019-20")!);
    // The current year is partial: 2026-27 from 1 April to today, at a higher rate per day than any earlier year.
    const days2026 = (TODAY_MS - Date.UTC(2026, 3, 1)) / DAY_MS;
    expect(s.awardsByFy.get("2026-27")! / days2026).toBeGreaterThan(s.awardsByFy.get("2024-25")! / 365);
    expect(s.awardsByFy.get("2026-27")!).toBeLessThan(s.awardsByFy.get("2025-26")!);
    expect(s.minAwardPounds).toBeGreaterThanOrEqual(10_000);
    expect(s.over100m).toBeGreaterThanOrEqual(1);
    expect(s.over100m).toBeLessThan(40);
  });

  it("makes consultancy 15-25% of contracts, its share of value peaking in 2023-24 and falling after", () => {
    const share = s.consultancy / s.awarded;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.25);
    const byFy = FINANCIAL_YEARS.map((fy) => (s.consultancyByFy.get(fy) ?? 0) / s.valueByFy.get(fy)!);
    const peak = FINANCIAL_YEARS[byFy.indexOf(Math.max(...byFy))];
    expect(peak).toBe("2023-24");
    const spend = (fy: string) => s.consultancyByFy.get(fy) ?? 0;
    expect(spend("2023-24")).toBeGreaterThan(spend("2022-23"));
    expect(spend("2024-25")).toBeLessThan(spend("2023-24"));
    expect(spend("2025-26")).toBeLessThan(spend("2024-25"));
    // Publishers say yes or no explicitly on about 5%, sometimes against the CPV rule.
    expect(s.explicitConsultancy / s.awarded).toBeGreaterThan(0.03);
    expect(s.explicitConsultancy / s.awarded).toBeLessThan(0.07);
    expect(s.contradictions).toBeGreaterThan(10);
  });

  it("gives SMEs 15-40% of awarded value, varying by year and buyer", () => {
    const share = s.smeValue / s.knownValue;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.4);
    const years = [...s.smeByFy.values()].map(([sme, known]) => sme / known);
    expect(Math.max(...years) - Math.min(...years)).toBeGreaterThan(0.03);
    const buyers = [...s.smeByBuyer.values()].filter(([, known]) => known > 0).map(([sme, known]) => sme / known);
    expect(Math.max(...buyers) - Math.min(...buyers)).toBeGreaterThan(0.3);
  });

  it("includes the patterns the red flags look for", () => {
    for (const m of ["open", "selective", "limited", "direct"]) expect(s.methods.get(m) ?? 0).toBeGreaterThan(0);
    expect(s.singleBid).toBeGreaterThan(100);
    expect(s.shortTender).toBeGreaterThan(100);
    expect(s.latePublication / s.awarded).toBeGreaterThan(0.04);
    expect(s.directWithoutRationale).toBeGreaterThan(50);
    expect(s.amended / s.awarded).toBeGreaterThan(0.12);
    expect(s.amended / s.awarded).toBeLessThan(0.2);
    expect(s.raisedOver20).toBeGreaterThan(50);
    expect(s.raisedOver50).toBeGreaterThan(5);
    expect(s.terminated / s.awarded).toBeGreaterThan(0.02);
    expect(s.terminated / s.awarded).toBeLessThan(0.05);
    // Completion reported by some publishers: status terminated at or after the scheduled end.
    expect(s.completed / s.awarded).toBeGreaterThan(0.1);
    expect(s.multiSupplierAwards / s.awards).toBeGreaterThan(0.05);
    expect(s.multiSupplierAwards / s.awards).toBeLessThan(0.11);
    expect(s.lotted).toBeGreaterThan(20);
    // Repeated direct awards: some buyer gave one supplier more than 3 within 12 months.
    const repeated = [...s.directAwards.values()].some((days) => {
      const sorted = [...days].sort((a, b) => a - b);
      return sorted.some((d, i) => i >= 3 && d - sorted[i - 3]! <= 365);
    });
    expect(repeated).toBe(true);
    // Splits: contracts each below the threshold from one buyer to one supplier within 90 days, summing above it.
    const split = [...s.belowThreshold.values()].some((rows) =>
      rows.some(([d]) => rows.filter(([e]) => e >= d && e - d <= 90).reduce((sum, [, v]) => sum + v, 0) > THRESHOLD_POUNDS),
    );
    expect(split).toBe(true);
  });

  it("tags missions on about 60% of tenders and sensitive sectors on a few, with documents of register types", () => {
    expect(s.withMissions / s.tenders).toBeGreaterThan(0.5);
    expect(s.withMissions / s.tenders).toBeLessThan(0.7);
    expect(s.withSector / s.tenders).toBeGreaterThan(0.01);
    expect(s.withSector / s.tenders).toBeLessThan(0.06);
    expect(s.documentTypes.get("tenderNotice") ?? 0).toBeGreaterThan(0);
    expect(s.documentTypes.get("x_algorithmicTransparencyRecord") ?? 0).toBeGreaterThan(0);
    expect(s.documentTypes.get("x_dataProtectionImpactAssessment") ?? 0).toBeGreaterThan(0);
  });
});

describe("seeded random numbers", () => {
  it("repeats for a seed and differs between seeds", () => {
    const draw = (seed: number) => {
      const r = new Rng(seed);
      return Array.from({ length: 5 }, () => r.u32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(hashSeed(1, 2)).not.toBe(hashSeed(2, 1));
  });

  it("draws uniformly enough", () => {
    const r = new Rng(hashSeed(99));
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[Math.floor(r.next() * 10)]++;
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
    for (let i = 0; i < 1000; i++) {
      const v = r.int(3, 5);
      expect(v === 3 || v === 4 || v === 5).toBe(true);
    }
  });
});
