/**
 * npm run bench:dashboards — the dashboards at 1,000,000 contracts in PostgreSQL.
 *
 * 1. Makes sure the bench database (BENCH_DB, default register_bench on
 *    postgres://postgres@127.0.0.1:5432, shared with the register bench) holds
 *    at least BENCH_CONTRACTS demo contracts (default 1,000,000; seeded once
 *    with loadDemo, reused after).
 * 2. Starts the app (scripts/start.ts) on a free port against it and drives
 *    every dashboard page and stats endpoint with autocannon, 10 connections
 *    each, printing p50 and p95 (exact, from every response time).
 * 3. Times how long the aggregates take to catch up after importing 1,000 new
 *    releases, and after publishing 1,000 amendments to existing contracts:
 *    the rollups are maintained inside the writing transaction, so they are
 *    current at commit; it prints the whole write and the part spent on the
 *    dashboard rows and rollups, and checks the figures moved. Both writes are
 *    rolled back, so the shared database is left as it was.
 *
 * BENCH_CONTRACTS=20000 BENCH_DB=register_bench_dash npm run bench:dashboards  (a quick run)
 * BENCH_SECONDS (default 10) sets the time per endpoint.
 */
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import type { DB } from "../db/client";
import { buildSpendRows } from "../app/services/spend.server";
import { ingestReleases } from "../app/services/ingest.server";
import { smeShareApi } from "../app/services/stats.server";
import type { ContractState, OcdsRelease } from "../app/domain/types";
import { deleteSpendFor } from "../db/queries/stats";
import { insertChunked } from "../db/queries/util";
import { DEMO_OCID_PREFIX, generateDemo } from "../seeds/generate";
import { BENCH_CONTRACTS, BENCH_DB, benchUrl, ensureBenchDatabase, ms, percentile, startServer } from "./lib";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;

interface AutocannonInstance {
  on(event: "response", fn: (client: unknown, status: number, bytes: number, responseTime: number) => void): void;
  on(event: "done", fn: (result: { errors: number; timeouts: number; non2xx: number; requests: { total: number } }) => void): void;
}
type Autocannon = (
  opts: { url: string; connections: number; duration: number; timeout?: number },
  cb?: (err: unknown, result: unknown) => void,
) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

