import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
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
function raw(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(`${s.base}${path}`, { method: opts.method ?? "GET", headers: opts.headers }, (res) => {
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
