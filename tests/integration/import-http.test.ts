/**
 * Importing from URLs: a loopback HTTP server (never the internet) serves the
 * real releases as Contracts Finder's Search API does — release packages of a
 * page each, linked by `links.next` — and fails in the ways servers fail.
 */
import { gzipSync } from "node:zlib";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSources } from "../../app/services/import.server";
import { type TestDb, openTestDatabase } from "../setup/test-db";
import { type Json, type Served, freshCopies, pagedPackages, realReleases, serve } from "./import-fixtures";

let t: TestDb;
const servers: Served[] = [];
const all = realReleases().map((r) => r.release);
const count = async () => Number((await sql<{ n: string }>`select count(*) as n from releases`.execute(t.db)).rows[0]!.n);

beforeAll(async () => {
  t = await openTestDatabase("import_http");
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await t?.close();
});

/** Serve `releases` in pages; `fault(page)` may answer a page differently. */
async function publisher(releases: Json[], pageSize: number, fault?: (page: number, res: import("node:http").ServerResponse) => boolean) {
  const paged = pagedPackages(releases, pageSize);
  const s = await serve((req, res, origin) => {
    const url = new URL(req.url ?? "/", origin);
    const page = Number(url.searchParams.get("page") ?? 1);
    if (fault?.(page, res)) return;
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify(paged.page(origin, page)));
  });
  servers.push(s);
  return { ...s, pages: paged.pages, first: `${s.url}/ocds/search?page=1` };
}

