/**
 * Red flags over real Contracts Finder data (issue 6, item 6): the 70 release
 * packages in ../shared/data/real/contracts-finder/ are imported through the
 * one write path, and the stored flag counts are compared with counts worked
 * out here from the raw JSON by a plain reading of ../shared/docs/metrics.md —
 * without calling the rules.
 *
 * What the files hold decides what can be read independently:
 * - single bid, non-competitive award, short tender period: the procedure
 *   (`tender.procurementMethod`, absent in most of these files), the number
 *   of bids, the tender period's end and the release date;
 * - repeat direct awards and split below threshold: buyers, suppliers, award
 *   dates and values are all there, so the windows are worked out by brute
 *   force over every pair of releases;
 * - value increase: one award each, no contract or amendment, so the current
 *   value is the original value: never flagged; unknown only without a value;
 * - late publication: no release carries a contract signature date, so every
 *   contract must be "cannot tell" (computed from that absence);
 * - terminated early: no contract, so none terminated: never flagged.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestReleases } from "../../app/services/ingest.server";
import type { OcdsRelease } from "../../app/domain/types";
import { openTestDatabase, type TestDb } from "../setup/test-db";

const DIR = path.resolve(__dirname, "../../../shared/data/real/contracts-finder");
const THRESHOLD_PENCE = 13_968_800n; // £139,688, the default split threshold
const SHORT_TENDER_DAYS = 25;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);

/** The calendar date in London (from the platform's time-zone data), as a day number. */
const londonFmt = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit" });
function londonDay(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  return Date.parse(`${londonFmt.format(new Date(ms))}T00:00:00Z`) / 86_400_000;
}

function pence(amount: unknown): bigint | null {
  if (typeof amount !== "number" || !Number.isFinite(amount)) return null;
  return BigInt(Math.round(amount * 100));
}

