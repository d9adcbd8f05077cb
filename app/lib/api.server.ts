/**
 * HTTP conventions of the JSON API (/api/v1/…): a strong ETag (hash of the
 * body) answered with 304 when If-None-Match matches, Cache-Control on every
 * GET, CORS for GET/HEAD with an OPTIONS preflight, and errors as RFC 9457
 * application/problem+json naming the parameter.
 */
import { createHash } from "node:crypto";
import { toJsonText } from "../domain/state-json";
import type { ParamError } from "./params";
import { problem } from "./params";

export const API_CACHE = "public, max-age=60";

const CORS: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Expose-Headers": "ETag, Link, Content-Disposition",
};

export function etagOf(body: string | Uint8Array): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
}

/** Does If-None-Match name this ETag (weak comparison, lists and `*` allowed)? */
export function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === bare);
}

export interface ApiInit {
  contentType?: string;
  cacheControl?: string;
  headers?: Record<string, string>;
}

/** A GET answer with ETag/304, Cache-Control and CORS. `body` is JSON-serialised (bigint as strings) unless a string. */
export function apiResponse(request: Request, body: unknown, init: ApiInit = {}): Response {
  const text = typeof body === "string" ? body : toJsonText(body);
  const etag = etagOf(text);
  const headers = new Headers({
    ...CORS,
    "Cache-Control": init.cacheControl ?? API_CACHE,
    ETag: etag,
    Vary: "Origin",
    ...init.headers,
  });
  if (matchesEtag(request.headers.get("If-None-Match"), etag)) return new Response(null, { status: 304, headers });
  headers.set("Content-Type", init.contentType ?? "application/json; charset=utf-8");
  return new Response(request.method === "HEAD" ? null : text, { status: 200, headers });
}

/** A streamed answer (no ETag: the body is not known in advance). */
export function apiStream(stream: ReadableStream<Uint8Array>, init: ApiInit & { filename?: string } = {}): Response {
  const headers = new Headers({
    ...CORS,
    "Cache-Control": init.cacheControl ?? API_CACHE,
    "Content-Type": init.contentType ?? "application/json; charset=utf-8",
    ...init.headers,
  });
  if (init.filename) headers.set("Content-Disposition", `attachment; filename="${init.filename}"`);
  return new Response(stream, { status: 200, headers });
}

export function apiProblem(status: number, title: string, errors: ParamError[] = [], detail?: string): Response {
  return new Response(JSON.stringify(problem(status, title, errors, detail)), {
    status,
    headers: { ...CORS, "Content-Type": "application/problem+json", "Cache-Control": "no-store" },
  });
}

/**
 * The `action` of a read-only API route: OPTIONS (CORS preflight) → 204;
 * anything else → 405 problem+json.
 */
export function apiAction(request: Request): Response {
  if (request.method === "OPTIONS") {
    return new Response(null, {
      status: 204,
      headers: {
        ...CORS,
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": "If-None-Match, Accept, Content-Type",
        "Access-Control-Max-Age": "86400",
        Allow: "GET, HEAD, OPTIONS",
      },
    });
  }
  const r = apiProblem(405, "Method not allowed", [], `${request.method} is not allowed here; this API is read-only (GET)`);
  r.headers.set("Allow", "GET, HEAD, OPTIONS");
  return r;
}

/** Parameters the endpoint does not know: a 400 names them (a typo should not silently widen a query). */
export function unknownParams(sp: URLSearchParams, known: readonly string[]): ParamError[] {
  const out: ParamError[] = [];
  for (const k of new Set(sp.keys())) {
    if (!known.includes(k)) out.push({ param: k, message: `unknown parameter; this endpoint takes ${known.join(", ")}` });
  }
  return out;
}

/** `limit`: a whole number from 1 to 100 (default 25). */
export function parseLimit(sp: URLSearchParams, def = 25, max = 100): { limit: number } | { error: ParamError } {
  const raw = sp.get("limit");
  if (raw === null || raw.trim() === "") return { limit: def };
  if (!/^\d{1,4}$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > max) {
    return { error: { param: "limit", message: `must be a whole number from 1 to ${max}` } };
  }
  return { limit: Number(raw) };
}

/** An absolute URL for a path and query on the request's origin. */
export function absolute(request: Request, pathAndQuery: string): string {
  return new URL(pathAndQuery, new URL(request.url).origin).toString();
}
