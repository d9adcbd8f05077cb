/**
 * Small helpers for reading untyped JSON (OCDS releases as published) without
 * `any`: every accessor narrows `unknown` and returns a safe default.
 */

export type JsonObject = Record<string, unknown>;

/** A plain JSON object (not null, not an array). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `v` when it is an object, else undefined. */
export function asObject(v: unknown): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

/** `v` when it is an array, else an empty array. */
export function asArray(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The objects in an array (anything else in it is skipped); [] when not an array. */
export function objectsOf(v: unknown): JsonObject[] {
  return asArray(v).filter(isObject);
}

/** Walk a path of keys through nested objects; undefined as soon as a step is missing. */
export function getPath(v: unknown, ...keys: string[]): unknown {
  let cur: unknown = v;
  for (const k of keys) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** A raw string as published (untrimmed), else null. */
export function asString(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/** A boolean, else null (no coercion of "true"/"yes"). */
export function asBoolean(v: unknown): boolean | null {
  return typeof v === "boolean" ? v : null;
}

/**
 * An identifier as text: strings are trimmed, finite numbers are written in
 * full ("1"); empty strings, null and anything else → null.
 */
export function idText(v: unknown): string | null {
  if (typeof v === "string") {
    const t = v.trim();
    return t === "" ? null : t;
  }
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "bigint") return v.toString();
  return null;
}

/** A non-negative integer from a number or a decimal digit string, else null. */
export function asCount(v: unknown): number | null {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === "string" && /^\s*\d+\s*$/.test(v)) {
    const n = Number(v.trim());
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}
