/**
 * Bulk loads defer the dashboards' rollup upkeep and rebuild the rollups once
 * (app/services/rollups.server.ts): the rollups they leave are exactly those
 * the triggers keep, an interrupted bulk import says they are stale, and the
 * next import rebuilds them.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSources } from "../../app/services/import.server";
import { rollupsStale } from "../../app/services/rollups.server";
import { type TestDb, openTestDatabase } from "../setup/test-db";
import { REAL } from "./import-fixtures";

let triggers: TestDb;
let deferred: TestDb;

beforeAll(async () => {
  triggers = await openTestDatabase("rollups_triggers");
  deferred = await openTestDatabase("rollups_deferred");
});
afterAll(async () => {
  await triggers?.close();
  await deferred?.close();
});

const ROLLUPS = ["spend_cube_top", "spend_cube", "spend_cube_buyer", "spend_buyer_fy", "spend_supplier_fy", "spend_supplier_total"] as const;

/** Every non-empty rollup cell, organisation ids replaced by their resolution keys, in a stable order. */
async function rollupCells(t: TestDb): Promise<Record<string, string[]>> {
  const keys = new Map((await t.db.selectFrom("organisations").select(["id", "key"]).execute()).map((o) => [String(o.id), o.key]));
  const out: Record<string, string[]> = {};
  for (const table of ROLLUPS) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)} where value_pence <> 0 or contracts <> 0`.execute(t.db);
    out[table] = rows.rows
      .map((r) =>
        JSON.stringify(
          Object.fromEntries(
            Object.entries(r)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => [k, k === "buyer_id" || k === "supplier_id" ? (keys.get(String(v)) ?? String(v)) : String(v)]),
          ),
        ),
      )
      .sort();
  }
  const conc = await sql<Record<string, unknown>>`select view, fy, total_pence::text as total, sum_squares::text as squares, suppliers::text as suppliers from spend_concentration where suppliers <> 0 order by 1, 2`.execute(t.db);
  out.spend_concentration = conc.rows.map((r) => JSON.stringify(r));
  return out;
}

describe(`rollups after a bulk import (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("deferring the upkeep and rebuilding gives exactly the rollups the triggers keep", async () => {
    const a = await importSources(triggers.db, [REAL], { deferAggregates: false, batchSize: 100 });
    const b = await importSources(deferred.db, [REAL], { deferAfterReleases: 200, batchSize: 100 });
    expect(a.imported).toBe(606);
    expect(b.imported).toBe(606);
    expect(a.aggregates).toMatch(/kept in step/);
    expect(b.aggregates).toMatch(/^rebuilt in one pass/);
    expect(await rollupsStale(deferred.db)).toBeNull();
    const cells = await rollupCells(deferred);
    expect(cells.spend_cube_top!.length).toBeGreaterThan(0);
    expect(cells).toEqual(await rollupCells(triggers));
  });

  it("an interrupted bulk import leaves the rollups marked stale, and the next import rebuilds them", async () => {
    const t = await openTestDatabase("rollups_interrupted");
    try {
      const stop = new AbortController();
      const s = await importSources(t.db, [REAL], {
        deferAfterReleases: 0,
        batchSize: 50,
        overlap: false,
        onBatch: (b) => {
          if (b.batches === 2) stop.abort();
        },
        signal: stop.signal,
      });
      expect(s.interrupted).toBe(true);
      expect(s.aggregates).toMatch(/left stale/);
      expect(await rollupsStale(t.db)).not.toBeNull();
      // The dashboards' figures have not moved: the deferred batches are not in the rollups yet.
      const top = await sql<{ n: string }>`select count(*)::text as n from spend_cube_top where contracts <> 0`.execute(t.db);
      expect(top.rows[0]!.n).toBe("0");

      const again = await importSources(t.db, [REAL], { deferAggregates: false });
      expect(again.imported + again.unchanged).toBe(606);
      expect(again.aggregates).toMatch(/^rebuilt in one pass/);
      expect(await rollupsStale(t.db)).toBeNull();
      expect(await rollupCells(t)).toEqual(await rollupCells(triggers));
    } finally {
      await t.close();
    }
  });
});
