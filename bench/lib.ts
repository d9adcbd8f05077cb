/**
 * Shared pieces of the benchmarks: a PostgreSQL database holding N demo
 * contracts (created and seeded once, then reused). HTTP driving is in
 * bench/http.ts. Loopback only.
 */
import pg from "pg";
import { type DbHandle, openDatabase } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { loadDemo } from "../seeds/load";

export const BENCH_SERVER = process.env.BENCH_PG ?? "postgres://postgres@127.0.0.1:5432";
export const BENCH_DB = process.env.BENCH_DB ?? "register_bench";
export const BENCH_CONTRACTS = Number(process.env.BENCH_CONTRACTS ?? 1_000_000);
export const benchUrl = () => `${BENCH_SERVER}/${BENCH_DB}`;

/** Make sure the bench database exists, is migrated and holds at least `contracts` demo contracts. */
export async function ensureBenchDatabase(contracts = BENCH_CONTRACTS): Promise<DbHandle> {
  const admin = new pg.Client({ connectionString: `${BENCH_SERVER}/postgres` });
  await admin.connect();
  const exists = await admin.query("select 1 from pg_database where datname = $1", [BENCH_DB]);
  if (exists.rowCount === 0) await admin.query(`create database ${BENCH_DB}`);
  await admin.end();
  const h = await openDatabase({ url: benchUrl(), poolSize: 12 });
  await migrateToLatest(h.db);
  const r = await h.db.selectFrom("processes").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
  const have = Number(r.n);
  if (have < contracts) {
    if (have > 0) {
      throw new Error(
        `${BENCH_DB} holds ${have} contracts, fewer than ${contracts}; drop it (dropdb -h 127.0.0.1 -U postgres ${BENCH_DB}) or set BENCH_CONTRACTS=${have}`,
      );
    }
    console.log(`Seeding ${contracts.toLocaleString("en-GB")} demonstration contracts into ${BENCH_DB} (once; reused by later runs)…`);
    const s = await loadDemo(h.db, { contracts, seed: 1, progress: process.stdout.isTTY ?? false, batchSize: 1000 });
    console.log(`Seeded ${s.contracts.toLocaleString("en-GB")} contracts in ${s.seconds.toFixed(0)} s (${Math.round(s.contracts / s.seconds)}/s).`);
  } else {
    console.log(`${BENCH_DB} holds ${have.toLocaleString("en-GB")} contracts.`);
  }
  return h;
}

export { drive, freePort, ms, percentile, startServer, type LoadResult, type RunningServer } from "./http";
