/**
 * The OCDS merge: the releases of one contracting process (one ocid) compiled
 * into its current state, as in OCDS 1.1 "Merging" (compiled release).
 *
 * Rules, applied to each release in date order:
 * - releases are sorted by `date` (compared as instants, so `+01:00` offsets
 *   sort correctly; a stable sort, so releases with the same date keep the
 *   order given; a release whose date cannot be read sorts first);
 * - objects merge recursively: a field a release leaves out keeps its value;
 * - a field whose value is `null` is removed (everywhere, also inside objects
 *   first seen in this release);
 * - an array whose items are all objects carrying an `id` (string or number)
 *   is merged by identity: an item whose id (compared as text, so `1` and
 *   `"1"` are the same) is already present is merged into that item; new ids
 *   are appended in the order given. Two items with the same id inside one
 *   release are merged into one, as OCDS prescribes (Contracts Finder repeats
 *   a supplier's party id for two spellings of one company);
 * - any other array (strings, numbers, objects without ids, mixed) replaces
 *   the earlier one whole; an empty array replaces too;
 * - the compiled release's `tag` is `["compiled"]`, its `date` is the last
 *   release's `date` (as written) and its `id` is `${ocid}-${date}`.
 * The input releases are never modified: the result shares no objects with them.
 */
import type { OcdsRelease } from "../types";
import { sourceDateMs } from "./dates";
import { isObject, type JsonObject } from "./json";

/** The current state of one contracting process: a release tagged ["compiled"]. */
export interface CompiledRelease extends OcdsRelease {
  tag: string[];
}

/** The releases in date order (stable: equal dates keep the order given). Returns a new array. */
export function sortReleases<T extends { date?: unknown }>(releases: readonly T[]): T[] {
  const keyed = releases.map((release, index) => ({ release, index, ms: sourceDateMs(release.date) ?? Number.NEGATIVE_INFINITY }));
  keyed.sort((a, b) => (a.ms < b.ms ? -1 : a.ms > b.ms ? 1 : a.index - b.index));
  return keyed.map((k) => k.release);
}

function hasIdentity(item: unknown): item is JsonObject & { id: string | number } {
  return isObject(item) && (typeof item.id === "string" || (typeof item.id === "number" && Number.isFinite(item.id)));
}

/** Arrays merged by identity: non-empty, every item an object with an id. */
function isIdentityArray(v: readonly unknown[]): boolean {
  return v.length > 0 && v.every(hasIdentity);
}

/** Merge `incoming` over `existing` (which may be undefined) and return the result. */
function mergeValue(existing: unknown, incoming: unknown): unknown {
  if (isObject(incoming)) {
    const target: JsonObject = isObject(existing) ? existing : {};
    mergeObject(target, incoming);
    return target;
  }
  if (Array.isArray(incoming)) {
    if (!isIdentityArray(incoming)) return incoming.map((item) => mergeValue(undefined, item));
    const target: unknown[] = Array.isArray(existing) && isIdentityArray(existing) ? existing : [];
    const position = new Map<string, number>();
    target.forEach((item, i) => {
      if (hasIdentity(item)) position.set(String(item.id), i);
    });
    for (const item of incoming) {
      if (!hasIdentity(item)) continue; // unreachable: checked by isIdentityArray
      const key = String(item.id);
      const at = position.get(key);
      if (at === undefined) {
        position.set(key, target.length);
        target.push(mergeValue(undefined, item));
      } else {
        target[at] = mergeValue(target[at], item);
      }
    }
    return target;
  }
  return incoming;
}

/**
 * Merge one release (or any JSON object) into `target`, in place, by the rules
 * above. `target` must be owned by the caller: values taken from `source` are
 * copied, never shared. Exposed for callers that need the state after each
 * release (history-dependent fields in map.ts).
 */
export function mergeObject(target: JsonObject, source: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(source)) {
    if (value === null) {
      delete target[key];
    } else if (value !== undefined) {
      target[key] = mergeValue(target[key], value);
    }
  }
  return target;
}

/**
 * Compile the releases of one contracting process. Throws when given no
 * releases or releases of more than one ocid (the caller groups by ocid).
 */
export function compileReleases(releases: readonly OcdsRelease[]): CompiledRelease {
  const first = releases[0];
  if (first === undefined) throw new Error("compileReleases: no releases to compile");
  const ocid = first.ocid;
  const other = releases.find((r) => r.ocid !== ocid);
  if (other !== undefined) throw new Error(`compileReleases: releases of more than one ocid (${ocid}, ${String(other.ocid)})`);

  const sorted = sortReleases(releases);
  const merged: JsonObject = {};
  for (const release of sorted) mergeObject(merged, release);

  const last = sorted[sorted.length - 1] ?? first;
  const date = typeof last.date === "string" ? last.date : String(last.date);
  return { ...merged, ocid, id: `${ocid}-${date}`, date, tag: ["compiled"] };
}