const decode = (s: string) => s.replace(/&amp;/g, "&").replace(/&#0?39;/g, "'");
const nameKey = (s: string) => decode(s).toLowerCase().replace(/\s+/g, " ").trim();

interface Row {
  ocid: string;
  method: string | null;
  tenderers: number | null;
  tenderStart: string | null;
  deadline: string | null;
  awardDay: number | null;
  awardValue: bigint | null;
  buyer: string;
  suppliers: Array<{ key: string; value: bigint | null }>;
  hasDateSigned: boolean;
  terminated: boolean;
}

/** A plain reading of one release into what the rules' definitions mention. */
function read(release: Json): Row {
  const tender = obj(release.tender);
  const parties = arr(release.parties);
  const award = arr(release.awards)[0] ?? {};
  const buyerName = str(obj(release.buyer).name) ?? str(parties.find((p) => (p.roles as string[]).includes("buyer"))?.name) ?? "";
  const refs = arr(award.suppliers);
  const own = refs.map((ref) => {
    const party = parties.find((p) => p.id === ref.id) ?? {};
    const id = obj(party.identifier);
    const key = str(id.scheme) && str(id.id) ? `${str(id.scheme)}-${str(id.id)}` : nameKey(str(ref.name) ?? str(party.name) ?? "");
    return { key, own: pence(obj(party.x_awardValue).amount) };
  });
  const value = pence(obj(award.value).amount);
  // Equal split unless every supplier has its own published value; odd pence to the first ones.
  const allOwn = own.length > 0 && own.every((s) => s.own !== null);
  const keys: string[] = [];
  for (const s of own) if (!keys.includes(s.key)) keys.push(s.key);
  const n = BigInt(keys.length);
  const suppliers = keys.map((key, i) => {
    if (allOwn) return { key, value: own.filter((s) => s.key === key).reduce((sum, s) => sum + (s.own as bigint), 0n) };
    if (value === null) return { key, value: null };
    return { key, value: value / n + (BigInt(i) < value % n ? 1n : 0n) };
  });
  const method = str(tender.procurementMethod)?.toLowerCase() ?? null;
  return {
    ocid: String(release.ocid),
    method,
    tenderers: typeof tender.numberOfTenderers === "number" ? tender.numberOfTenderers : null,
    // No tenderPeriod.startDate and no tender.datePublished here: the tender's publication is the release's date.
    tenderStart: str(obj(tender.tenderPeriod).startDate) ?? str(tender.datePublished) ?? str(release.date),
    deadline: str(obj(tender.tenderPeriod).endDate),
    awardDay: londonDay(str(award.date)),
    awardValue: value,
    buyer: nameKey(buyerName),
    suppliers,
    hasDateSigned: arr(release.contracts).some((c) => str(c.dateSigned) !== null),
    terminated: arr(release.contracts).some((c) => c.status === "terminated"),
  };
}

type Outcome = "flagged" | "unknown" | "clear";
const competitive = (m: string | null) => m === "open" || m === "selective";
const nonCompetitive = (m: string | null) => m === "limited" || m === "direct";
const worst = (list: Outcome[]): Outcome => (list.includes("flagged") ? "flagged" : list.includes("unknown") ? "unknown" : "clear");

/** Every window of `days` consecutive days containing `day`: the largest total of `weight` of the items in it, and how many. */
function bestWindow(day: number, items: Array<{ day: number; weight: bigint }>, days: number) {
  let best = { total: -1n, count: 0 };
  for (let start = day - days + 1; start <= day; start++) {
    const inside = items.filter((x) => x.day >= start && x.day <= start + days - 1);
    const total = inside.reduce((s, x) => s + x.weight, 0n);
    if (total > best.total) best = { total, count: inside.length };
  }
  return best;
}

function expected(rows: Row[]): Record<string, Record<Outcome, number>> {
  const tally: Record<string, Record<Outcome, number>> = {};
  const add = (code: string, o: Outcome) => {
    tally[code] ??= { flagged: 0, unknown: 0, clear: 0 };
    tally[code][o] += 1;
  };
  for (const r of rows) {
    add("single-bid", r.method === null ? "unknown" : !competitive(r.method) ? "clear" : r.tenderers === null ? "unknown" : r.tenderers === 1 ? "flagged" : "clear");
    add("non-competitive", r.method === null ? "unknown" : nonCompetitive(r.method) ? "flagged" : "clear");
    const start = londonDay(r.tenderStart);
    const end = londonDay(r.deadline);
    add(
      "short-tender",
      r.method === null
        ? "unknown"
        : !competitive(r.method)
          ? "clear"
          : start === null || end === null || end < start
            ? "unknown"
            : end - start < SHORT_TENDER_DAYS
              ? "flagged"
              : "clear",
    );
    add("value-increase", r.awardValue === null || r.awardValue <= 0n ? "unknown" : "clear");
    add("late-publication", r.hasDateSigned ? "clear" : "unknown");
    add("terminated-early", r.terminated ? "flagged" : "clear");

    // Repeat direct awards: same buyer and supplier, non-competitive, more than 3 in 365 days (this one included).
    if (r.method === null) add("repeat-direct-awards", "unknown");
    else if (!nonCompetitive(r.method)) add("repeat-direct-awards", "clear");
    else if (r.suppliers.length === 0) add("repeat-direct-awards", "unknown");
    else {
      add(
        "repeat-direct-awards",
        worst(
          r.suppliers.map((s) => {
            const peers = rows.filter((o) => o !== r && o.buyer === r.buyer && o.suppliers.some((x) => x.key === s.key));
            const certain = peers.filter((o) => nonCompetitive(o.method) && o.awardDay !== null).map((o) => ({ day: o.awardDay!, weight: 1n }));
            const uncertain = peers.filter((o) => o.method === null && (o.awardDay === null || Math.abs(o.awardDay - r.awardDay!) <= 364)).length;
            const count = bestWindow(r.awardDay!, [{ day: r.awardDay!, weight: 1n }, ...certain], 365).count;
            return count > 3 ? "flagged" : count + uncertain > 3 ? "unknown" : "clear";
          }),
        ),
      );
    }

    // Split below threshold: two or more contracts from one buyer to one supplier within 90 days, each under the threshold, summing over it.
    if (r.suppliers.length === 0) add("split-below-threshold", "unknown");
    else {
      add(
        "split-below-threshold",
        worst(
          r.suppliers.map((s): Outcome => {
            if (s.value === null || r.awardDay === null) return "unknown";
            if (s.value >= THRESHOLD_PENCE) return "clear";
            const peers = rows
              .filter((o) => o !== r && o.buyer === r.buyer && o.awardDay !== null && Math.abs(o.awardDay - r.awardDay!) <= 89)
              .flatMap((o) => o.suppliers.filter((x) => x.key === s.key && x.value !== null && x.value < THRESHOLD_PENCE).map((x) => ({ day: o.awardDay!, weight: x.value! })));
            const best = bestWindow(r.awardDay, [{ day: r.awardDay, weight: s.value }, ...peers], 90);
            return best.count >= 2 && best.total > THRESHOLD_PENCE ? "flagged" : "clear";
          }),
        ),
      );
    }
  }
  return tally;
}

let t: TestDb;
let rows: Row[];

beforeAll(async () => {
  t = await openTestDatabase("flags_real");
  rows = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith(".json")).sort()) {
    const pkg = JSON.parse(readFileSync(path.join(DIR, file), "utf8")) as { releases: OcdsRelease[] };
    await t.db.transaction().execute((trx) => ingestReleases(trx, pkg.releases, { source: `import:${file}` }));
    for (const release of pkg.releases) rows.push(read(release as unknown as Json));
  }
}, 600_000);

