import type { Kysely } from "kysely";
import { runScript } from "./run-script";

/**
 * Rate-limit counters live in the database, not in process memory, so every
 * app instance behind a load balancer shares them (the app stays stateless).
 * Fixed windows: one row per key (e.g. "api:203.0.113.7") and window start.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
create unlogged table rate_limits (
  key text not null,
  window_start timestamptz not null,
  hits integer not null,
  primary key (key, window_start)
);
create index rate_limits_window on rate_limits (window_start);
`,
  );
}
