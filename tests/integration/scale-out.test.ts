/**
 * Scaling out on PostgreSQL (issue 7): separate app processes (npm start's
 * scripts/start.ts) on loopback against one PostgreSQL database.
 * - An entry published on one instance is visible on the other at once.
 * - A sign-in on one is honoured by the other (and a sign-out on one ends it
 *   on both): sessions live in the database, not in a process.
 * - Rate-limit counts are shared (the database holds them).
 * - DATABASE_READ_URL: public pages and the API read through it, while
 *   sign-in and publishing write through DATABASE_URL. The "replica" here is
 *   a second copy of the data (another schema) reached over a read-only
 *   connection (`default_transaction_read_only=on`) with its own
 *   application_name: pages show the copy's data, writes still succeed (so
 *   none went over the read-only connection), and pg_stat_activity shows the
 *   read connections.
 *
 * PostgreSQL only: two processes cannot share one embedded PGlite database,
 * so vitest.config.ts includes this file only when TEST_DATABASE_URL is set
 * (the PostgreSQL run, which CI always does).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "../../seeds/demo-users";
import { loadDemo } from "../../seeds/load";
import { openTestDatabase, type TestDb } from "../setup/test-db";
import { Client, expectText, fill, publishDraft, startServer as buildFirst, tenderFields, textOf } from "./publish-server";

const URL_ = process.env.TEST_DATABASE_URL;
if (!URL_) throw new Error("scale-out.test.ts needs TEST_DATABASE_URL (vitest.config.ts includes it only then)");
const SECRET = "scale-out-test-secret-0123456789abcdef";
const API_LIMIT = 6;
/** The session cookie's name in production (scripts/start.ts runs with NODE_ENV=production). */
const SESSION_COOKIE = "__Host-session";

let primary: TestDb;
let replica: TestDb;
const instances: Instance[] = [];
let a: Instance;
let b: Instance;
let c: Instance;
const readAppName = `register_read_${randomBytes(4).toString("hex")}`;

