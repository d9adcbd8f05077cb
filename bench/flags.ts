/**
 * npm run bench:flags — red flags at 1,000,000 contracts in PostgreSQL.
 *
 * 1. Makes sure the bench database (BENCH_DB, default register_bench on
 *    postgres://postgres@127.0.0.1:5432, shared with the other benches) holds
 *    at least BENCH_CONTRACTS demo contracts (default 1,000,000; seeded once
 *    with loadDemo, reused after; created when missing).
 * 2. Recomputes every flag of every contract (`recomputeAllFlags`, what
 *    `npm run flags:recompute` runs) twice — with a changed threshold (the
 *    short tender period), then back to the thresholds in force — printing
 *    how long each took (goal: under 2 minutes for 1,000,000). Every rule is
 *    evaluated for every contract each time; only outcomes that changed are
 *    written.
 * 3. Starts the app (scripts/start.ts) on a free port against that database,
 *    and drives /watch and /opportunities (and a filtered view of each) with
 *    autocannon, 10 connections, printing p50 and p95 of every response time
 *    (goal: p95 under 150 ms). The first request of each page is timed on its
 *    own and printed too: /watch computes its figures once per state of the
 *    flag data and then serves them from memory until the next write.
 *
 * BENCH_CONTRACTS=20000 BENCH_DB=register_bench_small npm run bench:flags  (a quick run)
 * BENCH_SECONDS (default 10) sets the time per page.
 */
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { FLAG_CODES, parseFlagConfig, serialiseFlagConfig } from "../app/domain/flags";
import { loadFlagConfig, recomputeAllFlags } from "../app/services/flags.server";
import { BENCH_CONTRACTS, BENCH_DB, benchUrl, ensureBenchDatabase, ms, percentile, startServer } from "./lib";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;

interface AutocannonInstance {
  on(event: "response", fn: (client: unknown, status: number, bytes: number, responseTime: number) => void): void;
  on(event: "done", fn: (result: { errors: number; timeouts: number; non2xx: number; requests: { total: number } }) => void): void;
}
type Autocannon = (opts: { url: string; connections: number; duration: number; timeout?: number }) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

function cannon(url: string, seconds: number): Promise<{ times: number[]; errors: number; non2xx: number; requests: number }> {
  return new Promise((resolve) => {
    const times: number[] = [];
    const inst = autocannon({ url, connections: CONNECTIONS, duration: seconds, timeout: 30 });
    inst.on("response", (_c, _s, _b, t) => times.push(t));
    inst.on("done", (r) => resolve({ times, errors: r.errors + r.timeouts, non2xx: r.non2xx, requests: r.requests.total }));
  });
}

async function timedGet(url: string): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  return { ms: performance.now() - t0, status: res.status };
}

const h = await ensureBenchDatabase(BENCH_CONTRACTS);
let server: Awaited<ReturnType<typeof startServer>> | null = null;
try {
  const { config } = await loadFlagConfig(h.db);
  const count = await sql<{ n: number }>`select count(*)::int as n from processes`.execute(h.db);
  const contracts = count.rows[0]!.n;
  // Two full recomputes: with a changed threshold (a new short-tender limit, so
  // that rule's outcomes are rewritten), then back to the thresholds in force.
  const changedConfig = parseFlagConfig({
    ...serialiseFlagConfig(config),
    shortTenderDays: config.shortTenderDays === 15 ? 25 : 15,
  });
  for (const [label, cfg] of [
    [`short tender period ${changedConfig.shortTenderDays} days`, changedConfig],
    ["back to the thresholds in force", config],
  ] as const) {
    console.log(`\nRecomputing every red flag of ${contracts.toLocaleString("en-GB")} contracts in ${BENCH_DB} (${label})…`);
    let lastPrint = 0;
    const result = await recomputeAllFlags(h.db, cfg, {
      onProgress: (p) => {
        const now = Date.now();
        if (now - lastPrint > 10_000 || p.done === p.total) {
          lastPrint = now;
          console.log(`  ${p.phase}: ${p.done.toLocaleString("en-GB")} / ${p.total.toLocaleString("en-GB")}`);
        }
      },
    });
    console.log(
      `Recomputed all flags in ${result.seconds.toFixed(1)} s (${Math.round(result.contracts / result.seconds).toLocaleString("en-GB")} contracts/s; goal for 1,000,000: under 120 s); ` +
        `${result.changed.toLocaleString("en-GB")} stored outcomes changed` +
        (result.rebuilt ? `; ${result.rebuilt.toLocaleString("en-GB")} contracts rebuilt from their releases first` : ""),
    );
    for (const code of FLAG_CODES) {
      console.log(`  ${code.padEnd(24)} flagged ${String(result.flagged[code]).padStart(9)}   cannot tell ${String(result.unknown[code]).padStart(9)}`);
    }
  }
  await sql`analyze flags`.execute(h.db);

  // As served (page cache on, the default), then with PAGE_CACHE=off (every request rendered from the database).
  const pages = ["/watch", "/opportunities", "/watch?flag=single-bid&buyerType=central", "/opportunities?sme=yes&cpv=72&sort=value"];
  for (const [label, env] of [
    ["page cache on (default)", {}],
    ["PAGE_CACHE=off", { PAGE_CACHE: "off" }],
  ] as const) {
    server = await startServer({ DATABASE_URL: benchUrl(), ...env });
    console.log(`\nHTTP, ${label}, ${CONNECTIONS} connections, ${SECONDS} s per page (${server.base}):`);
    const rows: string[][] = [];
    for (const path of pages) {
      const first = await timedGet(`${server.base}${path}`);
      for (let i = 0; i < 3; i++) await timedGet(`${server.base}${path}`);
      const r = await cannon(`${server.base}${path}`, SECONDS);
      rows.push([
        path,
        `${first.status} in ${ms(first.ms)}`,
        String(r.requests),
        ms(percentile(r.times, 50)),
        ms(percentile(r.times, 95)),
        String(r.errors + r.non2xx),
      ]);
    }
    await server.stop();
    server = null;
    const head = ["page", "first request", "requests", "p50", "p95", "errors"];
    const widths = head.map((hd, i) => Math.max(hd.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
    console.log([line(head), ...rows.map(line)].join("\n"));
  }
  console.log("Goal: p95 under 150 ms for /watch and /opportunities.");
} finally {
  await server?.stop();
  await h.close();
}
