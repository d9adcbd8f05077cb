/**
 * Red flags stored on write and recomputed (issue 6), against the database:
 * PGlite, or PostgreSQL when TEST_DATABASE_URL is set.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_FLAG_CONFIG,
  type FlagConfig,
  evaluateContractFlags,
  parseFlagConfig,
  peerAwardsFromContract,
} from "../../app/domain/flags";
import { compileReleases } from "../../app/domain/ocds/compile";
import { mapCompiledRelease } from "../../app/domain/ocds/map";
import type { ContractState, OcdsRelease } from "../../app/domain/types";
import {
  FLAG_CONFIG_KEY,
  getContractFlags,
  getFlagConfig,
  recomputeAllFlags,
} from "../../app/services/flags.server";
import { ingestReleases } from "../../app/services/ingest.server";
import { BadRequest, searchContracts } from "../../app/services/register.server";
import { getMeta } from "../../db/queries/write";
import { generateDemo } from "../../seeds/generate";
import { loadDemo } from "../../seeds/load";
import { FLAG_FACTS_SELECT } from "../../db/migrations/0013_flag_facts";
import { openTestDatabase, type TestDb } from "../setup/test-db";

const CONTRACTS = 3_200;
const SEED = 11;
const TODAY = new Date("2025-05-01T00:00:00Z");

let t: TestDb;
let states: ContractState[];

interface Snap {
  ocid: string;
  code: string;
  status: string;
  evidence: Record<string, unknown>;
  threshold: string;
}

async function snapshot(where?: string): Promise<Snap[]> {
  const r = await sql<Snap>`select ocid, code, status, evidence, threshold from flags ${sql.raw(where ? `where ${where}` : "")} order by ocid, code`.execute(
    t.db,
  );
  return r.rows;
}

/** The flags the rules give when every contract is in memory at once (no database, no batches). */
function expectedInMemory(config: FlagConfig): Array<{ ocid: string; code: string; status: string }> {
  const peers = states.flatMap((s) => peerAwardsFromContract(s));
  const byBuyer = new Map<string, typeof peers>();
  for (const p of peers) byBuyer.set(p.buyerKey, [...(byBuyer.get(p.buyerKey) ?? []), p]);
  const out: Array<{ ocid: string; code: string; status: string }> = [];
  for (const s of states) {
    const own = peerAwardsFromContract(s);
    const mine = own[0] ? (byBuyer.get(own[0].buyerKey) ?? []) : [];
    for (const r of evaluateContractFlags(s, config, mine)) {
      if (r.status !== "clear") out.push({ ocid: s.ocid, code: r.code, status: r.status });
    }
  }
  return out.sort((a, b) => (a.ocid < b.ocid ? -1 : a.ocid > b.ocid ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

beforeAll(async () => {
  t = await openTestDatabase("flags");
  // Small batches, so the cross-contract rules must reach peers written by earlier batches.
  await loadDemo(t.db, { contracts: CONTRACTS, seed: SEED, today: TODAY, batchSize: 150 });
  states = [];
  for (const rels of generateDemo({ contracts: CONTRACTS, seed: SEED, today: TODAY }).processes()) {
    states.push(mapCompiledRelease(compileReleases(rels), rels));
  }
}, 600_000);

afterAll(async () => {
  await t?.close();
});

/** Rows of flag_facts that differ from the same facts computed afresh from processes and flags (migration 0013). */
async function flagFactsDrift(): Promise<number> {
  const r = await sql<{ n: number }>`
    with fresh as (${sql.raw(FLAG_FACTS_SELECT)} group by p.ocid)
    select count(*)::int as n from fresh full join flag_facts x using (ocid)
    where x.ocid is null or fresh.ocid is null
       or (fresh.buyer_id, fresh.buyer_name, fresh.buyer_type, fresh.award_fy, fresh.current_value_pence, fresh.currency, fresh.supplier_ids, fresh.flagged, fresh.unknown)
          is distinct from (x.buyer_id, x.buyer_name, x.buyer_type, x.award_fy, x.current_value_pence, x.currency, x.supplier_ids, x.flagged, x.unknown)`.execute(t.db);
  return r.rows[0]!.n;
}

describe(`red flags on write and on recompute (${process.env.TEST_DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("stores, for every contract, the flags the rules give with all contracts in view", async () => {
    const stored = (await snapshot()).map(({ ocid, code, status }) => ({ ocid, code, status }));
    const expected = expectedInMemory(DEFAULT_FLAG_CONFIG);
    expect(stored.length).toBe(expected.length);
    expect(stored).toEqual(expected);
    // The demonstration data raises every rule at least once.
    const codes = new Set(stored.filter((r) => r.status === "flagged").map((r) => r.code));
    expect([...codes].sort()).toEqual([
      "late-publication",
      "non-competitive",
      "repeat-direct-awards",
      "short-tender",
      "single-bid",
      "split-below-threshold",
      "terminated-early",
      "value-increase",
    ]);
  });

  it("stores each flag with its evidence and the threshold in words, and the configuration in force", async () => {
    const state = states.find((s) => s.procurementMethod === "direct" && s.procurementMethodRationale !== null)!;
    const flags = await getContractFlags(t.db, state.ocid);
    const nc = flags.find((f) => f.code === "non-competitive")!;
    expect(nc.status).toBe("flagged");
    expect(nc.evidence).toMatchObject({ ocid: state.ocid, procurementMethod: "direct", procurementMethodRationale: state.procurementMethodRationale });
    expect(nc.threshold).toBe("Any award by a limited or direct procedure.");
    const repeat = (await snapshot("code = 'repeat-direct-awards' and status = 'flagged'"))[0]!;
    expect(Number(repeat.evidence.count)).toBeGreaterThan(3);
    expect(String(repeat.evidence.ocidsInWindow).split(", ")).toContain(repeat.ocid);
    expect(repeat.threshold).toContain("More than 3 non-competitive awards");
    expect(JSON.parse((await getMeta(t.db, FLAG_CONFIG_KEY))!)).toMatchObject({ shortTenderDays: 25, splitThresholdPence: "13968800" });
  });

  it("recomputes from the stored columns exactly what was computed from the compiled releases", async () => {
    const before = await snapshot();
    const result = await recomputeAllFlags(t.db, DEFAULT_FLAG_CONFIG, { batchSize: 400 });
    expect(result.contracts).toBe(CONTRACTS);
    expect(result.rebuilt).toBe(0);
    // Every rule was evaluated again and gave the same outcome: nothing to write.
    expect(result.changed).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("recomputes with new thresholds and stores them as the configuration in force", async () => {
    const config = parseFlagConfig({ shortTenderDays: 15, repeatDirectAwards: 1, latePublicationDays: 60 });
    const result = await recomputeAllFlags(t.db, config, { batchSize: 700 });
    const stored = (await snapshot()).map(({ ocid, code, status }) => ({ ocid, code, status }));
    expect(stored).toEqual(expectedInMemory(config));
    const defaults = expectedInMemory(DEFAULT_FLAG_CONFIG);
    const count = (list: typeof stored, code: string) => list.filter((r) => r.code === code && r.status === "flagged").length;
    expect(count(stored, "short-tender")).toBeLessThan(count(defaults, "short-tender"));
    expect(count(stored, "repeat-direct-awards")).toBeGreaterThan(count(defaults, "repeat-direct-awards"));
    expect(count(stored, "late-publication")).toBeLessThan(count(defaults, "late-publication"));
    expect(result.flagged["short-tender"]).toBe(count(stored, "short-tender"));
    expect(result.changed).toBeGreaterThan(0);
    expect((await snapshot("code = 'short-tender'"))[0]!.threshold).toContain("15 days");
    expect(await getFlagConfig(t.db)).toEqual(config);
    expect(await flagFactsDrift()).toBe(0);
    // Back to the defaults for the tests that follow.
    await recomputeAllFlags(t.db, DEFAULT_FLAG_CONFIG);
    expect(await flagFactsDrift()).toBe(0);
  });

  it("keeps /watch's facts (flag_facts) equal to the processes and flags they are read from", async () => {
    expect(Number((await sql<{ n: string }>`select count(*)::text as n from flag_facts`.execute(t.db)).rows[0]!.n)).toBe(CONTRACTS);
    expect(await flagFactsDrift()).toBe(0);
  });

  it("rebuilds from the releases the contracts that have no stored flag inputs", async () => {
    const before = await snapshot();
    const some = states.slice(0, 250).map((s) => s.ocid);
    const list = sql.join(some.map((o) => sql`${o}`));
    await sql`delete from process_extras where ocid in (${list})`.execute(t.db);
    await sql`delete from flag_peers where ocid in (${list})`.execute(t.db);
    await sql`delete from flags where ocid in (${list})`.execute(t.db);
    const result = await recomputeAllFlags(t.db, DEFAULT_FLAG_CONFIG);
    expect(result.rebuilt).toBe(250);
    expect(await snapshot()).toEqual(before);
  });

  it("lets the register list the contracts carrying a flag, and refuses an unknown flag", async () => {
    const flagged = new Set((await snapshot("code = 'single-bid' and status = 'flagged'")).map((r) => r.ocid));
    expect(flagged.size).toBeGreaterThan(0);
    const page = await searchContracts(t.db, new URLSearchParams("flag=single-bid"), TODAY, 100);
    expect(page.count.count).toBe(flagged.size);
    for (const row of page.rows) expect(flagged.has(row.ocid)).toBe(true);
    await expect(searchContracts(t.db, new URLSearchParams("flag=bribery"), TODAY)).rejects.toSatisfy(
      (e: unknown) => e instanceof BadRequest && e.errors.some((x) => x.param === "flag" && /unknown red-flag code/.test(x.message)),
    );
  });
});

// ---------------------------------------------------------------------------
// Incremental writes: a contract changes its peers' cross-contract flags.

const BUYER = { id: "GB-GOR-ZZTEST", name: "Department for Flag Tests", identifier: { scheme: "GB-GOR", id: "ZZTEST" } };

function award(
  n: number,
  release: number,
  date: string,
  opts: { supplier: string; method?: string; amount?: number },
): OcdsRelease {
  const ocid = `ocds-flagtest-${String(n).padStart(3, "0")}`;
  const supplier = { id: `GB-COH-${opts.supplier}`, name: `Supplier ${opts.supplier} Ltd`, identifier: { scheme: "GB-COH", id: opts.supplier } };
  return {
    ocid,
    id: `${ocid}-${release}`,
    date,
    tag: ["award"],
    initiationType: "tender",
    parties: [
      { ...BUYER, roles: ["buyer"] },
      { ...supplier, roles: ["supplier"], details: { scale: "small" } },
    ],
    buyer: { id: BUYER.id, name: BUYER.name },
    tender: {
      id: `${ocid}-tender`,
      title: `Test work ${n}`,
      status: "complete",
      procurementMethod: opts.method ?? "direct",
      procurementMethodRationale: "Extreme urgency.",
      numberOfTenderers: 1,
    },
    awards: [
      {
        id: `${ocid}-award`,
        status: "active",
        date,
        datePublished: date,
        value: { amount: opts.amount ?? 20_000, currency: "GBP" },
        suppliers: [{ id: supplier.id, name: supplier.name }],
      },
    ],
  };
}

async function flagStatus(code: string, ocids: string[]): Promise<Array<string | null>> {
  const rows = await sql<{ ocid: string; status: string }>`select ocid, status from flags where code = ${code}`.execute(t.db);
  const m = new Map(rows.rows.map((r) => [r.ocid, r.status]));
  return ocids.map((o) => m.get(o) ?? null);
}

async function publish(release: OcdsRelease) {
  await t.db.transaction().execute((trx) => ingestReleases(trx, [release], { source: "test" }));
}

describe("cross-contract flags follow each write", () => {
  const ocids = [1, 2, 3, 4].map((n) => `ocds-flagtest-00${n}`);

  it("flags all four direct awards when the fourth arrives within 12 months, and clears them when the fourth turns out competitive", async () => {
    const dates = ["2023-01-10T10:00:00Z", "2023-03-10T10:00:00Z", "2023-06-10T10:00:00Z", "2023-09-10T10:00:00Z"];
    for (let i = 0; i < 3; i++) await publish(award(i + 1, 1, dates[i]!, { supplier: "90000001" }));
    expect(await flagStatus("repeat-direct-awards", ocids)).toEqual([null, null, null, null]);

    await publish(award(4, 1, dates[3]!, { supplier: "90000001" }));
    expect(await flagStatus("repeat-direct-awards", ocids)).toEqual(["flagged", "flagged", "flagged", "flagged"]);
    const first = (await getContractFlags(t.db, ocids[0]!)).find((f) => f.code === "repeat-direct-awards")!;
    expect(first.evidence).toMatchObject({ count: 4, ocidsInWindow: ocids.join(", ") });

    // A correction: the fourth contract was awarded after an open procedure.
    await publish(award(4, 2, "2023-09-10T10:00:00Z", { supplier: "90000001", method: "open" }));
    expect(await flagStatus("repeat-direct-awards", ocids)).toEqual([null, null, null, null]);
  });

  it("leaves /watch's facts equal to the processes and flags after those writes", async () => {
    expect(await flagFactsDrift()).toBe(0);
  });

  it("flags two contracts under the threshold within 90 days whose sum exceeds it, and not a third far away", async () => {
    const split = [5, 6, 7].map((n) => `ocds-flagtest-00${n}`);
    await publish(award(5, 1, "2023-02-01T10:00:00Z", { supplier: "90000003", method: "open", amount: 80_000 }));
    expect(await flagStatus("split-below-threshold", split)).toEqual([null, null, null]);
    await publish(award(6, 1, "2023-04-01T10:00:00Z", { supplier: "90000003", method: "open", amount: 70_000 }));
    await publish(award(7, 1, "2023-12-01T10:00:00Z", { supplier: "90000003", method: "open", amount: 70_000 }));
    expect(await flagStatus("split-below-threshold", split)).toEqual(["flagged", "flagged", null]);
    const evidence = (await getContractFlags(t.db, split[0]!)).find((f) => f.code === "split-below-threshold")!.evidence;
    expect(evidence).toMatchObject({ count: 2, sumPence: "15000000", thresholdPence: "13968800" });
  });
});
