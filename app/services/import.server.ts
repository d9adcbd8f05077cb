/**
 * The OCDS importer's core, shared by `npm run import` (scripts/import.ts),
 * the tests and the benchmark: read files and URLs as a stream
 * (import-sources.server.ts), check every release, and commit them in
 * batches through the register's one write path, `ingestReleases`.
 *
 * Rules, as the summary and the README state them:
 * - **Checked**: every release passes `checkRelease` (ocid, id, date, tag,
 *   amounts and currency codes) and `importProblems` below (a currency must be
 *   a real ISO 4217 code; `tender`, `buyer`, `planning` must be objects;
 *   `parties`, `awards`, `contracts` arrays; a Value field an object). A
 *   release that fails is rejected with its file, position, ocid/id and the
 *   reason; the other releases of its package are imported.
 * - **Releases without an id** (Public Contracts Scotland) get a
 *   deterministic one: `sha256-` + the first 32 hex digits of the SHA-256 of
 *   the release's canonical JSON (keys sorted, no spaces) without the id. The
 *   same release imported twice gets the same id, so re-imports are
 *   "unchanged"; a changed release gets a new id (a new release).
 * - **Batches** of `batchSize` releases (default 1,000, and at most
 *   `maxBatchBytes` of JSON, default 32 MB) commit in one
 *   transaction, whole or not at all. A package that fits in a batch is never
 *   split across two; a bigger package, and a JSON Lines stream, commits
 *   batch by batch. A unit that fails part-way (truncated JSON, `releases` not
 *   an array, an HTTP error) loses its releases not yet committed; `kill -9`
 *   leaves the database as it was before the batch in flight, and running the
 *   same import again finishes the job (committed releases come back as
 *   "unchanged").
 * - **Idempotent**: a release already stored with the same ocid, id and
 *   content (compared as JSON values, so key order does not matter) is
 *   "unchanged"; with the same ocid and id but other content it is rejected as
 *   a conflict (published releases are never edited: publish a new release).
 *   The same ocid and id twice within one import: the second is unchanged when
 *   equal, else rejected.
 * - A batch the database refuses (e.g. a text with a NUL character) is split
 *   in halves until the release at fault is found and rejected with the
 *   database's message; the rest is imported. A lost connection stops the
 *   import instead.
 */
import { createHash } from "node:crypto";
import type { DB } from "../../db/client";
import {
  type RunCounts,
  addToImportRun,
  countProcesses,
  finishImportRun,
  startImportRun,
  storedReleaseData,
  storedReleaseHashes,
} from "../../db/queries/import";
import { checkRelease } from "../domain/ocds/validate";
import { isObject, type JsonObject } from "../domain/ocds/json";
import type { OcdsRelease } from "../domain/types";
import { type ReadOptions, type SourceEvent, expandInputs, isUrl, mb, readInput } from "./import-sources.server";
import { ingestReleases, releaseHash } from "./ingest.server";
import { deferAfter, deferRollups, rebuildRollups, rollupsStale } from "./rollups.server";

export interface ImportOptions {
  /** Releases per transaction (default 1,000). */
  batchSize?: number;
  /**
   * A batch also closes once its releases' JSON reaches this many bytes
   * (default 32 MB), so memory stays bounded whatever the releases' size.
   */
  maxBatchBytes?: number;
  /** A release larger than this is rejected (default 10 MB). */
  maxReleaseBytes?: number;
  /** fetch for URLs (tests pass their own; default global fetch). */
  fetch?: typeof fetch;
  /** Pages to follow per URL (0 = all, the default). */
  maxPages?: number;
  retries?: number;
  retryDelayMs?: number;
  /** Rejections kept in the summary (the count is always exact). Default 10,000. */
  maxRejectionsKept?: number;
  /**
   * Defer the dashboards' rollup upkeep once the run has written more than a
   * rebuild costs, and rebuild at the end (default true; see rollups.server.ts).
   */
  deferAggregates?: boolean;
  /** Releases to write with trigger upkeep before deferring (default: deferAfter(register size)). */
  deferAfterReleases?: number;
  /** Record the run in import_runs (default true). */
  recordRun?: boolean;
  /**
   * Read and check the next batch while the previous one commits (default
   * true). Worth it when the database is another process (PostgreSQL); with
   * PGlite both run on this thread, so it only holds a second batch in memory.
   */
  overlap?: boolean;
  onProgress?: (p: ImportProgress) => void;
  /** After each committed batch. */
  onBatch?: (b: { releases: number; imported: number; unchanged: number; rejected: number; batches: number }) => void;
  /**
   * Stop at the next batch boundary once aborted (SIGTERM in `npm run import`):
   * the batch being committed finishes, releases read but not yet in a
   * committed batch are left for the next run, and the summary says
   * `interrupted: true`. Running the same import again finishes the job.
   */
  signal?: AbortSignal;
}

