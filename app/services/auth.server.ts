/**
 * Accounts and authorisation.
 *
 * - Roles: `admin` (manages buyers and users; may act for any buyer) and
 *   `publisher` (acts only for the buyer organisations bound to them). The
 *   public needs no account.
 * - Passwords: Node's crypto.scrypt (memory-hard; N = 2^15, r = 8, p = 1,
 *   32 MiB), a random 16-byte salt per password, compared in constant time.
 *   Stored as `scrypt$N$r$p$salt$hash`, so the cost can be raised later.
 * - Sign-in throttling, per account and per address, counted from the
 *   database (login_attempts) so every instance shares it: 5 failed attempts
 *   for an account or 30 from an address within 15 minutes block further
 *   attempts until fewer remain in the window. Each attempt is recorded before
 *   the password is checked (and removed only by a success), so parallel
 *   guesses cannot slip past the count.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import {
  addUserBuyer,
  clearFailedLogins,
  deleteOldLoginAttempts,
  deleteOldSessions,
  failedLoginCounts,
  findUserByEmail,
  insertUser,
  recordFailedLogin,
} from "../../db/queries/accounts";
import { insertAudit } from "../../db/queries/audit";
import type { Executor } from "../../db/queries/util";
import type { Env } from "../env.server";
import { type NewSession, createSession, lookupSession, type SessionLookup } from "./session.server";

// ---------------------------------------------------------------------------
// Passwords

const SCRYPT_N = 2 ** 15;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const KEYLEN = 32;
const MAXMEM = 128 * 1024 * 1024;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 200;

function scrypt(password: string, salt: Buffer, keylen: number, opts: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password.normalize("NFKC"), salt, keylen, { ...opts, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P });
  return `scrypt$${SCRYPT_N}$${SCRYPT_R}$${SCRYPT_P}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [, n, r, p, saltText, keyText] = parts as [string, string, string, string, string, string];
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  if (!Number.isInteger(N) || !Number.isInteger(R) || !Number.isInteger(P) || N < 2 || N > 2 ** 20) return false;
  const expected = Buffer.from(keyText, "base64url");
  if (expected.length < 16) return false;
  const actual = await scrypt(password, Buffer.from(saltText, "base64url"), expected.length, { N, r: R, p: P });
  return timingSafeEqual(actual, expected);
}

/** A password's problem, or null when acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN) return `Password must be at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `Password must be ${PASSWORD_MAX} characters or fewer`;
  return null;
}

// A hash to verify against when the account does not exist, so the answer takes as long either way.
let dummyHash: Promise<string> | null = null;
function dummy(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  return dummyHash;
}

// ---------------------------------------------------------------------------
// The current user

export interface CurrentUser {
  id: bigint;
  email: string;
  name: string;
  role: "admin" | "publisher";
  /** Buyer organisations a publisher may act for (admins may act for any). */
  buyerIds: bigint[];
  /** The CSRF token every form of this session carries. */
  csrfToken: string;
  sessionHash: string;
}

type Ctx = Pick<AppLoadContext, "db" | "env" | "now">;

/**
 * The client's address: Express's `req.ip` (proxy-aware through `trust
 * proxy`), which the HTTP server puts in the load context. Without one the
 * address is "unknown", and per-address throttling is skipped rather than
 * shared by everyone.
 */
export function clientAddress(_request: Request, context: { clientIp?: string | null }): string {
  const ip = context.clientIp;
  return typeof ip === "string" && ip.trim() !== "" ? ip.trim() : "unknown";
}

export function userAgent(request: Request): string | null {
  return request.headers.get("User-Agent")?.slice(0, 500) ?? null;
}

async function buyerIdsOf(db: Executor, userId: bigint): Promise<bigint[]> {
  const rows = await db.selectFrom("user_buyers").select("buyer_id").where("user_id", "=", userId).execute();
  return rows.map((r) => r.buyer_id);
}

async function toCurrentUser(db: Executor, s: SessionLookup): Promise<CurrentUser> {
  return {
    ...s.user,
    buyerIds: s.user.role === "publisher" ? await buyerIdsOf(db, s.user.id) : [],
    csrfToken: s.csrfToken,
    sessionHash: s.idHash,
  };
}

