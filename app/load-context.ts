import type { DB } from "../db/client";
import type { Env } from "./env.server";
import type { Logger } from "./server/logger.server";
import type { PageCacheLimit } from "./server/page-cache.server";

/** What the HTTP server hands every loader and action. */
export interface RegisterContext {
  /** Writes and publishing. */
  db: DB;
  /** Read-only queries of public pages and the API (a replica when DATABASE_READ_URL is set). */
  readDb: DB;
  env: Env;
  /** The current time; tests may pin it. */
  now: () => Date;
  /** Per request: CSP nonce for inline scripts, and the request id shown on error pages. */
  nonce: string;
  requestId: string;
  /** The client's address (proxy-aware), for throttling and the audit log. */
  clientIp: string;
  /** How long this answer stays true, for the page cache (loaders narrow it: `cacheNoLaterThan`). */
  pageCache?: PageCacheLimit;
  /** The server's structured (pino) logger, when it has one: errors are logged with the request id. */
  logger?: Logger;
}

declare module "@remix-run/server-runtime" {
  interface AppLoadContext extends RegisterContext {}
}

declare module "@remix-run/server-runtime" {
  interface Future {
    v3_singleFetch: true;
  }
}