export interface ImportProgress {
  releasesRead: number;
  imported: number;
  unchanged: number;
  rejected: number;
  bytesRead: number;
  /** Total bytes of the file inputs (null when a URL is among the inputs). */
  totalBytes: number | null;
  seconds: number;
  releasesPerSecond: number;
  current: string | null;
}

export interface Rejection {
  /** File path or URL (the page, for paged URLs). */
  file: string;
  /** Where in it: `releases[3]`, `line 17`, `records[2].releases[0]`, `page 4`, `byte 1,024`… */
  position: string;
  ocid: string | null;
  id: string | null;
  reason: string;
}

export interface ImportSummary {
  inputs: string[];
  /** Files read and URL pages fetched. */
  sources: number;
  releasesRead: number;
  imported: number;
  unchanged: number;
  rejected: number;
  /** Releases read but not imported because their package failed part-way (counted in one rejection each). */
  releasesDropped: number;
  processesWritten: number;
  batches: number;
  seconds: number;
  releasesPerSecond: number;
  aggregates: string;
  rejections: Rejection[];
  /** Rejections beyond maxRejectionsKept, counted but not listed. */
  rejectionsNotListed: number;
  runId: string | null;
  /** Stopped early at a batch boundary because `signal` was aborted. */
  interrupted?: boolean;
}

// ---------------------------------------------------------------------------
// Checking one release

/** JSON with keys sorted at every level: the content hash of a release ignores key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** The id given to a release published without one (see the header). */
export function generatedReleaseId(release: JsonObject): string {
  const { id: _omit, ...rest } = release;
  return `sha256-${createHash("sha256").update(canonicalJson(rest)).digest("hex").slice(0, 32)}`;
}

const missingId = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

let currencies: Set<string> | null = null;
/** ISO 4217 codes in use (from the runtime's ICU data) plus codes OCDS publishers legitimately use for no currency. */
function knownCurrencies(): Set<string> {
  currencies ??= new Set([...Intl.supportedValuesOf("currency"), "XXX", "XDR", "XAU", "XAG"]);
  return currencies;
}

