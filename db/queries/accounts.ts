/**
 * Accounts: users, the buyers a publisher acts for, sessions and failed
 * sign-ins. Every function takes the executor to use.
 */
import { sql } from "kysely";
import type { Executor } from "./util";

export type Role = "admin" | "publisher";

export interface UserRow {
  id: bigint;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  created_at: Date;
  disabled_at: Date | null;
}

export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom("users")
    .selectAll()
    .where(sql`lower(email)`, "=", email.trim().toLowerCase())
    .executeTakeFirst();
}

export async function getUserById(db: Executor, id: bigint): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertUser(
  db: Executor,
  u: { email: string; name: string; role: Role; password_hash: string },
): Promise<bigint> {
  const r = await db
    .insertInto("users")
    .values({ ...u, email: u.email.trim().toLowerCase() })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function setUserPassword(db: Executor, id: bigint, passwordHash: string): Promise<void> {
  await db.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", id).execute();
}

export async function setUserDisabled(db: Executor, id: bigint, disabledAt: Date | null): Promise<void> {
  await db.updateTable("users").set({ disabled_at: disabledAt }).where("id", "=", id).execute();
}

export async function setUserRole(db: Executor, id: bigint, role: Role): Promise<void> {
  await db.updateTable("users").set({ role }).where("id", "=", id).execute();
}

export async function listUsers(db: Executor) {
  const users = await db
    .selectFrom("users")
    .select(["id", "email", "name", "role", "created_at", "disabled_at"])
    .orderBy("email")
    .execute();
  const links = await db
    .selectFrom("user_buyers as ub")
    .innerJoin("organisations as o", "o.id", "ub.buyer_id")
    .select(["ub.user_id", "o.id", "o.name"])
    .orderBy("o.name")
    .execute();
  return users.map((u) => ({ ...u, buyers: links.filter((l) => l.user_id === u.id).map((l) => ({ id: l.id, name: l.name })) }));
}

/** The buyer organisations a user may act for (id and name), by name. */
export async function buyersOfUser(db: Executor, userId: bigint): Promise<Array<{ id: bigint; name: string }>> {
  return db
    .selectFrom("user_buyers as ub")
    .innerJoin("organisations as o", "o.id", "ub.buyer_id")
    .select(["o.id", "o.name"])
    .where("ub.user_id", "=", userId)
    .orderBy("o.name")
    .execute();
}

export async function addUserBuyer(db: Executor, userId: bigint, buyerId: bigint): Promise<boolean> {
  const r = await db
    .insertInto("user_buyers")
    .values({ user_id: userId, buyer_id: buyerId })
    .onConflict((oc) => oc.columns(["user_id", "buyer_id"]).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function removeUserBuyer(db: Executor, userId: bigint, buyerId: bigint): Promise<void> {
  await db.deleteFrom("user_buyers").where("user_id", "=", userId).where("buyer_id", "=", buyerId).execute();
}

/** A buyer organisation by id (only organisations marked as buyers). */
export async function getBuyer(db: Executor, id: bigint) {
  return db
    .selectFrom("organisations")
    .select(["id", "key", "name", "scheme", "identifier", "buyer_type", "region", "country_code", "postcode", "org_type"])
    .where("id", "=", id)
    .where("is_buyer", "=", true)
    .executeTakeFirst();
}

/** Buyers by name (case-insensitive substring), with their publishers' count. */
export async function searchBuyers(db: Executor, q: string, limit = 50, offset = 0) {
  let qb = db
    .selectFrom("organisations as o")
    .select([
      "o.id",
      "o.name",
      "o.scheme",
      "o.identifier",
      "o.buyer_type",
      "o.region",
      sql<number>`(select count(*)::int from user_buyers ub where ub.buyer_id = o.id)`.as("publishers"),
      sql<number>`(select count(*)::int from processes p where p.buyer_id = o.id)`.as("contracts"),
    ])
    .where("o.is_buyer", "=", true);
  const term = q.trim();
  if (term) qb = qb.where(sql<boolean>`o.name ilike ${`%${escapeLike(term)}%`} or o.identifier = ${term} or o.id::text = ${term}`);
  return qb.orderBy("o.name").orderBy("o.id").limit(limit).offset(offset).execute();
}

/** Escape % and _ for a LIKE pattern. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Publishers bound to each of these buyers. */
export async function publishersOfBuyers(db: Executor, buyerIds: bigint[]) {
  if (buyerIds.length === 0) return [];
  return db
    .selectFrom("user_buyers as ub")
    .innerJoin("users as u", "u.id", "ub.user_id")
    .select(["ub.buyer_id", "u.id", "u.email"])
    .where("ub.buyer_id", "in", buyerIds)
    .orderBy("u.email")
    .execute();
}

// ---------------------------------------------------------------------------
// Sessions

export async function insertSession(
  db: Executor,
  s: { id: string; user_id: bigint; csrf_token: string; expires_at: Date; ip: string | null; user_agent: string | null },
): Promise<void> {
  await db.insertInto("sessions").values(s).execute();
}

/** A session (by the hash of its id) with its user, whatever its state; the caller checks expiry and revocation. */
export async function findSession(db: Executor, idHash: string) {
  return db
    .selectFrom("sessions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .select([
      "s.id as session_id",
      "s.csrf_token",
      "s.created_at",
      "s.expires_at",
      "s.revoked_at",
      "u.id as user_id",
      "u.email",
      "u.name",
      "u.role",
      "u.disabled_at",
    ])
    .where("s.id", "=", idHash)
    .executeTakeFirst();
}

export async function revokeSession(db: Executor, idHash: string, at: Date): Promise<void> {
  await db.updateTable("sessions").set({ revoked_at: at }).where("id", "=", idHash).where("revoked_at", "is", null).execute();
}

export async function revokeUserSessions(db: Executor, userId: bigint, at: Date): Promise<number> {
  const r = await db
    .updateTable("sessions")
    .set({ revoked_at: at })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", at)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Sessions that ended (expired or revoked) more than `olderThan` ago are deleted; returns how many. */
export async function deleteOldSessions(db: Executor, before: Date): Promise<number> {
  const r = await db
    .deleteFrom("sessions")
    .where((eb) => eb.or([eb("expires_at", "<", before), eb("revoked_at", "<", before)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function activeSessionCount(db: Executor, userId: bigint, now: Date): Promise<number> {
  const r = await db
    .selectFrom("sessions")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirstOrThrow();
  return r.n;
}

// ---------------------------------------------------------------------------
// Failed sign-ins (throttling)

export async function recordFailedLogin(db: Executor, email: string, ip: string, at: Date): Promise<void> {
  await db.insertInto("login_attempts").values({ email: email.trim().toLowerCase(), ip, at }).execute();
}

/** Failed sign-ins since `since`: for this account and from this address, and the oldest of each (for the wait). */
export async function failedLoginCounts(db: Executor, email: string, ip: string, since: Date) {
  const r = await db
    .selectFrom("login_attempts")
    .select([
      sql<number>`count(*) filter (where email = ${email.trim().toLowerCase()})::int`.as("byEmail"),
      sql<number>`count(*) filter (where ip = ${ip})::int`.as("byIp"),
      sql<Date | null>`min(at) filter (where email = ${email.trim().toLowerCase()})`.as("firstByEmail"),
      sql<Date | null>`min(at) filter (where ip = ${ip})`.as("firstByIp"),
    ])
    .where("at", ">", since)
    .where((eb) => eb.or([eb("email", "=", email.trim().toLowerCase()), eb("ip", "=", ip)]))
    .executeTakeFirstOrThrow();
  return r;
}

/** A successful sign-in clears the account's failures (not the address's). */
export async function clearFailedLogins(db: Executor, email: string): Promise<void> {
  await db.deleteFrom("login_attempts").where("email", "=", email.trim().toLowerCase()).execute();
}

/** Failed sign-ins older than `before` no longer count: delete them. */
export async function deleteOldLoginAttempts(db: Executor, before: Date): Promise<number> {
  const r = await db.deleteFrom("login_attempts").where("at", "<", before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
