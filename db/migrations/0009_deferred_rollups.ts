import type { Kysely } from "kysely";
import { ROLLUPS, rollupUpserts } from "./0002_dashboards";
import { runScript } from "./run-script";

/**
 * Bulk loads without per-statement rollup upkeep.
 *
 * The rollups of 0002 are kept in step by statement triggers, which is right
 * for a publication or a daily import but dominates a bulk load (a million
 * demonstration contracts, or an import far larger than the register): most
 * statements then add a row to nearly every rollup. So:
 * - a transaction that runs `set local register.rollups = 'deferred'` writes
 *   spend rows without the triggers' upkeep (each trigger returns at once),
 *   and records `register_meta.rollups_stale` in the same transaction;
 * - `rebuild_spend_rollups()` recomputes every rollup from spend_lines and
 *   spend_annual in one pass (the same upserts the triggers run, over the
 *   whole tables), bumps spend_version and clears `rollups_stale`. It holds a
 *   SHARE lock on the spend tables, so writers wait for it and readers never do.
 * The seeder always defers and rebuilds at the end; the importer defers once a
 * run has written more than it would cost to rebuild (app/services/rollups.server.ts).
 */
const GUARD = "if current_setting('register.rollups', true) = 'deferred' then return null; end if;";

function guardedTriggers(table: "spend_lines" | "spend_annual", view: "awarded" | "annualised"): string {
  return `
create or replace function ${table}_added() returns trigger language plpgsql as $$
begin
  ${GUARD}
${rollupUpserts("new_rows", 1, view)}
  return null;
end $$;
create or replace function ${table}_removed() returns trigger language plpgsql as $$
begin
  ${GUARD}
${rollupUpserts("old_rows", -1, view)}
  return null;
end $$;`;
}

const ROLLUP_TABLES = [...Object.keys(ROLLUPS), "spend_supplier_total", "spend_concentration"];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
${guardedTriggers("spend_lines", "awarded")}
${guardedTriggers("spend_annual", "annualised")}
create function rebuild_spend_rollups() returns void language plpgsql as $$
begin
  lock table spend_lines, spend_annual in share mode;
  ${ROLLUP_TABLES.map((t) => `delete from ${t};`).join("\n  ")}
${rollupUpserts("spend_lines", 1, "awarded")}
${rollupUpserts("spend_annual", 1, "annualised")}
  delete from register_meta where key = 'rollups_stale';
end $$;
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(db, "drop function if exists rebuild_spend_rollups()");
}
