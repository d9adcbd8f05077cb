/**
 * CSRF protection for every form action (defence in depth beside SameSite=Lax
 * session cookies):
 * - signed in: a per-session token, stored with the session, in a hidden
 *   `csrf` field of every form; a POST whose field does not match is refused;
 * - signed out (the sign-in form): double-submit — a random token in a
 *   signed, httpOnly cookie and the same token in the form.
 * Tokens are compared in constant time.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { type Cookie, createCookie } from "@remix-run/node";
import type { Env } from "../env.server";

export const CSRF_FIELD = "csrf";

type CookieEnv = Pick<Env, "SESSION_SECRET" | "NODE_ENV">;

export function tokensMatch(a: unknown, b: unknown): boolean {
  if (typeof a !== "string" || typeof b !== "string" || a.length === 0 || b.length === 0) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const CSRF_REFUSED =
  "This form could not be accepted: it has expired or did not come from this site. Go back, reload the page and try again.";

/** Throws 403 unless the form's token matches the session's. */
export function assertCsrf(form: FormData | URLSearchParams, sessionToken: string): void {
  if (!tokensMatch(form.get(CSRF_FIELD), sessionToken)) throw new Response(CSRF_REFUSED, { status: 403 });
}

const cookies = new Map<string, Cookie>();

function anonCookie(env: CookieEnv): Cookie {
  const production = env.NODE_ENV === "production";
  const key = `${production ? "p" : "d"}:${env.SESSION_SECRET}`;
  let c = cookies.get(key);
  if (!c) {
    c = createCookie(production ? "__Host-csrf" : "register_csrf", {
      secrets: [env.SESSION_SECRET],
      httpOnly: true,
      sameSite: "lax",
      secure: production,
      path: "/",
      maxAge: 60 * 60 * 24,
    });
    cookies.set(key, c);
  }
  return c;
}

/** The signed-out visitor's CSRF token, and the Set-Cookie header to send when it is new. */
export async function anonymousCsrf(request: Request, env: CookieEnv): Promise<{ token: string; setCookie: string | null }> {
  const existing: unknown = await anonCookie(env).parse(request.headers.get("Cookie"));
  if (typeof existing === "string" && existing.length >= 32) return { token: existing, setCookie: null };
  const token = randomBytes(32).toString("base64url");
  return { token, setCookie: await anonCookie(env).serialize(token) };
}

/** Double-submit check for signed-out forms. */
export async function verifyAnonymousCsrf(request: Request, form: FormData, env: CookieEnv): Promise<boolean> {
  const cookieToken: unknown = await anonCookie(env).parse(request.headers.get("Cookie"));
  return tokensMatch(form.get(CSRF_FIELD), cookieToken);
}
