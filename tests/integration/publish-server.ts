/**
 * The real HTTP server for publishing tests: the Express app of
 * app/server/http.server.ts with the built Remix app (built first when the
 * sources are newer) on a test database, and a small cookie-keeping client.
 */
import { mkdirSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import type { DB } from "../../db/client";
import { parseEnv } from "../../app/env.server";
import { createApp, listen } from "../../app/server/http.server";
import { buildIfNeeded } from "../../scripts/build-if-needed";

export const TEST_SECRET = "integration-test-session-secret-0123456789";

/**
 * `npm test` builds before vitest. A test file run on its own builds here when
 * the sources are newer (as production, like `npm run build`), one test
 * process at a time (a lock folder in .cache/), so parallel files never build
 * over each other.
 */
function buildOnce(): void {
  mkdirSync(".cache", { recursive: true });
  const lock = path.resolve(".cache/test-build.lock");
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - started > 600_000) break; // a stale lock from a crashed run
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  const mode = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    buildIfNeeded();
  } finally {
    if (mode === undefined) Reflect.deleteProperty(process.env, "NODE_ENV");
    else process.env.NODE_ENV = mode;
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface TestServer {
  base: string;
  close(): Promise<void>;
}

export async function startServer(db: DB, opts: { now?: () => Date; env?: Record<string, string> } = {}): Promise<TestServer> {
  buildOnce();
  const build = (await import(/* @vite-ignore */ pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
  // The server's own per-address limit on POST /login is lifted: these tests sign in often, and test the register's throttling.
  const env = parseEnv({ NODE_ENV: "test", SESSION_SECRET: TEST_SECRET, DEMO_CONTRACTS: "0", LOG_LEVEL: "silent", RATE_LIMIT_LOGIN_PER_15_MINUTES: "1000", ...opts.env });
  const app = createApp({ db, env, build, ...(opts.now ? { now: opts.now } : {}) });
  const server: Server = await listen(app, 0, "127.0.0.1");
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Page {
  status: number;
  location: string | null;
  html: string;
  headers: Headers;
}

/** Decode the few entities React writes in attribute values and text. */
export function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The value of a hidden (or any) input by name, from server-rendered HTML. */
export function inputValue(html: string, name: string): string | null {
  const re = new RegExp(`<input[^>]*name="${name.replace(/[-[\]]/g, "\\$&")}"[^>]*>`, "g");
  for (const tag of html.match(re) ?? []) {
    const m = /value="([^"]*)"/.exec(tag);
    if (m) return unescapeHtml(m[1]!);
  }
  return null;
}

/** A browser without JavaScript: keeps cookies, does not follow redirects unless asked. */
export class Client {
  readonly jar = new Map<string, string>();
  constructor(readonly base: string) {}

  private keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(";")[0]!;
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (value === "" || /max-age=0/i.test(c) || /expires=Thu, 01 Jan 1970/i.test(c)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    return { ...(cookie ? { Cookie: cookie } : {}), "User-Agent": "integration-test", ...extra };
  }

  async get(p: string): Promise<Page> {
    const res = await fetch(this.base + p, { headers: this.headers(), redirect: "manual" });
    this.keep(res);
    return { status: res.status, location: res.headers.get("Location"), html: await res.text(), headers: res.headers };
  }

  async post(p: string, fields: Record<string, string> | FormData, extra: Record<string, string> = {}): Promise<Page> {
    const body = fields instanceof FormData ? fields : new URLSearchParams(fields);
    const res = await fetch(this.base + p, { method: "POST", body, headers: this.headers(extra), redirect: "manual" });
    this.keep(res);
    return { status: res.status, location: res.headers.get("Location"), html: await res.text(), headers: res.headers };
  }

  /** Sign in through the form; returns the response to the POST. */
  async signIn(email: string, password: string, redirectTo = "/publish"): Promise<Page> {
    const page = await this.get(`/login?redirectTo=${encodeURIComponent(redirectTo)}`);
    const csrf = inputValue(page.html, "csrf");
    if (!csrf) throw new Error(`no csrf on the sign-in page (status ${page.status})`);
    return this.post("/login", { csrf, email, password, redirectTo });
  }

  /** The CSRF token of a signed-in page. */
  async csrf(p = "/logout"): Promise<string> {
    const page = await this.get(p);
    const t = inputValue(page.html, "csrf");
    if (!t) throw new Error(`no csrf token on ${p} (status ${page.status})`);
    return t;
  }
}

/** The visible text of a page: tags, comments and scripts removed, entities decoded, spaces collapsed. */
export function textOf(html: string): string {
  return unescapeHtml(
    html
      .replace(/<script\b[\s\S]*?<\/script>/gi, " ")
      .replace(/<!--[\s\S]*?-->/g, "")
      .replace(/<[^>]+>/g, " "),
  )
    .replace(/\s+/g, " ")
    .trim();
}

/** Assert a page shows a text (without printing the whole page when it does not). */
export function expectText(page: { html: string }, text: string | RegExp, present = true): void {
  const t = textOf(page.html);
  const found = typeof text === "string" ? t.includes(text) : text.test(t);
  if (found !== present) {
    const where = typeof text === "string" ? t.indexOf(text.slice(0, 20)) : -1;
    const excerpt = where >= 0 ? t.slice(Math.max(0, where - 200), where + 300) : t.slice(0, 600);
    throw new Error(`expected the page ${present ? "to show" : "not to show"} ${String(text)}; page text begins: ${excerpt}`);
  }
}

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescapeHtml(m[1]!) : null;
}

/**
 * What a browser would submit from the (first) form matching `marker` (a
 * data-testid or the whole page): text inputs, hidden inputs, checked radios
 * and checkboxes, textareas and selected options. Buttons are left out: the
 * caller adds the `intent` of the button it "clicks".
 */
export function formFields(html: string, testId?: string): Record<string, string> {
  let scope = html;
  if (testId) {
    const start = html.indexOf(`data-testid="${testId}"`);
    if (start < 0) throw new Error(`no form ${testId} on the page`);
    const open = html.lastIndexOf("<form", start);
    scope = html.slice(open, html.indexOf("</form>", start));
  }
  const out: Record<string, string> = {};
  for (const m of scope.matchAll(/<input\b[^>]*>/g)) {
    const tag = m[0];
    const name = attr(tag, "name");
    if (!name) continue;
    const type = attr(tag, "type") ?? "text";
    if (type === "submit" || type === "file") continue;
    if ((type === "radio" || type === "checkbox") && !/\schecked=""/.test(tag)) continue;
    out[name] = attr(tag, "value") ?? "";
  }
  for (const m of scope.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = attr(m[1]!, "name");
    if (name) out[name] = unescapeHtml(m[2]!);
  }
  for (const m of scope.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attr(m[1]!, "name");
    if (!name) continue;
    const sel = /<option\b[^>]*selected=""[^>]*>/.exec(m[2]!) ?? /<option\b[^>]*>/.exec(m[2]!);
    out[name] = sel ? (attr(sel[0], "value") ?? "") : "";
  }
  return out;
}

// ---------------------------------------------------------------------------
// Filling and publishing notice forms as a browser without JavaScript would

export function dateParts(prefix: string, d: Date): Record<string, string> {
  return { [`${prefix}-day`]: String(d.getUTCDate()), [`${prefix}-month`]: String(d.getUTCMonth() + 1), [`${prefix}-year`]: String(d.getUTCFullYear()) };
}
export const daysFromNow = (n: number) => new Date(Date.now() + n * 86_400_000);

/** Open a form (or use the page given), keep what it holds, add `fields`, and press the button `intent`. */
export async function fill(c: Client, path: string, fields: Record<string, string>, intent = "preview", page?: Page): Promise<Page> {
  const form = page ?? (await c.get(path));
  if (form.status !== 200) return form;
  return c.post(path, { ...formFields(form.html, "notice-form"), ...fields, intent });
}

/** Press "Publish" on a draft's preview page. */
export async function publishDraft(c: Client, draftPath: string): Promise<Page> {
  const preview = await c.get(draftPath);
  if (preview.status !== 200) return preview;
  return c.post(draftPath, { csrf: inputValue(preview.html, "csrf")!, idempotencyKey: inputValue(preview.html, "idempotencyKey")!, intent: "publish" });
}

export const tenderFields = (buyerId: bigint | string, title: string) => ({
  buyerId: String(buyerId),
  title,
  description: "A new case management platform for the service. <b>Bold</b> claims & more.",
  cpvCodes: "72000000, 72260000",
  estimatedValue: "250,000",
  procedure: "open",
  ...dateParts("deadline", daysFromNow(30)),
  deadlineTime: "12:00",
  suitableSme: "yes",
  consultancy: "no",
});

export const awardFields = (name: string, companyNumber: string) => ({
  ...dateParts("awardDate", daysFromNow(0)),
  value: "50000",
  bids: "3",
  supplierCount: "1",
  "supplier-0-name": name,
  "supplier-0-scheme": "GB-COH",
  "supplier-0-identifier": companyNumber,
  "supplier-0-scale": "small",
});

export const contractFields = () => ({
  ...dateParts("dateSigned", daysFromNow(0)),
  ...dateParts("startDate", daysFromNow(0)),
  ...dateParts("endDate", daysFromNow(365)),
  value: "50000",
});

/** Fill, preview and publish; returns the process's ocid. Throws with the page's text when a step fails. */
export async function publishNotice(c: Client, path: string, fields: Record<string, string>): Promise<string> {
  const r = await fill(c, path, fields);
  if (r.status !== 303 || !r.location?.startsWith("/publish/drafts/")) throw new Error(`${path}: ${r.status} ${textOf(r.html).slice(0, 600)}`);
  const p = await publishDraft(c, r.location);
  const m = /^\/publish\/([^?/]+)\?published=/.exec(p.location ?? "");
  if (p.status !== 303 || !m) throw new Error(`publishing ${path}: ${p.status} ${textOf(p.html).slice(0, 600)}`);
  return decodeURIComponent(m[1]!);
}