function cannon(url: string, seconds: number): Promise<{ times: number[]; errors: number; non2xx: number; requests: number }> {
  return new Promise((resolve) => {
    const times: number[] = [];
    const inst = autocannon({ url, connections: CONNECTIONS, duration: seconds, timeout: 30 });
    inst.on("response", (_c, _s, _b, t) => times.push(t));
    inst.on("done", (r) => resolve({ times, errors: r.errors + r.timeouts, non2xx: r.non2xx, requests: r.requests.total }));
  });
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((hd, i) => Math.max(hd.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}

// ---------------------------------------------------------------------------

const h = await ensureBenchDatabase(BENCH_CONTRACTS);
const db = h.db;
const contracts = Number(
  (await sql<{ n: string }>`select count(*)::text as n from processes`.execute(db)).rows[0]?.n ?? 0,
);
const lines = Number((await sql<{ n: string }>`select count(*)::text as n from spend_lines`.execute(db)).rows[0]?.n ?? 0);
await sql`analyze`.execute(db);

// Ids for the buyer- and supplier-specific cases: the largest of each.
const topBuyer = (await sql<{ id: string }>`
  select buyer_id::text as id from spend_buyer_fy where view = 'awarded' and fy = 0 and gbp
  group by buyer_id order by sum(value_pence) desc limit 1`.execute(db)).rows[0]?.id;
const topSupplier = (await sql<{ id: string }>`
  select supplier_id::text as id from spend_supplier_total where view = 'awarded' and fy = 0
  order by value_pence desc limit 1`.execute(db)).rows[0]?.id;

const cases: Array<[string, string]> = [
  ["page /", "/"],
  ["page /dashboards/sme", "/dashboards/sme"],
  ["page /dashboards/sme (annualised, central, CPV 72)", "/dashboards/sme?view=annualised&buyerType=central&cpv=72"],
  ["page /dashboards/consultancy", "/dashboards/consultancy"],
  ["page /dashboards/consultancy (one buyer)", `/dashboards/consultancy?buyer=${topBuyer}`],
  ["page /dashboards/concentration", "/dashboards/concentration"],
  ["page /dashboards/concentration (2023-24, by group)", "/dashboards/concentration?fy=2023-24&by=group"],
  ["page /buyers", "/buyers"],
  ["page /buyers/:id", `/buyers/${topBuyer}`],
  ["page /suppliers", "/suppliers"],
  ["page /suppliers/:id", `/suppliers/${topSupplier}`],
  ["page /methodology", "/methodology"],
  ["api sme-share", "/api/v1/stats/sme-share"],
  ["api sme-share (annualised, one buyer)", `/api/v1/stats/sme-share?view=annualised&buyer=${topBuyer}`],
  ["api consultancy", "/api/v1/stats/consultancy"],
  ["api consultancy (awarded, local, CPV 72)", "/api/v1/stats/consultancy?view=awarded&buyerType=local&cpv=72"],
  ["api concentration", "/api/v1/stats/concentration"],
  ["api concentration (2023-24)", "/api/v1/stats/concentration?fy=2023-24"],
  ["api concentration (2023-24, central, by group)", "/api/v1/stats/concentration?fy=2023-24&buyerType=central&by=group"],
];

console.log(
  `\nDashboards benchmark: ${BENCH_DB} holds ${contracts.toLocaleString("en-GB")} contracts (${lines.toLocaleString("en-GB")} spend lines); ` +
    `${CONNECTIONS} concurrent connections (autocannon), ${SECONDS} s per endpoint`,
);

/**
 * One pass over every endpoint. "cached": as served (figures and chart SVG are
 * cached per data version, and whole anonymous pages replayed while the data
 * is unchanged, so repeated requests for the same view skip the queries and
 * the rendering); "uncached": STATS_CACHE=off and PAGE_CACHE=off, every request
 * runs its queries and renders its page (the cost of a view nobody has asked
 * for since the last write).
 */
async function pass(mode: "cached" | "uncached"): Promise<string[][]> {
  const server = await startServer({
    DATABASE_URL: benchUrl(),
    RATE_LIMIT_API_PER_MINUTE: "100000000",
    STATS_CACHE: mode === "cached" ? "on" : "off",
    PAGE_CACHE: mode === "cached" ? "on" : "off",
  });
  console.log(`\n${mode}:`);
  const rows: string[][] = [];
  try {
    for (const [name, path] of cases) {
      await cannon(`${server.base}${path}`, 1); // warm up
      const r = await cannon(`${server.base}${path}`, SECONDS);
      rows.push([name, mode, ms(percentile(r.times, 50)), ms(percentile(r.times, 95)), String(r.requests), String(r.errors + r.non2xx)]);
      console.log(`  ${name}: p50 ${ms(percentile(r.times, 50))}, p95 ${ms(percentile(r.times, 95))}`);
    }
  } finally {
    await server.stop();
  }
  return rows;
}

const rows = [...(await pass("cached")), ...(await pass("uncached"))];
console.log(`\n${table(["endpoint", "mode", "p50", "p95", "requests", "errors"], rows)}`);
console.log("\nGoal: p95 under 100 ms for each.");

// ---------------------------------------------------------------------------
// Catch-up after 1,000 releases

class Rollback extends Error {}

/** 1,000 releases of new contracts: demo releases of another seed under a fresh ocid prefix. */
function newReleases(count: number): OcdsRelease[] {
  const prefix = `ocds-bench${Date.now().toString(36)}-`;
  const demo = generateDemo({ contracts: count, seed: 424_242, today: new Date() });
  const out: OcdsRelease[] = [];
  for (const rels of demo.processes()) {
    for (const r of rels) {
      if (out.length >= count) return out;
      out.push(JSON.parse(JSON.stringify(r).split(DEMO_OCID_PREFIX).join(prefix)) as OcdsRelease);
    }
  }
  return out;
}

/** 1,000 amendments, one to each of 1,000 existing contracts with a contract: a value rise of £1,000. */
async function amendmentReleases(count: number): Promise<OcdsRelease[]> {
  const r = await sql<{ ocid: string; data: unknown }>`
    select distinct on (r.ocid) r.ocid, r.data from releases r
    where r.ocid in (select ocid from processes where status = 'active' and currency = 'GBP' order by ocid limit ${count})
    order by r.ocid, r.date desc, r.id desc`.execute(db);
  const stamp = Date.now().toString(36);
  return r.rows.map((row) => {
    const last = (typeof row.data === "string" ? JSON.parse(row.data) : row.data) as OcdsRelease & {
      contracts?: Array<{ value?: { amount?: number; currency?: string } }>;
    };
    const rel = structuredClone(last);
    rel.id = `${last.id}-bench-${stamp}`;
    rel.date = new Date().toISOString();
    rel.tag = ["contractAmendment"];
    const c = rel.contracts?.[0];
    if (c?.value?.amount !== undefined) c.value = { amount: c.value.amount + 1000, currency: "GBP" };
    return rel;
  });
}

async function catchUp(label: string, releases: OcdsRelease[]): Promise<string[]> {
  let result: string[] = [label, String(releases.length)];
  try {
    await db.transaction().execute(async (trx) => {
      const before = await smeShareApi(trx as unknown as DB, new URLSearchParams());
      const t0 = performance.now();
      const res = await ingestReleases(trx, releases, { source: "bench" });
      const write = performance.now() - t0;
      // The dashboard part of that write, measured on its own: rewrite the same processes' spend rows
      // (delete + insert; the triggers subtract and add them in the rollups).
      const t1 = performance.now();
      await deleteSpendFor(trx, res.ocids);
      const spendRows = await buildSpendRows(trx, res.states as ContractState[]);
      await insertChunked(trx, "spend_lines", spendRows.lines);
      await insertChunked(trx, "spend_annual", spendRows.annual);
      const spend = performance.now() - t1;
      const t2 = performance.now();
      const after = await smeShareApi(trx as unknown as DB, new URLSearchParams());
      const read = performance.now() - t2;
      const sum = (a: typeof before) => a.years.reduce((s, y) => s + y.knownValuePence + y.unknownValuePence, 0n);
      const moved = sum(after) !== sum(before) ? "yes" : "no";
      result = [label, String(releases.length), String(res.ocids.length), ms(write), ms(spend), ms(read), moved];
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) result = [label, String(releases.length), "failed", (e as Error).message.slice(0, 80), "", "", ""];
  }
  return result;
}

console.log("\nCatch-up after 1,000 releases (each in one transaction, rolled back afterwards):");
const catchRows = [
  await catchUp("import: 1,000 releases of new contracts", newReleases(1000)),
  await catchUp("publish: 1,000 amendments to existing contracts", await amendmentReleases(1000)),
];
console.log(
  table(
    ["write", "releases", "processes", "whole write", "of which dashboard rows + rollups", "stats read after", "figures moved"],
    catchRows,
  ),
);
console.log(
  "\nThe rollups are updated by triggers inside the writing transaction: the dashboards and API show the new figures as soon as it commits (catch-up lag 0).",
);
await h.close();
