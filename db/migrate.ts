import { Migrator } from "kysely";
import type { DB } from "./client";
import { migrations } from "./migrations/index";

/** Apply every pending migration; throws with the failing migration's name and error. */
export async function migrateToLatest(db: DB, opts: { schema?: string } = {}): Promise<string[]> {
  // A schema of its own for kysely's bookkeeping when tests share one server database.
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(opts.schema ? { migrationTableSchema: opts.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error) {
    const name = failed ? ` (${failed.migrationName})` : "";
    throw new Error(`migration failed${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
