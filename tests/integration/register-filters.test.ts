/**
 * The register's search, filters and sorts are correct, not just consistent:
 * on demonstration data, every filter of app/services/register-filters.ts
 * returns exactly the contracts an independent oracle says it should (built
 * from the generator's own record of what it published, and from plain
 * queries of the stored rows), the count agrees, the sorts are really ordered
 * across keyset pages, and relevance ranks a title match above a
 * description-only match. Each view runs through the service
 * (searchContracts) and through /api/v1/contracts, which shares the filters.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FLAG_CODES } from "../../app/domain/flags/config";
import { BUYER_TYPES, ORG_TYPES, REGISTER_STATUSES, SENSITIVE_SECTORS } from "../../app/domain/types";
import type { Scale } from "../../app/domain/types";
import { ingestReleases } from "../../app/services/ingest.server";
import { DEFAULT_POLICY_CONFIG } from "../../app/domain/metrics/policy";
import {
  BUYER_REGIONS,
  CPV_FAMILY_FILTERS,
  GROUP_COUNTRIES,
  METHODS,
  MISSION_FILTERS,
  RegisterFiltersSchema,
  SCALE_FILTERS,
  SUPPLIER_COUNTRIES,
  SUPPLIER_REGIONS,
} from "../../app/services/register-filters";
import { searchContracts } from "../../app/services/register.server";
import { BUYER_OPTIONS_MAX, buyerOptions, resolveSupplierName } from "../../app/services/register-form.server";
import { loader as contractsLoader } from "../../app/routes/api.v1.contracts";
import { loader as registerPageLoader } from "../../app/routes/contracts._index";
import { buyersWithContracts } from "../../db/queries/register-form";
import { normaliseName } from "../../app/domain/ocds/text";
import { type DemoGroup, type DemoOrg, generateDemo } from "../../seeds/generate";
import { loadDemo } from "../../seeds/load";
import { type TestDb, openTestDatabase } from "../setup/test-db";

const TODAY = new Date("2025-05-01T00:00:00Z");
const CONTRACTS = 600;
const SEED = 7;
const O = "http://register.test";
const DAY = 86_400_000;

let t: TestDb;

/** What is true of one contracting process, from the generator's record and plain reads of the rows. */
interface Truth {
  ocid: string;
  title: string;
  description: string;
  buyerId: string | null;
  buyerType: string | null;
  buyerRegion: string | null;
  buyerCountry: string | null;
  suppliers: Supplier[];
  scaleClasses: Set<string>;
  status: string;
  deadline: number | null;
  currentValuePence: bigint | null;
  awardFy: number | null;
  /** London calendar day (YYYY-MM-DD) of the register's date for the contract. */
  day: string;
  cpv: string | null;
  consultancy: boolean;
  method: string | null;
  missions: string[];
  sector: string | null;
  activeFys: Set<number>;
  flags: Set<string>;
  sortDate: number;
  sortValue: bigint;
}
/** A supplier of the process: its organisation id, the generator's entry, and its parent group (with that group's id). */
interface Supplier {
  id: string;
  org: DemoOrg;
  group: (DemoGroup & { id: string }) | null;
}
const truth = new Map<string, Truth>();

const londonDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit" });
const dayOf = (d: Date | string) => londonDay.format(new Date(d));
/** UK financial year (April–March) of an instant, from its London calendar day. */
function fyOfInstant(d: string): number {
  const [y, m] = dayOf(d).split("-").map(Number) as [number, number];
  return m >= 4 ? y : y - 1;
}
const scaleClassOf = (s: Scale) => (s === "large" ? "large" : s === "unknown" ? "unknown" : "sme");
const fyLabel = (y: number) => `${y}-${String((y + 1) % 100).padStart(2, "0")}`;

// ---------------------------------------------------------------------------
// The predicate of each filter, on the oracle. Supplier-level conditions are
// combined per supplier (the filters mean "at least one supplier that is …").

type Pred = (x: Truth, v: string, now: Date) => boolean;
type SupplierPred = (s: Supplier, v: string) => boolean;

