/**
 * The dashboards' rollups during bulk loads (db/migrations/0009_deferred_rollups.ts).
 *
 * Normally statement triggers keep every rollup in step with spend_lines and
 * spend_annual inside the writing transaction. A bulk load instead defers that
 * upkeep (`deferRollups`, per transaction) and rebuilds the rollups once at the
 * end (`rebuildRollups`): one pass over the spend tables instead of an upsert
 * into nearly every rollup per statement. Until the rebuild commits, the
 * rollups (and the figures cached on them) are those of before the load, and
 * `register_meta.rollups_stale` says so; an interrupted load leaves the mark,
 * and the next import, `npm run aggregates:rebuild` or the next load clears it.
 *
 * When the importer defers (`shouldDefer`): a rebuild costs about as much as
 * the trigger upkeep of a quarter of the register's size in releases, so a run
 * keeps the triggers until it has written that many (at least DEFER_AFTER_MIN),
 * then defers the rest and rebuilds at its end. A daily import never pays for
 * a rebuild; a load far larger than the register never pays per statement;
 * neither pays more than about twice the cheaper of the two (ski rental).
 */
import { sql } from "kysely";
import type { Executor } from "../../db/queries/util";
import { getMeta, setMeta } from "../../db/queries/write";

export const ROLLUPS_STALE_KEY = "rollups_stale";
export const DEFER_AFTER_MIN = 20_000;

/** In this transaction, write spend rows without rollup upkeep, and mark the rollups stale. */
export async function deferRollups(trx: Executor): Promise<void> {
  await sql`select set_config('register.rollups', 'deferred', true)`.execute(trx);
  await setMeta(trx, ROLLUPS_STALE_KEY, new Date().toISOString());
}

/** Whether a bulk load has left the rollups behind the spend tables (the ISO time it began), else null. */
export function rollupsStale(db: Executor): Promise<string | null> {
  return getMeta(db, ROLLUPS_STALE_KEY);
}

/** Recompute every rollup from the spend tables, in one transaction. Returns the seconds taken. */
export async function rebuildRollups(db: Executor): Promise<number> {
  const t0 = Date.now();
  const run = async (e: Executor) => {
    // data_version first (the page cache's key; the rebuild's last step bumps it too): a writer
    // takes it before the spend tables, so taking it before their SHARE lock keeps one lock order.
    await sql`update data_version set version = version + 1, changed_at = now()`.execute(e);
    await sql`select rebuild_spend_rollups()`.execute(e);
  };
  if (db.isTransaction) await run(db);
  else await db.transaction().execute(run);
  return (Date.now() - t0) / 1000;
}

/** Releases a run may write with trigger upkeep before deferring (see the header). */
export function deferAfter(contractsInRegister: number): number {
  return Math.max(DEFER_AFTER_MIN, Math.ceil(contractsInRegister / 4));
}
