/**
 * The HTTP server: Express in front of the Remix request handler.
 * - a request id on every request (X-Request-Id), one JSON log line per request;
 * - security headers, with a fresh CSP nonce per request for Remix's inline scripts;
 * - per-address rate limits (in the database) on the API and on sign-in; never on /healthz;
 * - body size limits (MAX_FORM_BYTES; MAX_BODY_BYTES for the bulk upload), static assets, /healthz;
 * - `trust proxy` from TRUST_PROXY: which proxies' X-Forwarded-For gives the client's address;
 * - under /api/, every error the server itself answers is application/problem+json (RFC 9457);
 *   pages keep their HTML or plain-text answers;
 * - Server-Timing: time spent in the database for each request;
 * - bad input answered with clean 4xx before it reaches a route (see `remixHandler`):
 *   methods fetch cannot represent (405), page forms that are not forms (415) or
 *   that cannot be parsed (400), control characters in query parameters or in a
 *   redirect target (400), undecodable paths (400); header values the app builds
 *   from input are made safe before they are written.
 */
import { randomBytes, randomUUID } from "node:crypto";
import http, { type Server } from "node:http";
import path from "node:path";
import { type AppLoadContext, type ServerBuild, createRequestHandler } from "@remix-run/node";
import { publicDataVersion } from "../../db/queries/versions";
import { PageCache, type PageCacheLimit, cacheableRequest, replay } from "./page-cache.server";
import express from "express";
import { sql } from "kysely";
import type { DB } from "../../db/client";
import type { Env } from "../env.server";
import type { RegisterContext } from "../load-context";
import type { Logger } from "./logger.server";
import { hit, sweep } from "./rate-limit.server";
import { type ParamError, problem } from "../lib/params";
import { isDatabaseDown } from "./db-errors.server";
import { requestStore } from "./request-context.server";

