import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countAudit } from "../../db/queries/audit";
import { hashSessionId, sessionCookie } from "../../app/services/session.server";
import { MAX_FAILURES_PER_ACCOUNT, createUser, hashPassword, signIn, verifyPassword } from "../../app/services/auth.server";
import { DEMO_ACCOUNTS } from "../../seeds/demo-users";
import { loadDemo } from "../../seeds/load";
import { openTestDatabase, type TestDb } from "../setup/test-db";
import { Client, TEST_SECRET, expectText, inputValue, startServer, type TestServer } from "./publish-server";

let t: TestDb;
let server: TestServer;
const env = { SESSION_SECRET: TEST_SECRET, NODE_ENV: "test" as const };

let usersBeforeDemo: string[] = [];

beforeAll(async () => {
  t = await openTestDatabase("auth");
  usersBeforeDemo = (await t.db.selectFrom("users").select("email").execute()).map((u) => u.email);
  await loadDemo(t.db, { contracts: 40, seed: 2 });
  server = await startServer(t.db);
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

describe(`accounts and sessions (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("hashes passwords with scrypt and a per-password salt", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(await verifyPassword("x", "md5$whatever")).toBe(false);
  });

  it("demonstration accounts exist only with demonstration data", async () => {
    expect(usersBeforeDemo).toEqual([]); // a migrated database has no accounts
    const users = await t.db.selectFrom("users").select(["email", "role"]).orderBy("email").execute();
    expect(users).toEqual([
      { email: DEMO_ACCOUNTS.admin.email, role: "admin" },
      { email: DEMO_ACCOUNTS.publisher2.email, role: "publisher" },
      { email: DEMO_ACCOUNTS.publisher.email, role: "publisher" },
    ]);
  });

  it("signs in with a signed, httpOnly, SameSite=Lax cookie, and signing out revokes the session", async () => {
    const c = new Client(server.base);
    const res = await c.signIn(DEMO_ACCOUNTS.publisher.email, DEMO_ACCOUNTS.publisher.password, "/publish/tender");
    expect(res.status).toBe(303);
    expect(res.location).toBe("/publish/tender");
    const setCookie = res.headers.getSetCookie().find((h) => h.startsWith("register_session="))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/i); // not production
    expect((await c.get("/publish")).status).toBe(200);

    // The database holds the hash of the session id, never the id itself.
    const raw = (await sessionCookie(env).parse(`register_session=${c.jar.get("register_session")}`)) as string;
    const row = await t.db.selectFrom("sessions").select(["id", "revoked_at"]).where("id", "=", hashSessionId(raw)).executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
    expect(await t.db.selectFrom("sessions").select("id").where("id", "=", raw).executeTakeFirst()).toBeUndefined();

    const stolen = c.jar.get("register_session")!;
    const out = await c.post("/logout", { csrf: await c.csrf() });
    expect(out.status).toBe(303);
    expect((await t.db.selectFrom("sessions").select("revoked_at").where("id", "=", hashSessionId(raw)).executeTakeFirstOrThrow()).revoked_at).not.toBeNull();
    // The old cookie, replayed, no longer signs anyone in.
    const replay = new Client(server.base);
    replay.jar.set("register_session", stolen);
    const r = await replay.get("/publish");
    expect(r.status).toBe(302);
    expect(r.location).toBe("/login?redirectTo=%2Fpublish");
  });

  it("refuses a tampered cookie and an unknown password alike", async () => {
    const c = new Client(server.base);
    c.jar.set("register_session", "eyJmb28iOiJiYXIifQ%3D%3D.forged");
    expect((await c.get("/publish")).status).toBe(302);
    const bad = await c.signIn(DEMO_ACCOUNTS.admin.email, "not the password at all");
    expect(bad.status).toBe(401);
    expectText(bad, "Enter a correct email address and password");
    expect(inputValue(bad.html, "email")).toBe(DEMO_ACCOUNTS.admin.email); // the email is kept
    const nobody = await c.signIn("nobody@example.gov.uk", "whatever password");
    expect(nobody.status).toBe(401);
  });

  it("the sign-in form needs its CSRF token", async () => {
    const c = new Client(server.base);
    await c.get("/login");
    const r = await c.post("/login", { csrf: "forged-token-forged-token-forged-token", email: DEMO_ACCOUNTS.admin.email, password: DEMO_ACCOUNTS.admin.password });
    expect(r.status).toBe(403);
    const noCookie = new Client(server.base);
    const page = await c.get("/login");
    const r2 = await noCookie.post("/login", { csrf: inputValue(page.html, "csrf")!, email: DEMO_ACCOUNTS.admin.email, password: DEMO_ACCOUNTS.admin.password });
    expect(r2.status).toBe(403);
  });

  it("throttles an account after repeated failures, even with the right password, and says for how long", async () => {
    const email = "throttle@example.gov.uk";
    await t.db.transaction().execute((trx) =>
      createUser(trx, { email, name: "T", role: "admin", password: "the right password", buyerIds: [] }, { userId: null, email: null, ip: null, userAgent: null }),
    );
    const c = new Client(server.base);
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) expect((await c.signIn(email, `wrong ${i} wrong wrong`)).status).toBe(401);
    const blocked = await c.signIn(email, "the right password");
    expect(blocked.status).toBe(429);
    expect(blocked.html).toMatch(/Too many failed attempts to sign in to this account\. Try again in 1[45] minutes/);
    // Another account from the same client is not blocked.
    expect((await new Client(server.base).signIn(DEMO_ACCOUNTS.admin.email, DEMO_ACCOUNTS.admin.password)).status).toBe(303);
    // After the window the right password works (clock moved on by the database rows' age).
    await t.db.deleteFrom("login_attempts").where("email", "=", email).execute();
    expect((await c.signIn(email, "the right password")).status).toBe(303);
  });

  it("parallel guesses cannot slip past the account limit: at most 5 are checked, the right password among them is refused", async () => {
    const email = "parallel@example.gov.uk";
    await t.db.transaction().execute((trx) =>
      createUser(trx, { email, name: "P", role: "publisher", password: "the right password", buyerIds: [] }, { userId: null, email: null, ip: null, userAgent: null }),
    );
    // 20 sign-ins at once, each from an address of its own (the server trusts X-Forwarded-For from
    // loopback, as behind a proxy), the last with the right password.
    const clients = Array.from({ length: 20 }, () => new Client(server.base));
    const csrfs = await Promise.all(clients.map(async (c) => inputValue((await c.get("/login")).html, "csrf")!));
    const answers = await Promise.all(
      clients.map((c, i) =>
        c.post("/login", { csrf: csrfs[i]!, email, password: i === 19 ? "the right password" : `wrong guess ${i} wrong` }, { "X-Forwarded-For": `198.51.100.${i + 1}` }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 303), statuses.join(",")).toEqual([]);
    // Only attempts that reached the password check are 401; every other one was refused unchecked.
    const checked = statuses.filter((s) => s === 401).length;
    expect(checked, statuses.join(",")).toBeLessThanOrEqual(MAX_FAILURES_PER_ACCOUNT);
    expect(statuses.filter((s) => s === 429).length).toBe(20 - checked);
    const failedAudits = await t.db.selectFrom("audit_log").select("id").where("user_email", "=", email).where("action", "=", "login-failed").execute();
    expect(failedAudits.length).toBe(checked);
    // And afterwards the right password is refused too, from yet another address, saying for how long.
    const after = new Client(server.base);
    const csrf = inputValue((await after.get("/login")).html, "csrf")!;
    const r = await after.post("/login", { csrf, email, password: "the right password" }, { "X-Forwarded-For": "198.51.100.99" });
    expect(r.status).toBe(429);
    expectText(r, /Too many failed attempts to sign in to this account\. Try again in 1[45] minutes/);
    // The same holds for the service called directly, many at once.
    const now = new Date();
    const direct = await Promise.all(
      Array.from({ length: 12 }, (_, i) => signIn(t.db, env, { email: "nobody-parallel@example.gov.uk", password: `guess ${i} guess`, ip: `192.0.2.${i + 1}`, userAgent: null, now })),
    );
    expect(direct.filter((d) => !d.ok && d.reason === "invalid").length).toBeLessThanOrEqual(MAX_FAILURES_PER_ACCOUNT);
    expect(direct.filter((d) => !d.ok && d.reason === "throttled").length).toBeGreaterThanOrEqual(12 - MAX_FAILURES_PER_ACCOUNT);
  });

  it("throttles an address across accounts (shared through the database)", async () => {
    const now = new Date();
    const ip = "203.0.113.9";
    const tries = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signIn(t.db, env, { email: `user${i}@example.gov.uk`, password: "nope nope nope", ip, userAgent: null, now })),
    );
    expect(tries.every((r) => !r.ok)).toBe(true);
    const r = await signIn(t.db, env, { email: DEMO_ACCOUNTS.admin.email, password: DEMO_ACCOUNTS.admin.password, ip, userAgent: null, now });
    expect(r).toMatchObject({ ok: false, reason: "throttled", scope: "address" });
    const elsewhere = await signIn(t.db, env, { email: DEMO_ACCOUNTS.admin.email, password: DEMO_ACCOUNTS.admin.password, ip: "198.51.100.1", userAgent: null, now });
    expect(elsewhere.ok).toBe(true);
  });

  it("an expired or disabled account's session no longer works", async () => {
    const c = new Client(server.base);
    await c.signIn(DEMO_ACCOUNTS.publisher2.email, DEMO_ACCOUNTS.publisher2.password);
    expect((await c.get("/publish")).status).toBe(200);
    const raw = (await sessionCookie(env).parse(`register_session=${c.jar.get("register_session")}`)) as string;
    await t.db.updateTable("sessions").set({ expires_at: new Date(Date.now() - 1000) }).where("id", "=", hashSessionId(raw)).execute();
    const r = await c.get("/publish/tender");
    expect(r.status).toBe(302);
    expect(r.location).toBe("/login?redirectTo=%2Fpublish%2Ftender&reason=expired");
  });

  it("only admins reach the administration pages", async () => {
    const pub = new Client(server.base);
    await pub.signIn(DEMO_ACCOUNTS.publisher.email, DEMO_ACCOUNTS.publisher.password);
    for (const p of ["/admin", "/admin/users", "/admin/buyers", "/admin/audit"]) expect((await pub.get(p)).status).toBe(403);
    const anon = new Client(server.base);
    expect((await anon.get("/admin/audit")).status).toBe(302);
    const admin = new Client(server.base);
    await admin.signIn(DEMO_ACCOUNTS.admin.email, DEMO_ACCOUNTS.admin.password);
    const audit = await admin.get("/admin/audit");
    expect(audit.status).toBe(200);
    expectText(audit, "login-failed");
    expectText(audit, "integration-test"); // the user agent, "from where"
    expectText(audit, /127\.0\.0\.1/); // and the address
  });

  it("an admin creates a publisher bound to a buyer, who can then sign in; the audit log records it", async () => {
    const admin = new Client(server.base);
    await admin.signIn(DEMO_ACCOUNTS.admin.email, DEMO_ACCOUNTS.admin.password);
    const buyer = await t.db.selectFrom("organisations").select("id").where("is_buyer", "=", true).orderBy("id").executeTakeFirstOrThrow();
    const before = await countAudit(t.db);
    const csrf = inputValue((await admin.get("/admin/users")).html, "csrf")!;
    const short = await admin.post("/admin/users", { csrf, email: "new@example.gov.uk", name: "New", role: "publisher", buyerId: String(buyer.id), password: "short" });
    expect(short.status).toBe(400);
    expectText(short, "Password must be at least 12 characters");
    const ok = await admin.post("/admin/users", { csrf, email: "New@Example.gov.uk", name: "New", role: "publisher", buyerId: String(buyer.id), password: "a long enough password" });
    expect(ok.status).toBe(303);
    expect(await countAudit(t.db)).toBe(before + 1);
    const dup = await admin.post("/admin/users", { csrf, email: "new@example.gov.uk", name: "New", role: "publisher", buyerId: "", password: "a long enough password" });
    expect(dup.status).toBe(400);
    expectText(dup, "already exists");
    const u = new Client(server.base);
    expect((await u.signIn("new@example.gov.uk", "a long enough password")).status).toBe(303);
    expectText(await u.get("/publish"), `(register id ${buyer.id})`);
  });

  it("the database refuses to change or delete the audit log", async () => {
    expect(await countAudit(t.db)).toBeGreaterThan(0);
    await expect(t.db.updateTable("audit_log").set({ action: "forged" } as never).execute()).rejects.toThrow(/append-only/);
    await expect(t.db.deleteFrom("audit_log").execute()).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(t.db)).rejects.toThrow(/append-only/);
  });
});

describe("npm run user:create", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "user-create-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // On PostgreSQL the script works in this file's test schema; on PGlite in a folder of its own.
  const target = (): Record<string, string> =>
    t.url && t.schema
      ? { DATABASE_URL: `${t.url}${t.url.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${t.schema}`)}`, DATA_DIR: "" }
      : { DATABASE_URL: "", DATA_DIR: dir };
  const run = (args: string[], extra: Record<string, string> = {}) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        path.resolve("node_modules/.bin/tsx"),
        ["scripts/user-create.ts", ...args],
        { encoding: "utf8", env: { ...process.env, ...target(), ...extra }, timeout: 120_000 },
        (err, stdout, stderr) => resolve({ status: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it("validates its arguments, reads PASSWORD, creates the first admin, and refuses a duplicate", async () => {
    // Runs that stop before opening the database go alongside the first creation; the others share its folder, one at a time.
    const [bad, noPassword, ok] = await Promise.all([
      run(["--email", "not-an-email", "--role", "root"], { PASSWORD: "long enough password" }),
      run(["--email", "first@example.gov.uk", "--role", "admin"], { PASSWORD: "" }),
      run(["--email", "first@example.gov.uk", "--role", "admin"], { PASSWORD: "long enough password" }),
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--email must be an email address");
    expect(bad.stderr).toContain("--role must be admin or publisher");
    expect(noPassword.status).toBe(2);
    expect(noPassword.stderr).toContain("Set PASSWORD");
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain("Created admin first@example.gov.uk");
    if (t.url) expect(await t.db.selectFrom("users").select("role").where("email", "=", "first@example.gov.uk").executeTakeFirst()).toEqual({ role: "admin" });
    const again = await run(["--email", "FIRST@example.gov.uk", "--role", "admin"], { PASSWORD: "long enough password" });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("already exists");
    const unknownBuyer = await run(["--email", "p@example.gov.uk", "--role", "publisher", "--buyer", "999999"], { PASSWORD: "long enough password" });
    expect(unknownBuyer.status).toBe(1);
    expect(unknownBuyer.stderr).toContain("No buyer organisation has the register id 999999");
  }, 300_000);
});
