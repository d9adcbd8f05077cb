/**
 * Per-request context carried through async calls (AsyncLocalStorage): the
 * request id for logs and error pages, and the time spent in the database for
 * the Server-Timing header.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestStore {
  requestId: string;
  dbMs: number;
  dbQueries: number;
  /** Set when a loader failed because the database is unreachable: the page answers 503. */
  dbDown?: boolean;
}

// One instance per process, shared by the server (loaded from source) and the
// Remix build (which bundles its own copy of this module).
const KEY = Symbol.for("register.requestStore");
const g = globalThis as unknown as Record<symbol, AsyncLocalStorage<RequestStore> | undefined>;
g[KEY] ??= new AsyncLocalStorage<RequestStore>();
export const requestStore: AsyncLocalStorage<RequestStore> = g[KEY];

/** Called by the database layer after each query. */
export function recordDbTime(ms: number): void {
  const s = requestStore.getStore();
  if (s) {
    s.dbMs += ms;
    s.dbQueries++;
  }
}
