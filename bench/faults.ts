/**
 * npm run bench:faults — the register under faults, one PASS/FAIL line each
 * (exit 1 if any FAIL). Loopback only; every scenario bounded in time.
 *
 *  a. PostgreSQL stopped and restarted under load: pages answer 503 with a
 *     clear message while it is down, recover by themselves, and nothing
 *     published before is lost.
 *  b. kill -9 of the app during a publish: the entry is wholly there or
 *     wholly absent (release, process, audit entry, draft), never half; pressing
 *     Publish again afterwards publishes it exactly once.
 *  c. kill -9 during an import: whole batches only; the re-run finishes with
 *     no duplicates.
 *  d. PGlite on a read-only data directory and on a full disk: a clear error,
 *     not corruption (the data opens and checks out afterwards).
 *
 * The PostgreSQL scenarios use a private, throwaway cluster (Debian's
 * initdb/pg_ctl in a temporary folder, on a free port), never the machine's
 * own PostgreSQL. Scenario d needs mount (root): a read-only bind mount and a
 * small tmpfs; without it the scenario says SKIP and why.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { type DB, openDatabase } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { DEMO_ACCOUNTS } from "../seeds/demo-users";
import { loadDemo } from "../seeds/load";
import { freshCopies, realReleases, writeJsonLines } from "../tests/integration/import-fixtures";
import { Client, fill, inputValue, publishDraft, tenderFields } from "../tests/integration/publish-server";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { drive, freePort } from "./http";

const SCENARIO_LIMIT_MS = Number(process.env.FAULTS_SCENARIO_SECONDS ?? 240) * 1000;
const work = mkdtempSync(path.join(tmpdir(), "register-faults-"));
const results: Array<{ name: string; outcome: "PASS" | "FAIL" | "SKIP"; detail: string }> = [];
/** Every child process started, so none outlives the run (a scenario that times out leaves them). */
const children = new Set<ChildProcess>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// A private PostgreSQL cluster

const PG_BIN = (() => {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((x, y) => Number(y) - Number(x));
  for (const v of versions) if (existsSync(`${root}/${v}/bin/pg_ctl`)) return `${root}/${v}/bin`;
  return null;
})();
const isRoot = process.getuid?.() === 0;

function pgCmd(tool: string, args: string[]) {
  const cmd = isRoot ? "runuser" : `${PG_BIN}/${tool}`;
  const full = isRoot ? ["-u", "postgres", "--", `${PG_BIN}/${tool}`, ...args] : args;
  const r = spawnSync(cmd, full, { encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(" ")} failed: ${r.stderr || r.stdout || r.error}`);
  return r.stdout;
}

class Cluster {
  readonly dir = path.join(work, "pg");
  port = 0;
  async init() {
    if (!PG_BIN) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql");
    spawnSync("mkdir", ["-p", this.dir]);
    if (isRoot) {
      const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
      const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
      chownSync(work, uid, gid);
      chownSync(this.dir, uid, gid);
    }
    pgCmd("initdb", ["-D", this.dir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-instructions"]);
    this.port = await freePort();
    this.start();
  }
  start() {
    pgCmd("pg_ctl", ["-D", this.dir, "-l", `${this.dir}/server.log`, "-o", `-p ${this.port} -k /tmp -c listen_addresses=127.0.0.1`, "-w", "-t", "60", "start"]);
  }
  stop(mode: "fast" | "immediate" = "fast") {
    pgCmd("pg_ctl", ["-D", this.dir, "-m", mode, "-w", "-t", "60", "stop"]);
  }
  url(db: string) {
    return `postgres://postgres@127.0.0.1:${this.port}/${db}`;
  }
  async createDb(name: string) {
    const c = new pg.Client({ connectionString: this.url("postgres") });
    await c.connect();
    await c.query(`create database ${name}`);
    await c.end();
  }
}

// ---------------------------------------------------------------------------
// The app and the importer as child processes (node itself, so kill -9 hits them)