const isUk = (country: string | null) => (country ?? "").toUpperCase() === "GB";
const known = (country: string | null) => (country ?? "") !== "";
const overseas = (country: string | null) => known(country) && !isUk(country);
const countryClass = (country: string | null, v: string) => (v === "uk" ? isUk(country) : v === "overseas" ? overseas(country) : !known(country));
const SUPPLIER_PREDICATES: Record<string, SupplierPred> = {
  supplierCountry: ({ org }, v) => countryClass(org.countryCode, v),
  orgType: ({ org }, v) => org.orgType === v,
  supplierRegion: ({ org }, v) =>
    v === "overseas" ? org.region === null && overseas(org.countryCode) : v === "unknown" ? org.region === null && !overseas(org.countryCode) : org.region === v,
  group: (s, v) => s.group?.id === v,
  groupCountry: (s, v) => (v === "none" ? s.group === null : s.group !== null && countryClass(s.group.countryCode, v)),
};
const poundsToPence = (v: string) => {
  const [w, f = ""] = v.split(".");
  return BigInt(w!) * 100n + BigInt(f.padEnd(2, "0") || "0");
};
const isOpenAt = (x: Truth, now: Date) => x.deadline === null || x.deadline > now.getTime();
const PREDICATES: Record<string, Pred> = {
  buyer: (x, v) => x.buyerId === v,
  buyerType: (x, v) => x.buyerType === v,
  supplier: (x, v) => x.suppliers.some((s) => s.id === v),
  scale: (x, v) => x.scaleClasses.has(v),
  cpv: (x, v) => (x.cpv ?? "").startsWith(v),
  consultancy: (x, v) => x.consultancy === (v === "yes"),
  status: (x, v, now) =>
    v === "open"
      ? x.status === "open" && isOpenAt(x, now)
      : v === "closed"
        ? x.status === "closed" || (x.status === "open" && !isOpenAt(x, now))
        : x.status === v,
  method: (x, v) => x.method === v,
  region: (x, v) =>
    v === "overseas" ? x.buyerRegion === null && overseas(x.buyerCountry) : v === "unknown" ? x.buyerRegion === null && !overseas(x.buyerCountry) : x.buyerRegion === v,
  mission: (x, v) => (v === "none" ? x.missions.length === 0 : v === "any" ? x.missions.length > 0 : x.missions.includes(v)),
  cpvFamily: (x, v) => DEFAULT_POLICY_CONFIG.cpvFamilies[v as keyof typeof CPV_FAMILY_FILTERS].prefixes.some((p) => (x.cpv ?? "").startsWith(p)),
  fromFy: (x, v) => x.awardFy !== null && fyLabel(x.awardFy) >= v,
  toFy: (x, v) => x.awardFy !== null && fyLabel(x.awardFy) <= v,
  sector: (x, v) => x.sector === v,
  minValue: (x, v) => x.currentValuePence !== null && x.currentValuePence >= poundsToPence(v),
  maxValue: (x, v) => x.currentValuePence !== null && x.currentValuePence <= poundsToPence(v),
  fy: (x, v) => x.awardFy !== null && fyLabel(x.awardFy) === v,
  activeFy: (x, v) => [...x.activeFys].some((y) => fyLabel(y) === v),
  from: (x, v) => x.day >= v,
  to: (x, v) => x.day <= v,
  flag: (x, v) => x.flags.has(v),
};

/** The oracle's answer for a query string of filters. */
function expected(query: string, now: Date): Truth[] {
  const sp = new URLSearchParams(query);
  const plain: Array<[Pred, string]> = [];
  const perSupplier: Array<[SupplierPred, string]> = [];
  for (const [k, v] of sp) {
    if (k === "sort" || v === "") continue;
    if (SUPPLIER_PREDICATES[k]) perSupplier.push([SUPPLIER_PREDICATES[k], v]);
    else if (PREDICATES[k]) plain.push([PREDICATES[k], v]);
    else throw new Error(`the oracle has no predicate for ${k}`);
  }
  return [...truth.values()].filter(
    (x) =>
      plain.every(([p, v]) => p(x, v, now)) &&
      (perSupplier.length === 0 || x.suppliers.some((s) => perSupplier.every(([p, v]) => p(s, v)))),
  );
}

// ---------------------------------------------------------------------------
// Reading a whole view, page by page.

type Page = Awaited<ReturnType<typeof searchContracts>>;
async function viaService(query: string, now: Date, limit = 40) {
  const rows: Page["rows"] = [];
  let count: Page["count"] | null = null;
  let cursor: string | null = null;
  for (let i = 0; i < 200; i++) {
    const sp = new URLSearchParams(query);
    if (cursor) sp.set("cursor", cursor);
    const page = await searchContracts(t.db, sp, now, limit);
    if (i === 0) count = page.count;
    else expect(page.count, `${query}: the count is the same on every page`).toEqual(count);
    rows.push(...page.rows);
    cursor = page.next;
    if (!cursor) return { rows, count: count! };
  }
  throw new Error(`${query}: too many pages`);
}

