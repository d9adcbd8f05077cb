/**
 * What a release changed: compare the compiled state before and after it, as
 * flat paths ("awards[award-1].value.amount") with the old and new values.
 * Arrays of objects with ids are keyed by id, as the OCDS merge keys them.
 */
export interface Change {
  path: string;
  before: string | null;
  after: string | null;
}

function flatten(v: unknown, prefix: string, out: Map<string, string>): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) {
    if (v.every((x) => x && typeof x === "object" && !Array.isArray(x) && "id" in (x as object))) {
      for (const x of v) flatten(x, `${prefix}[${String((x as { id: unknown }).id)}]`, out);
    } else if (v.every((x) => typeof x !== "object" || x === null)) {
      out.set(prefix, v.map((x) => String(x)).join(", "));
    } else {
      for (let i = 0; i < v.length; i++) flatten(v[i], `${prefix}[${i}]`, out);
    }
    return;
  }
  if (typeof v === "object") {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.set(prefix, String(v));
}

const IGNORED = new Set(["id", "date", "tag"]);

export function diffCompiled(before: unknown, after: unknown, limit = 200): Change[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before, "", a);
  flatten(after, "", b);
  const changes: Change[] = [];
  const paths = new Set([...a.keys(), ...b.keys()]);
  for (const p of [...paths].sort()) {
    if (IGNORED.has(p)) continue;
    const x = a.get(p) ?? null;
    const y = b.get(p) ?? null;
    if (x !== y) changes.push({ path: p, before: x, after: y });
    if (changes.length >= limit) break;
  }
  return changes;
}