const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`);

/** Value objects where OCDS puts them (core and UK extensions); each must be an object (or null). */
function valueFieldProblems(r: JsonObject, out: string[]): void {
  const check = (v: unknown, path: string) => {
    if (v !== undefined && v !== null && !isObject(v)) out.push(`${path}: must be an object with amount and currency (${kind(v)} ${JSON.stringify(v)?.slice(0, 40)})`);
  };
  const tender = r.tender;
  if (isObject(tender)) {
    for (const k of ["value", "minValue", "maxValue"]) check(tender[k], `tender.${k}`);
    if (Array.isArray(tender.lots)) {
      tender.lots.forEach((l, i) => {
        if (isObject(l)) check(l.value, `tender.lots[${i}].value`);
      });
    }
  }
  for (const list of ["awards", "contracts"] as const) {
    const items = r[list];
    if (Array.isArray(items)) {
      items.forEach((a, i) => {
        if (isObject(a)) check(a.value, `${list}[${i}].value`);
      });
    }
  }
  const budget = (r.planning as JsonObject | undefined)?.budget;
  if (isObject(budget)) check(budget.amount, "planning.budget.amount");
}

function currencyProblems(v: unknown, path: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) currencyProblems(v[i], `${path}[${i}]`, out);
    return;
  }
  if (!isObject(v)) return;
  for (const k in v) {
    const child = v[k];
    const here = path ? `${path}.${k}` : k;
    if (k === "currency" && typeof child === "string") {
      if (/^[A-Z]{3}$/.test(child) && !knownCurrencies().has(child)) out.push(`${here}: unknown currency code "${child}" (not an ISO 4217 currency)`);
    } else if (typeof child === "object" && child !== null) currencyProblems(child, here, out);
  }
}

/** What the importer refuses beyond checkRelease (structure the mapping relies on; real currencies). */
export function importProblems(r: JsonObject): string[] {
  const out: string[] = [];
  for (const k of ["tender", "buyer", "planning"]) {
    if (r[k] !== undefined && r[k] !== null && !isObject(r[k])) out.push(`${k}: must be an object (${kind(r[k])})`);
  }
  for (const k of ["parties", "awards", "contracts"]) {
    if (r[k] !== undefined && r[k] !== null && !Array.isArray(r[k])) out.push(`${k}: must be an array (${kind(r[k])})`);
  }
  valueFieldProblems(r, out);
  currencyProblems(r, "", out);
  return out;
}

export type Prepared =
  | { ok: true; release: OcdsRelease; generatedId: boolean }
  | { ok: false; reason: string; ocid: string | null; id: string | null };

/** Check one release as parsed; give it an id when it has none. */
export function prepareRelease(raw: unknown): Prepared {
  let input = raw;
  let generatedId = false;
  if (isObject(raw) && missingId(raw.id)) {
    const { ocid, id: _id, ...rest } = raw;
    input = { ocid, id: generatedReleaseId(raw), ...rest };
    generatedId = true;
  }
  const ocid = isObject(raw) && typeof raw.ocid === "string" ? raw.ocid : null;
  const idOf = (v: unknown) => (isObject(v) && (typeof v.id === "string" || typeof v.id === "number") ? String(v.id) : null);
  const checked = checkRelease(input);
  const problems = checked.ok ? [] : [checked.reason];
  if (isObject(input)) problems.push(...importProblems(input));
  if (!checked.ok || problems.length) return { ok: false, reason: problems.join("; "), ocid, id: idOf(input) };
  return { ok: true, release: checked.release, generatedId };
}

/** Two JSON values equal as values (object key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    for (const k of ka) if (!Object.hasOwn(b, k) || !sameJson(a[k], b[k])) return false;
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Aggregates

/**
 * Bring the dashboards' aggregates up to date after an import. Batches written
 * with trigger upkeep (a run smaller than the register) leave nothing to do;
 * batches written with the upkeep deferred (a bulk run, see
 * app/services/rollups.server.ts), or an earlier run interrupted while
 * deferring, leave the rollups marked stale, and they are rebuilt here in
 * one pass. An interrupted run leaves the rebuild to the next run (or
 * `npm run aggregates:rebuild`), so that it stops promptly.
 */
export async function refreshAggregatesAfterImport(db: DB, opts: { interrupted?: boolean } = {}): Promise<string> {
  if (!(await rollupsStale(db))) return "kept in step by each batch (database triggers)";
  if (opts.interrupted) return "left stale by this interrupted bulk import: the next import, or npm run aggregates:rebuild, rebuilds them";
  const seconds = await rebuildRollups(db);
  return `rebuilt in one pass after the bulk import (${seconds.toFixed(1)} s)`;
}

// ---------------------------------------------------------------------------
// The import

interface Pending {
  release: OcdsRelease;
  /** The release as JSON (hashed, stored and measured once). */
  text: string;
  unit: number;
  label: string;
  position: string;
  key: string;
}

interface UnitState {
  label: string;
  stream: boolean;
  done: boolean;
  pending: number;
  committed: number;
}

const keyOf = (ocid: string, id: string) => `${ocid}\u0000${id}`;

/** A database error that means "stop": the connection, not the data. */
function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  // 53100 disk_full (and PGlite's own "No space left on device"): stop, do not reject release after release.
  if (typeof code === "string" && (code.startsWith("08") || code.startsWith("57P") || code === "53300" || code === "53100")) return true;
  const msg = e instanceof Error ? e.message : String(e);
  return /ECONNREFUSED|ECONNRESET|Connection terminated|connection is closed|Client has encountered a connection error|timeout exceeded when trying to connect|PGlite is closed|No space left on device|ENOSPC|could not extend file/i.test(msg);
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 300);

export async function importSources(db: DB, inputs: string[], opts: ImportOptions = {}): Promise<ImportSummary> {
  const started = Date.now();
  const batchSize = Math.max(1, opts.batchSize ?? 1000);
  const maxBatchBytes = Math.max(1, opts.maxBatchBytes ?? 32 * 1024 * 1024);
  const keep = opts.maxRejectionsKept ?? 10_000;
  const files = await expandInputs(inputs);
  let totalBytes: number | null = 0;
  for (const f of files) {
    if (isUrl(f)) totalBytes = null;
    else if (totalBytes !== null) {
      const { stat } = await import("node:fs/promises");
      totalBytes += (await stat(f).catch(() => ({ size: 0 }))).size;
    }
  }

  const s: ImportSummary = {
    inputs,
    sources: 0,
    releasesRead: 0,
    imported: 0,
    unchanged: 0,
    rejected: 0,
    releasesDropped: 0,
    processesWritten: 0,
    batches: 0,
    seconds: 0,
    releasesPerSecond: 0,
    aggregates: "",
    rejections: [],
    rejectionsNotListed: 0,
    runId: null,
  };
  let bytesRead = 0;
  let current: string | null = null;
  // Rollup upkeep: by triggers until this run has written more than a rebuild costs, then deferred.
  const deferFrom =
    opts.deferAggregates === false ? Number.POSITIVE_INFINITY : (opts.deferAfterReleases ?? deferAfter(await countProcesses(db)));
  let releasesWritten = 0;
  const runId = opts.recordRun === false ? null : await startImportRun(db, inputs.map((i) => i.slice(0, 2000)));
  s.runId = runId === null ? null : String(runId);
  /** Counts not yet written to import_runs. */
  const delta: RunCounts = { releasesRead: 0, imported: 0, unchanged: 0, rejected: 0 };

  const reject = (r: Rejection) => {
    s.rejected++;
    delta.rejected++;
    if (s.rejections.length < keep) s.rejections.push({ ...r, reason: r.reason.slice(0, 2000) });
    else s.rejectionsNotListed++;
  };

  let lastProgress = 0;
  const progress = (force = false) => {
    if (!opts.onProgress) return;
    const now = Date.now();
    if (!force && now - lastProgress < 200) return;
    lastProgress = now;
    const seconds = (now - started) / 1000;
    opts.onProgress({
      releasesRead: s.releasesRead,
      imported: s.imported,
      unchanged: s.unchanged,
      rejected: s.rejected,
      bytesRead,
      totalBytes,
      seconds,
      releasesPerSecond: seconds > 0 ? Math.round((s.imported + s.unchanged) / seconds) : 0,
      current,
    });
  };

  const units = new Map<number, UnitState>();
  let pending: Pending[] = [];
  let pendingBytes = 0;

  // --- committing -----------------------------------------------------------

  const commit = async (items: Pending[]): Promise<void> => {
    if (items.length === 0) return;
    for (const it of items) {
      const u = units.get(it.unit);
      if (u) u.pending--;
    }
    // Duplicates within the batch.
    const first = new Map<string, Pending>();
    let unchanged = 0;
    const todo: Pending[] = [];
    for (const it of items) {
      const prev = first.get(it.key);
      if (!prev) {
        first.set(it.key, it);
        todo.push(it);
      } else if (sameJson(prev.release, it.release)) unchanged++;
      else
        reject({
          file: it.label,
          position: it.position,
          ocid: it.release.ocid,
          id: it.release.id,
          reason: `the same ocid and id appear earlier in this import (${prev.label} ${prev.position}) with other content; a published release is never edited — publish a new release`,
        });
    }
    // Already stored: unchanged when the content is the same JSON value.
    const stored = await storedReleaseHashes(db, [...new Set(todo.map((t) => t.release.ocid))]);
    const compare: Pending[] = [];
    let send: Pending[] = [];
    for (const it of todo) {
      const h = stored.hashes.get(it.key);
      if (h === undefined) send.push(it);
      else if (h === releaseHash(it.text)) unchanged++;
      else compare.push(it);
    }
    if (compare.length) {
      const data = await storedReleaseData(
        db,
        compare.map((c) => ({ ocid: c.release.ocid, id: c.release.id })),
      );
      for (const it of compare) {
        if (sameJson(data.get(it.key), it.release)) unchanged++;
        else send.push(it); // ingest reports the conflict
      }
      send = send.sort((a, b) => items.indexOf(a) - items.indexOf(b));
    }
    s.unchanged += unchanged;
    delta.unchanged += unchanged;
    await write(send, stored.ocids, true);
  };

  /** Write releases in one transaction, grouped by source; on a data error, split and retry. */
  const write = async (items: Pending[], storedOcids: Set<string>, tryFresh: boolean): Promise<void> => {
    if (items.length === 0) {
      await flushRunCounts();
      return;
    }
    // One ingest call per batch (each call costs a fixed number of statements).
    // Provenance: the file or URL when the batch holds releases of one source,
    // else the run (import_runs lists its inputs).
    const labels = new Set(items.map((i) => i.label));
    const only = labels.size === 1 ? items[0]!.label : null;
    const source = only ? `import:${only.slice(0, 1000)}` : `import:run ${runId ?? "-"} (${labels.size} sources from ${items[0]!.label.slice(0, 500)})`;
    // Releases of processes new to the database go through ingest's bulk
    // ("fresh") path; those of processes already stored are merged with them.
    const fresh = tryFresh ? items.filter((i) => !storedOcids.has(i.release.ocid)) : [];
    const known = tryFresh ? items.filter((i) => storedOcids.has(i.release.ocid)) : items;
    const groups = [
      { label: only ?? items[0]!.label, items: fresh, fresh: true, source },
      { label: only ?? items[0]!.label, items: known, fresh: false, source },
    ].filter((g) => g.items.length > 0);
    // The counts recorded with this batch (reading goes on while it commits).
    const recorded: RunCounts = { ...delta };
    try {
      const results = await db.transaction().execute(async (trx) => {
        if (releasesWritten >= deferFrom) await deferRollups(trx);
        const out = [];
        for (const g of groups) {
          out.push(
            await ingestReleases(
              trx,
              g.items.map((i) => i.release),
              { source: g.source, texts: g.items.map((i) => i.text), ...(g.fresh ? { fresh: true } : {}) },
            ),
          );
        }
        if (runId !== null) {
          const imported = out.reduce((n, r) => n + r.releasesNew, 0);
          const unchanged = out.reduce((n, r) => n + r.releasesUnchanged, 0);
          const conflicts = out.reduce((n, r) => n + r.conflicts.length, 0);
          await addToImportRun(trx, runId, {
            releasesRead: recorded.releasesRead,
            imported,
            unchanged: recorded.unchanged + unchanged,
            rejected: recorded.rejected + conflicts,
          });
        }
        return out;
      });
      delta.releasesRead -= recorded.releasesRead;
      delta.unchanged -= recorded.unchanged;
      delta.rejected -= recorded.rejected;
      s.batches++;
      releasesWritten += items.length;
      results.forEach((r, gi) => {
        const g = groups[gi]!;
        s.imported += r.releasesNew;
        s.unchanged += r.releasesUnchanged;
        s.processesWritten += r.ocids.length;
        const byKey = new Map(g.items.map((i) => [i.key, i]));
        for (const c of r.conflicts) {
          const it = byKey.get(keyOf(c.ocid, c.id));
          s.rejected++;
          const rej = { file: it?.label ?? g.label, position: it?.position ?? "", ocid: c.ocid, id: c.id, reason: `conflict: ${c.reason}` };
          if (s.rejections.length < keep) s.rejections.push(rej);
          else s.rejectionsNotListed++;
        }
        for (const i of g.items) {
          const u = units.get(i.unit);
          if (u) u.committed++;
        }
      });
      opts.onBatch?.({ releases: items.length, imported: s.imported, unchanged: s.unchanged, rejected: s.rejected, batches: s.batches });
      progress(true);
    } catch (e) {
      if (isConnectionError(e)) throw e;
      if (tryFresh) return write(items, storedOcids, false);
      if (items.length === 1) {
        const it = items[0]!;
        reject({
          file: it.label,
          position: it.position,
          ocid: it.release.ocid,
          id: it.release.id,
          reason: `the database refused this release: ${errorText(e)}`,
        });
        return;
      }
      const half = Math.ceil(items.length / 2);
      await write(items.slice(0, half), storedOcids, false);
      await write(items.slice(half), storedOcids, false);
    }
  };

  /** Counts of rejections and unchanged releases not yet recorded (a batch with nothing to write). */
  const flushRunCounts = async () => {
    if (runId === null || (delta.releasesRead === 0 && delta.unchanged === 0 && delta.rejected === 0)) return;
    const recorded = { ...delta };
    await addToImportRun(db, runId, recorded);
    delta.releasesRead -= recorded.releasesRead;
    delta.unchanged -= recorded.unchanged;
    delta.rejected -= recorded.rejected;
  };

  // One batch commits while the next is read and checked (the database works
  // in its own process; memory stays at two batches at most).
  let inflight: Promise<void> | null = null;
  const dispatch = async (batch: Pending[]) => {
    if (inflight) await inflight;
    if (opts.overlap === false) {
      await commit(batch);
      return;
    }
    const p = commit(batch);
    p.catch(() => {}); // surfaced by the next await of `inflight`
    inflight = p;
  };
  const settle = async () => {
    const p = inflight;
    inflight = null;
    if (p) await p;
  };

  const bytesOf = (list: Pending[]) => list.reduce((n, p) => n + p.text.length, 0);
  const full = () => pending.length >= batchSize || pendingBytes >= maxBatchBytes;
  const beforePush = async () => {
    if (!full()) return;
    let prefix = 0;
    while (prefix < pending.length && units.get(pending[prefix]!.unit)?.done) prefix++;
    if (prefix > 0) {
      const batch = pending.slice(0, prefix);
      pending = pending.slice(prefix);
      pendingBytes = bytesOf(pending);
      await dispatch(batch);
    }
    if (full()) {
      // Everything pending belongs to the unit being read: a stream, or a package bigger than a batch.
      const batch = pending;
      pending = [];
      pendingBytes = 0;
      await dispatch(batch);
    }
  };

  // --- reading --------------------------------------------------------------

  const readOpts: ReadOptions = {
    maxReleaseBytes: opts.maxReleaseBytes ?? 10 * 1024 * 1024,
    fetch: opts.fetch ?? fetch,
    maxPages: opts.maxPages ?? 0,
    retries: opts.retries ?? 2,
    retryDelayMs: opts.retryDelayMs ?? 1000,
    onBytes: (n) => {
      bytesRead += n;
    },
    nextUnit: (() => {
      let n = 0;
      return () => ++n;
    })(),
  };

  const handle = async (ev: SourceEvent) => {
    switch (ev.type) {
      case "unit-start":
        s.sources++;
        current = ev.label;
        units.set(ev.unit, { label: ev.label, stream: ev.stream, done: false, pending: 0, committed: 0 });
        return;
      case "reject":
        reject({ file: ev.label, position: ev.position, ocid: null, id: null, reason: ev.reason });
        progress();
        return;
      case "release": {
        s.releasesRead++;
        delta.releasesRead++;
        const p = prepareRelease(ev.raw);
        if (!p.ok) {
          reject({ file: ev.label, position: ev.position, ocid: p.ocid, id: p.id, reason: p.reason });
          progress();
          return;
        }
        await beforePush();
        const text = JSON.stringify(p.release);
        pending.push({ release: p.release, text, unit: ev.unit, label: ev.label, position: ev.position, key: keyOf(p.release.ocid, p.release.id) });
        pendingBytes += text.length;
        units.get(ev.unit)!.pending++;
        if (s.releasesRead % 100 === 0) progress();
        return;
      }
      case "unit-end": {
        const u = units.get(ev.unit)!;
        u.done = true;
        if (ev.error) {
          await settle();
          const dropped = pending.filter((p) => p.unit === ev.unit).length;
          if (dropped) {
            pending = pending.filter((p) => p.unit !== ev.unit);
            pendingBytes = bytesOf(pending);
          }
          u.pending = 0;
          s.releasesDropped += dropped;
          const notes = [
            dropped ? `the ${dropped.toLocaleString("en-GB")} release${dropped === 1 ? "" : "s"} read before the problem were not imported` : "",
            u.committed ? `${u.committed.toLocaleString("en-GB")} release${u.committed === 1 ? "" : "s"} from earlier batches of it were imported` : "",
          ].filter(Boolean);
          reject({ file: ev.label, position: ev.error.position, ocid: null, id: null, reason: [ev.error.reason, ...notes].join("; ") });
        }
        progress();
        return;
      }
    }
  };

  let failed = false;
  try {
    let stopped = false;
    reading: for (const input of files) {
      for await (const ev of readInput(input, readOpts)) {
        if (opts.signal?.aborted) {
          stopped = true;
          break reading;
        }
        await handle(ev);
      }
    }
    if (stopped || opts.signal?.aborted) {
      // A batch boundary: the batch being committed finishes; what was read after it is left for the next run.
      pending = [];
      pendingBytes = 0;
      await settle();
      s.interrupted = true;
    } else {
      const rest = pending;
      pending = [];
      pendingBytes = 0;
      await dispatch(rest);
      await settle();
    }
    await flushRunCounts();
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    s.seconds = (Date.now() - started) / 1000;
    s.releasesPerSecond = s.seconds > 0 ? Math.round((s.imported + s.unchanged) / s.seconds) : 0;
    if (!failed) s.aggregates = await refreshAggregatesAfterImport(db, { interrupted: s.interrupted === true });
    if (runId !== null) {
      const report = { ...s, rejections: s.rejections.slice(0, 1000), rejectionsNotListed: s.rejectionsNotListed + Math.max(0, s.rejections.length - 1000) };
      await finishImportRun(
        db,
        runId,
        failed || s.interrupted ? "failed" : "done",
        { releasesRead: s.releasesRead, imported: s.imported, unchanged: s.unchanged, rejected: s.rejected },
        report,
      ).catch(() => {});
    }
    progress(true);
  }
  return s;
}

/** The summary as plain text (the CLI prints it; `--report` writes the JSON). */
export function formatSummary(s: ImportSummary): string {
  const n = (v: number) => v.toLocaleString("en-GB");
  const lines = [
    `Read ${n(s.releasesRead)} releases from ${n(s.sources)} source${s.sources === 1 ? "" : "s"} in ${s.seconds.toFixed(1)} s (${n(s.releasesPerSecond)} releases/s).`,
    `  imported:  ${n(s.imported)}`,
    `  unchanged: ${n(s.unchanged)}`,
    `  rejected:  ${n(s.rejected)}`,
    `  contracting processes written: ${n(s.processesWritten)} in ${n(s.batches)} batch${s.batches === 1 ? "" : "es"}`,
  ];
  if (s.aggregates) lines.push(`  dashboards' aggregates: ${s.aggregates}`);
  if (s.rejections.length) {
    lines.push("", "Rejected:");
    for (const r of s.rejections) {
      const what = [r.ocid, r.id].filter(Boolean).join(" / ");
      lines.push(`  ${r.file} ${r.position}${what ? ` (${what})` : ""}: ${r.reason}`);
    }
    if (s.rejectionsNotListed) lines.push(`  … and ${n(s.rejectionsNotListed)} more (not listed)`);
  }
  return lines.join("\n");
}

export { mb };