interface ApiRow {
  ocid: string;
  status: string;
  buyer: { id: string | null; type: string | null } | null;
  suppliers: Array<{ id: string }>;
  supplierScales: string[];
  procurementMethod: string | null;
  cpv: string | null;
  consultancy: boolean;
  currentValuePence: string | null;
}
async function viaApi(query: string, now: Date, limit = 100): Promise<ApiRow[]> {
  const out: ApiRow[] = [];
  let url: string | null = `${O}/api/v1/contracts?limit=${limit}${query ? `&${query}` : ""}`;
  for (let i = 0; url && i < 200; i++) {
    const args = { request: new Request(url), params: {}, context: { db: t.db, readDb: t.db, env: {}, now: () => now } };
    const res = (await contractsLoader(args as unknown as LoaderFunctionArgs)) as Response;
    expect(res.status, url).toBe(200);
    const body = (await res.json()) as { contracts: ApiRow[]; links: { next: string | null } };
    out.push(...body.contracts);
    url = body.links.next;
  }
  expect(url, `${query}: too many pages`).toBeNull();
  return out;
}

const ocids = (xs: Array<{ ocid: string }>) => xs.map((x) => x.ocid).sort();

/** The view through the service and the API is exactly the oracle's, with the oracle's count. */
async function checkView(query: string, now = TODAY): Promise<number> {
  const want = ocids(expected(query, now));
  const got = await viaService(query, now);
  expect(new Set(got.rows.map((r) => r.ocid)).size, `${query}: no duplicates`).toBe(got.rows.length);
  // Every row returned satisfies the filter …
  const sp = new URLSearchParams(query);
  for (const r of got.rows) {
    const x = truth.get(r.ocid);
    expect(x, `${query}: ${r.ocid} is a demonstration contract`).toBeDefined();
    expect(expected(query, now).includes(x!), `${query}: ${r.ocid} satisfies the filter`).toBe(true);
    // … and the row itself says so where it carries the field.
    if (sp.get("buyer")) expect(String(r.buyer_id)).toBe(sp.get("buyer"));
    if (sp.get("buyerType")) expect(r.buyer_type).toBe(sp.get("buyerType"));
    if (sp.get("cpv")) expect(r.cpv?.startsWith(sp.get("cpv")!)).toBe(true);
    if (sp.get("consultancy")) expect(r.consultancy).toBe(sp.get("consultancy") === "yes");
    if (sp.get("method")) expect(r.procurement_method).toBe(sp.get("method"));
    if (sp.get("scale")) expect(r.supplier_scales).toContain(sp.get("scale"));
    if (sp.get("minValue")) expect(r.current_value_pence! >= poundsToPence(sp.get("minValue")!)).toBe(true);
    if (sp.get("maxValue")) expect(r.current_value_pence! <= poundsToPence(sp.get("maxValue")!)).toBe(true);
  }
  // … and no contract that satisfies it is missing; the count is the number of matches.
  expect(ocids(got.rows), query).toEqual(want);
  expect(got.count, query).toEqual({ count: want.length, capped: false });
  // The API answers the same view.
  const api = await viaApi(query, now);
  expect(ocids(api), `API ${query}`).toEqual(want);
  for (const c of api) {
    if (sp.get("status")) expect(c.status, `API ${query}: ${c.ocid}`).toBe(sp.get("status"));
    if (sp.get("supplier")) expect(c.suppliers.map((s) => s.id)).toContain(sp.get("supplier"));
    if (sp.get("scale")) expect(c.supplierScales).toContain(sp.get("scale"));
  }
  return want.length;
}

// ---------------------------------------------------------------------------

