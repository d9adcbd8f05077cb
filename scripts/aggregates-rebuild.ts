/**
 * npm run aggregates:rebuild — recompute the dashboards' rollups from the
 * spend tables in one pass (db/migrations/0009_deferred_rollups.ts).
 *
 * Needed only after a bulk import was interrupted while its rollup upkeep was
 * deferred (the dashboards then say their figures are being refreshed); the
 * next import does it too. Safe at any time: readers keep the old figures
 * until it commits, writers wait for it. Exit codes: 0 done, 1 failure.
 */
import { openFromEnv } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { rebuildRollups, rollupsStale } from "../app/services/rollups.server";

const h = await openFromEnv();
try {
  await migrateToLatest(h.db);
  const stale = await rollupsStale(h.db);
  console.log(stale ? `The rollups have been stale since ${stale} (a bulk import deferred them); rebuilding…` : "Rebuilding the rollups…");
  const seconds = await rebuildRollups(h.db);
  console.log(`Rebuilt the dashboards' rollups in ${seconds.toFixed(1)} s.`);
} catch (e) {
  console.error(`Rebuilding the rollups failed: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await h.close();
}
