/**
 * Bad input against the real server in production mode (issue 7, "Bad
 * input"): oversized bodies, slow clients, malformed cookies, path traversal
 * in the file-serving routes, header injection, and errors — each answered
 * with a clean 4xx (or 503/500 for a real fault), never a stack trace.
 */
import type { Server } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { parseEnv } from "../../app/env.server";
import { createApp, listen } from "../../app/server/http.server";
import { DEMO_ACCOUNTS } from "../../seeds/demo-users";
import { loadDemo } from "../../seeds/load";
import { openTestDatabase, type TestDb } from "../setup/test-db";
import { Client, startServer as buildFirst } from "./publish-server";

const SECRET = "hardening-test-secret-0123456789abcdef";
const MAX_BODY = 4096;

let t: TestDb;
let build: ServerBuild;
const servers: Server[] = [];
let base = "";
let port = 0;

async function serve(db: TestDb["db"], opts: Parameters<typeof listen>[3] = {}): Promise<{ base: string; port: number }> {
  const env = parseEnv({
    NODE_ENV: "production",
    SESSION_SECRET: SECRET,
    LOG_LEVEL: "silent",
    MAX_BODY_BYTES: String(MAX_BODY),
    RATE_LIMIT_LOGIN_PER_15_MINUTES: "1000",
    RATE_LIMIT_API_PER_MINUTE: "100000",
  });
  const app = createApp({ db, env, build, mode: "production" });
  const server = await listen(app, 0, "127.0.0.1", opts);
  servers.push(server);
  const p = (server.address() as AddressInfo).port;
  return { base: `http://127.0.0.1:${p}`, port: p };
}

beforeAll(async () => {
  t = await openTestDatabase("hardening");
  await loadDemo(t.db, { contracts: 40, seed: 7 });
  // Builds the app first when the sources are newer than build/ (one test process at a time).
  await (await buildFirst(t.db)).close();
  build = (await import(/* @vite-ignore */ pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
  ({ base, port } = await serve(t.db, { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 }));
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  await t?.close();
});

interface RawAnswer {
  status: number;
  head: string;
  headers: Map<string, string[]>;
  body: string;
}

/**
 * A request written byte for byte on a socket (no client-side URL
 * normalisation or header checks), read until the server closes or the
 * answer is complete.
 */
function rawRequest(text: string, opts: { port?: number } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const sock = connect(opts.port ?? port, "127.0.0.1");
    let data = Buffer.alloc(0);
    const done = () => {
      const s = data.toString("latin1");
      const end = s.indexOf("\r\n\r\n");
      const head = end >= 0 ? s.slice(0, end) : s;
      const lines = head.split("\r\n");
      const headers = new Map<string, string[]>();
      for (const l of lines.slice(1)) {
        const i = l.indexOf(":");
        if (i < 0) continue;
        const k = l.slice(0, i).trim().toLowerCase();
        headers.set(k, [...(headers.get(k) ?? []), l.slice(i + 1).trim()]);
      }
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "")?.[1] ?? 0), head, headers, body: end >= 0 ? s.slice(end + 4) : "" });
    };
    sock.on("data", (d) => {
      data = Buffer.concat([data, d]);
    });
    sock.on("end", done);
    sock.on("error", (e) => (data.length ? done() : reject(e)));
    sock.write(text, "latin1");
  });
}

