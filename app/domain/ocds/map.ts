/**
 * Read a compiled release into the register's terms (`ContractState`).
 *
 * The compiled release gives the current state; the releases themselves (put
 * in date order here) give what depends on history: the original value, the
 * value and end date before and after each amendment, when an award, a tender
 * or a termination was first published, and the release dates and count.
 *
 * Real data is read as it is (../shared/data/real/*): awards inside releases
 * tagged `tender`; Contracts Finder's `sme`/`vco` and `x_awardValue` on
 * parties; `details.scale`/`details.vcse`; `tender.suitability` and the old
 * `tender.xClassifications`; `value.amount` null beside `minValue`; empty
 * identifiers; HTML entities; nulls and numbers where strings are expected;
 * releases without `id`; lots. Nothing here throws on odd input: a field that
 * cannot be read is null.
 */
import { normaliseScale, scaleFromSmeFlag } from "../metrics/scale";
import { penceFromAmount } from "../money";
import { itl1FromPostcode } from "../postcode-regions";
import {
  BUYER_TYPES,
  type AmendmentState,
  type AwardState,
  type AwardSupplierState,
  type BuyerType,
  type ContractItemState,
  type ContractState,
  type CpvCode,
  type DocumentState,
  ITL1_REGIONS,
  type Itl1,
  type LotState,
  MISSIONS,
  type Mission,
  type OcdsRelease,
  ORG_TYPES,
  type OrgType,
  type PartyInfo,
  type ProcurementMethod,
  type RegisterStatus,
  SENSITIVE_SECTORS,
  type TenderState,
} from "../types";
import { type CompiledRelease, mergeObject, sortReleases } from "./compile";
import { parseSourceDate } from "./dates";
import { asArray, asBoolean, asCount, asObject, getPath, idText, isObject, type JsonObject, objectsOf } from "./json";
import { cleanText, normaliseName } from "./text";

// ---------------------------------------------------------------------------
// Small readers

interface Money {
  pence: bigint | null;
  currency: string | null;
}

/** An OCDS Value object: amount in pence (penceFromAmount) and its currency (3 letters, upper case). */
function readValue(v: unknown): Money {
  const o = asObject(v);
  if (!o) return { pence: null, currency: null };
  const pence = penceFromAmount(o.amount);
  const cur = cleanText(o.currency)?.toUpperCase() ?? null;
  return { pence, currency: cur !== null && /^[A-Z]{3}$/.test(cur) ? cur : null };
}

/** Sum of the values given, in the currency of the first one; values in another currency are left out. */
function sumMoney(items: readonly Money[]): Money | null {
  const priced = items.filter((m) => m.pence !== null);
  if (priced.length === 0) return null;
  const currency = priced.find((m) => m.currency !== null)?.currency ?? null;
  let total = 0n;
  for (const m of priced) {
    if (m.pence !== null && (m.currency === null || currency === null || m.currency === currency)) total += m.pence;
  }
  return { pence: total, currency };
}

const date = parseSourceDate;

function lowerStatus(v: unknown): string | null {
  return cleanText(v)?.toLowerCase() ?? null;
}

function tagsOf(release: JsonObject): string[] {
  return asArray(release.tag).filter((t): t is string => typeof t === "string");
}

function earliest(dates: readonly (string | null)[]): string | null {
  let best: string | null = null;
  for (const d of dates) if (d !== null && (best === null || d < best)) best = d;
  return best;
}

function latest(dates: readonly (string | null)[]): string | null {
  let best: string | null = null;
  for (const d of dates) if (d !== null && (best === null || d > best)) best = d;
  return best;
}

/** Keys for array items: the id as text, else the position (1-based) with a prefix. */
function itemKey(item: JsonObject, index: number, prefix: string): string {
  return idText(item.id) ?? `${prefix}-${index + 1}`;
}

// ---------------------------------------------------------------------------
// Parties

const GB_NAMES = [
  "united kingdom",
  "uk",
  "u k",
  "gb",
  "gbr",
  "great britain",
  "britain",
  "united kingdom of great britain and northern ireland",
  "england",
  "eng",
  "scotland",
  "sct",
  "wales",
  "cymru",
  "wls",
  "northern ireland",
  "nir",
];

