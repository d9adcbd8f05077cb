/**
 * npm run bench:import — import speed and memory.
 *
 * Multiplies the real releases in ../shared/data/real (fresh ocids and ids for
 * every copy, and fresh suppliers: see copyOf) to BENCH_IMPORT_RELEASES
 * releases (default 200,000) in a
 * temporary JSON Lines file, written as a stream; then imports that file with
 * the importer the CLI uses (batches of 1,000) into
 *   1. a fresh PostgreSQL database `register_bench_import` (created, dropped after), and
 *   2. a fresh PGlite folder (deleted after),
 * each in its own child process, so each run's peak memory (maxRSS) is its own
 * (the empty database is created and migrated beforehand by another child:
 * PGlite's first start, initdb, is not part of an import).
 * Prints releases/s and peak memory per run. Goals: ≥ 5,000 releases/s into
 * PostgreSQL, ≥ 1,000/s into PGlite, peak memory under 500 MB.
 *
 * Environment: BENCH_IMPORT_RELEASES, BENCH_PG (server URL, default
 * postgres://postgres@127.0.0.1:5432), BENCH_IMPORT_TARGETS (default "postgres,pglite").
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

const SERVER = process.env.BENCH_PG ?? "postgres://postgres@127.0.0.1:5432";
const DB_NAME = "register_bench_import";
const TOTAL = Number(process.env.BENCH_IMPORT_RELEASES ?? 200_000);
const TARGETS = (process.env.BENCH_IMPORT_TARGETS ?? "postgres,pglite").split(",").map((s) => s.trim());
const REAL = path.resolve(process.cwd(), "../shared/data/real");

interface ChildResult {
  target: string;
  releases: number;
  imported: number;
  rejected: number;
  seconds: number;
  releasesPerSecond: number;
  maxRssMb: number;
}

// ---------------------------------------------------------------------------
// Child: one import, reporting its own peak memory.

async function child(target: string, file: string, dataDir: string): Promise<void> {
  const { openDatabase } = await import("../db/client");
  const { migrateToLatest } = await import("../db/migrate");
  const { importSources } = await import("../app/services/import.server");
  const open = () => (target === "postgres" ? openDatabase({ url: `${SERVER}/${DB_NAME}`, poolSize: 4 }) : openDatabase({ dataDir }));
  if (file === "--setup") {
    // Create and migrate the empty database in a process of its own: PGlite's first start (initdb) is not part of an import.
    const h = await open();
    await migrateToLatest(h.db);
    await h.close();
    return;
  }
  const h = await open();
  let peak = 0;
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 250);
  try {
    await migrateToLatest(h.db);
    let last = Date.now();
    const s = await importSources(h.db, [file], {
      batchSize: 1000,
      overlap: target === "postgres",
      onProgress: (p) => {
        if (Date.now() - last > 15_000) {
          last = Date.now();
          process.stderr.write(`  ${target}: ${p.releasesRead.toLocaleString("en-GB")} releases, ${p.releasesPerSecond.toLocaleString("en-GB")}/s\n`);
        }
      },
    });
    clearInterval(sample);
    const maxRss = Math.max(peak, process.resourceUsage().maxRSS * 1024);
    const result: ChildResult = {
      target,
      releases: s.releasesRead,
      imported: s.imported,
      rejected: s.rejected,
      seconds: s.seconds,
      releasesPerSecond: s.releasesPerSecond,
      maxRssMb: Math.round(maxRss / 1024 / 1024),
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    clearInterval(sample);
    await h.close();
  }
}

// ---------------------------------------------------------------------------
// Parent

function realReleases(): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const folder of readdirSync(REAL).sort()) {
    const dir = path.join(REAL, folder);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".json")).sort()) {
      const j = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as Record<string, unknown>;
      out.push(...(Array.isArray(j.releases) ? (j.releases as Array<Record<string, unknown>>) : [j]));
    }
  }
  return out;
}

type Obj = Record<string, unknown>;
const objects = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x): x is Obj => typeof x === "object" && x !== null) : []);

/**
 * Copy `copy` of a real release: fresh ocid and id; its suppliers renamed
 * (name prefixed, identifier and party id suffixed with the copy number). Buyers are
 * kept, so each buyer's contracts multiply; without fresh suppliers every
 * buyer–supplier pair would recur once per copy on the same dates, which no
 * real register holds (and which makes the cross-contract red-flag rules
 * re-examine ever larger groups of identical awards).
 */