const get = (p: string, extra = "") => rawRequest(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${extra}\r\n`);

/** No stack frames, source paths or error class dumps in what the client sees. */
function expectNoLeak(r: { body: string; head?: string }, what: string) {
  const all = `${r.head ?? ""}\n${r.body}`;
  expect(all, what).not.toMatch(/\n\s+at [\w.<>$]+ \(|at file:\/\/|\.(ts|tsx|js|mjs):\d+:\d+/);
  expect(all, what).not.toContain(process.cwd());
  expect(all, what).not.toContain("node_modules");
}

describe("bad input gets clean 4xx answers, never a 500 or a stack trace (production mode)", () => {
  it("oversized bodies: 413 before the body is read, on every route; bodies of unknown length: 411", async () => {
    for (const p of ["/login", "/publish/tender", "/publish/bulk", "/api/v1/contracts", "/contracts", "/no-such-page"]) {
      const r = await rawRequest(
        `POST ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${MAX_BODY * 1000}\r\n\r\nemail=a`,
      );
      expect(r.status, p).toBe(413);
      expect(r.body).toContain(`the limit is ${MAX_BODY} bytes`);
    }
    const chunked = await rawRequest("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    expect(chunked.status).toBe(411);
    // A length that is not a number is refused by the HTTP parser itself.
    const bad = await rawRequest("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 12abc\r\n\r\n");
    expect(bad.status).toBe(400);
    // Headers too large (a giant cookie): 431 from the server, never the app.
    const huge = await get("/contracts", `Cookie: register_session=${"a".repeat(40_000)}\r\n`);
    expect(huge.status).toBe(431);
  });

  it("a malformed form body on sign-in is a 4xx, not a 500", async () => {
    const bodies: Array<[string, string]> = [
      ["multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nbroken"],
      ["multipart/form-data", "no boundary at all"],
      ["application/x-www-form-urlencoded", "%%%=%E0%A4%A&csrf=%"],
      ["application/json", "{not json"],
    ];
    for (const [type, body] of bodies) {
      const r = await rawRequest(`POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      expect(r.status, `${type}: ${r.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(r.status, type).toBeLessThan(500);
      expectNoLeak(r, type);
    }
  });

  it("slow clients: headers that never finish, and a body that never arrives, are cut off with 408", { timeout: 30_000 }, async () => {
    // Headers started, never finished (slowloris): the server answers 408 and closes.
    const slowHeaders = await rawRequest("GET /contracts HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n");
    expect(slowHeaders.status).toBe(408);
    // A declared body that never comes.
    const slowBody = await rawRequest("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=");
    expect([0, 408]).toContain(slowBody.status); // 408, or closed when the app had already started on the request
    // The server is still serving others.
    expect((await get("/healthz")).status).toBe(200);
  });

  it("the server's defaults cut slow clients off too (10 s for headers, 30 s per request)", async () => {
    const { port: p } = await serve(t.db);
    const s = servers.at(-1)!;
    expect(p).toBeGreaterThan(0);
    expect(s.headersTimeout).toBe(10_000);
    expect(s.requestTimeout).toBe(30_000);
    expect(s.keepAliveTimeout).toBe(5_000);
  });

  it("malformed cookies never reach a 500", async () => {
    const cookies = [
      "register_session=garbage",
      "register_session=%E0%A4%A",
      "register_session=eyJub3QiOiJzaWduZWQifQ.AAAA",
      "register_session=",
      "register_session=\"unterminated",
      "=; ;;; =x",
      "register_session=a; register_session=b",
      `register_session=${"%".repeat(500)}`,
      "register_csrf=%ZZ; register_session=%ZZ",
      "__proto__=1; constructor=2",
    ];
    for (const c of cookies) {
      for (const p of ["/", "/contracts", "/publish", "/login", "/api/v1/contracts?limit=1"]) {
        const r = await get(p, `Cookie: ${c}\r\n`);
        expect(r.status, `${p} with ${c}`).toBeGreaterThanOrEqual(200);
        expect(r.status, `${p} with ${c}`).toBeLessThan(500);
        expectNoLeak(r, `${p} with ${c}`);
      }
      // Sign-in with a broken CSRF cookie is refused, not crashed.
      const body = "csrf=x&email=a%40b.example&password=p";
      const post = await rawRequest(
        `POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: ${c}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
      expect(post.status, `POST /login with ${c}`).toBe(403);
    }
  });

  it("path traversal in the file-serving routes never reaches a file outside public/", async () => {
    const paths = [
      "/assets/../package.json",
      "/assets/../../etc/passwd",
      "/build/../../package.json",
      "/build/..%2f..%2fpackage.json",
      "/build/%2e%2e/%2e%2e/package.json",
      "/build/%2e%2e%2f%2e%2e%2fpackage.json",
      "/assets/%2e%2e/%2e%2e/package.json",
      "/assets/..%5c..%5cpackage.json",
      "/assets/..\\..\\package.json",
      "/assets/%252e%252e/%252e%252e/package.json",
      "/assets/....//....//package.json",
      "/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/package.json",
      "/assets/app.css%00.json",
      "/..%2f..%2f..%2f..%2fetc%2fpasswd",
      "/%2e%2e/%2e%2e/etc/passwd",
      "//etc/passwd",
      "/build/.%2e/.%2e/remix.config.js",
      "/.env",
      "/.git/config",
      "/assets/.%2e/.%2e/tsconfig.json",
    ];
    for (const p of paths) {
      const r = await get(p);
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.status, p).toBeLessThan(500);
      expect(r.body, p).not.toContain('"name": "public-tech-procurement-register"');
      expect(r.body, p).not.toContain("root:x:0:0");
      expect(r.body, p).not.toContain("compilerOptions");
      expect(r.body, p).not.toContain("[core]");
      expectNoLeak(r, p);
    }
    // The files that are public are served.
    expect((await get("/assets/app.css")).status).toBe(200);
  });

  it("header injection: CR/LF in parameters echoed into Location or other headers never adds a header", async () => {
    const c = new Client(base);
    const signIn = await c.signIn(DEMO_ACCOUNTS.publisher.email, DEMO_ACCOUNTS.publisher.password, "/publish");
    expect(signIn.status).toBe(303);
    const cookie = [...c.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const injections = ["%0d%0aSet-Cookie:%20injected=1", "%0aX-Injected:%201", "%0dX-Injected:%201", "%E5%98%8A%E5%98%8DX-Injected:%201", "%00X-Injected:%201"];
    for (const inj of injections) {
      // Signed in, /login redirects to redirectTo.
      for (const [p, extra] of [
        [`/login?redirectTo=/publish${inj}`, `Cookie: ${cookie}\r\n`],
        [`/login?redirectTo=/publish${inj}`, ""],
        [`/publish?x=${inj}`, ""], // signed out: redirect to /login?redirectTo=<here>
        [`/contracts.csv?fy=${inj}`, ""],
        [`/watch.csv?flag=${inj}`, ""],
        [`/charts/sme-share${inj}.csv`, ""],
        [`/contracts${inj}`, ""],
      ] as const) {
        const r = await get(p, extra);
        expect(r.status, `${p} ${r.body.slice(0, 200)}`).toBeLessThan(500);
        expect(r.headers.has("x-injected"), p).toBe(false);
        expect((r.headers.get("set-cookie") ?? []).some((v) => v.startsWith("injected")), p).toBe(false);
        for (const [name, values] of r.headers) for (const v of values) expect(v, `${p}: ${name}`).not.toMatch(/[\r\n\0]/);
        expectNoLeak(r, p);
      }
    }
    // After signing in: the redirect target is the form's field, CR/LF and all.
    for (const inj of ["\r\nSet-Cookie: injected=1", "\nX-Injected: 1"]) {
      const d = new Client(base);
      const page = await d.get("/login");
      const { inputValue } = await import("./publish-server");
      const r = await d.post("/login", {
        csrf: inputValue(page.html, "csrf")!,
        email: DEMO_ACCOUNTS.publisher.email,
        password: DEMO_ACCOUNTS.publisher.password,
        redirectTo: `/publish${inj}`,
      });
      expect(r.status, r.html.slice(0, 300)).toBeLessThan(500);
      expect(r.headers.get("x-injected")).toBeNull();
      expect(r.headers.getSetCookie().some((v) => v.startsWith("injected"))).toBe(false);
      expect(r.location ?? "").not.toMatch(/[\r\n]/);
    }
    // An incoming request id that is not a plain token is replaced, not echoed.
    const rid = await get("/healthz", "X-Request-Id: <script>alert(1)</script>\r\n");
    expect(rid.headers.get("x-request-id")?.[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("a request line or header the HTTP parser refuses is a 400, not a crash", async () => {
    for (const text of [
      "GET /contracts HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad: a\rb\r\nConnection: close\r\n\r\n",
      "GET /contr acts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
      "BREW /contracts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    ]) {
      const r = await rawRequest(text);
      expect(r.status, JSON.stringify(text)).toBeGreaterThanOrEqual(400);
      expect(r.status, JSON.stringify(text)).toBeLessThan(500);
    }
    expect((await get("/healthz")).status).toBe(200);
  });

  it("odd methods and unknown pages are clean 4xx without stack traces", async () => {
    const trace = await rawRequest("TRACE /contracts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    expect(trace.status).toBe(405);
    expect(trace.headers.get("allow")?.[0]).toContain("GET");
    for (const m of ["PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "PROPFIND"]) {
      const r = await rawRequest(`${m} /contracts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      expect(r.status, m).toBeGreaterThanOrEqual(400);
      expect(r.status, m).toBeLessThan(500);
      expectNoLeak(r, m);
    }
    const missing = await get("/no/such/page");
    expect(missing.status).toBe(404);
    expectNoLeak(missing, "404");
  });

  it("a real fault in production answers 500/503 with the request id and no stack trace", async () => {
    // A database that fails every query with an internal error (closed under the app).
    const h = await openDatabase({ memory: true });
    await migrateToLatest(h.db);
    const broken = await serve(h.db);
    await h.close();
    for (const p of ["/", "/contracts", "/dashboards/sme", "/api/v1/contracts", "/api/v1/stats/sme-share", "/contracts.csv", "/login"]) {
      const r = await rawRequest(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Request-Id: fault-test-${p.length}-abcdef\r\n\r\n`, {
        port: broken.port,
      });
      if (p.endsWith(".csv") && (r.status === 200 || r.status === 0)) {
        // A download whose first bytes were already out is cut off, never ended as if complete.
        expect(r.body.endsWith("0\r\n\r\n"), p).toBe(false);
      } else expect(r.status, p).toBeGreaterThanOrEqual(500);
      expectNoLeak(r, p);
      expect(r.body, p).not.toMatch(/PGlite is closed|kysely|TypeError|Error:/);
      if (r.status) expect(r.headers.get("x-request-id")?.[0]).toBe(`fault-test-${p.length}-abcdef`);
    }
  });
});