/** Country names and codes seen in UK notices → ISO 3166-1 alpha-2. */
const COUNTRY_CODES: ReadonlyMap<string, string> = new Map<string, string>([
  ...GB_NAMES.map((n): [string, string] => [n, "GB"]),
  ["ireland", "IE"], ["republic of ireland", "IE"], ["eire", "IE"], ["ie", "IE"], ["irl", "IE"],
  ["isle of man", "IM"], ["im", "IM"], ["jersey", "JE"], ["je", "JE"], ["guernsey", "GG"], ["gg", "GG"],
  ["france", "FR"], ["fr", "FR"], ["germany", "DE"], ["de", "DE"], ["netherlands", "NL"], ["the netherlands", "NL"],
  ["holland", "NL"], ["nl", "NL"], ["belgium", "BE"], ["be", "BE"], ["luxembourg", "LU"], ["lu", "LU"],
  ["spain", "ES"], ["es", "ES"], ["portugal", "PT"], ["pt", "PT"], ["italy", "IT"], ["it", "IT"],
  ["denmark", "DK"], ["dk", "DK"], ["sweden", "SE"], ["se", "SE"], ["norway", "NO"], ["no", "NO"],
  ["finland", "FI"], ["fi", "FI"], ["poland", "PL"], ["pl", "PL"], ["austria", "AT"], ["at", "AT"],
  ["switzerland", "CH"], ["ch", "CH"], ["united states", "US"], ["united states of america", "US"], ["usa", "US"],
  ["us", "US"], ["canada", "CA"], ["ca", "CA"], ["india", "IN"], ["in", "IN"], ["australia", "AU"], ["au", "AU"],
]);

/**
 * ISO 3166-1 alpha-2 code of a published country name or code: the UK and its
 * nations (United Kingdom, UK, England, Scotland, Wales, Northern Ireland,
 * Great Britain, ENG …) → "GB", a handful of other common countries; anything
 * else, including empty text and English counties, → null. Never assumes GB.
 */