interface App {
  base: string;
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

function spawnScript(script: string, args: string[], env: Record<string, string>) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ["DATABASE_URL", "DATABASE_READ_URL", "DATA_DIR", "PGOPTIONS"]) delete childEnv[k];
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { env: { ...childEnv, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout!.on("data", (d) => {
    log += String(d);
  });
  child.stderr!.on("data", (d) => {
    log += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  children.add(child);
  void exited.then(() => children.delete(child));
  return { child, log: () => log, exited };
}

async function startApp(env: Record<string, string>, waitHealthy = true): Promise<App> {
  const port = await freePort();
  const p = spawnScript("scripts/start.ts", [], {
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    SESSION_SECRET: "faults-secret-faults-secret-0123",
    LOG_LEVEL: "warn",
    DEMO_CONTRACTS: "0",
    RATE_LIMIT_API_PER_MINUTE: "100000000",
    RATE_LIMIT_LOGIN_PER_15_MINUTES: "100000",
    ...env,
  });
  const app: App = { base: `http://127.0.0.1:${port}`, ...p };
  if (!waitHealthy) return app;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (p.child.exitCode !== null) throw new Error(`the app exited (${p.child.exitCode}):\n${p.log()}`);
    try {
      if ((await fetch(`${app.base}/healthz`)).ok) return app;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`the app did not start:\n${p.log()}`);
    await sleep(250);
  }
}

async function stopApp(app: App): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill("SIGTERM");
  await Promise.race([app.exited, sleep(20_000).then(() => app.child.kill("SIGKILL"))]);
}

async function signIn(base: string): Promise<Client> {
  const c = new Client(base);
  const r = await c.signIn(DEMO_ACCOUNTS.publisher.email, DEMO_ACCOUNTS.publisher.password);
  if (r.status !== 303) throw new Error(`sign-in answered ${r.status}`);
  return c;
}

async function publisherBuyer(db: DB): Promise<bigint> {
  const r = await db
    .selectFrom("user_buyers as ub")
    .innerJoin("users as u", "u.id", "ub.user_id")
    .select("ub.buyer_id")
    .where("u.email", "=", DEMO_ACCOUNTS.publisher.email)
    .executeTakeFirstOrThrow();
  return r.buyer_id;
}

/** Fill a tender form and save it as a draft; returns the draft's path. */
async function draftTender(c: Client, buyer: bigint, title: string): Promise<string> {
  const r = await fill(c, "/publish/tender", tenderFields(buyer, title));
  if (r.status !== 303 || !r.location) throw new Error(`saving a draft answered ${r.status}`);
  return r.location;
}

async function publishTender(c: Client, buyer: bigint, title: string): Promise<string> {
  const pub = await publishDraft(c, await draftTender(c, buyer, title));
  const m = /^\/publish\/([^?]+)\?published=/.exec(pub.location ?? "");
  if (pub.status !== 303 || !m) throw new Error(`publishing answered ${pub.status}`);
  return decodeURIComponent(m[1]!);
}

/** Releases whose process disagrees with them, and releases without a process. */
async function inconsistencies(db: DB): Promise<number> {
  const r = await sql<{ n: string }>`
    select (select count(*) from processes p where p.release_count <> (select count(*) from releases r where r.ocid = p.ocid))
         + (select count(*) from (select distinct ocid from releases) o where not exists (select 1 from processes p where p.ocid = o.ocid)) as n`.execute(db);
  return Number(r.rows[0]!.n);
}

async function scenario(name: string, fn: () => Promise<string>): Promise<void> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not finish within ${SCENARIO_LIMIT_MS / 1000} s`)), SCENARIO_LIMIT_MS);
      }),
    ]);
    results.push({ name, outcome: detail.startsWith("SKIP") ? "SKIP" : "PASS", detail: detail.replace(/^SKIP: /, "") });
  } catch (e) {
    results.push({ name, outcome: "FAIL", detail: e instanceof Error ? e.message.split("\n").slice(0, 6).join(" | ") : String(e) });
  } finally {
    clearTimeout(timer);
  }
  const r = results.at(-1)!;
  console.log(`${r.outcome} ${name} (${((Date.now() - started) / 1000).toFixed(0)} s): ${r.detail}`);
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

// ---------------------------------------------------------------------------
// a. PostgreSQL stopped and restarted under load

async function postgresRestart(cluster: Cluster): Promise<string> {
  await cluster.createDb("faults_a");
  const h = await openDatabase({ url: cluster.url("faults_a"), poolSize: 2 });
  await migrateToLatest(h.db);
  await loadDemo(h.db, { contracts: 200, seed: 3 });
  const buyer = await publisherBuyer(h.db);
  await h.close();
  const app = await startApp({ DATABASE_URL: cluster.url("faults_a") });
  try {
    const c = await signIn(app.base);
    const published: string[] = [];
    for (let i = 0; i < 3; i++) published.push(await publishTender(c, buyer, `Before the outage ${i} ${randomBytes(3).toString("hex")}`));
    const urls = ["/contracts", `/contracts/${encodeURIComponent(published[0]!)}`, "/dashboards/sme", "/api/v1/contracts?limit=10", "/"].map((p) => app.base + p);
    // Load for 20 s: up 4 s, down 6 s, then back up.
    const load = drive(urls, { connections: 8, seconds: 20, timeoutMs: 15_000 });
    await sleep(4_000);
    cluster.stop("fast");
    const downAt = Date.now();
    let page: { status: number; text: string };
    let health: number;
    try {
      await sleep(1_500);
      const p = await fetch(`${app.base}/contracts`);
      page = { status: p.status, text: await p.text() };
      const hz = await fetch(`${app.base}/healthz`);
      await hz.arrayBuffer();
      health = hz.status;
      await sleep(4_500);
    } catch (e) {
      throw new Error(`the app stopped answering while PostgreSQL was down (${e instanceof Error ? e.message : String(e)}); app exit ${app.child.exitCode}; its log: ${app.log().slice(-1500)}`);
    } finally {
      cluster.start();
    }
    const upAt = Date.now();
    let recoveredMs = -1;
    while (Date.now() - upAt < 30_000) {
      const r = await fetch(`${app.base}/contracts`).catch(() => null);
      if (r?.status === 200) {
        recoveredMs = Date.now() - upAt;
        break;
      }
      await r?.arrayBuffer();
      await sleep(200);
    }
    const stats = await load;
    check(page.status === 503, `a page while PostgreSQL was down answered ${page.status}, not 503`);
    check(/temporarily unavailable/i.test(page.text), "the 503 page does not say the register is temporarily unavailable");
    check(health === 503, `/healthz while down answered ${health}`);
    check(recoveredMs >= 0, "pages did not recover within 30 s of PostgreSQL coming back (the app was not restarted)");
    const unexpected = Object.keys(stats.statuses).filter((s) => s !== "200" && s !== "503");
    const errors = app
      .log()
      .split("\n")
      .filter((l) => /"level":"error"/.test(l))
      .map((l) => `${/"path":"([^"]*)"/.exec(l)?.[1] ?? ""} ${/"message":"([^"]{0,200})/.exec(l)?.[1] ?? l.slice(0, 200)}`);
    const distinct = [...new Set(errors)].slice(0, 5).join(" | ");
    check(unexpected.length === 0, `answers other than 200/503 under load: ${JSON.stringify(stats.statuses)}; errors logged: ${distinct}`);
    check((stats.statuses[503] ?? 0) > 0, "no 503 was seen under load while PostgreSQL was down");
    // Nothing published is lost; publishing works again with the same session.
    for (const ocid of published) {
      const r = await fetch(`${app.base}/contracts/${encodeURIComponent(ocid)}`);
      await r.arrayBuffer();
      check(r.status === 200, `${ocid}, published before the outage, answers ${r.status}`);
    }
    await publishTender(c, buyer, `After the outage ${randomBytes(3).toString("hex")}`);
    return `${stats.requests} requests (${JSON.stringify(stats.statuses)}, ${stats.errors} network errors); down ${((upAt - downAt) / 1000).toFixed(1)} s with 503 "temporarily unavailable"; recovered ${(recoveredMs / 1000).toFixed(1)} s after restart without restarting the app; ${published.length} entries published before are all there`;
  } finally {
    await stopApp(app);
  }
}

