/**
 * Parsing URL query parameters with zod: empty values (an untouched select in a
 * GET form) count as absent; every problem names its parameter.
 */
import type { z } from "zod";

export interface ParamError {
  param: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: ParamError[] };

export function searchParamsObject(sp: URLSearchParams, multi: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(sp.keys())) {
    const all = sp.getAll(key).filter((v) => v.trim() !== "");
    if (all.length === 0) continue;
    out[key] = multi.includes(key) ? all : all[all.length - 1];
  }
  return out;
}

export function parseParams<S extends z.ZodType>(schema: S, input: Record<string, unknown>): Parsed<z.infer<S>> {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    errors: r.error.issues.map((i) => ({
      param: String(i.path[0] ?? (i as { keys?: string[] }).keys?.[0] ?? "query"),
      message: i.message,
    })),
  };
}

/** Problem details (RFC 9457) for a bad request. */
export function problem(status: number, title: string, errors: ParamError[] = [], detail?: string) {
  return {
    type: "about:blank",
    title,
    status,
    detail: detail ?? errors.map((e) => `${e.param}: ${e.message}`).join("; "),
    ...(errors.length ? { errors } : {}),
  };
}

/** `path` with these query parameters changed (undefined: removed); the page cursor always dropped. */
export function withParams(path: string, sp: URLSearchParams, change: Record<string, string | undefined>): string {
  const next = new URLSearchParams(sp);
  next.delete("cursor");
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) next.delete(k);
    else next.set(k, v);
  }
  const q = next.toString();
  return `${path}${q ? `?${q}` : ""}`;
}
