/**
 * `npm run import` as a child process: killed with SIGKILL part-way, the
 * database holds whole batches only (as before the batch in flight); run
 * again, it finishes the job without duplicates. Also the exit code, the
 * summary and --report.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openDatabase } from "../../db/client";
import { type TestDb, openTestDatabase } from "../setup/test-db";
import { freshCopies, realReleases, tempDir, writeJsonLines } from "./import-fixtures";

const onPg = Boolean(process.env.TEST_DATABASE_URL);
const tmp = tempDir("crash");
const dataDir = tmp.file("pglite");
let pg: TestDb | null = null;
const BATCH = 250;
const TOTAL = 2424; // 4 × the 606 real releases

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

function runImport(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/import.ts", ...args], { cwd: process.cwd(), env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => {
    out += String(d);
  });
  child.stderr!.on("data", (d) => {
    err += String(d);
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
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
  if (onPg) pg = await openTestDatabase("import_crash");
  const releases = realReleases().map((r) => r.release);
  writeJsonLines(tmp.file("releases.jsonl"), freshCopies(releases, TOTAL / releases.length, "k"));
});
afterAll(async () => {
  await pg?.close();
  tmp.cleanup();
});

describe(`npm run import (${onPg ? "PostgreSQL" : "PGlite"})`, () => {
  it("killed with SIGKILL mid-import keeps whole batches only, and a second run finishes the job", { timeout: 300_000 }, async () => {
    const run = runImport([tmp.file("releases.jsonl"), "--batch", String(BATCH), "--verbose"]);
    // Wait for the second committed batch, then kill without warning (a third may be in flight).
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if ((run.stderr().match(/^batch \d+ committed/gm) ?? []).length >= 2) {
          clearInterval(timer);
          run.child.kill("SIGKILL");
          resolve();
        }
      }, 20);
      run.exit.then(() => {
        clearInterval(timer);
        reject(new Error(`the import ended before it could be killed:\n${run.stdout()}\n${run.stderr()}`));
      });
    });
    await run.exit;

    const committed = await withDb(async (h) => {
      const r = await sql<{ releases: string; distinct_releases: string; processes: string; inconsistent: string; orphans: string }>`
        select (select count(*) from releases) as releases,
               (select count(*) from (select distinct ocid, release_id from releases) d) as distinct_releases,
               (select count(*) from processes) as processes,
               (select count(*) from processes p where p.release_count <> (select count(*) from releases r where r.ocid = p.ocid)) as inconsistent,
               (select count(*) from (select distinct ocid from releases) o where not exists (select 1 from processes p where p.ocid = o.ocid)) as orphans`.execute(h.db);
      const row = r.rows[0]!;
      const runRow = await h.db.selectFrom("import_runs").selectAll().orderBy("id", "desc").executeTakeFirstOrThrow();
      expect(runRow.status).toBe("running"); // it never finished
      expect(runRow.imported).toBe(Number(row.releases)); // counted inside each batch's own transaction
      expect(Number(row.inconsistent)).toBe(0);
      expect(Number(row.orphans)).toBe(0);
      expect(Number(row.distinct_releases)).toBe(Number(row.releases));
      return Number(row.releases);
    });
    expect(committed % BATCH).toBe(0);
    expect(committed).toBeGreaterThanOrEqual(2 * BATCH);
    expect(committed).toBeLessThan(TOTAL);

    const again = runImport([tmp.file("releases.jsonl"), "--batch", String(BATCH), "--report", tmp.file("report.json")]);
    expect(await again.exit).toBe(0);
    expect(again.stdout()).toContain(`imported:  ${(TOTAL - committed).toLocaleString("en-GB")}`);
    expect(again.stdout()).toContain(`unchanged: ${committed.toLocaleString("en-GB")}`);
    const report = JSON.parse(readFileSync(tmp.file("report.json"), "utf8")) as { imported: number; unchanged: number; rejected: number };
    expect(report).toMatchObject({ imported: TOTAL - committed, unchanged: committed, rejected: 0 });
    await withDb(async (h) => {
      const r = await sql<{ releases: string; distinct_releases: string }>`
        select (select count(*) from releases) as releases, (select count(*) from (select distinct ocid, release_id from releases) d) as distinct_releases`.execute(h.db);
      expect(Number(r.rows[0]!.releases)).toBe(TOTAL);
      expect(Number(r.rows[0]!.distinct_releases)).toBe(TOTAL);
    });
  });

  it("exits 1 when anything was rejected, printing each rejection and writing --report", { timeout: 120_000 }, async () => {
    const bad = tmp.file("bad.jsonl");
    writeJsonLines(bad, [{ id: "no-ocid", date: "2024-01-01T00:00:00Z", tag: ["tender"] }]);
    const run = runImport([bad, tmp.file("missing.json"), "--report", tmp.file("bad-report.json")]);
    expect(await run.exit).toBe(1);
    expect(run.stdout()).toContain("rejected:  2");
    expect(run.stdout()).toContain(`${bad} line 1 (no-ocid): ocid: required`);
    expect(run.stdout()).toContain(`${tmp.file("missing.json")} file: no such file or folder`);
    const report = JSON.parse(readFileSync(tmp.file("bad-report.json"), "utf8")) as { rejected: number; rejections: Array<{ file: string; position: string; reason: string }> };
    expect(report.rejected).toBe(2);
    expect(report.rejections[0]).toMatchObject({ file: bad, position: "line 1", reason: "ocid: required" });
  });

  it("exits 2 on a usage error", { timeout: 60_000 }, async () => {
    const run = runImport(["--batch", "0", "x.json"]);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain("--batch must be at least 1");
  });
});