describe(`import from a publisher's API (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("follows links.next through every page of the real releases", async () => {
    const p = await publisher(all, 50);
    expect(p.pages).toBe(13);
    const s = await importSources(t.db, [p.first]);
    expect(s.rejections).toEqual([]);
    expect(s).toMatchObject({ sources: 13, releasesRead: 606, imported: 606, rejected: 0 });
    expect(p.hits).toHaveLength(13);
    expect(await count()).toBe(606);
    const sources = await t.db.selectFrom("releases").select("source").distinct().execute();
    expect(sources.every((r) => r.source.startsWith(`import:${p.url}/ocds/search?page=`) || r.source.startsWith("import:run "))).toBe(true);
    // And again: every page fetched, nothing new.
    const again = await importSources(t.db, [p.first]);
    expect(again).toMatchObject({ releasesRead: 606, imported: 0, unchanged: 606, rejected: 0 });
  });

  it("reads gzip bodies (by magic bytes) and honours --max-pages", async () => {
    const rel = freshCopies(all.slice(0, 30), 1, "gz");
    const paged = pagedPackages(rel, 10);
    const s = await serve((req, res, origin) => {
      const page = Number(new URL(req.url ?? "/", origin).searchParams.get("page") ?? 1);
      res.setHeader("Content-Type", "application/octet-stream");
      res.end(gzipSync(JSON.stringify(paged.page(origin, page))));
    });
    servers.push(s);
    const r = await importSources(t.db, [`${s.url}/ocds/search?page=1`], { maxPages: 2 });
    expect(r).toMatchObject({ sources: 2, imported: 20, rejected: 0 });
  });

  it("a page answering 500 ends the chain with a rejection; the pages before it are kept, nothing of it is", async () => {
    const rel = freshCopies(all.slice(0, 40), 1, "e500");
    const p = await publisher(rel, 10, (page, res) => {
      if (page !== 3) return false;
      res.statusCode = 500;
      res.setHeader("Content-Type", "application/json");
      res.end('{"error":"boom"}');
      return true;
    });
    const before = await count();
    const s = await importSources(t.db, [p.first], { retries: 0 });
    expect(s).toMatchObject({ imported: 20, rejected: 1 });
    expect(s.rejections[0]).toMatchObject({ file: `${p.url}/ocds/search?page=3`, position: "page 3", ocid: null, id: null });
    expect(s.rejections[0]!.reason).toMatch(/^HTTP 500 Internal Server Error/);
    expect(await count()).toBe(before + 20);
  });

  it("an HTML answer (an error page with status 200) is rejected as not OCDS JSON", async () => {
    const s1 = await serve((_req, res) => {
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      res.end("<!DOCTYPE html><html><body><h1>Sorry, there is a problem with the service</h1></body></html>");
    });
    const s2 = await serve((_req, res) => {
      res.setHeader("Content-Type", "application/json");
      res.end("<html><body>Maintenance</body></html>");
    });
    servers.push(s1, s2);
    const before = await count();
    const s = await importSources(t.db, [`${s1.url}/search`, `${s2.url}/search`], { retries: 0 });
    expect(s.imported).toBe(0);
    expect(s.rejections.map((r) => [r.file, r.position, r.reason])).toEqual([
      [`${s1.url}/search`, "page 1", "the server answered with HTML (content-type text/html; charset=utf-8), not OCDS JSON"],
      [`${s2.url}/search`, "page 1 content", 'HTML, not JSON (starts "<html><body>Maintenance</body></html>")'],
    ]);
    expect(await count()).toBe(before);
  });

  it("a page cut off mid-body is rejected whole", async () => {
    const rel = freshCopies(all.slice(0, 20), 1, "cut");
    const paged = pagedPackages(rel, 10);
    const s = await serve((req, res, origin) => {
      const page = Number(new URL(req.url ?? "/", origin).searchParams.get("page") ?? 1);
      const text = JSON.stringify(paged.page(origin, page));
      res.setHeader("Content-Type", "application/json");
      res.end(page === 2 ? text.slice(0, text.length >> 1) : text);
    });
    servers.push(s);
    const r = await importSources(t.db, [`${s.url}/ocds/search?page=1`]);
    expect(r).toMatchObject({ imported: 10, rejected: 1, releasesDropped: expect.any(Number) });
    expect(r.rejections[0]!.position).toMatch(/^page 2 byte/);
    expect(r.rejections[0]!.reason).toMatch(/^truncated JSON/);
  });

  it("follows links.next from compact pages that end in a newline (not mistaken for JSON Lines)", async () => {
    const rel = freshCopies(all.slice(0, 12), 1, "nl");
    const paged = pagedPackages(rel, 4);
    const sizes: number[] = [];
    const s = await serve((req, res, origin) => {
      const page = Number(new URL(req.url ?? "/", origin).searchParams.get("page") ?? 1);
      const body = `${JSON.stringify(paged.page(origin, page))}\n`;
      sizes.push(Buffer.byteLength(body));
      res.setHeader("Content-Type", "application/json");
      res.end(body);
    });
    servers.push(s);
    const before = await count();
    const r = await importSources(t.db, [`${s.url}/ocds/search?page=1`]);
    expect(r.rejections).toEqual([]);
    expect(r).toMatchObject({ sources: 3, releasesRead: 12, imported: 12, rejected: 0 });
    expect(s.hits).toEqual(["/ocds/search?page=1", "/ocds/search?page=2", "/ocds/search?page=3"]);
    // Each page is one line under the 64 KB the format is told from: the case that used to stop after page 1.
    expect(sizes.every((n) => n < 64 * 1024)).toBe(true);
    expect(await count()).toBe(before + 12);
  });

  it("follows links.next from pretty-printed, multi-line pages", async () => {
    const rel = freshCopies(all.slice(12, 27), 1, "pretty");
    const paged = pagedPackages(rel, 5);
    const s = await serve((req, res, origin) => {
      const page = Number(new URL(req.url ?? "/", origin).searchParams.get("page") ?? 1);
      res.setHeader("Content-Type", "application/json; charset=utf-8");
      res.end(`${JSON.stringify(paged.page(origin, page), null, 2)}\n`);
    });
    servers.push(s);
    const before = await count();
    const r = await importSources(t.db, [`${s.url}/ocds/search?page=1`]);
    expect(r.rejections).toEqual([]);
    expect(r).toMatchObject({ sources: 3, releasesRead: 15, imported: 15, rejected: 0 });
    expect(s.hits).toHaveLength(3);
    expect(await count()).toBe(before + 15);
  });

  it("follows links.next from a package read as a JSON Lines line (an ndjson page)", async () => {
    const rel = freshCopies(all.slice(27, 33), 1, "ndjson");
    const paged = pagedPackages(rel, 2);
    const s = await serve((req, res, origin) => {
      const page = Number(new URL(req.url ?? "/", origin).searchParams.get("page") ?? 1);
      res.setHeader("Content-Type", "application/x-ndjson");
      res.end(`${JSON.stringify(paged.page(origin, page))}\n`);
    });
    servers.push(s);
    const r = await importSources(t.db, [`${s.url}/ocds/search?page=1`]);
    expect(r.rejections).toEqual([]);
    expect(r).toMatchObject({ sources: 3, releasesRead: 6, imported: 6, rejected: 0 });
    expect(s.hits).toHaveLength(3);
  });

  it("retries a busy server (503) and a refused connection is a clear rejection", async () => {
    let calls = 0;
    const rel = freshCopies(all.slice(0, 5), 1, "busy");
    const paged = pagedPackages(rel, 10);
    const s = await serve((_req, res, origin) => {
      calls++;
      if (calls === 1) {
        res.statusCode = 503;
        res.end("busy");
        return;
      }
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify(paged.page(origin, 1)));
    });
    servers.push(s);
    const r = await importSources(t.db, [`${s.url}/x`], { retries: 2, retryDelayMs: 5 });
    expect(r).toMatchObject({ imported: 5, rejected: 0 });
    expect(calls).toBe(2);
    const closed = await serve(() => {});
    const url = `${closed.url}/gone`;
    await closed.close();
    const r2 = await importSources(t.db, [url], { retries: 0 });
    expect(r2.rejections[0]).toMatchObject({ file: url, position: "page 1" });
    expect(r2.rejections[0]!.reason).toMatch(/^could not be fetched \(.*(ECONNREFUSED|refused)/i);
  });
});
