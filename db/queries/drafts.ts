/**
 * Drafts: a notice form's raw field values saved per user (so an expired
 * session or a conflict loses nothing), and bulk uploads awaiting commit.
 */
import { sql } from "kysely";
import type { Executor } from "./util";

export interface DraftRow {
  id: bigint;
  user_id: bigint;
  kind: string;
  ocid: string | null;
  buyer_id: bigint | null;
  title: string | null;
  fields: Record<string, unknown>;
  based_on: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface DraftWrite {
  userId: bigint;
  kind: string;
  ocid: string | null;
  buyerId: bigint | null;
  title: string | null;
  fields: Record<string, unknown>;
  basedOn: number | null;
}

/** Insert a draft, or update the user's draft `id` (only their own). Returns its id. */
export async function saveDraft(db: Executor, d: DraftWrite, id?: bigint | null): Promise<bigint> {
  const values = {
    user_id: d.userId,
    kind: d.kind,
    ocid: d.ocid,
    buyer_id: d.buyerId,
    title: d.title?.slice(0, 300) ?? null,
    fields: JSON.stringify(d.fields),
    based_on: d.basedOn,
  };
  if (id !== undefined && id !== null) {
    const r = await db
      .updateTable("drafts")
      .set({ ...values, updated_at: sql<Date>`now()` as unknown as Date })
      .where("id", "=", id)
      .where("user_id", "=", d.userId)
      .returning("id")
      .executeTakeFirst();
    if (r) return r.id;
  }
  const r = await db.insertInto("drafts").values(values).returning("id").executeTakeFirstOrThrow();
  return r.id;
}

export async function getDraft(db: Executor, id: bigint, userId: bigint): Promise<DraftRow | undefined> {
  return db.selectFrom("drafts").selectAll().where("id", "=", id).where("user_id", "=", userId).executeTakeFirst();
}

export async function deleteDraft(db: Executor, id: bigint, userId: bigint): Promise<void> {
  await db.deleteFrom("drafts").where("id", "=", id).where("user_id", "=", userId).execute();
}

export async function setDraftBase(db: Executor, id: bigint, userId: bigint, basedOn: number | null): Promise<void> {
  await db.updateTable("drafts").set({ based_on: basedOn }).where("id", "=", id).where("user_id", "=", userId).execute();
}

/** A user's drafts, newest first (bulk uploads included), without their fields. */
export async function listDrafts(db: Executor, userId: bigint, limit = 50) {
  return db
    .selectFrom("drafts")
    .select(["id", "kind", "ocid", "buyer_id", "title", "created_at", "updated_at"])
    .where("user_id", "=", userId)
    .orderBy("updated_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

export async function countDrafts(db: Executor): Promise<number> {
  const r = await db.selectFrom("drafts").select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow();
  return r.n;
}
