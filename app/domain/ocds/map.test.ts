import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ContractState, type OcdsRelease, REGISTER_STATUSES } from "../types";
import { compileReleases } from "./compile";
import { countryCodeFromName, deriveRegisterStatus, mapCompiledRelease, mapParty, type StatusInputs } from "./map";

// ---------------------------------------------------------------------------
// Real data (../shared/data/real), read independently of the code under test

const REAL = new URL("../../../../shared/data/real/", import.meta.url);
const FOLDERS = ["contracts-finder", "cf-2022-search-pages", "cf-2025-03-releases", "pcs-scotland-2019", "cf-2015-ocp-sample"] as const;
type Folder = (typeof FOLDERS)[number];

type Raw = Record<string, unknown>;
interface RawRelease extends Raw {
  ocid: string;
  id?: string;
  date: string;
  tag: string[];
}

const obj = (v: unknown): Raw => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Raw) : {});
const list = (v: unknown): Raw[] => (Array.isArray(v) ? v.map(obj) : []);

/** Every release of a folder, as published (release packages or bare releases). */
function loadReleases(folder: Folder): RawRelease[] {
  const dir = new URL(`${folder}/`, REAL);
  const out: RawRelease[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith(".json")) continue;
    const json = JSON.parse(readFileSync(new URL(file, dir), "utf8")) as Raw;
    const releases = Array.isArray(json.releases) ? json.releases : [json];
    for (const r of releases) out.push(r as RawRelease);
  }
  return out;
}

/** Releases grouped by ocid; releases without id (PCS Scotland) get one, as the importer does. */
function groupByOcid(releases: readonly RawRelease[]): Map<string, OcdsRelease[]> {
  const groups = new Map<string, OcdsRelease[]>();
  releases.forEach((r, i) => {
    const withId: OcdsRelease = { ...r, id: typeof r.id === "string" ? r.id : `${r.ocid}-${i}` };
    groups.set(r.ocid, [...(groups.get(r.ocid) ?? []), withId]);
  });
  return groups;
}

const RAW = new Map<Folder, RawRelease[]>(FOLDERS.map((f) => [f, loadReleases(f)]));
const raw = (f: Folder): RawRelease[] => RAW.get(f) ?? [];

function mapFolder(folder: Folder): Map<string, ContractState> {
  const out = new Map<string, ContractState>();
  for (const [ocid, releases] of groupByOcid(raw(folder))) out.set(ocid, mapCompiledRelease(compileReleases(releases), releases));
  return out;
}

