/**
 * Per-address rate limits in fixed windows, counted in the database so all
 * instances share them. Answered with 429 and Retry-After by the server.
 */
import { sql } from "kysely";
import type { DB } from "../../db/client";

export interface Limit {
  /** Requests allowed per window. */
  max: number;
  windowSeconds: number;
}

export interface LimitDecision {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

export async function hit(db: DB, key: string, limit: Limit, now = new Date()): Promise<LimitDecision> {
  const windowMs = limit.windowSeconds * 1000;
  const start = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const r = await sql<{ hits: number }>`
    insert into rate_limits (key, window_start, hits) values (${key}, ${start}, 1)
    on conflict (key, window_start) do update set hits = rate_limits.hits + 1
    returning hits`.execute(db);
  const hits = r.rows[0]?.hits ?? 1;
  const retryAfterSeconds = Math.max(1, Math.ceil((start.getTime() + windowMs - now.getTime()) / 1000));
  return { allowed: hits <= limit.max, remaining: Math.max(0, limit.max - hits), retryAfterSeconds };
}

/** Old windows are deleted now and then (cheap: indexed by window_start). */
export async function sweep(db: DB, olderThan: Date): Promise<void> {
  await db.deleteFrom("rate_limits").where("window_start", "<", olderThan).execute();
}