interface Instance {
  base: string;
  child: ChildProcess;
  log: () => string;
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

/** One app process (scripts/start.ts, as `npm start` runs it) on a free loopback port. */
async function startInstance(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.DATA_DIR;
  delete childEnv.DATABASE_READ_URL;
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: process.cwd(),
    env: {
      ...childEnv,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      SESSION_SECRET: SECRET,
      DEMO_CONTRACTS: "0",
      LOG_LEVEL: "warn",
      RATE_LIMIT_LOGIN_PER_15_MINUTES: "1000",
      RATE_LIMIT_API_PER_MINUTE: String(API_LIMIT),
      DATABASE_URL: primary.url!,
      PGOPTIONS: `-c search_path=${primary.schema}`,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (d) => {
    log += String(d);
  });
  child.stderr!.on("data", (d) => {
    log += String(d);
  });
  const inst: Instance = { base: `http://127.0.0.1:${port}`, child, log: () => log };
  instances.push(inst);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance exited with ${child.exitCode}:\n${log}`);
    try {
      if ((await fetch(`${inst.base}/healthz`)).ok) return inst;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`instance did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function stopInstance(i: Instance): Promise<number | null> {
  if (i.child.exitCode !== null) return Promise.resolve(i.child.exitCode);
  return new Promise((resolve) => {
    i.child.once("exit", (code) => resolve(code));
    i.child.kill("SIGTERM");
  });
}

/** The URL of the "replica": the copy's schema, read-only sessions, its own application_name. */
function readUrl(): string {
  const u = new URL(URL_!);
  u.searchParams.set("application_name", readAppName);
  u.searchParams.set("options", `-c search_path=${replica.schema} -c default_transaction_read_only=on`);
  return u.toString();
}

let ocidForMarker = "";
const MARKER = "Replica copy of this contract (marker)";

beforeAll(async () => {
  primary = await openTestDatabase("scale_out");
  replica = await openTestDatabase("scale_out_replica");
  // The same deterministic data in both; the copy then differs in one title.
  await loadDemo(primary.db, { contracts: 30, seed: 11 });
  await loadDemo(replica.db, { contracts: 30, seed: 11 });
  const row = await replica.db.selectFrom("processes").select("ocid").orderBy("ocid").limit(1).executeTakeFirstOrThrow();
  ocidForMarker = row.ocid;
  await replica.db.updateTable("processes").set({ title: MARKER }).where("ocid", "=", ocidForMarker).execute();
  // Build the app first (when the sources are newer than build/), one test process at a time.
  await (await buildFirst(primary.db)).close();
  [a, b, c] = await Promise.all([startInstance({}), startInstance({}), startInstance({ DATABASE_READ_URL: readUrl() })]);
}, 300_000);

afterAll(async () => {
  const codes = await Promise.all(instances.map(stopInstance));
  await primary?.close();
  await replica?.close();
  // Graceful shutdown: every instance exits 0 on SIGTERM.
  expect(codes.every((x) => x === 0), instances.map((i) => i.log()).join("\n---\n")).toBe(true);
}, 60_000);

async function signedIn(base: string): Promise<Client> {
  const cl = new Client(base);
  const r = await cl.signIn(DEMO_ACCOUNTS.publisher.email, DEMO_ACCOUNTS.publisher.password);
  expect(r.status, textOf(r.html).slice(0, 300)).toBe(303);
  return cl;
}

async function publisherBuyer(): Promise<bigint> {
  const r = await primary.db
    .selectFrom("user_buyers as ub")
    .innerJoin("users as u", "u.id", "ub.user_id")
    .select("ub.buyer_id")
    .where("u.email", "=", DEMO_ACCOUNTS.publisher.email)
    .executeTakeFirstOrThrow();
  return r.buyer_id;
}

async function publishTender(cl: Client, title: string): Promise<string> {
  const r = await fill(cl, "/publish/tender", tenderFields(await publisherBuyer(), title));
  expect(r.status, textOf(r.html).slice(0, 800)).toBe(303);
  const pub = await publishDraft(cl, r.location!);
  expect(pub.status, textOf(pub.html).slice(0, 800)).toBe(303);
  const m = /^\/publish\/(ocds-[^?]+)\?published=/.exec(pub.location ?? "");
  expect(m, pub.location ?? "").not.toBeNull();
  return decodeURIComponent(m![1]!);
}

describe("two app instances on one PostgreSQL database", () => {
  it("an entry published on one instance is visible on the other at once", async () => {
    const onA = await signedIn(a.base);
    const title = `Scale-out tender ${randomBytes(3).toString("hex")}`;
    const ocid = await publishTender(onA, title);
    const page = await new Client(b.base).get(`/contracts/${encodeURIComponent(ocid)}`);
    expect(page.status).toBe(200);
    expectText(page, title);
    const api = await fetch(`${b.base}/api/v1/ocds/records/${encodeURIComponent(ocid)}`);
    expect(api.status).toBe(200);
    expect(await api.text()).toContain(title);
  });

  it("a sign-in on one instance is honoured by the other, and a sign-out on either ends it on both", async () => {
    const onA = await signedIn(a.base);
    const cookie = onA.jar.get(SESSION_COOKIE);
    expect(cookie).toBeTruthy();
    const onB = new Client(b.base);
    for (const [k, v] of onA.jar) onB.jar.set(k, v);
    const pub = await onB.get("/publish");
    expect(pub.status).toBe(200);
    expectText(pub, `Signed in as ${DEMO_ACCOUNTS.publisher.email}`);
    // Publishing on B with A's session works too.
    const ocid = await publishTender(onB, `Published on B with A's session ${randomBytes(3).toString("hex")}`);
    expect((await new Client(a.base).get(`/contracts/${encodeURIComponent(ocid)}`)).status).toBe(200);
    // Sign out on B: A no longer honours the cookie.
    const out = await onB.post("/logout", { csrf: await onB.csrf() });
    expect(out.status).toBe(303);
    const replay = new Client(a.base);
    replay.jar.set(SESSION_COOKIE, cookie!);
    const after = await replay.get("/publish");
    expect(after.status).toBe(302);
    expect(after.location).toContain("/login");
  });
});

describe("DATABASE_READ_URL: public pages and the API read from the replica, writes go to DATABASE_URL", () => {
  it("public pages and the API show the replica's data", async () => {
    const onC = await new Client(c.base).get(`/contracts/${encodeURIComponent(ocidForMarker)}`);
    expect(onC.status).toBe(200);
    expectText(onC, MARKER);
    const onA = await new Client(a.base).get(`/contracts/${encodeURIComponent(ocidForMarker)}`);
    expect(onA.status).toBe(200);
    expectText(onA, MARKER, false);
    const api = await fetch(`${c.base}/api/v1/ocds/records/${encodeURIComponent(ocidForMarker)}`);
    expect(api.status).toBe(200);
    await api.arrayBuffer();
    for (const p of ["/", "/contracts", "/dashboards/sme", "/suppliers", "/buyers", "/opportunities", "/watch", "/contracts.csv"]) {
      const r = await fetch(`${c.base}${p}`);
      expect(r.status, p).toBe(200);
      await r.arrayBuffer();
    }
    // The read connections are there, under the replica's application_name, read-only.
    const admin = new pg.Client({ connectionString: URL_ });
    await admin.connect();
    try {
      const n = await admin.query<{ n: string }>("select count(*) as n from pg_stat_activity where application_name = $1", [readAppName]);
      expect(Number(n.rows[0]!.n)).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
  });

  it("sign-in and publishing through that instance write to the primary (the read connection is read-only)", async () => {
    const onC = await signedIn(c.base);
    const title = `Published through the read-replica instance ${randomBytes(3).toString("hex")}`;
    const ocid = await publishTender(onC, title);
    const inPrimary = await primary.db.selectFrom("processes").select("title").where("ocid", "=", ocid).executeTakeFirst();
    expect(inPrimary?.title).toBe(title);
    const inReplica = await replica.db.selectFrom("processes").select("title").where("ocid", "=", ocid).executeTakeFirst();
    expect(inReplica).toBeUndefined();
    // The other instance (reading the primary) shows it at once; C reads the replica, which never
    // received it (a real streaming replica would, after its lag).
    expect((await new Client(a.base).get(`/contracts/${encodeURIComponent(ocid)}`)).status).toBe(200);
    expect((await new Client(c.base).get(`/contracts/${encodeURIComponent(ocid)}`)).status).toBe(404);
    // Nothing was written over the read-only connection: writing there fails outright.
    const ro = new pg.Client({ connectionString: readUrl() });
    await ro.connect();
    try {
      await expect(ro.query("update processes set title = title where false")).rejects.toThrow(/read-only transaction/);
    } finally {
      await ro.end();
    }
  });
});

// Last: it uses up this address's API allowance on every instance.
describe("state shared through the database", () => {
  it("rate-limit counts are shared: requests to either instance use up one allowance", async () => {
    // Fixed one-minute windows: if a window boundary falls inside the run, run it again.
    for (let attempt = 0; attempt < 2; attempt++) {
      const remaining: number[] = [];
      const statuses: number[] = [];
      // A client address of its own (the instances trust X-Forwarded-For from loopback, as behind a proxy).
      const client = `203.0.113.${1 + Math.floor(Math.random() * 250)}`;
      for (let i = 0; i < API_LIMIT + 2; i++) {
        const r = await fetch(`${(i % 2 === 0 ? a : b).base}/api/v1/stats/sme-share`, { headers: { "X-Forwarded-For": client } });
        statuses.push(r.status);
        remaining.push(Number(r.headers.get("ratelimit-remaining")));
        await r.arrayBuffer();
      }
      const monotone = remaining.every((x, i) => i === 0 || x <= remaining[i - 1]!);
      if (!monotone && attempt === 0) continue;
      // Each instance alone saw only half the requests, yet the limit was reached.
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
      expect(statuses).toEqual([...Array(API_LIMIT).fill(200), 429, 429]);
      // RateLimit-Remaining counts down by one per request, whichever instance answered, to 0.
      expect(remaining).toEqual([...Array(API_LIMIT).keys()].map((i) => API_LIMIT - 1 - i).concat([0, 0]));
      return;
    }
  });
});