export async function healthCheck(db: DB, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      sql`select 1`.execute(db),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export interface AppOptions {
  db: DB;
  readDb?: DB;
  env: Env;
  build: ServerBuild;
  logger?: Logger;
  now?: () => Date;
  /** Remix mode: "production" hides error details from responses. */
  mode?: "production" | "development";
}

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{8,64}$/;

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // Inline style attributes come from server-rendered SVG charts; no inline scripts are allowed.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function createApp(opts: AppOptions) {
  const app = express();
  const { env } = opts;
  const log = opts.logger;
  const production = env.NODE_ENV === "production";
  app.disable("x-powered-by");
  // Whose X-Forwarded-For to believe (req.ip: rate limits, sign-in throttling, the audit log).
  app.set("trust proxy", env.TRUST_PROXY);
  const bodyLimit = (req: express.Request) => bodyLimitFor(pathOf(req), env);

  // Request id, timing, one log line per request.
  app.use((req, res, next) => {
    const incoming = req.get("x-request-id");
    const requestId = incoming && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    const started = process.hrtime.bigint();
    const store = { requestId, dbMs: 0, dbQueries: 0 };
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    const writeHead = res.writeHead;
    // Add Server-Timing just before the headers go out, when the database time is known.
    res.writeHead = function (this: express.Response, ...args: Parameters<typeof writeHead>) {
      if (!this.headersSent) this.setHeader("Server-Timing", `db;dur=${store.dbMs.toFixed(1)};desc="${store.dbQueries} queries"`);
      return writeHead.apply(this, args);
    } as typeof writeHead;
    res.on("finish", () => {
      if (req.path === "/healthz" && res.statusCode === 200) return;
      log?.info({
        requestId,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        durationMs: Number((Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)),
        dbMs: Number(store.dbMs.toFixed(1)),
      });
    });
    requestStore.run(store, next);
  });

  // Security headers.
  app.use((_req, res, next) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.nonce = nonce;
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (production) res.setHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    next();
  });

  app.get("/healthz", async (_req, res) => {
    const ok = await healthCheck(opts.db);
    res.setHeader("Cache-Control", "no-store");
    res.status(ok ? 200 : 503).json(ok ? { status: "ok" } : { status: "unavailable", detail: "the database is not answering" });
  });

  // Body size: a declared length over the limit is refused before reading; a body without a
  // declared length (chunked) is refused too, so no request can stream an unbounded body.
  app.use((req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    const len = req.get("content-length");
    if (len === undefined) {
      if (req.get("transfer-encoding")) return sendError(req, res, 411, "Length required", "Length Required: send Content-Length");
      return next();
    }
    const limit = bodyLimit(req);
    if (!/^\d+$/.test(len) || Number(len) > limit) {
      return sendError(req, res, 413, "Request body too large", `Request body too large: the limit is ${limit} bytes`);
    }
    next();
  });

  // Rate limits, per address, shared by every instance through the database.
  let lastSweep = 0;
  const limited =
    (name: string, max: number, windowSeconds: number): express.RequestHandler =>
    async (req, res, next) => {
      try {
        const now = new Date();
        const d = await hit(opts.db, `${name}:${req.ip ?? "unknown"}`, { max, windowSeconds }, now);
        if (now.getTime() - lastSweep > 60_000) {
          lastSweep = now.getTime();
          void sweep(opts.db, new Date(now.getTime() - 3_600_000)).catch(() => {});
        }
        res.setHeader("RateLimit-Limit", String(max));
        res.setHeader("RateLimit-Remaining", String(d.remaining));
        if (!d.allowed) {
          res.setHeader("Retry-After", String(d.retryAfterSeconds));
          res
            .status(429)
            .type("application/problem+json")
            .send(
              JSON.stringify({
                type: "about:blank",
                title: "Too many requests",
                status: 429,
                detail: `More than ${max} requests in ${windowSeconds} s from this address; try again in ${d.retryAfterSeconds} s.`,
              }),
            );
          return;
        }
      } catch (e) {
        if (isDatabaseDown(e)) {
          res.setHeader("Retry-After", "30");
          return sendError(req, res, 503, "Temporarily unavailable", "The register is temporarily unavailable: the database is not answering");
        }
        return next(e);
      }
      next();
    };
  app.use("/api", limited("api", env.RATE_LIMIT_API_PER_MINUTE, 60));
  app.post("/login", limited("login", env.RATE_LIMIT_LOGIN_PER_15_MINUTES, 900));

  const publicDir = path.resolve("public");
  app.use("/build", express.static(path.join(publicDir, "build"), { immutable: true, maxAge: "1y", index: false, redirect: false }));
  app.use(express.static(publicDir, { maxAge: "1h", index: false, dotfiles: "deny", redirect: false }));

  const base = {
    db: opts.db,
    readDb: opts.readDb ?? opts.db,
    env,
    now: opts.now ?? (() => new Date()),
  };
  const pageCache =
    env.PAGE_CACHE === "on"
      ? {
          cache: new PageCache({ maxAgeSeconds: env.PAGE_CACHE_SECONDS, maxBytes: env.PAGE_CACHE_MB * 1024 * 1024, now: base.now }),
          version: () => publicDataVersion(base.readDb),
        }
      : null;
  const remix = remixHandler(opts.build, opts.mode ?? "production", bodyLimit, pageCache, (req, res): AppLoadContext => {
    const ctx: RegisterContext = {
      ...base,
      nonce: res.locals.nonce as string,
      requestId: res.locals.requestId as string,
      clientIp: req.ip ?? "unknown",
      pageCache: res.locals.pageCache as PageCacheLimit,
      ...(log ? { logger: log } : {}),
    };
    return ctx as unknown as AppLoadContext;
  });
  app.all("*", remix);

  // Last resort: never a stack trace to the client.
  app.use((err: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const requestId = res.locals.requestId as string;
    // Errors Express and its middleware mark as the client's (e.g. a path that is not valid percent-encoding).
    const clientStatus = clientErrorStatus(err);
    if (clientStatus) {
      log?.info({ requestId, path: req.path, status: clientStatus, err: err instanceof Error ? err.message : String(err) });
      if (res.headersSent) return void res.end();
      return sendError(req, res, clientStatus, "Bad request", "Bad request");
    }
    const down = isDatabaseDown(err);
    log?.error({ requestId, path: req.path, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) });
    if (res.headersSent) return void res.end();
    if (down) res.setHeader("Retry-After", "30");
    sendError(
      req,
      res,
      down ? 503 : 500,
      down ? "Temporarily unavailable" : "Internal server error",
      down ? "The register is temporarily unavailable: the database is not answering" : "Sorry, something went wrong",
    );
  });
  return app;
}

