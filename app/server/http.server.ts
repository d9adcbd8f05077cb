/**
 * The HTTP server: Express in front of the Remix request handler.
 * - a request id on every request (X-Request-Id), one JSON log line per request;
 * - security headers, with a fresh CSP nonce per request for Remix's inline scripts;
 * - per-address rate limits (in the database) on the API and on sign-in; never on /healthz;
 * - body size limits, static assets, /healthz;
 * - Server-Timing: time spent in the database for each request.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import express from "express";
import { sql } from "kysely";
import type { DB } from "../../db/client";
import type { Env } from "../env.server";
import type { RegisterContext } from "../load-context";
import type { Logger } from "./logger.server";
import { hit, sweep } from "./rate-limit.server";
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
  app.set("trust proxy", "loopback");

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
      if (req.get("transfer-encoding")) return void res.status(411).type("text/plain").send("Length Required: send Content-Length.");
      return next();
    }
    if (!/^\d+$/.test(len) || Number(len) > env.MAX_BODY_BYTES) {
      return void res.status(413).type("text/plain").send(`Request body too large: the limit is ${env.MAX_BODY_BYTES} bytes.`);
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
        if (isDatabaseDown(e)) return void res.status(503).type("text/plain").send("The register is temporarily unavailable.");
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
  const remix = createRequestHandler({
    build: opts.build,
    mode: opts.mode ?? "production",
    getLoadContext: (req, res): AppLoadContext => {
      const ctx: RegisterContext = {
        ...base,
        nonce: res.locals.nonce as string,
        requestId: res.locals.requestId as string,
        clientIp: req.ip ?? "unknown",
      };
      return ctx as unknown as AppLoadContext;
    },
  });
  app.all("*", (req, res, next) => {
    Promise.resolve(remix(req, res, next)).catch(next);
  });

  // Last resort: never a stack trace to the client.
  app.use((err: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const requestId = res.locals.requestId as string;
    const down = isDatabaseDown(err);
    log?.error({ requestId, path: req.path, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) });
    if (res.headersSent) return void res.end();
    res
      .status(down ? 503 : 500)
      .type("text/plain")
      .send(
        down
          ? `The register is temporarily unavailable: the database is not answering. Request id ${requestId}.`
          : `Sorry, something went wrong. Request id ${requestId}.`,
      );
  });
  return app;
}

export function listen(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    // Slow clients: headers within 10 s, the whole request within 30 s.
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    server.keepAliveTimeout = 5_000;
    server.on("error", reject);
  });
}