// ---------------------------------------------------------------------------
// b. kill -9 of the app during a publish

async function killDuringPublish(cluster: Cluster): Promise<string> {
  await cluster.createDb("faults_b");
  const url = cluster.url("faults_b");
  const h = await openDatabase({ url, poolSize: 2 });
  await migrateToLatest(h.db);
  await loadDemo(h.db, { contracts: 100, seed: 4 });
  const buyer = await publisherBuyer(h.db);
  const delays = [0, 5, 20, 50, 100, 200, 400, 800];
  let whole = 0;
  let absent = 0;
  try {
    for (const delay of delays) {
      const app = await startApp({ DATABASE_URL: url });
      const c = await signIn(app.base);
      const title = `Kill during publish ${delay} ms ${randomBytes(3).toString("hex")}`;
      const draftPath = await draftTender(c, buyer, title);
      const draftId = BigInt(/\/publish\/drafts\/(\d+)/.exec(draftPath)?.[1] ?? "0");
      const preview = await c.get(draftPath);
      const key = inputValue(preview.html, "idempotencyKey")!;
      const pressed = c.post(draftPath, { csrf: inputValue(preview.html, "csrf")!, idempotencyKey: key, intent: "publish" }).catch(() => null);
      await sleep(delay);
      app.child.kill("SIGKILL");
      await app.exited;
      await pressed;
      // Wholly there or wholly absent.
      const audit = await h.db.selectFrom("audit_log").select(["ocid", "release_ids"]).where("idempotency_key", "=", key).executeTakeFirst();
      const draft = await h.db.selectFrom("drafts").select("id").where("id", "=", draftId).executeTakeFirst();
      const procs = await h.db.selectFrom("processes").select(["ocid", "release_count"]).where("title", "=", title).execute();
      if (audit) {
        const rel = await h.db.selectFrom("releases").select("release_id").where("ocid", "=", audit.ocid!).execute();
        const ids = new Set(rel.map((r) => r.release_id));
        check(audit.release_ids.every((id) => ids.has(id)), `delay ${delay} ms: the audit entry names releases that are not stored`);
        check(procs.length === 1 && procs[0]!.release_count === rel.length, `delay ${delay} ms: published, but the process row is missing or disagrees`);
        check(!draft, `delay ${delay} ms: published, but the draft is still there`);
        whole++;
      } else {
        check(procs.length === 0, `delay ${delay} ms: a process was stored without its audit entry`);
        check(Boolean(draft), `delay ${delay} ms: not published, and the draft is gone`);
        absent++;
      }
      check((await inconsistencies(h.db)) === 0, `delay ${delay} ms: releases and processes disagree`);
      // Press Publish again on a fresh instance: exactly one entry in the end.
      if (!audit) {
        const again = await startApp({ DATABASE_URL: url });
        try {
          const c2 = new Client(again.base);
          for (const [k, v] of c.jar) c2.jar.set(k, v); // the session survives the crash (it is in the database)
          const pub = await publishDraft(c2, draftPath);
          check(pub.status === 303, `delay ${delay} ms: publishing again answered ${pub.status}`);
        } finally {
          await stopApp(again);
        }
        const n = await h.db.selectFrom("processes").select("ocid").where("title", "=", title).execute();
        check(n.length === 1, `delay ${delay} ms: ${n.length} entries after publishing again`);
      }
    }
  } finally {
    await h.close();
  }
  return `${delays.length} kills at 0–${delays.at(-1)} ms into a publish: ${whole} wholly published, ${absent} wholly absent (then published once on retry); no half entries`;
}

