/** The importer's own queries: what is already stored, and the import_runs bookkeeping. */
import { sql } from "kysely";
import type { Executor } from "./util";

/** Stored (ocid, release id, hash) for these ocids, keyed `ocid \0 release id`. */
export async function storedReleaseHashes(db: Executor, ocids: string[]): Promise<{ hashes: Map<string, string>; ocids: Set<string> }> {
  const hashes = new Map<string, string>();
  const present = new Set<string>();
  if (ocids.length === 0) return { hashes, ocids: present };
  const rows = await db.selectFrom("releases").select(["ocid", "release_id", "hash"]).where("ocid", "in", ocids).execute();
  for (const r of rows) {
    hashes.set(`${r.ocid}\u0000${r.release_id}`, r.hash);
    present.add(r.ocid);
  }
  return { hashes, ocids: present };
}

/** The stored JSON of these (ocid, release id) pairs, keyed `ocid \0 release id`. */
export async function storedReleaseData(db: Executor, keys: Array<{ ocid: string; id: string }>): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  if (keys.length === 0) return out;
  const rows = await db
    .selectFrom("releases")
    .select(["ocid", "release_id", "data"])
    .where((eb) => eb.or(keys.map((k) => eb.and([eb("ocid", "=", k.ocid), eb("release_id", "=", k.id)]))))
    .execute();
  for (const r of rows) out.set(`${r.ocid}\u0000${r.release_id}`, r.data);
  return out;
}

export async function startImportRun(db: Executor, inputs: string[]): Promise<bigint> {
  const r = await db.insertInto("import_runs").values({ inputs }).returning("id").executeTakeFirstOrThrow();
  return r.id;
}

export interface RunCounts {
  releasesRead: number;
  imported: number;
  unchanged: number;
  rejected: number;
}

/** Add to a run's counts (called inside each batch's transaction). */
export async function addToImportRun(db: Executor, id: bigint, d: RunCounts): Promise<void> {
  await db
    .updateTable("import_runs")
    .set({
      releases_read: sql`releases_read + ${d.releasesRead}`,
      imported: sql`imported + ${d.imported}`,
      unchanged: sql`unchanged + ${d.unchanged}`,
      rejected: sql`rejected + ${d.rejected}`,
    })
    .where("id", "=", id)
    .execute();
}

export async function finishImportRun(db: Executor, id: bigint, status: "done" | "failed", totals: RunCounts, report: unknown): Promise<void> {
  await db
    .updateTable("import_runs")
    .set({
      status,
      finished_at: new Date(),
      releases_read: totals.releasesRead,
      imported: totals.imported,
      unchanged: totals.unchanged,
      rejected: totals.rejected,
      report: JSON.stringify(report),
    })
    .where("id", "=", id)
    .execute();
}

export async function lastImportRuns(db: Executor, limit = 10) {
  return db.selectFrom("import_runs").selectAll().orderBy("id", "desc").limit(limit).execute();
}

/** Contracting processes in the register (sizes the importer's choice of rollup upkeep). */
export async function countProcesses(db: Executor): Promise<number> {
  const r = await db.selectFrom("processes").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
  return Number(r.n);
}