beforeAll(async () => {
  t = await openTestDatabase("register_filters");
  await loadDemo(t.db, { contracts: CONTRACTS, seed: SEED, today: TODAY });
  const demo = generateDemo({ contracts: CONTRACTS, seed: SEED, today: TODAY });

  // Organisation ids by party id (scheme-identifier), from the stored register entries.
  const orgs = await t.db.selectFrom("organisations").select(["id", "scheme", "identifier", "is_buyer"]).execute();
  const idOf = new Map(orgs.map((o) => [`${o.is_buyer ? "b" : "s"}:${o.scheme}-${o.identifier}`, String(o.id)]));
  const buyers = new Map(demo.buyers.map((b) => [b.partyId, b]));
  const groupIds = new Map((await t.db.selectFrom("org_groups").select(["id", "key"]).execute()).map((g) => [g.key, String(g.id)]));
  const groups = new Map(demo.groups.map((g) => [g.key, { ...g, id: groupIds.get(`demo:${g.key}`)! }]));
  const suppliers = new Map(demo.suppliers.map((s) => [s.partyId, s]));

  const rows = new Map(
    (
      await t.db
        .selectFrom("processes")
        .select(["ocid", "title", "description", "cpv", "consultancy", "missions", "sensitive_sector", "sort_date", "sort_value"])
        .execute()
    ).map((r) => [r.ocid, r]),
  );
  const annual = await t.db.selectFrom("spend_annual").select(["ocid", "fy"]).distinct().execute();
  const flagged = await t.db.selectFrom("flags").select(["ocid", "code"]).where("status", "=", "flagged").execute();

  for (const { releases, intent } of demo.processesWithIntent()) {
    const row = rows.get(intent.ocid);
    if (!row) throw new Error(`${intent.ocid} was generated but not stored`);
    const buyer = buyers.get(intent.buyerPartyId)!;
    const sups = new Map<string, Supplier>();
    const scaleClasses = new Set<string>();
    for (const a of intent.awards) {
      for (const s of a.suppliers) {
        const org = suppliers.get(s.partyId)!;
        const id = idOf.get(`s:${s.partyId}`);
        if (!id) throw new Error(`no organisation for ${s.partyId}`);
        sups.set(id, { id, org, group: org.groupKey ? groups.get(org.groupKey)! : null });
        // The scale published for the award, else the supplier's register entry.
        scaleClasses.add(scaleClassOf(s.scale !== "unknown" ? s.scale : (org.scale ?? "unknown")));
      }
    }
    // The procedure as last published.
    let method: string | null = null;
    for (const r of releases) {
      const m = (r.tender as { procurementMethod?: string } | undefined)?.procurementMethod;
      if (m) method = m;
    }
    truth.set(intent.ocid, {
      ocid: intent.ocid,
      title: row.title,
      description: row.description ?? "",
      buyerId: idOf.get(`b:${intent.buyerPartyId}`) ?? null,
      buyerType: buyer.buyerType,
      buyerRegion: buyer.region,
      buyerCountry: buyer.countryCode,
      suppliers: [...sups.values()],
      scaleClasses,
      status: intent.status,
      deadline: intent.deadline ? Date.parse(intent.deadline) : null,
      currentValuePence: intent.currentValuePence === null ? null : BigInt(intent.currentValuePence),
      awardFy: intent.awardDate ? fyOfInstant(intent.awardDate) : null,
      day: dayOf(row.sort_date),
      cpv: row.cpv,
      consultancy: row.consultancy,
      method,
      missions: row.missions,
      sector: row.sensitive_sector,
      activeFys: new Set(annual.filter((a) => a.ocid === intent.ocid).map((a) => a.fy)),
      flags: new Set(flagged.filter((f) => f.ocid === intent.ocid).map((f) => f.code)),
      sortDate: new Date(row.sort_date).getTime(),
      sortValue: row.sort_value,
    });
  }
  expect(truth.size).toBe(CONTRACTS);
}, 240_000);

afterAll(async () => {
  await t?.close();
});

/** Values to try for each filter; at least one of them must match something. */
function valuesOf(filter: string): string[] {
  const all = [...truth.values()];
  const most = <T>(xs: T[]) => {
    const n = new Map<T, number>();
    for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
    const sorted = [...n.entries()].sort((a, b) => b[1] - a[1]);
    return [sorted[0]![0], sorted[Math.floor(sorted.length / 2)]![0], sorted[sorted.length - 1]![0]];
  };
  const days = all.map((x) => x.day).sort();
  switch (filter) {
    case "buyer":
      return [...new Set(most(all.map((x) => x.buyerId).filter((b): b is string => b !== null)))];
    case "buyerType":
      return [...BUYER_TYPES];
    case "supplier":
      return [...new Set(most(all.flatMap((x) => x.suppliers.map((s) => s.id))))];
    case "scale":
      return Object.keys(SCALE_FILTERS);
    case "cpv": {
      const full = all.find((x) => x.cpv)!.cpv!;
      return ["72", "7222", "48", "79", "794", full.slice(0, 5), full];
    }
    case "consultancy":
      return ["yes", "no"];
    case "status":
      return [...REGISTER_STATUSES];
    case "method":
      return Object.keys(METHODS);
    case "region":
      return Object.keys(BUYER_REGIONS);
    case "mission":
      return Object.keys(MISSION_FILTERS);
    case "cpvFamily":
      return Object.keys(CPV_FAMILY_FILTERS);
    case "group":
      return [...new Set(most(all.flatMap((x) => x.suppliers.flatMap((s) => (s.group ? [s.group.id] : [])))))];
    case "groupCountry":
      return Object.keys(GROUP_COUNTRIES);
    case "sector":
      return Object.keys(SENSITIVE_SECTORS);
    case "minValue":
    case "maxValue": {
      // Round figures, and a contract's exact value (inclusive bounds), pence and all.
      const values = all.map((x) => x.currentValuePence).filter((v): v is bigint => v !== null && v % 100n !== 0n);
      const exact = values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[Math.floor(values.length / 2)]!;
      return ["10000", "250000", "1000000.50", "5000000", `${exact / 100n}.${(exact % 100n).toString().padStart(2, "0")}`];
    }
    case "fy":
    case "activeFy":
    case "fromFy":
    case "toFy":
      return ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25", "2025-26", "2018-19"];
    case "from":
    case "to":
      return [days[0]!, days[Math.floor(days.length / 3)]!, days[Math.floor(days.length / 2)]!, days[days.length - 1]!, "2030-01-01"];
    case "flag":
      return [...FLAG_CODES];
    case "supplierCountry":
      return Object.keys(SUPPLIER_COUNTRIES);
    case "orgType":
      return [...ORG_TYPES];
    case "supplierRegion":
      return Object.keys(SUPPLIER_REGIONS);
    default:
      throw new Error(`no values for filter ${filter}`);
  }
}

