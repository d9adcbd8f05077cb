/**
 * Server-side sessions. The cookie holds a random 32-byte session id, signed
 * with SESSION_SECRET (Remix createCookie: httpOnly, SameSite=Lax, Secure in
 * production, path /). The database keeps only the id's SHA-256 with the user,
 * the CSRF token, creation, expiry and revocation — nothing lives in process
 * memory, so any instance of the app can serve any request. Signing out (or an
 * admin) revokes a session by setting revoked_at.
 */
import { createHash, randomBytes } from "node:crypto";
import { type Cookie, createCookie } from "@remix-run/node";
import { findSession, insertSession, revokeSession } from "../../db/queries/accounts";
import type { Executor } from "../../db/queries/util";
import type { Env } from "../env.server";

/** Sessions last 12 hours from sign-in. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

type CookieEnv = Pick<Env, "SESSION_SECRET" | "NODE_ENV">;

// Cookie objects are pure configuration derived from the secret: memoised, not state.
const cookies = new Map<string, Cookie>();

export function sessionCookie(env: CookieEnv): Cookie {
  const production = env.NODE_ENV === "production";
  const key = `${production ? "p" : "d"}:${env.SESSION_SECRET}`;
  let c = cookies.get(key);
  if (!c) {
    // __Host- needs Secure, so it is used only in production (HTTPS).
    c = createCookie(production ? "__Host-session" : "register_session", {
      secrets: [env.SESSION_SECRET],
      httpOnly: true,
      sameSite: "lax",
      secure: production,
      path: "/",
      maxAge: SESSION_TTL_MS / 1000,
    });
    cookies.set(key, c);
  }
  return c;
}

export function hashSessionId(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

/** The raw session id from the signed cookie, or null (absent, tampered or badly signed). */
export async function readSessionId(request: Request, env: CookieEnv): Promise<string | null> {
  const header = request.headers.get("Cookie");
  if (!header) return null;
  const v: unknown = await sessionCookie(env).parse(header);
  return typeof v === "string" && /^[A-Za-z0-9_-]{43}$/.test(v) ? v : null;
}

export interface NewSession {
  id: string;
  idHash: string;
  csrfToken: string;
  setCookie: string;
}

export async function createSession(
  db: Executor,
  env: CookieEnv,
  userId: bigint,
  meta: { ip: string | null; userAgent: string | null; now: Date },
): Promise<NewSession> {
  const id = randomBytes(32).toString("base64url");
  const idHash = hashSessionId(id);
  const csrfToken = randomBytes(32).toString("base64url");
  await insertSession(db, {
    id: idHash,
    user_id: userId,
    csrf_token: csrfToken,
    expires_at: new Date(meta.now.getTime() + SESSION_TTL_MS),
    ip: meta.ip,
    user_agent: meta.userAgent?.slice(0, 500) ?? null,
  });
  return { id, idHash, csrfToken, setCookie: await sessionCookie(env).serialize(id) };
}

export async function clearSessionCookie(env: CookieEnv): Promise<string> {
  return sessionCookie(env).serialize("", { maxAge: 0, expires: new Date(0) });
}

export type SessionState = "active" | "expired" | "revoked" | "disabled";

export interface SessionLookup {
  state: SessionState;
  idHash: string;
  csrfToken: string;
  expiresAt: Date;
  user: { id: bigint; email: string; name: string; role: "admin" | "publisher" };
}

/** The session the request's cookie names, with its state; null when there is none (or it is unknown). */
export async function lookupSession(db: Executor, request: Request, env: CookieEnv, now: Date): Promise<SessionLookup | null> {
  const id = await readSessionId(request, env);
  if (!id) return null;
  const idHash = hashSessionId(id);
  const row = await findSession(db, idHash);
  if (!row) return null;
  const state: SessionState =
    row.revoked_at !== null
      ? "revoked"
      : row.disabled_at !== null
        ? "disabled"
        : new Date(row.expires_at).getTime() <= now.getTime()
          ? "expired"
          : "active";
  return {
    state,
    idHash,
    csrfToken: row.csrf_token,
    expiresAt: new Date(row.expires_at),
    user: { id: row.user_id, email: row.email, name: row.name, role: row.role },
  };
}

export async function endSession(db: Executor, idHash: string, now: Date): Promise<void> {
  await revokeSession(db, idHash, now);
}
