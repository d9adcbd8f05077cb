/**
 * `npm start` (scripts/start.ts) on the embedded database, as a real process:
 * - the environment is validated before anything else: a bad FLAG_* stops it, naming the variable;
 * - in production an empty register gets no demonstration data (nor demonstration accounts,
 *   whose passwords are published) unless asked for, and never once a user account exists;
 * - graceful shutdown on PGlite: SIGTERM during a slow streaming download lets the download
 *   finish, exits 0, and leaves a data folder that opens with every row in it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { createUser } from "../../app/services/auth.server";
import { DEMO_ACCOUNTS } from "../../seeds/demo-users";
import { loadDemoIfEmpty } from "../../seeds/load";
import { openTestDatabase, type TestDb } from "../setup/test-db";
import { startServer as buildFirst } from "./publish-server";

const SECRET = "start-test-secret-0123456789abcdef";
const dirs: string[] = [];
const children: ChildProcess[] = [];

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), "register-start-"));
  dirs.push(d);
  return d;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

interface App {
  base: string;
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

/** scripts/start.ts as `npm start` runs it, on the embedded database in `dataDir`. */
async function start(env: Record<string, string>, opts: { waitForHealth?: boolean } = {}): Promise<App> {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(childEnv)) if (k === "DATABASE_URL" || k === "DATABASE_READ_URL" || k.startsWith("DEMO") || k.startsWith("FLAG_")) delete childEnv[k];
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: process.cwd(),
    env: { ...childEnv, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", SESSION_SECRET: SECRET, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d) => {
    out += String(d);
  });
  child.stderr!.on("data", (d) => {
    out += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const app: App = { base: `http://127.0.0.1:${port}`, child, out: () => out, exited };
  if (opts.waitForHealth === false) return app;
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`start.ts exited with ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${app.base}/healthz`)).ok) return app;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`start.ts did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function until(what: string, test: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function count(dataDir: string): Promise<{ processes: number; releases: number; users: string[] }> {
  const h = await openDatabase({ dataDir });
  try {
    const n = async (table: "processes" | "releases") => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(h.db)).rows[0]!.n);
    const users = (await h.db.selectFrom("users").select("email").orderBy("email").execute()).map((u) => u.email);
    return { processes: await n("processes"), releases: await n("releases"), users };
  } finally {
    await h.close();
  }
}

let t: TestDb;
beforeAll(async () => {
  t = await openTestDatabase("start");
  // Build first when the sources are newer than build/ (one test process at a time), so the
  // app processes below never build.
  await (await buildFirst(t.db)).close();
}, 600_000);
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await t?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("demonstration data at start (loadDemoIfEmpty)", () => {
  const quiet = () => {};

  it("is not loaded when it was not asked for, nor into a register that has a user account", async () => {
    expect(await loadDemoIfEmpty(t.db, { enabled: false, contracts: 5, seed: 3, progress: false, log: quiet })).toBe(false);
    await t.db.transaction().execute((trx) =>
      createUser(trx, { email: "first-admin@example.gov.uk", name: "First", role: "admin", password: "a real admin password", buyerIds: [] }, { userId: null, email: null, ip: null, userAgent: null }),
    );
    const said: string[] = [];
    expect(await loadDemoIfEmpty(t.db, { enabled: true, contracts: 5, seed: 3, progress: false, log: (m) => said.push(m) })).toBe(false);
    expect(said.join("\n")).toContain("has user accounts");
    expect(await t.db.selectFrom("processes").select("ocid").execute()).toEqual([]);
    expect((await t.db.selectFrom("users").select("email").execute()).map((u) => u.email)).toEqual(["first-admin@example.gov.uk"]);
    await t.db.deleteFrom("user_buyers").execute();
    await t.db.deleteFrom("users").execute();
  });

  it("is loaded, with the demonstration accounts, into an empty register when asked", async () => {
    expect(await loadDemoIfEmpty(t.db, { enabled: true, contracts: 5, seed: 3, progress: false, log: quiet })).toBe(true);
    expect((await t.db.selectFrom("processes").select("ocid").execute()).length).toBe(5);
    expect((await t.db.selectFrom("users").select("email").orderBy("email").execute()).map((u) => u.email)).toEqual(
      [DEMO_ACCOUNTS.admin.email, DEMO_ACCOUNTS.publisher2.email, DEMO_ACCOUNTS.publisher.email],
    );
    // Once there are contracts, never again.
    expect(await loadDemoIfEmpty(t.db, { enabled: true, contracts: 5, seed: 4, progress: false, log: quiet })).toBe(false);
  });
});

describe("npm start (scripts/start.ts) on PGlite", () => {
  it("a bad FLAG_* threshold stops start-up with a message naming the variable", async () => {
    const app = await start({ DATA_DIR: tempDir(), FLAG_SHORT_TENDER_DAYS: "soon", TRUST_PROXY: "everyone", PGLITE_SHARED_BUFFERS: "lots" }, { waitForHealth: false });
    expect(await app.exited).toBe(1);
    expect(app.out()).toContain("Invalid environment:");
    expect(app.out()).toMatch(/FLAG_SHORT_TENDER_DAYS: must be a finite non-negative number \(got "soon"\)/);
    expect(app.out()).toMatch(/TRUST_PROXY: must be a hop count/);
    expect(app.out()).toMatch(/PGLITE_SHARED_BUFFERS: must be a size such as 64MB/);
  }, 60_000);

  it("in production, an empty register gets no demonstration data or accounts unless asked for", async () => {
    const dir = tempDir();
    const app = await start({ DATA_DIR: dir });
    expect(app.out()).toContain("no demonstration data loaded");
    const home = await (await fetch(`${app.base}/`)).text();
    expect(home).not.toContain("Demonstration data — not real contracts");
    app.child.kill("SIGTERM");
    expect(await app.exited, app.out()).toBe(0);
    expect(await count(dir)).toEqual({ processes: 0, releases: 0, users: [] });
  }, 300_000);

  it("SIGTERM during a slow download: the download finishes whole, the process exits 0, the data folder opens with every row", async () => {
    const dir = tempDir();
    // Production, asked for explicitly. The dump (~4 KB a contract) is larger than the socket
    // buffers (a few MB), so a client that stops reading really holds the download open.
    const CONTRACTS = 2000;
    const app = await start({ DATA_DIR: dir, DEMO_CONTRACTS: String(CONTRACTS), DEMO_SEED: "5", SHUTDOWN_GRACE_MS: "60000" });
    expect(app.out()).toContain(`loading ${CONTRACTS.toLocaleString("en-GB")} demonstration contracts`);

    let received = 0;
    let lines = "";
    let response: http.IncomingMessage | null = null;
    const download = new Promise<{ status: number; complete: boolean }>((resolve, reject) => {
      const req = http.get(`${app.base}/api/v1/ocds/releases.jsonl`, (res) => {
        response = res;
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          // A slow client: it stops reading after the first chunk (resumed below).
          if (received === 0) res.pause();
          received += c.length;
          lines += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, complete: res.complete }));
        res.on("error", reject);
      });
      req.on("error", reject);
    });
    await until("the first bytes of the download", () => received > 0, 60_000);
    app.child.kill("SIGTERM");
    await until("the shutdown to begin", () => app.out().includes("SIGTERM: finishing requests in flight"));
    // The download is still in flight: the process waits for it, and accepts nothing new.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(app.child.exitCode, app.out()).toBeNull();
    await expect(fetch(`${app.base}/healthz`)).rejects.toThrow();

    // The client reads on: everything arrives, and then the process exits 0.
    (response as http.IncomingMessage | null)?.resume();
    expect(await download).toEqual({ status: 200, complete: true });
    expect(await app.exited, app.out()).toBe(0);

    const dump = lines.split("\n").filter((l) => l !== "");
    for (const l of [dump[0]!, dump[dump.length - 1]!]) expect(JSON.parse(l)).toHaveProperty("ocid");
    const after = await count(dir);
    expect(after.processes).toBe(CONTRACTS);
    expect(dump.length).toBe(after.releases);
    expect(after.users).toEqual([DEMO_ACCOUNTS.admin.email, DEMO_ACCOUNTS.publisher2.email, DEMO_ACCOUNTS.publisher.email]);
    // The download was answered after the shutdown began (its log line is written when it finishes).
    const sigterm = app.out().indexOf("SIGTERM: finishing requests in flight");
    const logged = app.out().indexOf('"path":"/api/v1/ocds/releases.jsonl"');
    expect(logged).toBeGreaterThan(sigterm);
  }, 600_000);
});
