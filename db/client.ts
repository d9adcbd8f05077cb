/**
 * The one database factory. Embedded PGlite (real PostgreSQL in WASM) by
 * default, so a newcomer needs no server; a PostgreSQL server through `pg`
 * when a URL is given. Both return int8 as bigint and run the same migrations.
 */
import { mkdirSync } from "node:fs";
import { PGlite, types as pgliteTypes } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import type { Database } from "./schema";

// int8 → bigint on the pg driver (it returns strings by default). Process-wide, set once.
pg.types.setTypeParser(20, (v) => BigInt(v));
// numeric (e.g. sum(bigint)) stays a string on both drivers; queries cast sums back to int8.

export type DB = Kysely<Database>;

export interface DbHandle {
  db: DB;
  kind: "pglite" | "postgres";
  /** Close connections (and flush PGlite to disk). */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL URL; when absent, PGlite is used. */
  url?: string | undefined;
  /** PGlite data folder; "memory://" or undefined with `memory: true` for tests. */
  dataDir?: string | undefined;
  memory?: boolean;
  /** pg pool size. */
  poolSize?: number;
  /** Run every session with this search_path (tests use a schema per file). */
  searchPath?: string;
  /** Milliseconds before a pg statement is cancelled. */
  statementTimeoutMs?: number;
  /** Told the duration of every query (for Server-Timing). */
  onQuery?: (ms: number) => void;
}

function logOption(opts: OpenOptions) {
  const onQuery = opts.onQuery;
  if (!onQuery) return {};
  return {
    log: (e: { level: string; queryDurationMillis: number }) => {
      onQuery(e.queryDurationMillis);
    },
  };
}

export async function openDatabase(opts: OpenOptions = {}): Promise<DbHandle> {
  if (opts.url) {
    const options: string[] = [];
    if (opts.searchPath) options.push(`-c search_path=${opts.searchPath}`);
    if (opts.statementTimeoutMs) options.push(`-c statement_timeout=${opts.statementTimeoutMs}`);
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      ...(options.length ? { options: options.join(" ") } : {}),
    });
    // An idle client that loses its server must not crash the process.
    pool.on("error", () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...logOption(opts) });
    return { db, kind: "postgres", close: () => db.destroy() };
  }
  const dataDir = opts.memory ? undefined : (opts.dataDir ?? ".data/pglite");
  if (dataDir && !dataDir.includes("://")) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    parsers: { [pgliteTypes.INT8]: (v: string) => BigInt(v) },
    serializers: { [pgliteTypes.INT8]: (v: unknown) => String(v) },
    ...(process.env.PGLITE_SHARED_BUFFERS ? { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${process.env.PGLITE_SHARED_BUFFERS}`] } : {}),
  });
  if (opts.searchPath) {
    await client.exec(`create schema if not exists ${opts.searchPath}; set search_path to ${opts.searchPath};`);
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client), ...logOption(opts) });
  return {
    db,
    kind: "pglite",
    close: async () => {
      await db.destroy();
    },
  };
}

/** Open the database the environment names: DATABASE_URL, else PGlite in DATA_DIR. */
export function openFromEnv(env: NodeJS.ProcessEnv = process.env, extra: Partial<OpenOptions> = {}) {
  return openDatabase({ url: env.DATABASE_URL || undefined, dataDir: env.DATA_DIR || undefined, ...extra });
}
