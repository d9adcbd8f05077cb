/**
 * A cache of whole public answers (pages and API JSON), in front of Remix.
 *
 * A news-day rush is many people asking for the same few pages. Rendering a
 * dashboard (server-side SVG charts, tables) costs tens of milliseconds of the
 * one Node thread; serving the same bytes again costs well under one. So an
 * anonymous GET whose answer is an ordinary 200 is kept, keyed by its URL, and
 * replayed while it is still true:
 * - **Never stale**: every entry carries the data version it was rendered at —
 *   `data_version` (bumped in the writing transaction by every write to what
 *   public pages show, migration 0012) with `spend_version` (the dashboards'
 *   rollups) — and a request first reads the current version (one small
 *   query). A publication, an import or a recompute therefore retires every
 *   entry at the moment it commits, on every instance.
 * - **Time**: an entry also expires after `maxAgeSeconds` (so wording that
 *   depends on the clock, such as "3 days left", moves on), sooner when the
 *   answer's Cache-Control says so, and sooner when its loader says when it
 *   stops being true (`cacheNoLaterThan`: a list of open tenders is true only
 *   until the next deadline in it).
 * - **Only what is the same for everyone**: GET, no session cookie (signed-in
 *   officials always get fresh pages), not the sign-in, publishing or
 *   administration pages, no Set-Cookie in the answer, not no-store or
 *   private, HTML or JSON only (downloads and feeds stream), at most
 *   `maxEntryBytes`.
 * - **Per request**: the CSP nonce and the request id in a replayed page are
 *   replaced by this request's own (both are random, so the replacement cannot
 *   touch anything else); an ETag answered with 304 when If-None-Match matches.
 * - **One render per miss**: requests that miss on the same key together wait
 *   for one rendering.
 * It is a plain in-process LRU (bounded in bytes): nothing another instance
 * needs lives here, and `PAGE_CACHE=off` turns it off.
 */
import type express from "express";

export interface CachedAnswer {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
  /** The nonce and request id the body was rendered with (HTML only). */
  nonce: string | null;
  requestId: string | null;
}

interface Entry extends CachedAnswer {
  key: string;
  /** The request it was rendered for. */
  renderedFor: string;
  version: string;
  expires: number;
  etag: string | null;
  html: boolean;
}

export interface PageCacheOptions {
  maxAgeSeconds: number;
  /** The app's clock (loaders' `context.now`), so "true until the next deadline" and a pinned test clock agree. */
  now?: () => Date;
  maxBytes: number;
  maxEntryBytes?: number;
}

/** Per request: the latest instant the loaders say their answer stays true (ms since the epoch). */
export interface PageCacheLimit {
  until: number | null;
}

/** For loaders: this answer stops being true at `at` (e.g. the next tender deadline it lists). */
export function cacheNoLaterThan(limit: PageCacheLimit | undefined, at: Date | number | null | undefined): void {
  if (!limit || at === null || at === undefined) return;
  const ms = typeof at === "number" ? at : at.getTime();
  if (Number.isNaN(ms)) return;
  limit.until = limit.until === null ? ms : Math.min(limit.until, ms);
}

const SESSION_COOKIES = /(?:^|;\s*)(?:__Host-session|register_session)=/;
const UNCACHED_PATHS = /^\/(?:login|logout|publish|admin|healthz)(?:[/.?]|$)/;
const CACHED_TYPES = /^(?:text\/html|application\/json|application\/problem\+json)\b/i;

/** May this request be answered from (and its answer kept in) the cache? */
export function cacheableRequest(req: express.Request): boolean {
  if (req.method !== "GET") return false;
  if (UNCACHED_PATHS.test(req.path)) return false;
  if (SESSION_COOKIES.test(req.get("cookie") ?? "")) return false;
  if (req.get("authorization")) return false;
  return req.originalUrl.length <= 4096;
}

/** Seconds from the answer's Cache-Control, or null when it says nothing about reuse; -1 when it forbids keeping it. */
function cacheControlSeconds(value: string | null): number | null {
  if (!value) return null;
  if (/\b(?:no-store|private|no-cache)\b/i.test(value)) return -1;
  const m = /\bmax-age=(\d+)/i.exec(value);
  return m ? Number(m[1]) : null;
}

export class PageCache {
  private entries = new Map<string, Entry>();
  private bytes = 0;
  private inflight = new Map<string, Promise<Entry | null>>();
  readonly maxEntryBytes: number;

  constructor(private readonly opts: PageCacheOptions) {
    this.maxEntryBytes = opts.maxEntryBytes ?? Math.min(2 * 1024 * 1024, Math.floor(opts.maxBytes / 8));
  }

  get size(): number {
    return this.entries.size;
  }

  /** A live entry for this key at this data version, or null. */
  private now(): number {
    return this.opts.now ? this.opts.now().getTime() : Date.now();
  }