export interface ListenOptions {
  /** Slow clients: the request's headers must arrive within this (default 10 s), else 408 and the connection is closed. */
  headersTimeoutMs?: number;
  /** The whole request (headers and body) within this (default 30 s), else 408. */
  requestTimeoutMs?: number;
  /** Idle keep-alive connections are closed after this (default 5 s). */
  keepAliveTimeoutMs?: number;
}

export function listen(app: express.Express, port: number, host: string, opts: ListenOptions = {}): Promise<Server> {
  const headersTimeout = opts.headersTimeoutMs ?? 10_000;
  const requestTimeout = Math.max(opts.requestTimeoutMs ?? 30_000, headersTimeout);
  return new Promise((resolve, reject) => {
    // Node checks these timeouts every `connectionsCheckingInterval` (30 s by default):
    // check often enough that a slow client is cut off close to its deadline.
    const server = http.createServer({ headersTimeout, requestTimeout, connectionsCheckingInterval: Math.min(1_000, headersTimeout) }, app);
    server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 5_000;
    // CONNECT (proxy tunnels) is not served: 405, not a silently dropped connection.
    server.on("connect", (_req, socket: import("node:stream").Duplex) => {
      socket.end("HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    });
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

/** A 4xx status carried by an error from Express or its middleware (URIError from decoding a path: 400). */
function clientErrorStatus(err: unknown): number | null {
  if (err instanceof URIError) return 400;
  const e = err as { status?: unknown; statusCode?: unknown; expose?: unknown } | null;
  const status = typeof e?.status === "number" ? e.status : typeof e?.statusCode === "number" ? e.statusCode : null;
  return status !== null && status >= 400 && status < 500 ? status : null;
}

/** Methods the Fetch API (and so Remix) can carry; TRACE, CONNECT and the rest get 405. */
const FETCH_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;
/** C0 controls (tab allowed) and DEL: never part of a query parameter, never allowed into a header. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
/**
 * Parameters and form fields the app echoes into a response header (the
 * sign-in redirect target, a Location): printable ASCII only. The app's own
 * links percent-encode them; anything else is crafted, and would make the
 * Fetch API throw inside the route.
 */
const HEADER_FIELDS = new Set(["redirectTo"]);
const HEADER_SAFE = /^[\x20-\x7e]*$/;

/** The bulk upload (/publish/bulk) may send up to MAX_BODY_BYTES; every other request MAX_FORM_BYTES. */
export function bodyLimitFor(pathname: string, env: Pick<Env, "MAX_BODY_BYTES" | "MAX_FORM_BYTES">): number {
  const p = pathname.toLowerCase();
  if (p === "/publish/bulk" || p.startsWith("/publish/bulk/")) return env.MAX_BODY_BYTES;
  return Math.min(env.MAX_FORM_BYTES, env.MAX_BODY_BYTES);
}

/** The request's whole path (req.path is relative to the mount point inside `app.use("/api", …)`). */
function pathOf(req: express.Request): string {
  return (req.originalUrl || req.url).split("?")[0] ?? "/";
}

/** The JSON API (everything under /api/ but the /api documentation page): errors as problem+json. */
export function isApiPath(pathname: string): boolean {
  return /^\/api\/./i.test(pathname);
}

const STATUS_TITLES: Record<number, string> = { 400: "Bad request", 404: "Not found", 405: "Method not allowed", 500: "Internal server error", 503: "Temporarily unavailable" };

/**
 * An error the server answers itself: under /api/, RFC 9457 problem details (type, title,
 * status, detail, the parameters at fault in `errors`, and the request id); elsewhere the
 * plain-text sentence with the request id.
 */
function sendError(req: express.Request, res: express.Response, status: number, title: string, detail: string, errors: ParamError[] = []) {
  const requestId = res.locals.requestId as string;
  if (isApiPath(pathOf(req))) {
    res
      .status(status)
      .setHeader("Cache-Control", "no-store")
      .type("application/problem+json")
      .send(JSON.stringify({ ...problem(status, title, errors, `${detail}.`), requestId }));
    return;
  }
  res
    .status(status)
    .type("text/plain")
    .send(`${detail} (request id ${requestId}).`);
}

/** A Remix answer under /api/ that is an error but not JSON (Remix's own "Unexpected Server Error"): problem+json. */
async function apiErrorResponse(response: Response, requestId: string): Promise<Response> {
  const type = response.headers.get("content-type") ?? "";
  if (response.status < 400 || /json/i.test(type)) return response;
  const down = response.status >= 500 && requestStore.getStore()?.dbDown === true;
  const status = down ? 503 : response.status;
  const text = response.status < 500 && /^text\/plain/i.test(type) ? (await response.text()).trim().slice(0, 500) : "";
  await response.body?.cancel().catch(() => {});
  const detail = down
    ? "The register is temporarily unavailable: the database is not answering."
    : status >= 500
      ? "Sorry, something went wrong."
      : text || (STATUS_TITLES[status] ?? "Error");
  const headers = new Headers({ "Content-Type": "application/problem+json", "Cache-Control": "no-store", "Access-Control-Allow-Origin": "*" });
  if (down) headers.set("Retry-After", "30");
  const allow = response.headers.get("allow");
  if (allow) headers.set("Allow", allow);
  return new Response(JSON.stringify({ ...problem(status, STATUS_TITLES[status] ?? "Error", [], detail), requestId }), { status, headers });
}

/** The request body, at most `limit` bytes (the declared length was checked earlier). */
function readBody(req: express.Request, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * A header value as Node will write it: characters outside printable ASCII
 * (which Node refuses with an exception) are percent-encoded, so a redirect to
 * `/x?q=日本` still works and nothing from the input can end a header line.
 */
export function safeHeaderValue(value: string): string {
  return /^[\t\x20-\x7e]*$/.test(value) ? value : value.replace(/[^\t\x20-\x7e]/gu, (c) => encodeURIComponent(c));
}

/**
 * The Remix request handler (what @remix-run/express does, plus the checks of
 * bad input described at the top of this file). Page forms are read here and
 * handed to Remix whole, so a body that is not the form it claims to be is a
 * 400, never an exception inside an action.
 */
function remixHandler(
  build: ServerBuild,
  mode: "production" | "development",
  bodyLimit: (req: express.Request) => number,
  pageCache: { cache: PageCache; version: () => Promise<string> } | null,
  getLoadContext: (req: express.Request, res: express.Response) => AppLoadContext,
): express.RequestHandler {
  const handleRequest = createRequestHandler(build, mode);
  const send = async (req: express.Request, res: express.Response, answered: Response) => {
    const response = isApiPath(pathOf(req)) ? await apiErrorResponse(answered, res.locals.requestId as string) : answered;
    res.statusMessage = response.statusText;
    res.status(response.status);
    const names = new Set<string>();
    for (const [key, value] of response.headers.entries()) {
      names.add(key);
      res.append(key, safeHeaderValue(value));
    }
    if (response.body) await sendBody(response.body, res, names);
    else res.end();
  };
  return async (req, res, next) => {
    try {
      if (!FETCH_METHODS.has(req.method)) {
        res.setHeader("Allow", [...FETCH_METHODS].join(", "));
        return sendError(req, res, 405, "Method not allowed", `Method ${req.method} is not allowed`);
      }
      const url = new URL(req.originalUrl, "http://localhost");
      for (const [name, value] of url.searchParams) {
        if (CONTROL.test(value) || CONTROL.test(name) || (HEADER_FIELDS.has(name) && !HEADER_SAFE.test(value))) {
          const param = name.replace(new RegExp(CONTROL.source, "g"), "?").slice(0, 60);
          const message = HEADER_FIELDS.has(name) && !CONTROL.test(value) ? "must be printable ASCII (a percent-encoded path)" : "must not hold control characters";
          return sendError(req, res, 400, "Bad request", `Bad request: the parameter ${JSON.stringify(param)} ${message}`, [{ param, message }]);
        }
      }
      let body: Buffer | undefined;
      if (req.method !== "GET" && req.method !== "HEAD") {
        const maxBody = bodyLimit(req);
        const read = await readBody(req, maxBody);
        if (read === null) return sendError(req, res, 413, "Request body too large", `Request body too large: the limit is ${maxBody} bytes`);
        body = read;
        const type = req.get("content-type") ?? "";
        const api = req.path.startsWith("/api/");
        if (!api && req.method !== "OPTIONS") {
          if (!FORM_TYPES.test(type)) {
            return sendError(req, res, 415, "Unsupported media type", "Unsupported media type: send the form as application/x-www-form-urlencoded or multipart/form-data");
          }
          let form: FormData;
          try {
            form = await new Request("http://localhost/", { method: "POST", headers: { "content-type": type }, body: new Uint8Array(body) }).formData();
          } catch {
            return sendError(req, res, 400, "Bad request", "Bad request: the form could not be read (its body does not match its Content-Type)");
          }
          for (const f of HEADER_FIELDS) {
            for (const v of form.getAll(f)) {
              if (typeof v === "string" && !HEADER_SAFE.test(v)) return sendError(req, res, 400, "Bad request", `Bad request: the field ${f} must be printable ASCII (a percent-encoded path)`, [{ param: f, message: "must be printable ASCII (a percent-encoded path)" }]);
            }
          }
        }
      }
      const request = remixRequest(req, res, body);
      const limit: PageCacheLimit = { until: null };
      res.locals.pageCache = limit;
      const nonce = res.locals.nonce as string;
      const requestId = res.locals.requestId as string;
      // The data version, when the database answers (else the route answers, and says it is unavailable).
      const version = pageCache && cacheableRequest(req) ? await pageCache.version().catch(() => null) : null;
      if (pageCache && version !== null) {
        const { cache } = pageCache;
        const key = req.originalUrl;
        const hit = cache.get(key, version);
        if (hit) return replay(hit, req, res, nonce, requestId, "hit");
        const entry = await cache.fill(
          key,
          version,
          async () => ({ answer: await handleRequest(request, getLoadContext(req, res)), limit, nonce, requestId }),
          (answer) => send(req, res, answer),
        );
        if (entry) replay(entry, req, res, nonce, requestId, entry.renderedFor === requestId ? "miss" : "hit");
        return;
      }
      await send(req, res, await handleRequest(request, getLoadContext(req, res)));
    } catch (e) {
      next(e);
    }
  };
}

/**
 * Stream a body. A stream that fails before its first chunk (a download whose
 * first query finds the database down) becomes an error page (503 or 500) in
 * place of the route's headers; once bytes are out, a failure cuts the
 * connection so a truncated download never looks complete. Backpressure: the
 * next chunk is read only when the client has taken the last one, so a slow
 * client holds a download (and its database reads) back instead of the whole
 * body piling up in memory; a client that goes away cancels the stream.
 */
async function sendBody(body: ReadableStream<Uint8Array>, res: express.Response, routeHeaders: Set<string>): Promise<void> {
  const reader = body.getReader();
  let chunk: ReadableStreamReadResult<Uint8Array>;
  try {
    chunk = await reader.read();
  } catch (e) {
    for (const name of routeHeaders) res.removeHeader(name);
    throw e;
  }
  try {
    while (!chunk.done) {
      if (res.destroyed) {
        await reader.cancel().catch(() => {});
        return;
      }
      if (!res.write(chunk.value)) await drained(res);
      chunk = await reader.read();
    }
  } catch (e) {
    res.destroy(e as Error);
    throw e;
  }
  res.end();
}

/** Resolves when the response can take more (or the connection has gone). */
function drained(res: express.Response): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** The Fetch Request Remix expects, as @remix-run/express builds it, with the body already read. */
function remixRequest(req: express.Request, res: express.Response, body: Buffer | undefined): Request {
  const [, forwardedPort] = req.get("X-Forwarded-Host")?.split(":") ?? [];
  const [, hostPort] = req.get("host")?.split(":") ?? [];
  const a = Number.parseInt(forwardedPort ?? "", 10);
  const b = Number.parseInt(hostPort ?? "", 10);
  const port = Number.isSafeInteger(a) ? a : Number.isSafeInteger(b) ? b : "";
  const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`);
  const headers = new Headers();
  for (const [key, values] of Object.entries(req.headers)) {
    if (values === undefined) continue;
    for (const v of Array.isArray(values) ? values : [values]) headers.append(key, v);
  }
  let controller: AbortController | null = new AbortController();
  const signal = controller.signal;
  // Abort loaders and actions when the client goes before the answer is sent.
  res.on("finish", () => {
    controller = null;
  });
  res.on("close", () => controller?.abort());
  return new Request(url.href, { method: req.method, headers, signal, ...(body !== undefined ? { body: new Uint8Array(body) } : {}) });
}
