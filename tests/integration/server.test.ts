import http, { type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Writable } from "node:stream";
import type { ServerBuild } from "@remix-run/node";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type DB, openDatabase } from "../../db/client";
import { parseEnv } from "../../app/env.server";
import { createApp, listen } from "../../app/server/http.server";
import type { Logger } from "../../app/server/logger.server";
import { loadDemo } from "../../seeds/load";
import { startTestServer, type TestServer } from "../setup/app-server";
import { openTestDatabase, type TestDb } from "../setup/test-db";

let t: TestDb;
let s: TestServer;
beforeAll(async () => {
  t = await openTestDatabase("server");
  await loadDemo(t.db, { contracts: 60, seed: 3, today: new Date("2026-11-23T00:00:00Z") });
  s = await startTestServer(t.db, { RATE_LIMIT_API_PER_MINUTE: "5", MAX_BODY_BYTES: "2048" });
});
afterAll(async () => {
  await s?.close();
  await t?.close();
});

/** A raw request, so tests can send what fetch would refuse or rewrite. */
function raw(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string; base?: string } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(`${opts.base ?? s.base}${path}`, { method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

describe("HTTP hardening", () => {
  it("sends security headers, a request id, Server-Timing, and a CSP nonce that every inline script carries", async () => {
    const r = await fetch(`${s.base}/contracts`);
    expect(r.status).toBe(200);
    const csp = r.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(r.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get("server-timing")).toMatch(/^db;dur=\d+(\.\d+)?/);
    const html = await r.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1] ?? "");
    expect(scripts.length).toBeGreaterThan(0);
    for (const attrs of scripts) expect(attrs).toContain(`nonce="${nonce}"`);
  });

  it("a fresh nonce per request", async () => {
    const a = (await fetch(`${s.base}/`)).headers.get("content-security-policy");
    const b = (await fetch(`${s.base}/`)).headers.get("content-security-policy");
    expect(a).not.toBe(b);
  });

  it("limits the API per address with 429 and Retry-After, and never limits /healthz", async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const r = await fetch(`${s.base}/api/v1/ocds/records/none`);
      statuses.push(r.status);
      if (r.status === 429) {
        retryAfter = r.headers.get("retry-after");
        expect(r.headers.get("content-type")).toContain("application/problem+json");
      }
    }
    expect(statuses.filter((x) => x === 429).length).toBeGreaterThanOrEqual(3);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
  });

  it("refuses oversized bodies (413) and bodies of unknown length (411)", async () => {
    const body = "x".repeat(5000);
    const big = await raw("/contracts", { method: "POST", headers: { "content-type": "text/plain", "content-length": String(body.length) }, body });
    expect(big.status).toBe(413);
    const chunked = await raw("/contracts", { method: "POST", headers: { "transfer-encoding": "chunked" }, body: "x" });
    expect(chunked.status).toBe(411);
  });

  it("answers path traversal, malformed cookies and odd methods with clean 4xx, no stack traces", async () => {
    for (const p of ["/..%2f..%2fetc%2fpasswd", "/build/..%2f..%2fpackage.json", "/assets/%2e%2e/%2e%2e/package.json"]) {
      const r = await raw(p);
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.status, p).toBeLessThan(500);
      expect(r.body).not.toContain("node_modules");
      expect(r.body).not.toContain('"name": "public-tech-procurement-register"');
    }
    const c = await raw("/contracts", { headers: { cookie: "__session=%%%; x=\u00ff" } });
    expect(c.status).toBe(200);
    const bad = await raw("/contracts?fy=20x4", {});
    expect(bad.status).toBe(400);
    expect(bad.body).not.toMatch(/at \w+ \(.*\.(ts|js):\d+/);
  });

  it("/healthz answers 503 when the database is unreachable", async () => {
    const dead = await openDatabase({ url: "postgres://postgres@127.0.0.1:1/none" });
    const d = await startTestServer(dead.db);
    try {
      const r = await fetch(`${d.base}/healthz`);
      expect(r.status).toBe(503);
      const page = await fetch(`${d.base}/contracts`);
      expect(page.status).toBe(503);
      expect(await page.text()).toContain("temporarily unavailable");
    } finally {
      await d.close();
      await dead.close();
    }
  });
});

