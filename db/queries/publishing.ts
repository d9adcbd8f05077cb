/**
 * Reads and locks publishing needs: organisations as notices name them,
 * supplier search, a buyer's processes, and the per-process lock that
 * serialises notices about one contracting process.
 */
import { sql } from "kysely";
import { escapeLike } from "./accounts";
import type { Executor } from "./util";

const ORG_COLUMNS = ["id", "name", "scheme", "identifier", "scale", "org_type", "buyer_type", "region", "country_code", "postcode", "is_buyer", "is_supplier"] as const;

export async function orgsByIds(db: Executor, ids: bigint[]) {
  if (ids.length === 0) return [];
  return db.selectFrom("organisations").select(ORG_COLUMNS).where("id", "in", ids).execute();
}

export type OrgRow = Awaited<ReturnType<typeof orgsByIds>>[number];

/** Suppliers on the register by name (words in order, case-insensitive) or exact identifier. */
export async function searchSupplierOrgs(db: Executor, q: string, limit = 10) {
  const term = q.trim().slice(0, 200);
  if (term === "") return [];
  const compact = term.replace(/\s+/g, "").toUpperCase();
  return db
    .selectFrom("organisations")
    .select(ORG_COLUMNS)
    .where("is_supplier", "=", true)
    .where(sql<boolean>`(name ilike ${`%${escapeLike(term)}%`} or upper(identifier) = ${compact})`)
    .orderBy(sql`upper(identifier) = ${compact}`, "desc")
    .orderBy("name")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/** Processes of these buyers (null = every buyer), most recently changed first, optionally matching a title word or the ocid. */
export async function processesOfBuyers(db: Executor, buyerIds: bigint[] | null, q: string, limit = 25) {
  if (buyerIds !== null && buyerIds.length === 0) return [];
  let qb = db
    .selectFrom("processes")
    .select(["ocid", "title", "status", "buyer_id", "buyer_name", "current_value_pence", "end_date", "last_release_at", "release_count"]);
  if (buyerIds !== null) qb = qb.where("buyer_id", "in", buyerIds);
  const term = q.trim().slice(0, 200);
  if (term) qb = qb.where(sql<boolean>`(ocid = ${term} or title ilike ${`%${escapeLike(term)}%`})`);
  return qb.orderBy("last_release_at", "desc").orderBy("ocid").limit(limit).execute();
}

/**
 * Serialise writers of one contracting process until the transaction ends.
 * A transaction-scoped advisory lock, not `select … for update` on the
 * process row: publishing replaces that row (delete + insert), and a waiter
 * locking the old row would find it gone.
 */
export async function lockProcess(db: Executor, ocid: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`process:${ocid}`}, 0))`.execute(db);
}

/** Lock many processes at once (bulk upload), in a fixed order so two uploads cannot deadlock. */
export async function lockProcesses(db: Executor, ocids: string[]): Promise<void> {
  const keys = [...new Set(ocids)].sort().map((o) => `process:${o}`);
  for (let i = 0; i < keys.length; i += 5000) {
    await sql`select pg_advisory_xact_lock(k.h) from (select hashtextextended(x, 0) as h, x from unnest(${keys.slice(i, i + 5000)}::text[]) as x order by x) as k`.execute(db);
  }
}

export async function processVersion(db: Executor, ocid: string) {
  return db
    .selectFrom("processes")
    .select(["ocid", "buyer_id", "release_count", "last_release_at"])
    .where("ocid", "=", ocid)
    .executeTakeFirst();
}

/** The releases of a process in the order the register compiles them. */
export async function processReleases(db: Executor, ocid: string) {
  return db
    .selectFrom("releases")
    .select(["release_id", "date", "tags", "data", "source", "published_at"])
    .where("ocid", "=", ocid)
    .orderBy("date")
    .orderBy("id")
    .execute();
}

/** Which of these (ocid, release id) pairs are already published. */
export async function publishedReleaseKeys(db: Executor, pairs: Array<{ ocid: string; releaseId: string }>): Promise<Set<string>> {
  const out = new Set<string>();
  const ocids = [...new Set(pairs.map((p) => p.ocid))];
  for (let i = 0; i < ocids.length; i += 1000) {
    const rows = await db
      .selectFrom("releases")
      .select(["ocid", "release_id"])
      .where("ocid", "in", ocids.slice(i, i + 1000))
      .execute();
    for (const r of rows) out.add(`${r.ocid}\u0000${r.release_id}`);
  }
  return out;
}

export async function countReleases(db: Executor): Promise<number> {
  const r = await db.selectFrom("releases").select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow();
  return r.n;
}
