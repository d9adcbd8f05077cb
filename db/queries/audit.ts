/**
 * The audit log: append-only (the database refuses UPDATE, DELETE and
 * TRUNCATE). Who, when, what, from where; `idempotency_key` is unique, so the
 * row a publication writes also claims its form's key.
 */
import { sql } from "kysely";
import type { Executor } from "./util";

export interface AuditEntry {
  userId: bigint | null;
  userEmail: string | null;
  action: string;
  summary: string;
  ocid?: string | null;
  releaseIds?: string[];
  buyerId?: bigint | null;
  details?: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
  idempotencyKey?: string | null;
  at?: Date;
}

export async function insertAudit(db: Executor, e: AuditEntry): Promise<bigint> {
  const r = await db
    .insertInto("audit_log")
    .values({
      user_id: e.userId,
      user_email: e.userEmail,
      action: e.action,
      summary: e.summary.slice(0, 2000),
      ocid: e.ocid ?? null,
      release_ids: e.releaseIds ?? [],
      buyer_id: e.buyerId ?? null,
      details: e.details ? JSON.stringify(e.details) : null,
      ip: e.ip?.slice(0, 100) ?? null,
      user_agent: e.userAgent?.slice(0, 500) ?? null,
      idempotency_key: e.idempotencyKey ?? null,
      ...(e.at ? { at: e.at } : {}),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function findByIdempotencyKey(db: Executor, key: string) {
  return db
    .selectFrom("audit_log")
    .select(["id", "user_id", "action", "ocid", "release_ids", "details"])
    .where("idempotency_key", "=", key)
    .executeTakeFirst();
}

export interface AuditQuery {
  action?: string | undefined;
  user?: string | undefined;
  ocid?: string | undefined;
  /** Keyset: entries with id below this. */
  before?: bigint | undefined;
  limit?: number;
}

export async function listAudit(db: Executor, q: AuditQuery = {}) {
  let qb = db
    .selectFrom("audit_log")
    .select(["id", "at", "user_id", "user_email", "action", "ocid", "release_ids", "buyer_id", "summary", "ip", "user_agent"]);
  if (q.action) qb = qb.where("action", "=", q.action);
  if (q.user) qb = qb.where(sql`lower(user_email)`, "=", q.user.trim().toLowerCase());
  if (q.ocid) qb = qb.where("ocid", "=", q.ocid);
  if (q.before !== undefined) qb = qb.where("id", "<", q.before);
  return qb
    .orderBy("id", "desc")
    .limit(q.limit ?? 50)
    .execute();
}

export async function auditActions(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom("audit_log").select("action").distinct().orderBy("action").execute();
  return rows.map((r) => r.action);
}

export async function countAudit(db: Executor): Promise<number> {
  const r = await db.selectFrom("audit_log").select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow();
  return r.n;
}