// ---------------------------------------------------------------------------
// Servers of their own, with the settings under test.

const extra: Server[] = [];
afterAll(async () => {
  for (const x of extra) {
    x.closeAllConnections();
    await new Promise<void>((r) => x.close(() => r()));
  }
});

async function serve(db: DB, env: Record<string, string>, opts: { readDb?: DB; logger?: Logger } = {}) {
  const build = (await import(/* @vite-ignore */ pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
  const e = parseEnv({ NODE_ENV: "production", SESSION_SECRET: "server-test-secret-0123456789abcdef", LOG_LEVEL: "silent", ...env });
  const app = createApp({ db, ...(opts.readDb ? { readDb: opts.readDb } : {}), ...(opts.logger ? { logger: opts.logger } : {}), env: e, build, mode: "production" });
  const server = await listen(app, 0, "127.0.0.1");
  extra.push(server);
  return { app, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The addresses the API rate limit has counted requests against. */
async function limitedAddresses(): Promise<string[]> {
  const rows = await t.db.selectFrom("rate_limits").select("key").where("key", "like", "api:%").execute();
  return rows.map((r) => r.key.slice(4)).sort();
}

describe("TRUST_PROXY: whose X-Forwarded-For decides the client's address", () => {
  it("by default (loopback) a proxy on this machine is believed, and nobody else", async () => {
    const { app, base } = await serve(t.db, { RATE_LIMIT_API_PER_MINUTE: "1000" });
    await t.db.deleteFrom("rate_limits").execute();
    for (const ip of ["203.0.113.10", "203.0.113.11"]) {
      const r = await fetch(`${base}/api/v1/stats/sme-share`, { headers: { "X-Forwarded-For": ip } });
      expect(r.status).toBe(200);
      await r.arrayBuffer();
    }
    expect(await limitedAddresses()).toEqual(["203.0.113.10", "203.0.113.11"]);
    // A client connecting from any other address is not a trusted proxy: its X-Forwarded-For is ignored.
    const trust = app.get("trust proxy fn") as (addr: string, i: number) => boolean;
    expect(trust("127.0.0.1", 0)).toBe(true);
    expect(trust("::1", 0)).toBe(true);
    for (const peer of ["192.0.2.2", "10.1.2.3", "203.0.113.10", "fd00::2"]) expect(trust(peer, 0), peer).toBe(false);
  });

  it("with the load balancer's subnet set, a client elsewhere cannot choose its address with X-Forwarded-For", async () => {
    const { base } = await serve(t.db, { TRUST_PROXY: "10.0.0.0/8", RATE_LIMIT_API_PER_MINUTE: "3" });
    await t.db.deleteFrom("rate_limits").execute();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      // A fresh spoofed address each time: all are counted against the real peer, 127.0.0.1.
      const r = await fetch(`${base}/api/v1/stats/sme-share`, { headers: { "X-Forwarded-For": `198.51.100.${i + 1}` } });
      statuses.push(r.status);
      await r.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(await limitedAddresses()).toEqual(["127.0.0.1"]);
  });

  it("with a hop count, the address the trusted proxy saw decides, not what the client wrote before it", async () => {
    const { base } = await serve(t.db, { TRUST_PROXY: "1", RATE_LIMIT_API_PER_MINUTE: "2" });
    await t.db.deleteFrom("rate_limits").execute();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      // The client sent "X-Forwarded-For: <made up>"; the proxy appended the address it saw.
      const r = await fetch(`${base}/api/v1/stats/sme-share`, { headers: { "X-Forwarded-For": `198.51.100.${i + 1}, 203.0.113.77` } });
      statuses.push(r.status);
      await r.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(await limitedAddresses()).toEqual(["203.0.113.77"]);
    // Sign-in throttling and the audit log use the same address.
    const login = await raw("/login", { base, method: "POST", headers: { "X-Forwarded-For": "1.2.3.4, 203.0.113.78", "content-type": "application/x-www-form-urlencoded", "content-length": "7" }, body: "email=x" });
    expect(login.status).toBe(403); // no CSRF token
    expect((await t.db.selectFrom("rate_limits").select("key").where("key", "like", "login:%").execute()).map((r) => r.key)).toEqual(["login:203.0.113.78"]);
  });
});

describe("the API answers every error as application/problem+json; pages keep their HTML", () => {
  let base = "";
  beforeAll(async () => {
    ({ base } = await serve(t.db, { RATE_LIMIT_API_PER_MINUTE: "100000" }));
  });

  async function expectProblem(r: { status: number; headers: http.IncomingHttpHeaders; body: string }, status: number) {
    expect(r.status, r.body.slice(0, 300)).toBe(status);
    expect(r.headers["content-type"]).toMatch(/^application\/problem\+json/);
    const p = JSON.parse(r.body) as { type: string; title: string; status: number; detail: string; errors?: Array<{ param: string; message: string }> };
    expect(p.type).toBe("about:blank");
    expect(p.status).toBe(status);
    expect(typeof p.title).toBe("string");
    expect(p.detail.length).toBeGreaterThan(0);
    return p;
  }

  it("unknown API paths: 404 problem+json, whatever the method; unknown pages: the HTML 404 page", async () => {
    for (const [method, p] of [
      ["GET", "/api/v1/no-such-endpoint"],
      ["GET", "/api/v1/contracts/extra/segments"],
      ["GET", "/api/v2/contracts"],
      ["POST", "/api/v1/no-such-endpoint"],
    ] as const) {
      const r = await raw(p, { base, method, ...(method === "POST" ? { headers: { "content-length": "0" } } : {}) });
      const prob = await expectProblem(r, 404);
      expect(prob.detail, p).toContain(p);
    }
    const page = await raw("/no-such-page", { base });
    expect(page.status).toBe(404);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    // The API's documentation page is a page.
    const docs = await raw("/api", { base });
    expect(docs.status).toBe(200);
    expect(docs.headers["content-type"]).toMatch(/^text\/html/);
  });

  it("control characters in a parameter: 400 problem+json naming the parameter; on a page, plain text", async () => {
    const r = await raw("/api/v1/contracts?limit=5&q=abc%01def", { base });
    const prob = await expectProblem(r, 400);
    expect(prob.errors).toEqual([{ param: "q", message: "must not hold control characters" }]);
    expect(prob.detail).toContain('"q"');
    const page = await raw("/contracts?q=abc%01def", { base });
    expect(page.status).toBe(400);
    expect(page.headers["content-type"]).toMatch(/^text\/plain/);
  });

  it("odd methods, oversized and unsized bodies under /api are problem+json too", async () => {
    const trace = await raw("/api/v1/contracts", { base, method: "TRACE" });
    await expectProblem(trace, 405);
    expect(trace.headers.allow).toContain("GET");
    const body = "x".repeat(300 * 1024);
    await expectProblem(await raw("/api/v1/contracts", { base, method: "POST", headers: { "content-length": String(body.length) }, body }), 413);
    await expectProblem(await raw("/api/v1/contracts", { base, method: "POST", headers: { "transfer-encoding": "chunked" }, body: "x" }), 411);
  });

  it("the database down: 503 problem+json with Retry-After under /api (pages: the HTML 503 page)", async () => {
    const dead = await openDatabase({ url: "postgres://postgres@127.0.0.1:1/none" });
    try {
      // Everything down: the API's rate limit is the first to notice.
      const down = await serve(dead.db, {});
      const r = await raw("/api/v1/contracts", { base: down.base });
      const p = await expectProblem(r, 503);
      expect(p.detail).toContain("temporarily unavailable");
      expect(r.headers["retry-after"]).toBe("30");
      // Only the read replica down: the route's own query fails.
      const replicaDown = await serve(t.db, { RATE_LIMIT_API_PER_MINUTE: "100000" }, { readDb: dead.db });
      for (const ep of ["/api/v1/contracts", "/api/v1/stats/sme-share", "/api/v1/ocds/records/none"]) {
        const x = await raw(ep, { base: replicaDown.base });
        const q = await expectProblem(x, 503);
        expect(q.detail, ep).toContain("temporarily unavailable");
        expect(x.body, ep).not.toMatch(/ECONNREFUSED|Unexpected Server Error|at .*\.js:\d+/);
      }
      const page = await raw("/contracts", { base: replicaDown.base });
      expect(page.status).toBe(503);
      expect(page.headers["content-type"]).toMatch(/^text\/html/);
    } finally {
      await dead.close();
    }
  });
});

describe("body limits: small for everything but the bulk upload", () => {
  const post = (base: string, p: string, size: number) => {
    const body = `csrf=x&email=${"a".repeat(size - 14)}`;
    return raw(p, { base, method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(body.length) }, body });
  };

  it("a 1 MiB POST to /login is refused with 413 (default settings); the bulk upload takes it", async () => {
    const { base } = await serve(t.db, { RATE_LIMIT_LOGIN_PER_15_MINUTES: "1000" });
    const big = await post(base, "/login", 1024 * 1024);
    expect(big.status).toBe(413);
    expect(big.body).toContain(`the limit is ${256 * 1024} bytes`);
    for (const p of ["/publish/tender", "/admin/users", "/contracts"]) expect((await post(base, p, 1024 * 1024)).status, p).toBe(413);
    // Under the limit, the sign-in form is read (and refused for its missing CSRF token).
    expect((await post(base, "/login", 1024)).status).toBe(403);
    // The bulk upload keeps the large limit (MAX_BODY_BYTES): the body reaches the route, which asks to sign in.
    const bulk = await post(base, "/publish/bulk", 1024 * 1024);
    expect(bulk.status, bulk.body.slice(0, 200)).not.toBe(413);
    expect(bulk.status).toBeLessThan(500);
  });

  it("MAX_FORM_BYTES and MAX_BODY_BYTES set both limits", async () => {
    const { base } = await serve(t.db, { MAX_FORM_BYTES: "2048", MAX_BODY_BYTES: "8192" });
    const r = await post(base, "/login", 4096);
    expect(r.status).toBe(413);
    expect(r.body).toContain("the limit is 2048 bytes");
    expect((await post(base, "/publish/bulk", 4096)).status).not.toBe(413);
    const bulk = await post(base, "/publish/bulk", 16_384);
    expect(bulk.status).toBe(413);
    expect(bulk.body).toContain("the limit is 8192 bytes");
  });
});

describe("errors are logged through the server's pino logger, with the request id", () => {
  it("a failing page and a failing API request: one JSON error line each, naming the request id; nothing on console.error", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split("\n")) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    });
    const logger = pino({ level: "info", base: undefined }, sink) as unknown as Logger;
    const consoleError = vi.spyOn(console, "error");
    const dead = await openDatabase({ url: "postgres://postgres@127.0.0.1:1/none" });
    try {
      const { base } = await serve(t.db, { RATE_LIMIT_API_PER_MINUTE: "100000" }, { readDb: dead.db, logger });
      for (const [p, id] of [
        ["/contracts", "log-test-page-0123"],
        ["/api/v1/contracts", "log-test-api-0123"],
      ] as const) {
        const r = await raw(p, { base, headers: { "X-Request-Id": id } });
        expect(r.status, p).toBe(503);
        expect(r.headers["x-request-id"]).toBe(id);
        const errors = lines.filter((l) => l.requestId === id && l.level === 50);
        expect(errors.length, JSON.stringify(lines)).toBe(1);
        expect(errors[0]!.path).toBe(p);
        expect(JSON.stringify(errors[0]!.err)).toContain("ECONNREFUSED");
        // And the request's own line.
        expect(lines.some((l) => l.requestId === id && l.level === 30 && l.status === 503)).toBe(true);
      }
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
      await dead.close();
    }
  });
});
