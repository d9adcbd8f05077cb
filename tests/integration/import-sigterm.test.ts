/**
 * `npm run import` as a child process, sent SIGTERM part-way: it stops at a
 * batch boundary (the batch being committed finishes, nothing after it is
 * written), prints how to resume, closes the database cleanly and exits 143.
 * The database then holds a whole number of batches, and running the same
 * import again finishes the job with no duplicates.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openDatabase } from "../../db/client";
import { type TestDb, openTestDatabase } from "../setup/test-db";
import { freshCopies, realReleases, tempDir, writeJsonLines } from "./import-fixtures";

const onPg = Boolean(process.env.TEST_DATABASE_URL);
const tmp = tempDir("sigterm");
const dataDir = tmp.file("pglite");
let pg: TestDb | null = null;
const BATCH = 200;
const COPIES = 6;
let TOTAL = 0;

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "test" };
  delete env.DATABASE_URL;
  delete env.DATA_DIR;
  if (pg) {
    env.DATABASE_URL = pg.url;
    env.PGOPTIONS = `-c search_path=${pg.schema}`;
  } else env.DATA_DIR = dataDir;
  return env;
}

function runImport(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/import.ts", ...args], { cwd: process.cwd(), env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => {
    out += String(d);
  });
  child.stderr!.on("data", (d) => {
    err += String(d);
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function withDb<T>(fn: (h: DbHandle) => Promise<T>): Promise<T> {
  if (pg) return fn(pg);
  const h = await openDatabase({ dataDir });
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}

beforeAll(async () => {
  if (onPg) pg = await openTestDatabase("import_sigterm");
  const releases = realReleases().map((r) => r.release);
  const copies = freshCopies(releases, COPIES, "t");
  TOTAL = copies.length;
  writeJsonLines(tmp.file("releases.jsonl"), copies);
});
afterAll(async () => {
  await pg?.close();
  tmp.cleanup();
});

describe(`npm run import interrupted by SIGTERM (${onPg ? "PostgreSQL" : "PGlite"})`, () => {
  it("stops at a batch boundary, says how to resume, exits 143; a second run finishes with no duplicates", { timeout: 300_000 }, async () => {
    const file = tmp.file("releases.jsonl");
    const run = runImport([file, "--batch", String(BATCH), "--verbose"]);
    // Wait for the second committed batch, then ask it to stop.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if ((run.stderr().match(/^batch \d+ committed/gm) ?? []).length >= 2) {
          clearInterval(timer);
          run.child.kill("SIGTERM");
          resolve();
        }
      }, 20);
      run.exit.then(() => {
        clearInterval(timer);
        reject(new Error(`the import ended before it could be interrupted:\n${run.stdout()}\n${run.stderr()}`));
      });
    });
    const exit = await run.exit;
    const stderr = run.stderr();
    expect(exit, stderr).toEqual({ code: 143, signal: null }); // handled: not killed by the signal
    expect(stderr).toContain("SIGTERM: finishing the batch being committed, then stopping");
    expect(stderr).toMatch(/Import interrupted by SIGTERM at a batch boundary: \d+ batch(es)? committed/);
    expect(stderr).toContain("To resume, run the same import again");
    expect(stderr).toContain(`npm run import -- ${file} --batch ${BATCH} --verbose`);
    const printed = /imported: +([\d,]+)/.exec(run.stdout());
    expect(printed, run.stdout()).not.toBeNull();
    const importedPrinted = Number(printed![1]!.replace(/,/g, ""));

    const committed = await withDb(async (h) => {
      const r = await sql<{ releases: string; distinct_releases: string; inconsistent: string; orphans: string }>`
        select (select count(*) from releases) as releases,
               (select count(*) from (select distinct ocid, release_id from releases) d) as distinct_releases,
               (select count(*) from processes p where p.release_count <> (select count(*) from releases r where r.ocid = p.ocid)) as inconsistent,
               (select count(*) from (select distinct ocid from releases) o where not exists (select 1 from processes p where p.ocid = o.ocid)) as orphans`.execute(h.db);
      const row = r.rows[0]!;
      // The run was closed, not left "running" as after kill -9, and its report says why it stopped.
      const runRow = await h.db.selectFrom("import_runs").selectAll().orderBy("id", "desc").executeTakeFirstOrThrow();
      expect(runRow.status).toBe("failed");
      expect(runRow.finished_at).not.toBeNull();
      const report = (typeof runRow.report === "string" ? JSON.parse(runRow.report) : runRow.report) as { interrupted?: boolean };
      expect(report.interrupted).toBe(true);
      expect(runRow.imported).toBe(Number(row.releases));
      expect(Number(row.inconsistent)).toBe(0);
      expect(Number(row.orphans)).toBe(0);
      expect(Number(row.distinct_releases)).toBe(Number(row.releases));
      return Number(row.releases);
    });
    // A whole number of batches, at least the two seen committed, and not everything.
    expect(committed % BATCH).toBe(0);
    expect(committed).toBeGreaterThanOrEqual(2 * BATCH);
    expect(committed).toBeLessThan(TOTAL);
    expect(importedPrinted).toBe(committed);

    const again = runImport([file, "--batch", String(BATCH)]);
    expect((await again.exit).code, again.stderr()).toBe(0);
    expect(again.stdout()).toContain(`imported:  ${(TOTAL - committed).toLocaleString("en-GB")}`);
    expect(again.stdout()).toContain(`unchanged: ${committed.toLocaleString("en-GB")}`);
    await withDb(async (h) => {
      const r = await sql<{ releases: string; distinct_releases: string }>`
        select (select count(*) from releases) as releases, (select count(*) from (select distinct ocid, release_id from releases) d) as distinct_releases`.execute(h.db);
      expect(Number(r.rows[0]!.releases)).toBe(TOTAL);
      expect(Number(r.rows[0]!.distinct_releases)).toBe(TOTAL);
    });
  });
});
