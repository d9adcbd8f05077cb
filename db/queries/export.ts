/**
 * Reads for the open-data exports: releases of a page of processes, the full
 * release dump (keyset by the releases' own id, never the whole table at
 * once), supplier ids of a page of contracts, and the newest contracts of a
 * filtered register view for feeds.
 */
import { type SelectQueryBuilder, sql } from "kysely";
import type { Database } from "../schema";
import { type RegisterQuery, applyFilters } from "./register";
import type { Executor } from "./util";

/** The stored releases of these processes, in date order within each; with the latest publication time. */
export async function releasesOf(db: Executor, ocids: string[]) {
  if (ocids.length === 0) return [];
  return db
    .selectFrom("releases")
    .select(["ocid", "release_id", "date", "data", "published_at"])
    .where("ocid", "in", ocids)
    .orderBy("ocid")
    .orderBy("date")
    .orderBy("id")
    .execute();
}

/** When any of these processes last received a release (the package's publishedDate). */
export async function lastPublished(db: Executor, ocids?: string[]): Promise<Date | null> {
  let q = db.selectFrom("releases").select(sql<Date | null>`max(published_at)`.as("at"));
  if (ocids) {
    if (ocids.length === 0) return null;
    q = q.where("ocid", "in", ocids);
  }
  const r = await q.executeTakeFirst();
  return r?.at ? new Date(r.at) : null;
}

/**
 * One page of the full dump: releases after `afterId` (the table's serial id),
 * as JSON text straight from the database (no parse and re-serialise).
 */
export async function releaseDumpPage(db: Executor, afterId: bigint, limit: number): Promise<Array<{ id: bigint; json: string }>> {
  const r = await sql<{ id: bigint; json: string }>`select id, data::text as json from releases where id > ${afterId.toString()}::bigint order by id limit ${limit}`.execute(db);
  return r.rows;
}

/** Supplier ids (in award order) and their names, for a page of processes. */
export async function suppliersOfProcesses(db: Executor, ocids: string[]) {
  const out = new Map<string, Array<{ id: bigint; name: string }>>();
  if (ocids.length === 0) return out;
  const rows = await db.selectFrom("processes").select(["ocid", "supplier_ids"]).where("ocid", "in", ocids).execute();
  const ids = [...new Set(rows.flatMap((r) => r.supplier_ids.map(String)))];
  const names = new Map<string, string>();
  if (ids.length) {
    const orgs = await db
      .selectFrom("organisations")
      .select(["id", "name"])
      .where(
        "id",
        "in",
        ids.map((i) => BigInt(i)),
      )
      .execute();
    for (const o of orgs) names.set(String(o.id), o.name);
  }
  for (const r of rows) out.set(r.ocid, r.supplier_ids.map((id) => ({ id: BigInt(id), name: names.get(String(id)) ?? "" })));
  return out;
}

export interface FeedRow {
  ocid: string;
  title: string;
  description: string | null;
  buyer_name: string | null;
  status: string;
  cpv: string | null;
  award_date: Date | null;
  current_value_pence: bigint | null;
  tender_value_pence: bigint | null;
  currency: string | null;
  supplier_names: string | null;
  consultancy: boolean;
  first_release_at: Date;
  last_release_at: Date;
}

/** The contracts of a filtered register view most recently changed (a new release), newest first. */
export async function latestChanged(db: Executor, f: RegisterQuery, limit: number): Promise<FeedRow[]> {
  const qb = db
    .selectFrom("processes")
    .select([
      "ocid",
      "title",
      "description",
      "buyer_name",
      "status",
      "cpv",
      "award_date",
      "current_value_pence",
      "tender_value_pence",
      "currency",
      "supplier_names",
      "consultancy",
      "first_release_at",
      "last_release_at",
    ]) as unknown as SelectQueryBuilder<Database, "processes", FeedRow>;
  return applyFilters(qb, f).orderBy("last_release_at", "desc").orderBy("ocid", "desc").limit(limit).execute();
}