afterAll(async () => {
  await t?.close();
});

describe(`red flags over the real Contracts Finder files (${process.env.TEST_DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("imports all 70 contracts", async () => {
    expect(rows).toHaveLength(70);
    const r = await sql<{ n: number }>`select count(*)::int as n from processes`.execute(t.db);
    expect(r.rows[0]!.n).toBe(70);
  });

  it("stores, rule by rule, the counts a plain reading of the files gives", async () => {
    const want = expected(rows);
    const stored = await sql<{ code: string; status: Outcome; n: number }>`
      select code, status, count(*)::int as n from flags group by code, status`.execute(t.db);
    for (const [code, counts] of Object.entries(want)) {
      const got = (status: Outcome) => stored.rows.find((r) => r.code === code && r.status === status)?.n ?? 0;
      expect({ code, flagged: got("flagged"), unknown: got("unknown") }).toEqual({ code, flagged: counts.flagged, unknown: counts.unknown });
    }
  });

  it("knows what these files can and cannot tell", () => {
    const want = expected(rows);
    // Most Contracts Finder releases of this vintage leave out the procedure: every procedure-based rule must say "cannot tell" for them.
    const noMethod = rows.filter((r) => r.method === null).length;
    expect(noMethod).toBeGreaterThan(0);
    expect(want["single-bid"]!.unknown).toBeGreaterThanOrEqual(noMethod);
    expect(want["non-competitive"]!.unknown).toBe(noMethod);
    expect(want["non-competitive"]!.flagged).toBe(rows.filter((r) => nonCompetitive(r.method)).length);
    // No contract signature dates anywhere: late publication cannot be checked for any contract.
    expect(rows.every((r) => !r.hasDateSigned)).toBe(true);
    expect(want["late-publication"]!.unknown).toBe(70);
  });

  it("keeps, with each flag, the evidence read from the file", async () => {
    const direct = rows.find((r) => nonCompetitive(r.method))!;
    const r = await sql<{ evidence: Record<string, unknown> }>`
      select evidence from flags where ocid = ${direct.ocid} and code = 'non-competitive'`.execute(t.db);
    expect(r.rows[0]!.evidence).toMatchObject({ ocid: direct.ocid, procurementMethod: direct.method });
    const late = await sql<{ evidence: Record<string, unknown> }>`
      select evidence from flags where ocid = ${direct.ocid} and code = 'late-publication'`.execute(t.db);
    expect(late.rows[0]!.evidence).toMatchObject({ dateSigned: null, note: expect.stringContaining("signed is not known") });
  });
});