/**
 * The signed-in user of this request, or null. For root's loader (the header
 * shows "Sign in" or the user and "Sign out"): one query when a session cookie
 * is present, none otherwise.
 */
export async function getUser(request: Request, context: Ctx): Promise<CurrentUser | null> {
  const s = await lookupSession(context.db, request, context.env, context.now());
  if (s?.state !== "active") return null;
  return toCurrentUser(context.db, s);
}

/** A path on this site to return to after signing in; anything else (other hosts, `//x`) → fallback. */
export function safeRedirect(to: unknown, fallback = "/publish"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\") || to.length > 2000) return fallback;
  // Printable ASCII only: a redirect target goes into the Location header.
  if (!/^[\x21-\x7e]*$/.test(to)) return fallback;
  return to;
}

export function loginUrl(returnTo: string, reason?: "expired" | "saved"): string {
  const sp = new URLSearchParams({ redirectTo: safeRedirect(returnTo) });
  if (reason) sp.set("reason", reason);
  return `/login?${sp.toString()}`;
}

function here(request: Request): string {
  const u = new URL(request.url);
  return `${u.pathname}${u.search}`;
}

/** The signed-in user, or a redirect to the sign-in page that returns here afterwards. */
export async function requireUser(request: Request, context: Ctx): Promise<CurrentUser> {
  const s = await lookupSession(context.db, request, context.env, context.now());
  if (s?.state !== "active") {
    const method = request.method.toUpperCase();
    throw redirect(loginUrl(here(request), s?.state === "expired" ? "expired" : undefined), method === "GET" ? 302 : 303);
  }
  return toCurrentUser(context.db, s);
}

export async function requireAdmin(request: Request, context: Ctx): Promise<CurrentUser> {
  const user = await requireUser(request, context);
  if (user.role !== "admin") throw new Response("Only administrators can manage users, buyers and the audit log.", { status: 403 });
  return user;
}

export function canActForBuyer(user: Pick<CurrentUser, "role" | "buyerIds">, buyerId: bigint | null | undefined): boolean {
  if (user.role === "admin") return buyerId !== null && buyerId !== undefined;
  return buyerId !== null && buyerId !== undefined && user.buyerIds.includes(buyerId);
}

export function forbiddenForBuyer(): Response {
  return new Response("You can publish only for the buyer organisations your account is bound to. Nothing was published.", { status: 403 });
}

export function assertCanActForBuyer(user: Pick<CurrentUser, "role" | "buyerIds">, buyerId: bigint | null | undefined): void {
  if (!canActForBuyer(user, buyerId)) throw forbiddenForBuyer();
}

// ---------------------------------------------------------------------------
// Signing in and out

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;

/**
 * Whole minutes until an attempt for this account (or from this address) would be checked
 * again: when no more than `max - 1` of the `count` attempts recorded in the window (this one
 * included) are still in it, i.e. when the (count - max + 1)-th oldest leaves it.
 */
async function minutesUntilAllowed(db: Executor, column: "email" | "ip", value: string, count: number, max: number, now: Date): Promise<number> {
  const row = await db
    .selectFrom("login_attempts")
    .select("at")
    .where(column, "=", value)
    .where("at", ">", new Date(now.getTime() - THROTTLE_WINDOW_MS))
    .orderBy("at")
    .orderBy("id")
    .offset(Math.max(0, count - max))
    .limit(1)
    .executeTakeFirst();
  const at = row ? new Date(row.at).getTime() : now.getTime();
  return Math.max(1, Math.ceil((at + THROTTLE_WINDOW_MS - now.getTime()) / 60_000));
}

export type SignInResult =
  | { ok: true; session: NewSession; user: { id: bigint; email: string; role: string } }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; scope: "account" | "address"; retryAfterMinutes: number };