  get(key: string, version: string): Entry | null {
    const now = this.now();
    const e = this.entries.get(key);
    if (!e) return null;
    if (e.version !== version || e.expires <= now) {
      this.drop(e);
      return null;
    }
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  /**
   * Answer a miss: render once (concurrent misses on the same key and version
   * share the rendering) and keep the answer when it may be kept. Returns the
   * entry to replay, or null with the answer already sent by `render`'s caller
   * (an answer that may not be kept is handed back through `passThrough`).
   */
  async fill(
    key: string,
    version: string,
    render: () => Promise<{ answer: Response; limit: PageCacheLimit; nonce: string; requestId: string }>,
    passThrough: (answer: Response) => Promise<void>,
  ): Promise<Entry | null> {
    const flightKey = `${version}\u0000${key}`;
    const waiting = this.inflight.get(flightKey);
    if (waiting) {
      const shared = await waiting;
      if (shared) return shared;
    }
    let resolveFlight: (e: Entry | null) => void = () => {};
    const flight = new Promise<Entry | null>((resolve) => {
      resolveFlight = resolve;
    });
    this.inflight.set(flightKey, flight);
    try {
      const { answer, limit, nonce, requestId } = await render();
      const entry = await this.keep(key, version, answer, limit, nonce, requestId);
      if (!entry) {
        resolveFlight(null);
        await passThrough(answer);
        return null;
      }
      resolveFlight(entry);
      return entry;
    } catch (e) {
      resolveFlight(null);
      throw e;
    } finally {
      this.inflight.delete(flightKey);
    }
  }

  private async keep(key: string, version: string, answer: Response, limit: PageCacheLimit, nonce: string, requestId: string): Promise<Entry | null> {
    if (answer.status !== 200 || answer.headers.has("set-cookie")) return null;
    const type = answer.headers.get("content-type") ?? "";
    if (!CACHED_TYPES.test(type)) return null;
    const declared = Number(answer.headers.get("content-length") ?? "0");
    if (declared > this.maxEntryBytes) return null;
    const cc = cacheControlSeconds(answer.headers.get("cache-control"));
    if (cc === -1) return null;
    const now = this.now();
    let expires = now + Math.min(this.opts.maxAgeSeconds, cc ?? this.opts.maxAgeSeconds) * 1000;
    if (limit.until !== null) expires = Math.min(expires, limit.until);
    if (expires <= now) return null;
    const body = Buffer.from(await answer.clone().arrayBuffer());
    if (body.length > this.maxEntryBytes) return null;
    const html = /^text\/html\b/i.test(type);
    const headers: Array<[string, string]> = [];
    for (const [k, v] of answer.headers.entries()) if (k !== "content-length") headers.push([k, v]);
    const entry: Entry = {
      key,
      renderedFor: requestId,
      version,
      expires,
      status: answer.status,
      headers,
      body,
      html,
      nonce: html ? nonce : null,
      requestId: html ? requestId : null,
      etag: answer.headers.get("etag"),
    };
    const old = this.entries.get(key);
    if (old) this.drop(old);
    this.entries.set(key, entry);
    this.bytes += body.length;
    while (this.bytes > this.opts.maxBytes) {
      const oldest = this.entries.values().next().value;
      if (!oldest) break;
      this.drop(oldest);
    }
    return entry;
  }

  private drop(e: Entry): void {
    if (this.entries.get(e.key) === e) {
      this.entries.delete(e.key);
      this.bytes -= e.body.length;
    }
  }
}

/** Does If-None-Match name this ETag? */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((t) => {
    const v = t.trim();
    return v === "*" || v.replace(/^W\//, "") === bare;
  });
}

/**
 * Send a kept answer for this request: its own nonce and request id, 304 when
 * the ETag matches. `X-Page-Cache` says whether it was kept before ("hit") or
 * rendered for this request ("miss").
 */
export function replay(
  e: CachedAnswer & { etag?: string | null },
  req: express.Request,
  res: express.Response,
  nonce: string,
  requestId: string,
  outcome: "hit" | "miss",
): void {
  res.status(e.status);
  for (const [k, v] of e.headers) res.append(k, v);
  res.setHeader("X-Page-Cache", outcome);
  if (e.etag && etagMatches(req.get("if-none-match"), e.etag)) {
    res.status(304).end();
    return;
  }
  let body = e.body;
  if (e.nonce || e.requestId) {
    let text = body.toString("utf8");
    if (e.nonce && e.nonce !== nonce) text = text.split(e.nonce).join(nonce);
    if (e.requestId && e.requestId !== requestId) text = text.split(e.requestId).join(requestId);
    body = Buffer.from(text, "utf8");
  }
  res.setHeader("Content-Length", String(body.length));
  res.end(body);
}