// ---------------------------------------------------------------------------
// c. kill -9 during an import

async function killDuringImport(cluster: Cluster): Promise<string> {
  await cluster.createDb("faults_c");
  const url = cluster.url("faults_c");
  const BATCH = 250;
  const releases = freshCopies(
    realReleases().map((r) => r.release),
    4,
    `f${randomBytes(2).toString("hex")}`,
  );
  const file = path.join(work, "import.jsonl");
  writeJsonLines(file, releases);
  const env = { DATABASE_URL: url, NODE_ENV: "test" };
  const first = spawnScript("scripts/import.ts", [file, "--batch", String(BATCH), "--verbose"], env);
  const deadline = Date.now() + 120_000;
  while ((first.log().match(/^batch \d+ committed/gm) ?? []).length < 2) {
    if (first.child.exitCode !== null) throw new Error(`the import ended before it could be killed: ${first.log().slice(-500)}`);
    if (Date.now() > deadline) throw new Error("the import committed no two batches within 120 s");
    await sleep(20);
  }
  first.child.kill("SIGKILL");
  await first.exited;
  const h = await openDatabase({ url, poolSize: 2 });
  try {
    const count = async () => Number((await sql<{ n: string }>`select count(*) as n from releases`.execute(h.db)).rows[0]!.n);
    const committed = await count();
    check(committed % BATCH === 0 && committed >= 2 * BATCH, `after kill -9 the database holds ${committed} releases, not whole batches of ${BATCH}`);
    check((await inconsistencies(h.db)) === 0, "after kill -9 releases and processes disagree");
    const second = spawnScript("scripts/import.ts", [file, "--batch", String(BATCH)], env);
    const code = await second.exited;
    check(code === 0, `the re-run exited ${code}: ${second.log().slice(-500)}`);
    const total = await count();
    const distinct = Number((await sql<{ n: string }>`select count(*) as n from (select distinct ocid, release_id from releases) d`.execute(h.db)).rows[0]!.n);
    check(total === releases.length && distinct === total, `after the re-run: ${total} releases, ${distinct} distinct, expected ${releases.length}`);
    check((await inconsistencies(h.db)) === 0, "after the re-run releases and processes disagree");
    return `killed after ${committed} of ${releases.length} releases (${committed / BATCH} whole batches); the re-run imported the rest: ${total} releases, no duplicates`;
  } finally {
    await h.close();
  }
}