export async function signIn(
  db: Executor,
  env: Pick<Env, "SESSION_SECRET" | "NODE_ENV">,
  input: { email: string; password: string; ip: string; userAgent: string | null; now: Date },
): Promise<SignInResult> {
  const typed = input.email.trim().toLowerCase();
  const email = typed.slice(0, 320);
  const since = new Date(input.now.getTime() - THROTTLE_WINDOW_MS);
  const audit = (action: string, summary: string, userId: bigint | null) =>
    insertAudit(db, { userId, userEmail: email, action, summary, ip: input.ip, userAgent: input.userAgent, at: input.now });

  // The attempt is recorded (as a failure) before anything is checked, and the counts include
  // it: of attempts made in parallel, each one's count sees every attempt recorded before it
  // counted, so no more than the limit ever reach the password check. Only success removes it.
  await recordFailedLogin(db, email, input.ip, input.now);
  const counts = await failedLoginCounts(db, email, input.ip, since);
  if (counts.byEmail > MAX_FAILURES_PER_ACCOUNT) {
    await audit("login-throttled", "Sign-in refused: too many failed attempts for this account", null);
    return { ok: false, reason: "throttled", scope: "account", retryAfterMinutes: await minutesUntilAllowed(db, "email", email, counts.byEmail, MAX_FAILURES_PER_ACCOUNT, input.now) };
  }
  if (input.ip !== "unknown" && counts.byIp > MAX_FAILURES_PER_ADDRESS) {
    await audit("login-throttled", "Sign-in refused: too many failed attempts from this address", null);
    return { ok: false, reason: "throttled", scope: "address", retryAfterMinutes: await minutesUntilAllowed(db, "ip", input.ip, counts.byIp, MAX_FAILURES_PER_ADDRESS, input.now) };
  }

  const user = typed.length <= 320 ? await findUserByEmail(db, typed) : undefined;
  const ok = await verifyPassword(input.password.slice(0, PASSWORD_MAX * 4), user?.password_hash ?? (await dummy()));
  if (!user || !ok || user.disabled_at !== null) {
    await audit("login-failed", user?.disabled_at ? "Sign-in refused: account disabled" : "Sign-in failed", user?.id ?? null);
    return { ok: false, reason: "invalid" };
  }
  await clearFailedLogins(db, email);
  // Housekeeping, cheap and shared by every instance: sessions ended a month ago, failures older than a day.
  await deleteOldSessions(db, new Date(input.now.getTime() - 30 * 86_400_000));
  await deleteOldLoginAttempts(db, new Date(input.now.getTime() - 86_400_000));
  const session = await createSession(db, env, user.id, { ip: input.ip, userAgent: input.userAgent, now: input.now });
  await audit("login", "Signed in", user.id);
  return { ok: true, session, user: { id: user.id, email: user.email, role: user.role } };
}

// ---------------------------------------------------------------------------
// Creating accounts (command line, admin pages, demonstration data)

export class AccountError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export const EMAIL_PATTERN = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/;

/**
 * Create an admin or a publisher (bound to these buyers), with an audit row.
 * Throws AccountError naming the field when the email is taken or invalid,
 * the password too short, or a buyer unknown. The caller owns the transaction.
 */
export async function createUser(
  db: Executor,
  input: { email: string; name: string; role: "admin" | "publisher"; password: string; buyerIds: bigint[] },
  actor: { userId: bigint | null; email: string | null; ip: string | null; userAgent: string | null },
): Promise<bigint> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL_PATTERN.test(email) || email.length > 320) throw new AccountError("email", "Enter an email address in the correct format, like name@example.gov.uk");
  if (await findUserByEmail(db, email)) throw new AccountError("email", `An account with the email address ${email} already exists`);
  const problem = passwordProblem(input.password);
  if (problem) throw new AccountError("password", problem);
  const buyerIds = [...new Set(input.buyerIds)];
  if (buyerIds.length) {
    const found = await db.selectFrom("organisations").select("id").where("id", "in", buyerIds).where("is_buyer", "=", true).execute();
    const missing = buyerIds.filter((id) => !found.some((f) => f.id === id));
    if (missing.length) throw new AccountError("buyer", `No buyer organisation has the register id ${missing.join(", ")}`);
  }
  const name = input.name.trim().slice(0, 200) || email;
  const id = await insertUser(db, { email, name, role: input.role, password_hash: await hashPassword(input.password) });
  for (const b of buyerIds) await addUserBuyer(db, id, b);
  await insertAudit(db, {
    userId: actor.userId,
    userEmail: actor.email,
    action: "user-create",
    summary: `Created ${input.role} ${email}${buyerIds.length ? ` for buyer ${buyerIds.join(", ")}` : ""}`,
    details: { userId: String(id), role: input.role, buyerIds: buyerIds.map(String) },
    ip: actor.ip,
    userAgent: actor.userAgent,
  });
  return id;
}