function copyOf(r: Obj, copy: number): Obj {
  const c = JSON.parse(JSON.stringify(r)) as Obj;
  c.ocid = `${String(r.ocid)}-b${copy}`;
  if (r.id !== undefined) c.id = `${String(r.id)}-b${copy}`;
  const renamed = new Set<string>();
  for (const p of objects(c.parties)) {
    const roles = Array.isArray(p.roles) ? (p.roles as unknown[]) : [];
    if (!roles.includes("supplier") || roles.includes("buyer")) continue;
    renamed.add(String(p.id));
    p.id = `${String(p.id)}-b${copy}`;
    if (typeof p.name === "string") p.name = copyName(p.name, copy);
    const ident = p.identifier as Obj | undefined;
    if (ident && typeof ident.id === "string" && ident.id !== "") ident.id = `${ident.id}-b${copy}`;
  }
  for (const a of objects(c.awards)) {
    for (const s of objects(a.suppliers)) {
      if (!renamed.has(String(s.id))) continue;
      s.id = `${String(s.id)}-b${copy}`;
      if (typeof s.name === "string") s.name = copyName(s.name, copy);
    }
  }
  return c;
}

/**
 * A supplier's name in copy `copy`: the copy number first, because supplier
 * resolution reads a name up to "T/A" (trading as) and without legal
 * suffixes, so a number appended to "X Ltd T/A Y" would be dropped and every
 * copy would resolve to one supplier.
 */
const copyName = (name: string, copy: number) => `Copy ${copy} ${name}`;

/** Write TOTAL releases as JSON Lines, streamed (the file may be gigabytes). */
async function writeInput(file: string): Promise<number> {
  const real = realReleases();
  const out = createWriteStream(file);
  let n = 0;
  for (let copy = 0; n < TOTAL; copy++) {
    for (const r of real) {
      if (n >= TOTAL) break;
      const line = JSON.stringify(copyOf(r, copy));
      if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      n++;
    }
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return n;
}

async function admin(statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

function runChild(target: string, file: string, dataDir: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const setup = file === "--setup";
    const p = spawn(process.execPath, ["--import", "tsx", "bench/import.ts", "--child", target, file, dataDir], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, NODE_ENV: "production" },
    });
    let out = "";
    p.stdout.on("data", (d) => {
      out += String(d);
    });
    p.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (code === 0 && setup) resolve(null as unknown as ChildResult);
      else if (code === 0 && line) resolve(JSON.parse(line.slice(7)) as ChildResult);
      else reject(new Error(`${target} run failed (exit ${code}):\n${out}`));
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-import-"));
  const file = path.join(dir, "releases.jsonl");
  try {
    const t0 = Date.now();
    const n = await writeInput(file);
    const mb = statSync(file).size / 1024 / 1024;
    console.log(
      `Input: ${n.toLocaleString("en-GB")} releases (the 606 real ones, copied with fresh ocids, ids and suppliers), ${mb.toFixed(0)} MB of JSON Lines, written in ${((Date.now() - t0) / 1000).toFixed(1)} s.`,
    );
    const results: ChildResult[] = [];
    for (const target of TARGETS) {
      if (target === "postgres") {
        await admin(`drop database if exists ${DB_NAME}`);
        await admin(`create database ${DB_NAME}`);
        try {
          await runChild("postgres", "--setup", "");
          results.push(await runChild("postgres", file, ""));
        } finally {
          await admin(`drop database if exists ${DB_NAME}`);
        }
      } else if (target === "pglite") {
        const dataDir = path.join(dir, "pglite");
        try {
          await runChild("pglite", "--setup", dataDir);
          results.push(await runChild("pglite", file, dataDir));
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      } else throw new Error(`unknown target ${target} (postgres, pglite)`);
    }
    console.log("");
    console.log("target      releases   imported  rejected   seconds  releases/s  peak memory");
    for (const r of results) {
      console.log(
        `${r.target.padEnd(10)} ${r.releases.toLocaleString("en-GB").padStart(9)} ${r.imported.toLocaleString("en-GB").padStart(10)} ${String(r.rejected).padStart(9)} ${r.seconds.toFixed(1).padStart(9)} ${r.releasesPerSecond.toLocaleString("en-GB").padStart(11)}  ${r.maxRssMb} MB`,
      );
    }
    const goals: Record<string, number> = { postgres: 5000, pglite: 1000 };
    for (const r of results) {
      const rateOk = r.releasesPerSecond >= (goals[r.target] ?? 0);
      console.log(
        `${r.target}: ${rateOk ? "meets" : "misses"} the ${goals[r.target]?.toLocaleString("en-GB")} releases/s goal; peak memory ${r.maxRssMb < 500 ? "within" : "over"} 500 MB.`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === "--child") await child(args[1]!, args[2]!, args[3]!);
else await main();