export function countryCodeFromName(name: unknown): string | null {
  const text = cleanText(name);
  if (text === null) return null;
  const key = text
    .toLowerCase()
    .replace(/[.]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return COUNTRY_CODES.get(key) ?? null;
}

function countryCode(address: JsonObject | undefined): string | null {
  if (!address) return null;
  const explicit = cleanText(address.x_countryCode)?.toUpperCase() ?? null;
  if (explicit !== null && /^[A-Z]{2}$/.test(explicit)) return explicit === "UK" ? "GB" : explicit;
  return countryCodeFromName(address.countryName);
}

function isKeyOf<T extends object>(table: T, v: unknown): v is keyof T {
  return typeof v === "string" && Object.hasOwn(table, v);
}

function oneOf<T extends string>(list: readonly T[], v: unknown): T | null {
  const s = cleanText(v);
  return s !== null && (list as readonly string[]).includes(s) ? (s as T) : null;
}

/** Party ids that are org-ids (`GB-COH-01234567`, `GB-CFS-58603`): scheme and identifier. */
const ORG_ID = /^([A-Z]{2}-[A-Z0-9]{2,10})-([A-Za-z0-9][A-Za-z0-9./-]*)$/;

/**
 * A party (or an organisation reference, when no party matches it) as the
 * register reads it:
 * - name: `name`, else `identifier.legalName`, else the reference's name
 *   (entities decoded); "" when none is published;
 * - scheme/identifier: `identifier.scheme`/`.id`, each null when empty; when
 *   both are empty and the party id is itself an org-id (Contracts Finder's
 *   `GB-COH-01234567`, `GB-CFS-58603`), read from the party id;
 * - scale: `details.scale` (micro, small, medium, sme, large; selfEmployed =
 *   micro), else Contracts Finder's `sme` (true → sme, false → large);
 * - orgType: `details.x_organisationType`, else "vcse" when `details.vcse`
 *   or Contracts Finder's `vco` is true; otherwise null (false says nothing
 *   about what the organisation is);
 * - buyerType: `details.x_buyerType`;
 * - country: `address.x_countryCode`, else from `address.countryName`;
 * - region: `address.x_itl1` when it is an ITL1 code (TLC…TLN); else, when
 *   the country is the UK or not given, the region of `address.postalCode`
 *   (app/domain/postcode-regions.ts: a whole UK postcode, or an outward code
 *   alone when the country is the UK); else null, never a guess;
 * - postcode: `address.postalCode` as published.
 */
export function mapParty(party: JsonObject, reference?: JsonObject): PartyInfo {
  const identifier = asObject(party.identifier);
  const details = asObject(party.details);
  const address = asObject(party.address);
  const partyId = idText(party.id) ?? idText(reference?.id) ?? "";

  let scheme = cleanText(identifier?.scheme);
  let id = idText(identifier?.id);
  if (scheme === null && id === null) {
    const m = ORG_ID.exec(partyId);
    if (m?.[1] !== undefined && m[2] !== undefined) {
      scheme = m[1];
      id = m[2];
    }
  }

  let orgType: OrgType | null = oneOf(ORG_TYPES, details?.x_organisationType);
  if (orgType === null && (details?.vcse === true || party.vco === true)) orgType = "vcse";
  const buyerType: BuyerType | null = oneOf(BUYER_TYPES, details?.x_buyerType);
  const itl1 = cleanText(address?.x_itl1)?.toUpperCase();
  const country = countryCode(address);
  const postcode = cleanText(address?.postalCode);
  const region: Itl1 | null = isKeyOf(ITL1_REGIONS, itl1)
    ? itl1
    : country === null || country === "GB"
      ? itl1FromPostcode(postcode, { outwardOnly: country === "GB" })
      : null;

  return {
    partyId,
    name: cleanText(party.name) ?? cleanText(identifier?.legalName) ?? cleanText(reference?.name) ?? "",
    scheme,
    identifier: id,
    scale: normaliseScale(details?.scale) ?? scaleFromSmeFlag(party.sme),
    orgType,
    buyerType,
    countryCode: country,
    region,
    postcode,
  };
}

function hasRole(party: JsonObject, role: string): boolean {
  return asArray(party.roles).includes(role);
}

/**
 * The party an organisation reference points at: same id (compared as text);
 * among several (ids repeat in real data) the one with the same name, then one
 * with the role. A reference without id is matched by name among parties with
 * the role. Undefined when nothing matches.
 */
function resolveParty(parties: readonly JsonObject[], ref: JsonObject, role: string): JsonObject | undefined {
  const id = idText(ref.id);
  const refName = cleanText(ref.name);
  const sameName = (p: JsonObject) => {
    const n = cleanText(p.name);
    return refName !== null && n !== null && normaliseName(n) === normaliseName(refName);
  };
  if (id === null) return refName === null ? undefined : parties.find((p) => hasRole(p, role) && sameName(p));
  const candidates = parties.filter((p) => idText(p.id) === id);
  if (candidates.length <= 1) return candidates[0];
  return candidates.find(sameName) ?? candidates.find((p) => hasRole(p, role)) ?? candidates[0];
}

function mapBuyer(compiled: JsonObject, parties: readonly JsonObject[]): PartyInfo | null {
  const ref = asObject(compiled.buyer);
  if (ref) {
    const party = resolveParty(parties, ref, "buyer");
    if (party) return mapParty(party, ref);
    if (idText(ref.id) !== null || cleanText(ref.name) !== null) return mapParty(ref);
  }
  const byRole = parties.find((p) => hasRole(p, "buyer"));
  return byRole ? mapParty(byRole) : null;
}

// ---------------------------------------------------------------------------
// History: the state after each release, in date order

interface ContractSnapshot {
  value: Money;
  endDate: string | null;
  status: string | null;
}

interface Step {
  release: JsonObject;
  /** The release date in UTC (null when unreadable). */
  date: string | null;
  tags: string[];
  contracts: Map<string, ContractSnapshot>;
  awards: Map<string, Money>;
}

interface GatheredAmendment {
  contractKey: string;
  data: JsonObject;
  firstStep: number;
}

function amendmentKey(a: JsonObject, index: number): string {
  const id = idText(a.id);
  if (id !== null) return `id:${id}`;
  const d = cleanText(a.date) ?? "";
  const r = cleanText(a.rationale) ?? cleanText(a.description) ?? "";
  return d === "" && r === "" ? `pos:${index}` : `dr:${d}|${r}`;
}

function buildHistory(sorted: readonly JsonObject[]): { steps: Step[]; amendments: GatheredAmendment[] } {
  const acc: JsonObject = {};
  const steps: Step[] = [];
  const gathered = new Map<string, GatheredAmendment>();
  sorted.forEach((release, i) => {
    mergeObject(acc, release);
    const contracts = new Map<string, ContractSnapshot>();
    objectsOf(acc.contracts).forEach((c, j) => {
      contracts.set(itemKey(c, j, "contract"), {
        value: readValue(c.value),
        endDate: date(getPath(c, "period", "endDate")),
        status: lowerStatus(c.status),
      });
    });
    const awards = new Map<string, Money>();
    objectsOf(acc.awards).forEach((a, k) => {
      awards.set(itemKey(a, k, "award"), readValue(a.value));
    });
    // Amendments as each release gives them (publishers may repeat earlier
    // ones or give only the new one; id-less arrays replace on merge).
    objectsOf(release.contracts).forEach((c, j) => {
      const contractKey = itemKey(c, j, "contract");
      objectsOf(c.amendments).forEach((a, k) => {
        const key = `${contractKey}\u0000${amendmentKey(a, k)}`;
        const seen = gathered.get(key);
        if (seen) mergeObject(seen.data, a);
        else gathered.set(key, { contractKey, data: mergeObject({}, a), firstStep: i });
      });
    });
    steps.push({ release, date: date(release.date), tags: tagsOf(release), contracts, awards });
  });
  return { steps, amendments: [...gathered.values()] };
}

function firstStepWhere(steps: readonly Step[], test: (s: Step) => boolean): Step | undefined {
  return steps.find(test);
}

// ---------------------------------------------------------------------------
// Contracts and amendments

interface ContractExtra {
  item: ContractItemState;
  /** Status terminated: when (x_termination.date, else the first release showing it). */
  terminatedAt: string | null;
  terminationReason: string | null;
  /** Ended early: explicit x_termination, or terminated before its scheduled end (or with none). */
  terminatedEarly: boolean;
}

function mapContracts(compiled: JsonObject, steps: readonly Step[], gathered: readonly GatheredAmendment[]): ContractExtra[] {
  const releaseIndexById = new Map<string, number>();
  steps.forEach((s, i) => {
    const id = idText(s.release.id);
    if (id !== null && !releaseIndexById.has(id)) releaseIndexById.set(id, i);
  });

  return objectsOf(compiled.contracts).map((c, j) => {
    const key = itemKey(c, j, "contract");
    const value = readValue(c.value);
    const snapAt = (i: number | undefined): ContractSnapshot | undefined =>
      i === undefined || i < 0 ? undefined : steps[i]?.contracts.get(key);

    const firstPriced = firstStepWhere(steps, (s) => (s.contracts.get(key)?.value.pence ?? null) !== null);
    const originalValuePence = firstPriced?.contracts.get(key)?.value.pence ?? value.pence;

    const amendments: AmendmentState[] = [];
    const attributed = new Set<number>();
    for (const g of gathered) {
      if (g.contractKey !== key) continue;
      const a = g.data;
      const after = releaseIndexById.get(idText(a.releaseID) ?? "") ?? g.firstStep;
      const before = releaseIndexById.get(idText(a.amendsReleaseID) ?? "") ?? after - 1;
      attributed.add(after);
      const b = snapAt(before);
      const f = snapAt(after);
      amendments.push({
        id: idText(a.id),
        date: date(a.date) ?? steps[after]?.date ?? null,
        rationale: cleanText(a.rationale) ?? cleanText(a.description),
        valueBeforePence: b?.value.pence ?? null,
        valueAfterPence: f?.value.pence ?? null,
        endDateBefore: b?.endDate ?? null,
        endDateAfter: f?.endDate ?? null,
      });
    }
    // A contractAmendment release that changed the value or end date without
    // an amendments entry is an amendment too.
    steps.forEach((s, i) => {
      if (i === 0 || attributed.has(i) || !s.tags.includes("contractAmendment")) return;
      const prev = snapAt(i - 1);
      const cur = snapAt(i);
      if (!prev || !cur) return;
      if (prev.value.pence === cur.value.pence && prev.endDate === cur.endDate) return;
      amendments.push({
        id: null,
        date: s.date,
        rationale: null,
        valueBeforePence: prev.value.pence,
        valueAfterPence: cur.value.pence,
        endDateBefore: prev.endDate,
        endDateAfter: cur.endDate,
      });
    });
    amendments.sort((x, y) => (x.date === y.date ? 0 : x.date === null ? 1 : y.date === null ? -1 : x.date < y.date ? -1 : 1));

    const status = lowerStatus(c.status);
    const endDate = date(getPath(c, "period", "endDate"));
    const termination = asObject(c.x_termination);
    let terminatedAt: string | null = null;
    let terminatedEarly = false;
    if (status === "terminated") {
      const firstTerminated = firstStepWhere(steps, (s) => s.contracts.get(key)?.status === "terminated");
      terminatedAt = date(termination?.date) ?? firstTerminated?.date ?? date(compiled.date);
      terminatedEarly = termination !== undefined || endDate === null || terminatedAt === null || terminatedAt < endDate;
    }

    const item: ContractItemState = {
      id: key,
      awardId: idText(c.awardID),
      title: cleanText(c.title),
      status,
      dateSigned: date(c.dateSigned),
      startDate: date(getPath(c, "period", "startDate")),
      endDate,
      valuePence: value.pence,
      currency: value.currency,
      originalValuePence,
      amendments,
    };
    return { item, terminatedAt, terminationReason: cleanText(termination?.reason), terminatedEarly };
  });
}

// ---------------------------------------------------------------------------
// Awards

function mapAwards(compiled: JsonObject, parties: readonly JsonObject[]): AwardState[] {
  return objectsOf(compiled.awards).map((a, k) => {
    const value = readValue(a.value);
    const suppliers: AwardSupplierState[] = objectsOf(a.suppliers).map((ref) => {
      const party = resolveParty(parties, ref, "supplier");
      // Contracts Finder: x_awardValue on the supplier party is that supplier's share when its amount is given.
      const own = party ? penceFromAmount(getPath(party, "x_awardValue", "amount")) : null;
      return { party: party ? mapParty(party, ref) : mapParty(ref), valuePence: own };
    });
    return {
      id: itemKey(a, k, "award"),
      title: cleanText(a.title),
      status: lowerStatus(a.status),
      date: date(a.date),
      datePublished: date(a.datePublished),
      valuePence: value.pence,
      currency: value.currency,
      suppliers,
    };
  });
}

// ---------------------------------------------------------------------------
// Tender, classification, documents

const TENDER_TAGS = ["tender", "tenderAmendment", "tenderUpdate"];

function firstUrl(v: unknown): string | null {
  const text = cleanText(v);
  if (text === null) return null;
  return /https?:\/\/[^\s<>"']+/i.exec(text)?.[0] ?? null;
}

/**
 * The tender as the register reads it. Its value is `tender.value`, else (old
 * Contracts Finder) a non-zero `tender.minValue`, else — a planning notice has
 * no tender value yet — the planning budget (`planning.budget.amount`) as the
 * estimate.
 */
function mapTender(tender: JsonObject, steps: readonly Step[], planning?: JsonObject): TenderState {
  let value = readValue(tender.value);
  if (value.pence === null) {
    // Old Contracts Finder: amount null, the estimate in minValue (0 there means "not given").
    const min = readValue(tender.minValue);
    if (min.pence !== null && min.pence > 0n) value = min;
  }
  if (value.pence === null) {
    const budget = readValue(getPath(planning ?? {}, "budget", "amount"));
    if (budget.pence !== null && budget.pence > 0n) value = budget;
  }
  const tenderRelease = firstStepWhere(steps, (s) => isObject(s.release.tender) && s.tags.some((t) => TENDER_TAGS.includes(t)));
  const noticeUrl = objectsOf(tender.documents)
    .filter((d) => cleanText(d.documentType) === "tenderNotice")
    .map((d) => firstUrl(d.url))
    .find((u) => u !== null);
  const lots: LotState[] = objectsOf(tender.lots).map((lot, i) => ({
    id: itemKey(lot, i, "lot"),
    title: cleanText(lot.title),
    description: cleanText(lot.description),
    valuePence: readValue(lot.value).pence,
    status: lowerStatus(lot.status),
  }));
  return {
    id: idText(tender.id),
    status: lowerStatus(tender.status),
    valuePence: value.pence,
    currency: value.currency,
    publishedAt: date(tender.datePublished) ?? tenderRelease?.date ?? null,
    startDate: date(getPath(tender, "tenderPeriod", "startDate")),
    deadline: date(getPath(tender, "tenderPeriod", "endDate")),
    suitableSme: asBoolean(getPath(tender, "suitability", "sme")) ?? asBoolean(getPath(tender, "xClassifications", "isSuitableForSme")),
    suitableVcse:
      asBoolean(getPath(tender, "suitability", "vcse")) ?? asBoolean(getPath(tender, "xClassifications", "isSuitableForVco")),
    numberOfTenderers: asCount(tender.numberOfTenderers),
    submissionUrl: firstUrl(tender.submissionMethodDetails) ?? noticeUrl ?? null,
    lots,
  };
}

/**
 * CPV codes in the order: tender.classification, tender items (classification
 * then additional), tender.additionalClassifications, award items, contract
 * items. Scheme CPV only; the code is the 8 digits (a "-N" check digit is
 * dropped); each code once, labelled with the first description given.
 */
function collectCpv(compiled: JsonObject): CpvCode[] {
  const out: CpvCode[] = [];
  const add = (cls: unknown) => {
    const o = asObject(cls);
    if (!o || cleanText(o.scheme)?.toUpperCase() !== "CPV") return;
    const m = /^(\d{8})(?:-\d)?$/.exec((idText(o.id) ?? "").replace(/\s+/g, ""));
    const code = m?.[1];
    if (code === undefined) return;
    const label = cleanText(o.description);
    const seen = out.find((c) => c.code === code);
    if (!seen) out.push({ code, label });
    else if (seen.label === null && label !== null) seen.label = label;
  };
  const addItems = (items: unknown) => {
    for (const item of objectsOf(items)) {
      add(item.classification);
      for (const extra of asArray(item.additionalClassifications)) add(extra);
    }
  };
  const tender = asObject(compiled.tender);
  add(tender?.classification);
  addItems(tender?.items);
  for (const extra of asArray(tender?.additionalClassifications)) add(extra);
  for (const award of objectsOf(compiled.awards)) addItems(award.items);
  for (const contract of objectsOf(compiled.contracts)) addItems(contract.items);
  return out;
}

function collectDocuments(compiled: JsonObject): DocumentState[] {
  const lists: unknown[] = [
    getPath(compiled, "planning", "documents"),
    getPath(compiled, "tender", "documents"),
    ...objectsOf(compiled.awards).map((a) => a.documents),
    ...objectsOf(compiled.contracts).map((c) => c.documents),
  ];
  const out: DocumentState[] = [];
  const seen = new Set<string>();
  for (const list of lists) {
    for (const d of objectsOf(list)) {
      const doc: DocumentState = {
        id: idText(d.id) ?? String(out.length + 1),
        documentType: cleanText(d.documentType),
        title: cleanText(d.title) ?? cleanText(d.description),
        url: cleanText(d.url),
        datePublished: date(d.datePublished),
      };
      const key = `${doc.id}\u0000${doc.url ?? ""}\u0000${doc.title ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(doc);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Register status

export interface StatusInputs {
  tenderStatus: string | null;
  hasTender: boolean;
  awards: readonly { status: string | null; supplierCount: number }[];
  contracts: readonly { status: string | null; terminatedEarly: boolean; dateSigned: string | null }[];
}

/**
 * The register status of a contracting process, first rule that applies:
 *
 * Contracts (the furthest stage published):
 *  1. a contract terminated early (status `terminated` with an explicit
 *     `x_termination`, or closed before its scheduled end date, or with no
 *     end date) → "terminated";
 *  2. a contract `active` (or without status but signed) → "active";
 *  3. a contract `terminated` at or after its scheduled end → "completed"
 *     (OCDS `terminated` also covers successful completion);
 *  4. a contract `pending` (or without status and unsigned) → "awarded";
 *     contracts all `cancelled` fall through to the awards and tender.
 * Awards:
 *  5. an award `active` or `pending`, or any other award that is neither
 *     `cancelled` nor `unsuccessful` and names a supplier (Contracts Finder
 *     publishes `planned` awards with suppliers) → "awarded".
 * Tender:
 *  6. `cancelled` or `withdrawn` → "cancelled"; `unsuccessful` → "unsuccessful";
 *  7. `active` → "open" (open vs closed is decided at query time by comparing
 *     the deadline with now, so the mapping never reads the clock);
 *  8. `planning` or `planned` → "planned";
 *  9. `complete` with no award in force → from the awards below, else "closed".
 * Leftovers:
 * 10. awards all `cancelled` → "cancelled"; otherwise all `cancelled` or
 *     `unsuccessful` → "unsuccessful"; contracts all cancelled → "cancelled";
 * 11. a tender without status → "open"; nothing at all → "planned".
 */
export function deriveRegisterStatus(input: StatusInputs): RegisterStatus {
  const contracts = input.contracts;
  if (contracts.some((c) => c.status === "terminated" && c.terminatedEarly)) return "terminated";
  if (contracts.some((c) => c.status === "active" || (c.status === null && c.dateSigned !== null))) return "active";
  if (contracts.some((c) => c.status === "terminated")) return "completed";
  if (contracts.some((c) => c.status !== "cancelled")) return "awarded";

  const awards = input.awards;
  const awardLive = (a: StatusInputs["awards"][number]) =>
    a.status === "active" ||
    a.status === "pending" ||
    (a.status !== "cancelled" && a.status !== "unsuccessful" && a.supplierCount > 0);
  if (awards.some(awardLive)) return "awarded";

  const fromAwards = (): RegisterStatus | null => {
    if (awards.length > 0 && awards.every((a) => a.status === "cancelled")) return "cancelled";
    if (awards.length > 0 && awards.every((a) => a.status === "cancelled" || a.status === "unsuccessful")) return "unsuccessful";
    if (contracts.length > 0) return "cancelled";
    return null;
  };

  switch (input.tenderStatus) {
    case "cancelled":
    case "withdrawn":
      return "cancelled";
    case "unsuccessful":
      return "unsuccessful";
    case "active":
      return "open";
    case "planning":
    case "planned":
      return "planned";
    case "complete":
      return fromAwards() ?? "closed";
    default:
      return fromAwards() ?? (input.hasTender ? "open" : "planned");
  }
}

// ---------------------------------------------------------------------------
// The mapping

const PROCUREMENT_METHODS: readonly ProcurementMethod[] = ["open", "selective", "limited", "direct"];
const DEAD_AWARD = new Set(["cancelled", "unsuccessful"]);

/**
 * The current state of one contracting process in the register's terms.
 * `releases` are the releases the compiled release was made from, in any
 * order (they are sorted by date here); when empty, the compiled release
 * stands in for them.
 *
 * Values: a process's current value is the sum of its contracts' values
 * (contracts not cancelled) or, without contract values, the sum of its
 * awards' values (awards neither cancelled nor unsuccessful); the original
 * value is the same sum over the first value each contract (else award) was
 * published with. Values in a currency other than the first one met are left
 * out of a sum.
 */
export function mapCompiledRelease(compiled: CompiledRelease, releases: readonly OcdsRelease[]): ContractState {
  const sorted: JsonObject[] = releases.length > 0 ? sortReleases(releases) : [compiled];
  const { steps, amendments } = buildHistory(sorted);
  const parties = objectsOf(compiled.parties);
  const tenderObj = asObject(compiled.tender);
  const tender = mapTender(tenderObj ?? {}, steps, asObject(compiled.planning));

  const awards = mapAwards(compiled, parties);
  const contractExtras = mapContracts(compiled, steps, amendments);
  const contracts = contractExtras.map((c) => c.item);

  const liveAwards = awards.filter((a) => a.status === null || !DEAD_AWARD.has(a.status));
  const liveContracts = contracts.filter((c) => c.status !== "cancelled");

  // Values
  const awardOriginal = (a: AwardState): Money => {
    const first = firstStepWhere(steps, (s) => (s.awards.get(a.id)?.pence ?? null) !== null)?.awards.get(a.id);
    return first ?? { pence: a.valuePence, currency: a.currency };
  };
  const contractCurrent = sumMoney(liveContracts.map((c) => ({ pence: c.valuePence, currency: c.currency })));
  const current = contractCurrent ?? sumMoney(liveAwards.map((a) => ({ pence: a.valuePence, currency: a.currency })));
  const original =
    contractCurrent !== null
      ? sumMoney(liveContracts.map((c) => ({ pence: c.originalValuePence, currency: c.currency })))
      : sumMoney(liveAwards.map(awardOriginal));

  // Dates
  const dateSigned = earliest(liveContracts.map((c) => c.dateSigned));
  const awardDate = earliest(liveAwards.map((a) => a.date)) ?? dateSigned;
  const periods = (list: readonly JsonObject[], path: string[]) => list.map((o) => asObject(getPath(o, ...path)) ?? {});
  const liveContractObjs = objectsOf(compiled.contracts).filter((c) => lowerStatus(c.status) !== "cancelled");
  const liveAwardObjs = objectsOf(compiled.awards).filter((a) => {
    const s = lowerStatus(a.status);
    return s === null || !DEAD_AWARD.has(s);
  });
  let periodList = periods(liveContractObjs, ["period"]);
  if (!periodList.some((p) => p.startDate || p.endDate)) periodList = periods(liveAwardObjs, ["contractPeriod"]);
  if (!periodList.some((p) => p.startDate || p.endDate)) periodList = tenderObj ? periods([tenderObj], ["contractPeriod"]) : [];
  const startDate = earliest(periodList.map((p) => date(p.startDate)));
  const endDate = latest(periodList.map((p) => date(p.endDate)));

  const firstSeen = (map: "awards" | "contracts", key: string) =>
    firstStepWhere(steps, (s) => (map === "awards" ? s.awards.has(key) : s.contracts.has(key)))?.date ?? null;
  // When the contract was first made public (late publication measures the
  // signature against it): each contract's own publication date, else the
  // date of the first release carrying it; the earliest of the process's
  // contracts. Only a process with no contract release falls back to the
  // award's publication (its datePublished, else the first release carrying it).
  const contractDatePublished = new Map(objectsOf(compiled.contracts).map((c, j) => [itemKey(c, j, "contract"), date(c.datePublished)]));
  const awardPublishedAt =
    contracts.length > 0
      ? earliest(contracts.map((c) => contractDatePublished.get(c.id) ?? firstSeen("contracts", c.id)))
      : earliest(awards.map((a) => a.datePublished ?? firstSeen("awards", a.id)));

  const early = contractExtras.filter((c) => c.item.status === "terminated" && c.terminatedEarly);
  const firstEnded = early.reduce<ContractExtra | undefined>(
    (best, c) => (best === undefined || (c.terminatedAt !== null && (best.terminatedAt === null || c.terminatedAt < best.terminatedAt)) ? c : best),
    undefined,
  );

  const status = deriveRegisterStatus({
    tenderStatus: tender.status,
    hasTender: tenderObj !== undefined,
    awards: awards.map((a) => ({ status: a.status, supplierCount: a.suppliers.length })),
    contracts: contractExtras.map((c) => ({ status: c.item.status, terminatedEarly: c.terminatedEarly, dateSigned: c.item.dateSigned })),
  });

  const cpvCodes = collectCpv(compiled);
  const method = lowerStatus(tenderObj?.procurementMethod);
  const missions: Mission[] = [];
  for (const m of asArray(tenderObj?.x_missions)) if (isKeyOf(MISSIONS, m) && !missions.includes(m)) missions.push(m);
  const sector = tenderObj?.x_sensitiveSector;
  const stepDates = steps.map((s) => s.date ?? (typeof s.release.date === "string" ? s.release.date : ""));

  return {
    ocid: compiled.ocid,
    title:
      cleanText(tenderObj?.title) ??
      awards.find((a) => a.title !== null)?.title ??
      contracts.find((c) => c.title !== null)?.title ??
      compiled.ocid,
    description:
      cleanText(tenderObj?.description) ??
      objectsOf(compiled.awards).map((a) => cleanText(a.description)).find((d) => d !== null) ??
      objectsOf(compiled.contracts).map((c) => cleanText(c.description)).find((d) => d !== null) ??
      null,
    buyer: mapBuyer(compiled, parties),
    status,
    procurementMethod: PROCUREMENT_METHODS.find((m) => m === method) ?? null,
    procurementMethodDetails: cleanText(tenderObj?.procurementMethodDetails),
    procurementMethodRationale: cleanText(tenderObj?.procurementMethodRationale),
    mainCategory: cleanText(tenderObj?.mainProcurementCategory),
    cpv: cpvCodes[0]?.code ?? null,
    cpvCodes,
    tender,
    awards,
    contracts,
    documents: collectDocuments(compiled),
    awardDate,
    dateSigned,
    startDate,
    endDate,
    originalValuePence: original?.pence ?? null,
    currentValuePence: current?.pence ?? null,
    currency: current?.currency ?? original?.currency ?? null,
    awardPublishedAt,
    terminatedAt: firstEnded?.terminatedAt ?? null,
    terminationReason: firstEnded?.terminationReason ?? null,
    consultancyExplicit: asBoolean(tenderObj?.x_consultancy),
    missions,
    sensitiveSectorExplicit: isKeyOf(SENSITIVE_SECTORS, sector) ? sector : null,
    releaseCount: releases.length,
    firstReleaseDate: stepDates[0] ?? date(compiled.date) ?? compiled.date,
    lastReleaseDate: stepDates[stepDates.length - 1] ?? date(compiled.date) ?? compiled.date,
  };
}