const NOT_FILTERS = new Set(["q", "sort", "cursor"]);
const FILTERS = Object.keys(RegisterFiltersSchema.shape).filter((k) => !NOT_FILTERS.has(k));

describe(`register filters are correct (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("the oracle agrees with the stored rows where both say the same thing", async () => {
    // A guard on the oracle itself: the generator's record and the stored rows tell one story.
    const rows = await t.db.selectFrom("processes").select(["ocid", "buyer_type", "procurement_method", "award_fy", "current_value_pence"]).execute();
    for (const r of rows) {
      const x = truth.get(r.ocid)!;
      expect(r.buyer_type, r.ocid).toBe(x.buyerType);
      expect(r.procurement_method, r.ocid).toBe(x.method);
      expect(r.award_fy, r.ocid).toBe(x.awardFy);
      expect(r.current_value_pence, r.ocid).toBe(x.currentValuePence);
    }
  });

  it("every filter the register takes is covered by this test", () => {
    expect(FILTERS.filter((f) => !PREDICATES[f] && !SUPPLIER_PREDICATES[f])).toEqual([]);
  });

  for (const filter of FILTERS) {
    it(`${filter}: exactly the matching contracts, counted`, async () => {
      const counts: Record<string, number> = {};
      for (const v of valuesOf(filter)) counts[v] = await checkView(`${filter}=${encodeURIComponent(v)}`);
      // At least one value matches something, and the filter narrows the register.
      expect(Math.max(...Object.values(counts)), `${filter}: ${JSON.stringify(counts)}`).toBeGreaterThan(0);
      expect(Math.min(...Object.values(counts)), `${filter}: ${JSON.stringify(counts)}`).toBeLessThan(CONTRACTS);
    }, 120_000);
  }

  it("open and closed are decided against the clock: every open tender is closed after its deadline", async () => {
    const open = await checkView("status=open", TODAY);
    expect(open).toBeGreaterThan(0);
    const later = new Date(TODAY.getTime() + 120 * DAY);
    expect(await checkView("status=open", later)).toBe(0);
    expect(await checkView("status=closed", later)).toBe((await checkView("status=closed", TODAY)) + open);
  }, 60_000);

  it("filters combine (and supplier conditions hold for one and the same supplier)", async () => {
    const combos = [
      "buyerType=central&consultancy=yes",
      "fy=2023-24&scale=sme",
      "cpv=72&minValue=100000&maxValue=2000000",
      "from=2022-04-01&to=2023-03-31&consultancy=no",
      "supplierCountry=uk&orgType=company&supplierRegion=TLI",
      "supplierCountry=overseas&scale=large",
      "status=completed&method=open&region=TLI",
      "cpvFamily=software&fromFy=2021-22&toFy=2023-24",
      "groupCountry=overseas&supplierCountry=uk",
      "region=unknown&mission=none",
      `buyer=${valuesOf("buyer")[0]}&fy=2022-23`,
    ];
    let nonEmpty = 0;
    for (const q of combos) if ((await checkView(q)) > 0) nonEmpty++;
    expect(nonEmpty).toBeGreaterThan(combos.length / 2);
  }, 120_000);

  it("a full-text search returns exactly the contracts whose words match, in title, description, buyer or supplier", async () => {
    const names = await t.db.selectFrom("processes").select(["ocid", "buyer_name", "supplier_names"]).execute();
    const textOf = new Map(names.map((n) => [n.ocid, n]));
    for (const word of ["platform", "support", "data", "consultancy"]) {
      const got = await viaService(`q=${word}`, TODAY);
      expect(got.rows.length, word).toBeGreaterThan(0);
      // Independent: the same words, vectorised from the raw columns (not the stored search column).
      const r = await sql<{ ocid: string }>`
        select ocid from processes
        where to_tsvector('english', coalesce(title, '') || ' ' || coalesce(buyer_name, '') || ' ' || coalesce(supplier_names, '') || ' ' || left(coalesce(description, ''), 4000))
              @@ plainto_tsquery('english', ${word})`.execute(t.db);
      expect(ocids(got.rows), word).toEqual(r.rows.map((x) => x.ocid).sort());
      expect(got.count.count, word).toBe(r.rows.length);
      const stem = word.slice(0, 4);
      for (const row of got.rows) {
        const n = textOf.get(row.ocid)!;
        const text = `${row.title} ${truth.get(row.ocid)?.description ?? ""} ${n.buyer_name ?? ""} ${n.supplier_names ?? ""}`.toLowerCase();
        expect(text, `${word}: ${row.ocid}`).toContain(stem);
      }
      // Every contract with the word in its title is among the matches.
      for (const x of truth.values()) {
        if (new RegExp(`\\b${word}\\b`, "i").test(x.title)) expect(ocids(got.rows), `${word}: ${x.ocid}`).toContain(x.ocid);
      }
    }
  }, 120_000);
});

describe("the register form: buyer drop-down and supplier by name", () => {
  const sp = (q: string) => new URLSearchParams(q);
  const pageArgs = (q: string) =>
    ({ request: new Request(`${O}/contracts?${q}`), params: {}, context: { db: t.db, readDb: t.db, env: {}, now: () => TODAY } }) as unknown as LoaderFunctionArgs;

  it("offers every buyer with contracts, by name; over the cap, those with the most contracts, plus the one in force", async () => {
    const withContracts = await t.db
      .selectFrom("organisations")
      .select(["id", "name"])
      .where("is_buyer", "=", true)
      .where((eb) => eb.exists(eb.selectFrom("processes").select("ocid").whereRef("processes.buyer_id", "=", "organisations.id")))
      .execute();
    expect(withContracts.length).toBeLessThan(BUYER_OPTIONS_MAX);
    const o = await buyerOptions(t.db, null);
    expect(o.capped).toBe(false);
    expect(o.total).toBe(withContracts.length);
    expect(o.options.map(([id]) => id).sort()).toEqual(withContracts.map((b) => String(b.id)).sort());
    const names = o.options.map(([, n]) => n);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "en-GB")));
    // Capped: the five buyers with the most awarded contracts, by name, and how many there are in all.
    const counts = new Map<string, number>();
    for (const x of truth.values()) if (x.buyerId && x.awardFy !== null) counts.set(x.buyerId, (counts.get(x.buyerId) ?? 0) + 1);
    const five = await buyersWithContracts(t.db, 5);
    expect(five.total).toBe(withContracts.length);
    expect(five.buyers).toHaveLength(5);
    const fifth = Math.min(...five.buyers.map((b) => counts.get(String(b.id)) ?? 0));
    const left = withContracts.filter((b) => !five.buyers.some((f) => f.id === b.id));
    expect(Math.max(...left.map((b) => counts.get(String(b.id)) ?? 0))).toBeLessThanOrEqual(fifth);
    // The buyer in force is always offered.
    const extra = { id: 999_999_999n, name: "Aardvark Test Buyer" };
    const withExtra = await buyerOptions(t.db, extra);
    expect(withExtra.options[0]).toEqual(["999999999", "Aardvark Test Buyer"]);
  });

  it("a name that matches one supplier goes to the view filtered on its id, keeping the other filters", async () => {
    const sups = await t.db
      .selectFrom("organisations")
      .select(["id", "name", "normalised_name"])
      .where("is_supplier", "=", true)
      .where((eb) => eb.exists(eb.selectFrom("award_suppliers").select("ocid").whereRef("award_suppliers.supplier_id", "=", "organisations.id")))
      .execute();
    const unique = sups.find((s) => sups.filter((o) => o.normalised_name.includes(s.normalised_name)).length === 1)!;
    expect(unique).toBeDefined();
    const r = await resolveSupplierName(t.db, sp(`q=&buyerType=central&supplierName=${encodeURIComponent(`  ${unique.name.toUpperCase()} `)}&cursor=abc`));
    expect(r.outcome).toEqual({ kind: "redirect", location: `/contracts?buyerType=central&supplier=${unique.id}` });
    // Through the page: a redirect.
    const thrown = await Promise.resolve(registerPageLoader(pageArgs(`supplierName=${encodeURIComponent(unique.name)}`))).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(302);
    expect((thrown as Response).headers.get("Location")).toBe(`/contracts?supplier=${unique.id}`);
    // The chosen supplier's name sent back unchanged keeps it; a cleared name drops it.
    const kept = await resolveSupplierName(t.db, sp(`supplier=${unique.id}&supplierName=${encodeURIComponent(unique.name)}`));
    expect(kept.outcome).toEqual({ kind: "none" });
    expect(kept.params.get("supplier")).toBe(String(unique.id));
    expect(kept.params.has("supplierName")).toBe(false);
    const cleared = await resolveSupplierName(t.db, sp(`supplier=${unique.id}&supplierName=&fy=2023-24`));
    expect(cleared.outcome).toEqual({ kind: "none" });
    expect(cleared.params.has("supplier")).toBe(false);
    expect(cleared.params.get("fy")).toBe("2023-24");
  });

  it("a name several suppliers share lists them as links; nothing matching is a GOV.UK error naming the field", async () => {
    const names = await t.db.selectFrom("organisations").select(["id", "name", "normalised_name"]).where("is_supplier", "=", true).execute();
    // The commonest word of suppliers' names.
    const words = new Map<string, number>();
    for (const n of names) for (const w of new Set(n.normalised_name.split(" "))) if (w.length > 3) words.set(w, (words.get(w) ?? 0) + 1);
    const [word] = [...words.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const r = await resolveSupplierName(t.db, sp(`consultancy=yes&supplierName=${word}`));
    if (r.outcome.kind !== "choose") throw new Error(`expected a choice for ${word}, got ${r.outcome.kind}`);
    expect(r.outcome.matches.length).toBeGreaterThan(1);
    expect(r.outcome.matches.length).toBeLessThanOrEqual(20);
    for (const m of r.outcome.matches) {
      expect(normaliseName(m.name)).toContain(word);
      expect(m.href).toBe(`/contracts?consultancy=yes&supplier=${m.id}`);
      expect(m.contracts).toBeGreaterThan(0);
    }
    // A word normalising removes from names ("Limited") still matches them as written.
    const limited = await resolveSupplierName(t.db, sp("supplierName=limited"));
    expect(limited.outcome.kind).toBe("choose");
    if (limited.outcome.kind === "choose") for (const m of limited.outcome.matches) expect(m.name.toLowerCase()).toContain("limited");
    // Nothing matches: an error that names the field; the page answers 400 with it.
    const none = await resolveSupplierName(t.db, sp("supplierName=Zzyzx%20Quaternion"));
    expect(none.outcome).toMatchObject({ kind: "error", value: "Zzyzx Quaternion" });
    expect((none.outcome as { message: string }).message).toMatch(/^No supplier name in the register contains “Zzyzx Quaternion”/);
    const page = (await registerPageLoader(pageArgs("supplierName=Zzyzx%20Quaternion&buyerType=local"))) as unknown as {
      data: { supplierName: { kind: string; message: string }; filters: { buyerType?: string } };
      init: { status: number };
    };
    expect(page.init.status).toBe(400);
    expect(page.data.supplierName.kind).toBe("error");
    expect(page.data.filters.buyerType).toBe("local");
    // A name with no letters or numbers (LIKE's wildcards, say) cannot match anything.
    expect((await resolveSupplierName(t.db, sp("supplierName=%25"))).outcome).toMatchObject({ kind: "error", message: "Supplier name must include letters or numbers" });
    expect((await resolveSupplierName(t.db, sp(`supplierName=${"x".repeat(201)}`))).outcome).toMatchObject({ kind: "error", message: "Supplier name must be 200 characters or fewer" });
  });
});

describe("register sorts are ordered across keyset pages", () => {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const orders: Record<string, (a: Truth, b: Truth) => number> = {
    newest: (a, b) => b.sortDate - a.sortDate || cmp(b.ocid, a.ocid),
    oldest: (a, b) => a.sortDate - b.sortDate || cmp(a.ocid, b.ocid),
    "value-high": (a, b) => (a.sortValue === b.sortValue ? cmp(b.ocid, a.ocid) : a.sortValue > b.sortValue ? -1 : 1),
    "value-low": (a, b) => (a.sortValue === b.sortValue ? cmp(a.ocid, b.ocid) : a.sortValue < b.sortValue ? -1 : 1),
  };

  it("the sort key is the contract's value (else its tender's) and its date", async () => {
    const rows = await t.db.selectFrom("processes").select(["ocid", "current_value_pence", "tender_value_pence", "award_date", "tender_published_at", "sort_value", "sort_date"]).execute();
    for (const r of rows) {
      expect(r.sort_value, r.ocid).toBe(r.current_value_pence ?? r.tender_value_pence ?? -1n);
      if (r.award_date) expect(new Date(r.sort_date).getTime(), r.ocid).toBe(new Date(r.award_date).getTime());
    }
  });

  for (const sort of Object.keys(orders)) {
    it(`${sort}: every page continues where the last stopped, no duplicates, no gaps`, async () => {
      for (const filter of ["", "consultancy=yes", "buyerType=local&scale=sme"]) {
        const query = `${filter ? `${filter}&` : ""}sort=${sort}`;
        const want = expected(filter, TODAY).sort(orders[sort]).map((x) => x.ocid);
        expect(want.length).toBeGreaterThan(20);
        for (const limit of [7, 25]) {
          const got = (await viaService(query, TODAY, limit)).rows.map((r) => r.ocid);
          expect(got, `${query} limit ${limit}`).toEqual(want);
        }
        const api = (await viaApi(query, TODAY, 9)).map((r) => r.ocid);
        expect(api, `API ${query}`).toEqual(want);
        // Values and dates themselves are in order (not only the sort keys).
        const xs = want.map((o) => truth.get(o)!);
        for (let i = 1; i < xs.length; i++) {
          const [a, b] = [xs[i - 1]!, xs[i]!];
          if (sort === "value-high") expect(a.sortValue >= b.sortValue).toBe(true);
          if (sort === "value-low") expect(a.sortValue <= b.sortValue).toBe(true);
          if (sort === "newest") expect(a.day >= b.day).toBe(true);
          if (sort === "oldest") expect(a.day <= b.day).toBe(true);
        }
      }
    }, 120_000);
  }

  it("relevance: ranks never rise from one page to the next, and the pages hold every match once", async () => {
    for (const q of ["support", "data platform"]) {
      const all = await viaService(`q=${encodeURIComponent(q)}&sort=relevance`, TODAY, 1000);
      const paged = await viaService(`q=${encodeURIComponent(q)}&sort=relevance`, TODAY, 6);
      expect(paged.rows.map((r) => r.ocid), q).toEqual(all.rows.map((r) => r.ocid));
      expect(paged.rows.length).toBeGreaterThan(6);
      for (let i = 1; i < paged.rows.length; i++) expect(paged.rows[i - 1]!.rank! >= paged.rows[i]!.rank!, q).toBe(true);
    }
  }, 60_000);

  // Last: it adds two contracts, which the oracle above does not know.
  it("relevance ranks a title match above a description-only match", async () => {
    const tender = (ocid: string, title: string, description: string) => ({
      ocid,
      id: `${ocid}-1`,
      date: "2024-09-02T10:00:00Z",
      tag: ["tender"],
      initiationType: "tender",
      tender: { id: `${ocid}-t`, title, description, datePublished: "2024-09-02T10:00:00Z", status: "planned" },
    });
    // The description-only match is the newer ocid, so an ocid tie-break would put it first.
    await ingestReleases(
      t.db,
      [
        tender("ocds-relevance-1", "Quillwort case management renewal", "Renewal of an existing system."),
        tender("ocds-relevance-2", "Case management renewal", "Renewal of an existing system, including its quillwort module."),
      ],
      { source: "test" },
    );
    const page = await searchContracts(t.db, new URLSearchParams("q=quillwort"), TODAY, 25);
    expect(page.sort).toBe("relevance");
    expect(page.rows.map((r) => r.ocid)).toEqual(["ocds-relevance-1", "ocds-relevance-2"]);
    expect(page.rows[0]!.rank!).toBeGreaterThan(page.rows[1]!.rank!);
    const api = await viaApi("q=quillwort", TODAY);
    expect(api.map((r) => r.ocid)).toEqual(["ocds-relevance-1", "ocds-relevance-2"]);
    // A newest-first view of the same search puts them by date, then ocid: the other way round.
    const newest = await viaService("q=quillwort&sort=newest", TODAY);
    expect(newest.rows.map((r) => r.ocid)).toEqual(["ocds-relevance-2", "ocds-relevance-1"]);
  });
});