// ---------------------------------------------------------------------------
// d. PGlite: read-only data directory, full disk

function sh(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
}

async function pgliteSeed(dir: string, contracts: number): Promise<number> {
  const h = await openDatabase({ dataDir: dir });
  try {
    await migrateToLatest(h.db);
    await loadDemo(h.db, { contracts, seed: 5 });
    return Number((await h.db.selectFrom("processes").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
  } finally {
    await h.close();
  }
}

async function pgliteCheck(dir: string): Promise<{ processes: number; releases: number; bad: number }> {
  const h = await openDatabase({ dataDir: dir });
  try {
    const r = await sql<{ p: string; r: string }>`select (select count(*) from processes) as p, (select count(*) from releases) as r`.execute(h.db);
    return { processes: Number(r.rows[0]!.p), releases: Number(r.rows[0]!.r), bad: await inconsistencies(h.db) };
  } finally {
    await h.close();
  }
}

const CLEAR_STORAGE_ERROR = /read-only|EROFS|not writable|no space|ENOSPC|disk is full|could not (write|extend|create)/i;

async function pgliteReadOnly(): Promise<string> {
  const dir = path.join(work, "pglite-ro");
  const before = await pgliteSeed(dir, 60);
  const mounted = sh("mount", ["--bind", dir, dir]).ok && sh("mount", ["-o", "remount,bind,ro", dir]).ok;
  if (!mounted) {
    sh("umount", [dir]);
    if (isRoot) return "SKIP: mount is not permitted here (root ignores file permissions, so chmod cannot make the folder read-only)";
    spawnSync("chmod", ["-R", "a-w", dir]);
  }
  try {
    const app = await startApp({ DATA_DIR: dir }, false);
    const code = await Promise.race([app.exited, sleep(90_000).then(() => "running" as const)]);
    if (code === "running") {
      const r = await fetch(`${app.base}/contracts`).catch(() => null);
      await stopApp(app);
      throw new Error(`the app kept running on a read-only data directory (a page answered ${r?.status ?? "nothing"})`);
    }
    const out = app.log();
    check(code !== 0, "the app exited 0 on a read-only data directory");
    const said = out
      .trim()
      .split("\n")
      .filter((l) => /error/i.test(l) && l.length < 300)
      .slice(0, 2)
      .join(" / ");
    check(CLEAR_STORAGE_ERROR.test(out) && out.includes(dir), `no clear error naming the data directory; the app said: ${said || out.trim().slice(0, 200)}`);
  } finally {
    if (mounted) sh("umount", [dir]);
    else spawnSync("chmod", ["-R", "u+w", dir]);
  }
  const after = await pgliteCheck(dir);
  check(after.processes === before && after.bad === 0, `after the read-only start the data holds ${after.processes} contracts (had ${before}), ${after.bad} inconsistencies`);
  return `the app refused to start on a read-only data directory with a clear error, exit non-zero; the data opens intact afterwards (${after.processes} contracts)`;
}

async function pgliteFullDisk(): Promise<string> {
  const seeded = path.join(work, "pglite-seed");
  const before = await pgliteSeed(seeded, 60);
  const sizeKb = Number(sh("du", ["-sk", seeded]).out.split(/\s/)[0]);
  const mnt = path.join(work, "tmpfs");
  spawnSync("mkdir", ["-p", mnt]);
  // Room for the data plus a few MB: an import of a few thousand releases fills it.
  if (!sh("mount", ["-t", "tmpfs", "-o", `size=${sizeKb + 3 * 1024}k`, "tmpfs", mnt]).ok) {
    return "SKIP: mount is not permitted here, so a full disk cannot be simulated honestly";
  }
  const dir = path.join(mnt, "pglite");
  try {
    cpSync(seeded, dir, { recursive: true });
    const file = path.join(work, "full.jsonl");
    writeJsonLines(
      file,
      freshCopies(
        realReleases().map((r) => r.release),
        12,
        "disk",
      ),
    );
    const run = spawnScript("scripts/import.ts", [file, "--batch", "200"], { DATA_DIR: dir, NODE_ENV: "test" });
    const code = await Promise.race([run.exited, sleep(120_000).then(() => "hung" as const)]);
    if (code === "hung") {
      run.child.kill("SIGKILL");
      await run.exited;
      throw new Error(`the import hung on a full disk (killed after 120 s); it said: ${run.log().trim().split("\n").slice(-2).join(" / ").slice(0, 300)}`);
    }
    const out = run.log();
    check(code !== 0, "the import into a full disk exited 0 (the disk did not fill: make the tmpfs smaller)");
    check(CLEAR_STORAGE_ERROR.test(out), `no clear error on a full disk; the import said: ${out.trim().split("\n").slice(-3).join(" / ")}`);
    // Make room (as an operator would), then check the data and finish the import.
    sh("mount", ["-o", "remount,size=512m", mnt]);
    const mid = await pgliteCheck(dir);
    check(mid.bad === 0 && mid.processes >= before, `after the full disk: ${mid.processes} contracts (had ${before}), ${mid.bad} inconsistencies`);
    const again = spawnScript("scripts/import.ts", [file, "--batch", "200"], { DATA_DIR: dir, NODE_ENV: "test" });
    const code2 = await again.exited;
    check(code2 === 0, `with room again, the re-run exited ${code2}: ${again.log().slice(-400)}`);
    const after = await pgliteCheck(dir);
    check(after.bad === 0, "after the re-run releases and processes disagree");
    return `the import stopped with a clear error (exit ${code}) when the disk filled; the data opened consistent (${mid.processes} contracts) and the re-run finished (${after.releases} releases)`;
  } finally {
    for (const c of children) c.kill("SIGKILL");
    await sleep(500);
    sh("umount", [mnt]);
  }
}

// ---------------------------------------------------------------------------

buildIfNeeded();
console.log(`Fault scenarios (work folder ${work}); each bounded to ${SCENARIO_LIMIT_MS / 1000} s, loopback only.\n`);
const cluster = new Cluster();
let clusterUp = false;
try {
  await cluster.init();
  clusterUp = true;
  console.log(`Private PostgreSQL cluster on 127.0.0.1:${cluster.port} (${PG_BIN}).`);
} catch (e) {
  console.log(`No private PostgreSQL cluster: ${e instanceof Error ? e.message : String(e)}`);
}
const only = process.env.FAULTS_ONLY?.split(",") ?? null; // e.g. FAULTS_ONLY=a,d1
const wanted = (name: string) => !only || only.includes(name.split(".")[0]!);
const pgScenario = (name: string, fn: (c: Cluster) => Promise<string>) =>
  wanted(name) ? scenario(name, () => (clusterUp ? fn(cluster) : Promise.reject(new Error("no private PostgreSQL cluster could be started")))) : Promise.resolve();
const pgliteScenario = (name: string, fn: () => Promise<string>) => (wanted(name) ? scenario(name, fn) : Promise.resolve());
try {
  await pgScenario("a. PostgreSQL stopped and restarted under load", postgresRestart);
  await pgScenario("b. kill -9 of the app during a publish", killDuringPublish);
  await pgScenario("c. kill -9 during an import", killDuringImport);
  await pgliteScenario("d1. PGlite on a read-only data directory", pgliteReadOnly);
  await pgliteScenario("d2. PGlite on a full disk", pgliteFullDisk);
} finally {
  for (const c of children) c.kill("SIGKILL");
  for (const m of ["tmpfs", "pglite-ro"]) sh("umount", [path.join(work, m)]);
  if (clusterUp) {
    try {
      cluster.stop("immediate");
    } catch {
      /* already stopped */
    }
  }
  try {
    rmSync(work, { recursive: true, force: true });
  } catch (e) {
    console.log(`Could not remove ${work}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
console.log("\nSummary:");
for (const r of results) console.log(`  ${r.outcome}  ${r.name}`);
const failed = results.filter((r) => r.outcome === "FAIL").length;
process.exit(failed > 0 ? 1 : 0);