const STATES = new Map<Folder, Map<string, ContractState>>(FOLDERS.map((f) => [f, mapFolder(f)]));
const states = (f: Folder): ContractState[] => [...(STATES.get(f)?.values() ?? [])];
const stateOf = (f: Folder, ocid: string): ContractState => {
  const s = STATES.get(f)?.get(ocid);
  if (!s) throw new Error(`no process ${ocid} in ${f}`);
  return s;
};

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ENTITY = /&(#\d+|#x[0-9a-f]+|[a-z]+);/i;

function* dateFields(s: ContractState): Generator<string | null> {
  yield s.awardDate;
  yield s.dateSigned;
  yield s.startDate;
  yield s.endDate;
  yield s.awardPublishedAt;
  yield s.terminatedAt;
  yield s.firstReleaseDate;
  yield s.lastReleaseDate;
  yield s.tender.publishedAt;
  yield s.tender.startDate;
  yield s.tender.deadline;
  for (const a of s.awards) {
    yield a.date;
    yield a.datePublished;
  }
  for (const d of s.documents) yield d.datePublished;
}

describe.each(FOLDERS)("mapping every real process in %s", (folder) => {
  const rels = raw(folder);
  const mapped = states(folder);

  it("maps every process without throwing, one state per ocid, counting every release", () => {
    expect(rels.length).toBeGreaterThan(0);
    expect(mapped.length).toBe(new Set(rels.map((r) => r.ocid)).size);
    expect(mapped.reduce((n, s) => n + s.releaseCount, 0)).toBe(rels.length);
  });

  it("gives well-formed values: register statuses, UTC dates, 8-digit CPV codes, decoded names, no empty identifiers", () => {
    for (const s of mapped) {
      expect(REGISTER_STATUSES).toContain(s.status);
      expect(s.title.length).toBeGreaterThan(0);
      for (const d of dateFields(s)) if (d !== null) expect(d).toMatch(ISO_UTC);
      expect(s.firstReleaseDate <= s.lastReleaseDate).toBe(true);
      const codes = s.cpvCodes.map((c) => c.code);
      for (const c of codes) expect(c).toMatch(/^\d{8}$/);
      expect(new Set(codes).size).toBe(codes.length);
      expect(s.cpv).toBe(codes[0] ?? null);
      const parties = [...(s.buyer ? [s.buyer] : []), ...s.awards.flatMap((a) => a.suppliers.map((x) => x.party))];
      for (const p of parties) {
        expect(p.name).not.toMatch(ENTITY);
        expect(p.scheme).not.toBe("");
        expect(p.identifier).not.toBe("");
      }
      if (s.procurementMethod !== null) expect(["open", "selective", "limited", "direct"]).toContain(s.procurementMethod);
    }
  });

  it("keeps every process with a supplier on an award as having one (count from the raw JSON)", () => {
    const expected = new Set(
      rels.filter((r) => list(r.awards).some((a) => list(a.suppliers).length > 0)).map((r) => r.ocid),
    ).size;
    const actual = mapped.filter((s) => s.awards.some((a) => a.suppliers.length > 0)).length;
    expect(actual).toBe(expected);
  });
});

describe("real data: the raw JSON has what the checks above look for", () => {
  it("names with HTML entities exist in the raw data", () => {
    const names = FOLDERS.flatMap((f) => raw(f).flatMap((r) => list(r.parties).map((p) => p.name)));
    expect(names.filter((n) => typeof n === "string" && ENTITY.test(n)).length).toBeGreaterThan(0);
  });
});

describe("real Contracts Finder data, 2017–2020 (sme/vco on parties)", () => {
  const rels = raw("contracts-finder");
  const mapped = states("contracts-finder");

  /** Supplier references with the raw party they point at (one release per ocid in this folder). */
  const refs = rels.flatMap((r) =>
    list(r.awards).flatMap((a) => list(a.suppliers).map((ref) => list(r.parties).find((p) => String(p.id) === String(ref.id)) ?? {})),
  );
  const suppliers = mapped.flatMap((s) => s.awards.flatMap((a) => a.suppliers));

  it("reads Contracts Finder's sme flag: false → large, true → sme (counts from the raw JSON)", () => {
    const smeFalse = refs.filter((p) => p.sme === false).length;
    const smeTrue = refs.filter((p) => p.sme === true).length;
    expect(smeFalse).toBeGreaterThan(0);
    expect(smeTrue).toBeGreaterThan(0);
    expect(suppliers.filter((x) => x.party.scale === "large").length).toBe(smeFalse);
    expect(suppliers.filter((x) => x.party.scale === "sme").length).toBe(smeTrue);
  });

  it("reads vco: true as a VCSE organisation (count from the raw JSON)", () => {
    const vco = refs.filter((p) => p.vco === true).length;
    expect(vco).toBeGreaterThan(0);
    expect(suppliers.filter((x) => x.party.orgType === "vcse").length).toBe(vco);
  });

  it("takes x_awardValue as a supplier's own value only when its amount is given (count from the raw JSON)", () => {
    const given = refs.filter((p) => obj(p.x_awardValue).amount !== null && obj(p.x_awardValue).amount !== undefined).length;
    expect(given).toBeGreaterThan(0);
    expect(suppliers.filter((x) => x.valuePence !== null).length).toBe(given);
  });

  it("Telford & Wrekin Council: decoded buyer name, UK → GB, sme:false → large, value in pence, CPV", () => {
    const s = stateOf("contracts-finder", "ocds-b5fd17raw-598246e0-8510-4b65-9f27-e27706f3a57a");
    expect(s.buyer?.name).toBe("Telford & Wrekin Council");
    expect(s.buyer?.countryCode).toBe("GB");
    expect(s.buyer?.postcode).toBe("TF3 4JA");
    expect(s.title).toBe("Professional Consultancy Services");
    expect(s.status).toBe("awarded");
    expect(s.awards).toHaveLength(1);
    expect(s.awards[0]?.valuePence).toBe(13_950_000_000n);
    expect(s.currentValuePence).toBe(13_950_000_000n);
    expect(s.originalValuePence).toBe(13_950_000_000n);
    expect(s.currency).toBe("GBP");
    expect(s.awards[0]?.suppliers.map((x) => x.party.name)).toContain("Waterman Infrastructure & Environment Ltd");
    expect(s.awards[0]?.suppliers).toHaveLength(9);
    expect(s.awards[0]?.suppliers.every((x) => x.party.scale === "large")).toBe(true);
    // supplier addresses have countryName "" → unknown, never assumed GB
    expect(s.awards[0]?.suppliers.every((x) => x.party.countryCode === null)).toBe(true);
    expect(s.cpvCodes).toEqual([{ code: "71530000", label: "Construction consultancy services" }]);
    expect(s.awardDate).toBe("2020-04-21T00:00:00.000Z");
  });

  it("BFI: tender value, suitability from xClassifications, entities in text, per-supplier values absent", () => {
    const s = stateOf("contracts-finder", "ocds-b5fd17raw-0054a4e6-0715-42c6-9109-e219fe9d3289");
    expect(s.tender.valuePence).toBe(75_500_000n);
    expect(s.tender.numberOfTenderers).toBe(2);
    expect(s.tender.suitableSme).toBe(true);
    expect(s.tender.suitableVcse).toBe(false);
    expect(s.tender.publishedAt).toBe("2019-07-05T00:00:00.000Z");
    expect(s.tender.deadline).toBe("2019-09-13T00:00:00.000Z");
    expect(s.description).toContain("umbrella brand 'UK FILM' under which UK's national");
    expect(s.description).toContain("tech and café)");
    expect(s.procurementMethod).toBeNull();
    expect(s.procurementMethodDetails).toBe("Open procedure");
    expect(s.procurementMethodRationale).toBeNull();
    expect(s.awards[0]?.valuePence).toBe(9_352_700n);
    expect(s.awards[0]?.suppliers.map((x) => [x.party.name, x.party.partyId, x.party.scale, x.party.scheme, x.valuePence])).toEqual([
      ["PETER DISPLAYS LTD T/A LIMELIGHT", "1", "large", null, null],
      ["Premier", "2", "large", null, null],
    ]);
    expect(s.cpvCodes.map((c) => c.code)).toEqual(["79952000", "79952100"]);
    expect(s.startDate).toBe("2019-12-09T00:00:00.000Z");
    expect(s.endDate).toBe("2020-12-08T00:00:00.000Z");
  });

  it("a split award: each supplier's published x_awardValue, scales and decoded names", () => {
    const s = stateOf("contracts-finder", "ocds-b5fd17raw-02d2b5b1-e148-4965-92bc-d72dd5f3f6f2");
    expect(s.awards[0]?.valuePence).toBe(580_627_600n);
    expect(s.awards[0]?.suppliers.map((x) => [x.party.name, x.party.scale, x.valuePence])).toEqual([
      ["Making Space", "large", 53_740_000n],
      ["Caring Together Charity", "sme", 362_400_000n],
      ["Centre Thirty Three Young People's Counselling and Informat", "sme", 164_487_600n],
    ]);
  });

  it("a VCSE that is not an SME (sme:false, vco:true)", () => {
    const s = stateOf("contracts-finder", "ocds-b5fd17raw-008e7376-6d53-4e59-892b-8abf09a0470e");
    const oaklea = s.awards.flatMap((a) => a.suppliers).find((x) => x.party.name === "The Oaklea Trust");
    expect(oaklea?.party.scale).toBe("large");
    expect(oaklea?.party.orgType).toBe("vcse");
  });
});

describe("real Contracts Finder search pages, October 2022 (several releases per process)", () => {
  it("Oakheart: awardUpdate raised the value; original 1,350, current 4,050; dates with +01:00 in UTC", () => {
    const s = stateOf("cf-2022-search-pages", "ocds-b5fd17-9acd68ad-792b-4018-834f-ae3b047c8a7d");
    expect(s.releaseCount).toBe(2);
    expect(s.originalValuePence).toBe(135_000n);
    expect(s.currentValuePence).toBe(405_000n);
    expect(s.firstReleaseDate).toBe("2022-10-20T08:12:34.000Z");
    expect(s.lastReleaseDate).toBe("2022-10-20T08:27:24.000Z");
    expect(s.awardPublishedAt).toBe("2022-10-20T08:12:34.000Z");
    expect(s.awardDate).toBe("2022-10-04T23:00:00.000Z");
    expect(s.endDate).toBe("2023-04-30T22:59:59.000Z");
    expect(s.buyer?.name).toBe("UK RESEARCH & INNOVATION");
    const supplier = s.awards[0]?.suppliers[0]?.party;
    expect([supplier?.name, supplier?.scale, supplier?.scheme, supplier?.identifier]).toEqual([
      "OAKHEART SERVICES LTD.",
      "sme",
      "GB-COH",
      "09438364",
    ]);
    // only award releases: no tender publication date
    expect(s.tender.publishedAt).toBeNull();
  });

  it("TfGM: an award published with status 'planned' and four suppliers is awarded", () => {
    const s = stateOf("cf-2022-search-pages", "ocds-b5fd17-192a0c83-3f76-4b96-a3e6-1d3cb789473a");
    expect(s.status).toBe("awarded");
    expect(s.awards[0]?.status).toBe("planned");
    expect(s.awards[0]?.date).toBe("2022-09-06T23:00:00.000Z");
    expect(s.awards[0]?.datePublished).toBe("2022-10-18T19:32:40.000Z");
    expect(s.awards[0]?.suppliers.map((x) => x.party.scale)).toEqual(["large", "large", "large", "large"]);
    expect(s.tender.suitableSme).toBe(true);
    expect(s.tender.suitableVcse).toBe(false);
    expect(s.cpv).toBe("60100000");
    expect(s.cpvCodes[0]).toEqual({ code: "60100000", label: "Road transport services" });
  });

  it("reads details.scale of every supplier (counts from the raw JSON, processes with one release)", () => {
    for (const folder of ["cf-2022-search-pages", "cf-2025-03-releases"] as const) {
      const groups = groupByOcid(raw(folder));
      const expected: Record<string, number> = {};
      const actual: Record<string, number> = {};
      for (const [ocid, rs] of groups) {
        if (rs.length !== 1) continue;
        const r = rs[0] as Raw;
        for (const a of list(r.awards)) {
          const ids = new Set(list(a.suppliers).map((x) => String(x.id))); // OCDS: one id, one organisation
          for (const id of ids) {
            const scale = obj(list(r.parties).find((p) => String(p.id) === id)?.details).scale;
            const key = typeof scale === "string" ? scale : "none";
            expected[key] = (expected[key] ?? 0) + 1;
          }
        }
        for (const a of stateOf(folder, ocid).awards) {
          for (const x of a.suppliers) actual[x.party.scale ?? "none"] = (actual[x.party.scale ?? "none"] ?? 0) + 1;
        }
      }
      expect(expected.large).toBeGreaterThan(0);
      expect(expected.sme).toBeGreaterThan(0);
      expect(actual).toEqual(expected);
    }
  });

  it("reads tender.suitability from the latest release that gives it (counts from the raw JSON)", () => {
    for (const folder of ["cf-2022-search-pages", "cf-2025-03-releases"] as const) {
      let expectedSme = 0;
      let expectedVcse = 0;
      for (const rs of groupByOcid(raw(folder)).values()) {
        const withSuitability = [...rs]
          .sort((a, b) => Date.parse(a.date) - Date.parse(b.date))
          .filter((r) => obj(obj(r.tender).suitability).sme !== undefined);
        const last = obj(obj(withSuitability.at(-1)?.tender).suitability);
        if (last.sme === true) expectedSme++;
        if (last.vcse === true) expectedVcse++;
      }
      expect(expectedSme).toBeGreaterThan(0);
      expect(states(folder).filter((s) => s.tender.suitableSme === true).length).toBe(expectedSme);
      expect(states(folder).filter((s) => s.tender.suitableVcse === true).length).toBe(expectedVcse);
    }
  });

  it("sums award values per process from the latest release of each award (computed from the raw JSON)", () => {
    for (const folder of ["cf-2022-search-pages", "cf-2025-03-releases"] as const) {
      let expected = 0n;
      for (const rs of groupByOcid(raw(folder)).values()) {
        const latestValue = new Map<string, unknown>();
        for (const r of [...rs].sort((a, b) => Date.parse(a.date) - Date.parse(b.date))) {
          for (const a of list(r.awards)) if (obj(a.value).amount !== undefined) latestValue.set(String(a.id), obj(a.value).amount);
        }
        for (const amount of latestValue.values()) {
          if (typeof amount === "number") expected += BigInt(Math.round(amount * 100));
        }
      }
      const actual = states(folder).reduce((sum, s) => sum + (s.currentValuePence ?? 0n), 0n);
      expect(expected).toBeGreaterThan(0n);
      expect(actual).toBe(expected);
    }
  });
});

describe("real Contracts Finder releases, March 2025", () => {
  it("PwC: a later awardUpdate corrected the value; original and current differ", () => {
    const s = stateOf("cf-2025-03-releases", "ocds-b5fd17-09a309a3-8541-48b9-91c4-411c52e5bd34");
    expect(s.releaseCount).toBe(2);
    expect(s.originalValuePence).toBe(1_093_200_000n);
    expect(s.currentValuePence).toBe(10_932_000n);
  });

  it("the award naming one company twice under one party id lists it once", () => {
    const s = stateOf("cf-2025-03-releases", "ocds-b5fd17-8d84c691-fc64-4f64-b240-443a0af1ba82");
    const names = s.awards.flatMap((a) => a.suppliers.map((x) => x.party.name));
    expect(names.filter((n) => n.startsWith("DENNIS EAGLE"))).toEqual(["DENNIS EAGLE LIMITED"]);
  });
});

describe("real Public Contracts Scotland releases, 2019 (no release id, lots)", () => {
  const rels = raw("pcs-scotland-2019");
  const mapped = states("pcs-scotland-2019");

  it("the raw releases have no id, and compiling and mapping them as they are does not throw", () => {
    expect(rels.every((r) => r.id === undefined)).toBe(true);
    for (const r of rels) {
      const asPublished = [r as unknown as OcdsRelease];
      const s = mapCompiledRelease(compileReleases(asPublished), asPublished);
      expect(s).toEqual(stateOf("pcs-scotland-2019", r.ocid));
    }
  });

  it("maps every lot (count from the raw JSON) and reads tender status active as open", () => {
    const lots = rels.reduce((n, r) => n + list(obj(r.tender).lots).length, 0);
    expect(lots).toBeGreaterThan(0);
    expect(mapped.reduce((n, s) => n + s.tender.lots.length, 0)).toBe(lots);
    const active = rels.filter((r) => obj(r.tender).status === "active").length;
    expect(mapped.filter((s) => s.status === "open").length).toBe(active);
  });

  it("does not assume GB when no country is published (count from the raw JSON)", () => {
    const buyersWithoutCountry = rels.filter((r) => {
      const buyerId = obj(r.buyer).id;
      const party = list(r.parties).find((p) => p.id === buyerId);
      const country = obj(party?.address).countryName;
      return typeof country !== "string" || country.trim() === "";
    }).length;
    expect(buyersWithoutCountry).toBeGreaterThan(0);
    expect(mapped.filter((s) => s.buyer?.countryCode === null).length).toBe(buyersWithoutCountry);
  });

  it("Scotland Excel security services: lots, CPV from items' additional classifications, submission URL", () => {
    const s = stateOf("pcs-scotland-2019", "ocds-r6ebe6-0000530300");
    expect(s.buyer?.name).toBe("Scotland Excel");
    expect(s.buyer?.partyId).toBe("org-7");
    expect(s.buyer?.scheme).toBeNull();
    expect(s.buyer?.postcode).toBe("PA1 1AR");
    expect(s.status).toBe("open");
    expect(s.procurementMethod).toBe("selective");
    expect(s.tender.valuePence).toBe(5_000_000_000n);
    expect(s.tender.deadline).toBe("2019-05-28T12:00:00.000Z");
    expect(s.tender.lots.map((l) => [l.id, l.title, l.status])).toEqual([
      ["1", "Guarding and Key Holding", "active"],
      ["2", "Event Stewarding and Taxi Marshalling", "active"],
      ["3", "Guarding, Key Holding, Event Stewarding and Taxi Marshalling", "active"],
      ["4", "Cash Collection", "active"],
    ]);
    expect(s.cpvCodes.map((c) => c.code).sort()).toEqual(["79710000", "79713000", "79715000", "79952000"]);
    expect(s.tender.submissionUrl).toBe(
      "https://www.publictendersscotland.publiccontractsscotland.gov.uk/esop/pts-host/public/pts/web/login.html",
    );
    expect(s.awards).toEqual([]);
  });
});

describe("real Contracts Finder data, 2014–2015 (old format)", () => {
  const rels = raw("cf-2015-ocp-sample");
  const mapped = states("cf-2015-ocp-sample");

  it("maps tender status unsuccessful and active (counts from the raw JSON)", () => {
    const unsuccessful = rels.filter((r) => obj(r.tender).status === "unsuccessful").length;
    const active = rels.filter((r) => obj(r.tender).status === "active").length;
    expect(unsuccessful + active).toBe(rels.length);
    expect(mapped.filter((s) => s.status === "unsuccessful").length).toBe(unsuccessful);
    expect(mapped.filter((s) => s.status === "open").length).toBe(active);
  });

  it("takes the tender estimate from minValue when value.amount is null (computed from the raw JSON)", () => {
    for (const r of rels) {
      const amount = obj(obj(r.tender).minValue).amount;
      const expected = typeof amount === "number" && amount > 0 ? BigInt(Math.round(amount * 100)) : null;
      expect(stateOf("cf-2015-ocp-sample", r.ocid).tender.valuePence).toBe(expected);
    }
    expect(mapped.some((s) => s.tender.valuePence !== null)).toBe(true);
  });

  it("Met Office: buyer as a full organisation object, empty identifier → null, trimmed title", () => {
    const s = stateOf("cf-2015-ocp-sample", "ocds-b5fd17-2c330cf9-adc8-11e6-9901-0019b9f3037b");
    expect(s.title).toBe("Climate Science for Service Partnership (CSSP): Calls for Expressions of Interest");
    expect(s.buyer).toMatchObject({ name: "Met Office", scheme: null, identifier: null, countryCode: null, postcode: null });
    expect(s.tender.valuePence).toBe(4_067_600n);
    expect(s.tender.suitableSme).toBe(false);
    expect(s.tender.suitableVcse).toBe(false);
    expect(s.tender.submissionUrl).toBeNull();
    expect(s.cpvCodes).toEqual([{ code: "73000000", label: "Research and development services and related consultancy services" }]);
    expect(s.status).toBe("unsuccessful");
    expect(s.currentValuePence).toBeNull();
  });
});

// ---------------------------------------------------------------------------
// Worked examples

const OCID = "ocds-test-1";

function release(id: string, date: string, tag: string[], body: Record<string, unknown>): OcdsRelease {
  return { ocid: OCID, id, date, tag, ...body };
}

const buyerParty = {
  id: "B1",
  name: "Department for Testing",
  roles: ["buyer"],
  identifier: { scheme: "GB-GOR", id: "D1" },
  address: { countryName: "England", x_itl1: "TLI", postalCode: "SW1A 2AA" },
  details: { x_buyerType: "central" },
};

const lifecycle: OcdsRelease[] = [
  release("r1", "2024-01-10T09:00:00Z", ["tender"], {
    buyer: { id: "B1", name: "DfT" },
    parties: [buyerParty],
    tender: {
      id: "T1",
      title: "Cloud hosting",
      status: "active",
      procurementMethod: "open",
      value: { amount: 100000, currency: "GBP" },
      tenderPeriod: { startDate: "2024-01-10T09:00:00Z", endDate: "2024-02-01T12:00:00Z" },
      classification: { scheme: "CPV", id: "72415000-2", description: "World wide web (www) site operation host services" },
      items: [{ id: 1, classification: { scheme: "CPV", id: "72415000" } }, { id: 2, classification: { scheme: "CPVS", id: "FA01-1" } }],
      x_consultancy: false,
      x_missions: ["growth", "bogus", "nhs", "growth"],
      x_sensitiveSector: "health",
    },
  }),
  release("r2", "2024-03-01T09:00:00Z", ["award"], {
    tender: { status: "complete" },
    parties: [
      {
        id: "S1",
        name: "Acme Cloud Ltd",
        roles: ["supplier"],
        identifier: { scheme: "GB-COH", id: "01234567" },
        details: { scale: "small" },
        address: { x_countryCode: "gb", x_itl1: "TLJ" },
      },
    ],
    awards: [
      {
        id: "a1",
        status: "active",
        date: "2024-02-20T00:00:00Z",
        value: { amount: 90000, currency: "GBP" },
        suppliers: [{ id: "S1", name: "Acme" }, { id: "S9", name: "Ghost Partner LLP" }],
      },
    ],
  }),
  release("r3", "2024-03-15T09:00:00Z", ["contract"], {
    contracts: [
      {
        id: "c1",
        awardID: "a1",
        status: "active",
        dateSigned: "2024-03-10T00:00:00Z",
        period: { startDate: "2024-04-01T00:00:00Z", endDate: "2025-03-31T00:00:00Z" },
        value: { amount: 90000, currency: "GBP" },
      },
    ],
  }),
  release("r4", "2024-09-01T09:00:00Z", ["contractAmendment"], {
    contracts: [
      {
        id: "c1",
        value: { amount: 120000 },
        period: { endDate: "2025-09-30T00:00:00Z" },
        amendments: [{ id: "am1", date: "2024-08-30T00:00:00Z", rationale: "Extension &amp; more storage" }],
      },
    ],
  }),
  release("r5", "2024-12-01T09:00:00Z", ["contractAmendment"], {
    contracts: [{ id: "c1", value: { amount: 150000 } }],
  }),
];

const mapAll = (releases: readonly OcdsRelease[]) => mapCompiledRelease(compileReleases(releases), releases);

describe("mapCompiledRelease: a process from tender to amendments", () => {
  const s = mapAll(lifecycle);

  it("reads the tender, its publication date from the first tender release, and the extension fields", () => {
    expect(s.title).toBe("Cloud hosting");
    expect(s.tender.status).toBe("complete");
    expect(s.tender.publishedAt).toBe("2024-01-10T09:00:00.000Z");
    expect(s.tender.deadline).toBe("2024-02-01T12:00:00.000Z");
    expect(s.tender.valuePence).toBe(10_000_000n);
    expect(s.procurementMethod).toBe("open");
    expect(s.consultancyExplicit).toBe(false);
    expect(s.missions).toEqual(["growth", "nhs"]);
    expect(s.sensitiveSectorExplicit).toBe("health");
    expect(s.cpvCodes).toEqual([{ code: "72415000", label: "World wide web (www) site operation host services" }]);
  });

  it("resolves the buyer reference to its party, with details", () => {
    expect(s.buyer).toEqual({
      partyId: "B1",
      name: "Department for Testing",
      scheme: "GB-GOR",
      identifier: "D1",
      scale: null,
      orgType: null,
      buyerType: "central",
      countryCode: "GB",
      region: "TLI",
      postcode: "SW1A 2AA",
    });
  });

  it("resolves suppliers to parties; a reference without party keeps its own name", () => {
    const [acme, ghost] = s.awards[0]?.suppliers ?? [];
    expect(acme?.party).toMatchObject({ name: "Acme Cloud Ltd", scale: "small", countryCode: "GB", region: "TLJ", scheme: "GB-COH" });
    expect(ghost?.party).toMatchObject({ partyId: "S9", name: "Ghost Partner LLP", scale: null, countryCode: null });
    expect(ghost?.valuePence).toBeNull();
  });

  it("keeps the original value and the value and end date before and after each amendment", () => {
    const c = s.contracts[0];
    expect(c?.originalValuePence).toBe(9_000_000n);
    expect(c?.valuePence).toBe(15_000_000n);
    expect(c?.endDate).toBe("2025-09-30T00:00:00.000Z");
    expect(c?.amendments).toEqual([
      {
        id: "am1",
        date: "2024-08-30T00:00:00.000Z",
        rationale: "Extension & more storage",
        valueBeforePence: 9_000_000n,
        valueAfterPence: 12_000_000n,
        endDateBefore: "2025-03-31T00:00:00.000Z",
        endDateAfter: "2025-09-30T00:00:00.000Z",
      },
      {
        // r5: tagged contractAmendment, value changed, no amendments entry
        id: null,
        date: "2024-12-01T09:00:00.000Z",
        rationale: null,
        valueBeforePence: 12_000_000n,
        valueAfterPence: 15_000_000n,
        endDateBefore: "2025-09-30T00:00:00.000Z",
        endDateAfter: "2025-09-30T00:00:00.000Z",
      },
    ]);
  });

  it("gives process values, dates and counts", () => {
    expect(s.status).toBe("active");
    expect(s.originalValuePence).toBe(9_000_000n);
    expect(s.currentValuePence).toBe(15_000_000n);
    expect(s.currency).toBe("GBP");
    expect(s.awardDate).toBe("2024-02-20T00:00:00.000Z");
    expect(s.dateSigned).toBe("2024-03-10T00:00:00.000Z");
    expect(s.startDate).toBe("2024-04-01T00:00:00.000Z");
    expect(s.endDate).toBe("2025-09-30T00:00:00.000Z");
    // The award came first (r2, 1 March); the contract was first published in r3 (15 March): late publication counts from the contract.
    expect(s.awardPublishedAt).toBe("2024-03-15T09:00:00.000Z");
    expect(s.releaseCount).toBe(5);
    expect(s.firstReleaseDate).toBe("2024-01-10T09:00:00.000Z");
    expect(s.lastReleaseDate).toBe("2024-12-01T09:00:00.000Z");
    expect(s.terminatedAt).toBeNull();
  });

  it("does not depend on the order the releases are given in", () => {
    const reversed = [...lifecycle].reverse();
    expect(mapCompiledRelease(compileReleases(reversed), reversed)).toEqual(s);
  });

  it("a contract release that changes the value without the contractAmendment tag is not an amendment", () => {
    const r5 = lifecycle[4];
    if (!r5) throw new Error("fixture");
    const releases = [...lifecycle.slice(0, 4), { ...r5, tag: ["contractUpdate"] }];
    const c = mapAll(releases).contracts[0];
    expect(c?.amendments.map((a) => a.id)).toEqual(["am1"]);
    expect(c?.valuePence).toBe(15_000_000n);
  });

  it("uses amendsReleaseID/releaseID when an amendment names the releases it lies between", () => {
    const releases = [
      release("x1", "2024-01-01T00:00:00Z", ["contract"], { contracts: [{ id: "c", status: "active", value: { amount: 100, currency: "GBP" } }] }),
      release("x2", "2024-02-01T00:00:00Z", ["contractUpdate"], { contracts: [{ id: "c", value: { amount: 200 } }] }),
      release("x3", "2024-03-01T00:00:00Z", ["contractAmendment"], {
        contracts: [{ id: "c", amendments: [{ id: "m", amendsReleaseID: "x1", releaseID: "x2", description: "Scope change" }] }],
      }),
    ];
    const a = mapAll(releases).contracts[0]?.amendments;
    expect(a).toEqual([
      {
        id: "m",
        date: "2024-02-01T00:00:00.000Z",
        rationale: "Scope change",
        valueBeforePence: 10_000n,
        valueAfterPence: 20_000n,
        endDateBefore: null,
        endDateAfter: null,
      },
    ]);
  });
});

describe("mapCompiledRelease: when the contract was first published (late publication)", () => {
  const [r1, r2] = lifecycle;
  const contractRelease = (date: string, contract: Record<string, unknown> = {}) =>
    release("r3", date, ["contract"], {
      contracts: [{ id: "c1", awardID: "a1", status: "active", dateSigned: "2024-03-10T00:00:00Z", value: { amount: 90000, currency: "GBP" }, ...contract }],
    });

  it("measures from the first release carrying the contract, even when the award notice came first", () => {
    // Award published 1 March; contract signed 10 March but published only in September.
    const s = mapAll([r1!, r2!, contractRelease("2024-09-20T09:00:00Z")]);
    expect(s.dateSigned).toBe("2024-03-10T00:00:00.000Z");
    expect(s.awardPublishedAt).toBe("2024-09-20T09:00:00.000Z");
  });

  it("takes a contract's own publication date when it gives one", () => {
    const s = mapAll([r1!, r2!, contractRelease("2024-09-20T09:00:00Z", { datePublished: "2024-08-01T10:00:00Z" })]);
    expect(s.awardPublishedAt).toBe("2024-08-01T10:00:00.000Z");
  });

  it("takes the earliest of the process's contracts", () => {
    const two = release("r3", "2024-06-01T09:00:00Z", ["contract"], {
      contracts: [
        { id: "c1", dateSigned: "2024-03-10T00:00:00Z", value: { amount: 1, currency: "GBP" } },
        { id: "c2", dateSigned: "2024-03-12T00:00:00Z", value: { amount: 1, currency: "GBP" } },
      ],
    });
    const later = release("r4", "2024-07-01T09:00:00Z", ["contract"], { contracts: [{ id: "c3", value: { amount: 1, currency: "GBP" } }] });
    expect(mapAll([r1!, r2!, later, two]).awardPublishedAt).toBe("2024-06-01T09:00:00.000Z");
  });

  it("falls back to the award's publication only when no release carries a contract", () => {
    expect(mapAll([r1!, r2!]).awardPublishedAt).toBe("2024-03-01T09:00:00.000Z");
    const withDatePublished = release("r2", "2024-03-01T09:00:00Z", ["award"], {
      awards: [{ id: "a1", status: "active", datePublished: "2024-02-25T08:00:00Z", value: { amount: 1, currency: "GBP" } }],
    });
    expect(mapAll([r1!, withDatePublished]).awardPublishedAt).toBe("2024-02-25T08:00:00.000Z");
  });
});

describe("mapCompiledRelease: a planning notice's budget is the estimate", () => {
  const planning = (body: Record<string, unknown>) =>
    release("p1", "2025-01-10T09:00:00Z", ["planning"], {
      buyer: { id: "B1", name: "DfT" },
      parties: [buyerParty],
      tender: { id: "T1", title: "Future platform", status: "planned" },
      ...body,
    });

  it("takes planning.budget.amount when the tender gives no value", () => {
    const s = mapAll([planning({ planning: { budget: { amount: { amount: 250000, currency: "GBP" } } } })]);
    expect(s.status).toBe("planned");
    expect(s.tender.valuePence).toBe(25_000_000n);
    expect(s.tender.currency).toBe("GBP");
  });

  it("prefers the tender's own value, and ignores a zero or missing budget", () => {
    expect(
      mapAll([planning({ tender: { id: "T1", title: "x", status: "planned", value: { amount: 1000, currency: "GBP" } }, planning: { budget: { amount: { amount: 5, currency: "GBP" } } } })])
        .tender.valuePence,
    ).toBe(100_000n);
    expect(mapAll([planning({ planning: { budget: { amount: { amount: 0, currency: "GBP" } } } })]).tender.valuePence).toBeNull();
    expect(mapAll([planning({ planning: { budget: { description: "Capital" } } })]).tender.valuePence).toBeNull();
  });
});

describe("mapCompiledRelease: termination", () => {
  const terminate = (date: string, contract: Record<string, unknown>) =>
    release("r6", date, ["contractTermination"], { contracts: [{ id: "c1", status: "terminated", ...contract }] });

  it("x_termination gives the date and reason, and makes the status terminated", () => {
    const s = mapAll([
      ...lifecycle,
      terminate("2025-01-15T09:00:00Z", { x_termination: { date: "2025-01-10", reason: "Supplier &amp; buyer agreed" } }),
    ]);
    expect(s.status).toBe("terminated");
    expect(s.terminatedAt).toBe("2025-01-10T00:00:00.000Z");
    expect(s.terminationReason).toBe("Supplier & buyer agreed");
  });

  it("without x_termination, a contract closed before its end date was terminated on the release's date", () => {
    const s = mapAll([...lifecycle, terminate("2025-01-15T09:00:00Z", {})]);
    expect(s.status).toBe("terminated");
    expect(s.terminatedAt).toBe("2025-01-15T09:00:00.000Z");
    expect(s.terminationReason).toBeNull();
  });

  it("a contract closed at or after its scheduled end is completed, not terminated", () => {
    const s = mapAll([...lifecycle, terminate("2025-10-15T09:00:00Z", {})]);
    expect(s.status).toBe("completed");
    expect(s.terminatedAt).toBeNull();
  });
});

describe("mapCompiledRelease: odd input does not throw", () => {
  it("a release with almost nothing in it", () => {
    const r = { ocid: OCID, id: "r", date: "2024-01-01", tag: ["planning"] };
    const s = mapAll([r]);
    expect(s.title).toBe(OCID);
    expect(s.status).toBe("planned");
    expect(s.buyer).toBeNull();
    expect(s.firstReleaseDate).toBe("2024-01-01T00:00:00.000Z");
  });

  it("wrong types everywhere", () => {
    const r = release("r", "2024-01-01T00:00:00Z", ["tender"], {
      buyer: "Someone",
      parties: [null, 3, { id: null, name: 5, address: "London", details: [] }],
      tender: { title: null, value: { amount: "lots" }, lots: {}, items: [{ classification: "x" }], status: 1, numberOfTenderers: "2" },
      awards: [{ suppliers: [{ name: "Named only" }], value: 5 }],
      contracts: "none",
    });
    const s = mapAll([r]);
    expect(s.tender.valuePence).toBeNull();
    expect(s.tender.numberOfTenderers).toBe(2);
    expect(s.awards[0]?.id).toBe("award-1");
    expect(s.awards[0]?.suppliers[0]?.party.name).toBe("Named only");
    expect(s.status).toBe("awarded");
  });

  it("without releases, the compiled release stands in", () => {
    const compiled = compileReleases(lifecycle);
    const s = mapCompiledRelease(compiled, []);
    expect(s.releaseCount).toBe(0);
    expect(s.currentValuePence).toBe(15_000_000n);
    expect(s.lastReleaseDate).toBe("2024-12-01T09:00:00.000Z");
  });
});

describe("mapParty", () => {
  it("reads published scales; selfEmployed is micro; details.scale wins over Contracts Finder's sme flag", () => {
    expect(mapParty({ id: "1", details: { scale: "selfEmployed" } }).scale).toBe("micro");
    expect(mapParty({ id: "1", details: { scale: "medium" } }).scale).toBe("medium");
    expect(mapParty({ id: "1", details: { scale: "sme" } }).scale).toBe("sme");
    expect(mapParty({ id: "1", sme: true }).scale).toBe("sme");
    expect(mapParty({ id: "1", sme: false }).scale).toBe("large");
    expect(mapParty({ id: "1", sme: false, details: { scale: "micro" } }).scale).toBe("micro");
    expect(mapParty({ id: "1", details: { scale: "huge" } }).scale).toBeNull();
    expect(mapParty({ id: "1" }).scale).toBeNull();
  });

  it("reads organisation type: x_organisationType, else VCSE from details.vcse or vco", () => {
    expect(mapParty({ id: "1", details: { vcse: true } }).orgType).toBe("vcse");
    expect(mapParty({ id: "1", vco: true }).orgType).toBe("vcse");
    expect(mapParty({ id: "1", vco: false, details: { vcse: false } }).orgType).toBeNull();
    expect(mapParty({ id: "1", details: { x_organisationType: "cooperative", vcse: true } }).orgType).toBe("cooperative");
    expect(mapParty({ id: "1", details: { x_organisationType: "charity" } }).orgType).toBeNull();
  });

  it("empty identifiers are null; an org-id party id stands in for a missing identifier", () => {
    expect(mapParty({ id: "1", identifier: { scheme: "", id: "" } })).toMatchObject({ scheme: null, identifier: null });
    expect(mapParty({ id: 0, identifier: { scheme: "GB-COH", id: 123 } })).toMatchObject({ partyId: "0", scheme: "GB-COH", identifier: "123" });
    expect(mapParty({ id: "GB-CFS-58603", identifier: { legalName: "X" } })).toMatchObject({ scheme: "GB-CFS", identifier: "58603" });
    expect(mapParty({ id: "org-1" })).toMatchObject({ scheme: null, identifier: null });
  });

  it("names: decoded, else legal name, else the reference's name", () => {
    expect(mapParty({ id: "1", name: "Telford &amp; Wrekin Council" }).name).toBe("Telford & Wrekin Council");
    expect(mapParty({ id: "1", name: "", identifier: { legalName: "Legal Ltd" } }).name).toBe("Legal Ltd");
    expect(mapParty({ id: "1", name: null }, { id: "1", name: "From ref" }).name).toBe("From ref");
  });

  it("region only from a valid x_itl1; buyer type only from the list", () => {
    expect(mapParty({ id: "1", address: { x_itl1: "TLM" } }).region).toBe("TLM");
    expect(mapParty({ id: "1", address: { x_itl1: "UKM", region: "UKM83" } }).region).toBeNull();
  });

  it("region from the UK postcode when the publisher gives none (never for another country)", () => {
    expect(mapParty({ id: "1", address: { postalCode: "TF3 4JA", countryName: "United Kingdom" } }).region).toBe("TLG");
    expect(mapParty({ id: "1", address: { postalCode: "LS1 4PL" } }).region).toBe("TLE");
    expect(mapParty({ id: "1", address: { postalCode: "PH1", countryName: "Scotland" } }).region).toBe("TLM");
    expect(mapParty({ id: "1", address: { postalCode: "PH1" } }).region).toBeNull();
    // x_itl1 wins over the postcode.
    expect(mapParty({ id: "1", address: { x_itl1: "TLD", postalCode: "LS1 4PL" } }).region).toBe("TLD");
    // Another country's code is not read as a UK postcode.
    expect(mapParty({ id: "1", address: { postalCode: "E91 X2Y3", countryName: "Ireland" } }).region).toBeNull();
    expect(mapParty({ id: "1", address: { postalCode: "SW1A 2AA", x_countryCode: "FR" } }).region).toBeNull();
    expect(mapParty({ id: "1", address: { postalCode: "not known" } }).region).toBeNull();
    expect(mapParty({ id: "1", details: { x_buyerType: "nhs" } }).buyerType).toBe("nhs");
    expect(mapParty({ id: "1", details: { x_buyerType: "quango" } }).buyerType).toBeNull();
  });

  it("country: x_countryCode, else the country name", () => {
    expect(mapParty({ id: "1", address: { x_countryCode: "IE", countryName: "United Kingdom" } }).countryCode).toBe("IE");
    expect(mapParty({ id: "1", address: { countryName: "Northern Ireland" } }).countryCode).toBe("GB");
  });
});

describe("countryCodeFromName", () => {
  it.each([
    ["United Kingdom", "GB"],
    ["UNITED KINGDOM", "GB"],
    ["UK", "GB"],
    ["U.K.", "GB"],
    ["England", "GB"],
    ["\n              England\n", "GB"],
    ["ENG", "GB"],
    ["Scotland", "GB"],
    ["Wales", "GB"],
    ["Northern Ireland", "GB"],
    ["Great Britain", "GB"],
    ["GB", "GB"],
    ["Ireland", "IE"],
    ["Jersey", "JE"],
    ["France", "FR"],
    ["United States", "US"],
  ])("%j → %s", (name, code) => {
    expect(countryCodeFromName(name)).toBe(code);
  });

  it.each([[""], ["Other"], ["Hertfordshire"], [null], [44]])("%j → null (never assumes GB)", (name) => {
    expect(countryCodeFromName(name)).toBeNull();
  });
});

describe("deriveRegisterStatus", () => {
  const base: StatusInputs = { tenderStatus: null, hasTender: true, awards: [], contracts: [] };
  const contract = (status: string | null, terminatedEarly = false, dateSigned: string | null = null) => ({ status, terminatedEarly, dateSigned });
  const award = (status: string | null, supplierCount = 1) => ({ status, supplierCount });

  it.each<[string, Partial<StatusInputs>, string]>([
    ["a contract terminated early wins over an active one", { contracts: [contract("active"), contract("terminated", true)] }, "terminated"],
    ["an active contract", { tenderStatus: "complete", awards: [award("active")], contracts: [contract("active")] }, "active"],
    ["a signed contract without status", { contracts: [contract(null, false, "2024-01-01T00:00:00.000Z")] }, "active"],
    ["a contract that ran its course", { contracts: [contract("terminated", false)] }, "completed"],
    ["a pending contract", { contracts: [contract("pending")] }, "awarded"],
    ["cancelled contracts with an active award", { awards: [award("active")], contracts: [contract("cancelled")] }, "awarded"],
    ["cancelled contracts only", { tenderStatus: "complete", contracts: [contract("cancelled")] }, "cancelled"],
    ["an active award", { tenderStatus: "complete", awards: [award("active")] }, "awarded"],
    ["a pending award", { tenderStatus: "active", awards: [award("pending", 0)] }, "awarded"],
    ["a 'planned' award naming a supplier (Contracts Finder)", { awards: [award("planned", 4)] }, "awarded"],
    ["a tender that is active", { tenderStatus: "active" }, "open"],
    ["a tender in planning", { tenderStatus: "planning" }, "planned"],
    ["a planned tender", { tenderStatus: "planned" }, "planned"],
    ["a cancelled tender", { tenderStatus: "cancelled" }, "cancelled"],
    ["a withdrawn tender", { tenderStatus: "withdrawn" }, "cancelled"],
    ["an unsuccessful tender", { tenderStatus: "unsuccessful" }, "unsuccessful"],
    ["a complete tender without awards", { tenderStatus: "complete" }, "closed"],
    ["a complete tender whose awards were all cancelled", { tenderStatus: "complete", awards: [award("cancelled")] }, "cancelled"],
    ["a complete tender whose awards failed", { tenderStatus: "complete", awards: [award("unsuccessful"), award("cancelled")] }, "unsuccessful"],
    ["an active tender whose award was cancelled (re-tendering)", { tenderStatus: "active", awards: [award("cancelled")] }, "open"],
    ["a tender without status", { tenderStatus: null }, "open"],
    ["nothing at all", { hasTender: false }, "planned"],
  ])("%s → %s", (_label, input, expected) => {
    expect(deriveRegisterStatus({ ...base, ...input })).toBe(expected);
  });
});
