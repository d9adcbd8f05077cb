/**
 * Red flags computed and stored on every write (issue 6), and recomputed in
 * bulk when the thresholds change (`npm run flags:recompute`).
 *
 * On write (`writeFlagsFor`, called by ingest.server.ts through
 * derived.server.ts inside the writer's transaction):
 *  1. keep what a later recompute needs: the contract's peer rows (one per
 *     supplier, keyed by the register's organisation ids) and the compiled
 *     fields the core tables lack (process_extras);
 *  2. evaluate all eight rules for the written contracts — the single-contract
 *     rules from their compiled state, the cross-contract rules against their
 *     peers looked up in SQL by buyer and supplier;
 *  3. re-evaluate the cross-contract rules of the other contracts whose
 *     outcome the write can change (same buyer and supplier, within the
 *     window), so adding a fourth direct award flags the earlier three too;
 *  4. store the flagged and cannot-tell outcomes with their evidence and the
 *     threshold in force, and mark the flag data as changed.
 * Every step is a handful of bulk statements per call, whatever the number of
 * contracts, so bulk seeding (`fresh`) stays fast.
 *
 * The thresholds in force are stored in register_meta (`flag_config`) by the
 * first write and by every recompute, so every stored flag was computed with
 * the configuration shown on the methodology page.
 */
import type { DB } from "../../db/client";
import {
  type BuyerFlagRow,
  type WatchQuery,
  type WatchRow,
  type WatchSort,
  buyerFlagShares,
  buyersWithFlags,
  flagCodesFor,
  supplierNamesFor,
  flagCounts,
  watchList,
  type ExtrasRow,
  type FlagRow,
  type PeerRow,
  type SubjectRow,
  countProcessesWithoutExtras,
  deleteFlagData,
  deleteFlags,
  flagsForContract,
  insertExtras,
  insertFlags,
  insertPeerRows,
  loadOcidBatch,
  type FlagBatchInputs,
  peerRowsByOcids,
  peerRowsInRanges,
  peerSourcesFor,
  processesWithoutExtras,
  applyFlagChanges,
  refreshFlagFacts,
  type StoredFlag,
  type PairRange,
} from "../../db/queries/flags";
import type { Executor } from "../../db/queries/util";
import { countProcesses } from "../../db/queries/import";
import { getMeta, loadReleases, setMeta } from "../../db/queries/write";
import {
  CROSS_CONTRACT_CODES,
  DEFAULT_FLAG_CONFIG,
  FLAG_CODES,
  type FlagConfig,
  type FlagResult,
  type FlagSubject,
  type PeerAward,
  awardCounts,
  evaluateCrossContractFlags,
  evaluateSingleContractFlags,
  flagConfigFromEnv,
  parseFlagConfig,
  peerAwardsFromSource,
  serialiseFlagConfig,
} from "../domain/flags";
import { compileReleases } from "../domain/ocds/compile";
import { normaliseName } from "../domain/ocds/text";
import { mapCompiledRelease } from "../domain/ocds/map";
import { fyLabel, parseFyLabel } from "../domain/metrics/fy";
import { amountFromPence } from "../domain/money";
import type { ContractState, OcdsRelease, ProcurementMethod, RegisterStatus } from "../domain/types";
import { getOrganisation } from "../../db/queries/register";
import { type ParamError, parseParams, searchParamsObject } from "../lib/params";
import type { DerivedOptions } from "./derived.server";
import { BadRequest } from "./register.server";
import { FRAMEWORK_PARAMS, WatchFilterFields, type WatchFilters, WatchFiltersSchema } from "./watch-filters";

export {
  WATCH_SORTS,
  WATCH_STATUSES,
  type WatchFilters,
  WatchFiltersSchema,
  registerQueryString,
  watchQueryString,
} from "./watch-filters";

export const FLAG_CONFIG_KEY = "flag_config";
export const FLAGS_VERSION_KEY = "flags_version";
const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------
// Configuration in force

/**
 * The thresholds stored flags were computed with: the stored configuration,
 * else (nothing stored yet) the `FLAG_*` environment variables over the
 * defaults. Throws with the variable's name when the environment is invalid.
 */
export async function loadFlagConfig(db: Executor, env: NodeJS.ProcessEnv = process.env): Promise<{ config: FlagConfig; stored: boolean }> {
  const text = await getMeta(db, FLAG_CONFIG_KEY);
  if (text !== null) {
    try {
      return { config: parseFlagConfig(JSON.parse(text) as Record<string, unknown>), stored: true };
    } catch (e) {
      throw new Error(`The stored red-flag configuration (register_meta.${FLAG_CONFIG_KEY}) is not valid: ${(e as Error).message}. Run npm run flags:recompute to replace it.`);
    }
  }
  const fromEnv = flagConfigFromEnv(env);
  if (!fromEnv.ok) throw new Error(`Invalid red-flag configuration in the environment:\n  ${fromEnv.errors.join("\n  ")}`);
  return { config: fromEnv.config, stored: false };
}

/** The thresholds in force, for pages (the methodology page renders `describeAllRules(await getFlagConfig(db))`). */
export async function getFlagConfig(db: Executor): Promise<FlagConfig> {
  try {
    return (await loadFlagConfig(db)).config;
  } catch {
    return DEFAULT_FLAG_CONFIG;
  }
}

export async function storeFlagConfig(db: Executor, config: FlagConfig): Promise<void> {
  await setMeta(db, FLAG_CONFIG_KEY, JSON.stringify(serialiseFlagConfig(config)));
}

/** A token that changes whenever stored flags (or the processes they describe) change: cache key for /watch. */
export async function flagsVersion(db: Executor): Promise<string> {
  return (await getMeta(db, FLAGS_VERSION_KEY)) ?? "0";
}

let versionCounter = 0;
async function bumpFlagsVersion(db: Executor): Promise<void> {
  versionCounter += 1;
  await setMeta(db, FLAGS_VERSION_KEY, `${Date.now().toString(36)}-${process.pid.toString(36)}-${versionCounter}`);
}

// ---------------------------------------------------------------------------
// Rows ↔ domain

/** ISO text for a date (values read as ISO text by db/queries/flags.ts pass through as they are). */
const iso = (d: Date | string | null | undefined): string | null => (!d ? null : typeof d === "string" ? d : d.toISOString());

export function toPeerAward(r: PeerRow): PeerAward {
  return {
    ocid: r.ocid,
    buyerKey: r.buyer_id === null ? "" : String(r.buyer_id),
    supplierKey: String(r.supplier_id),
    date: iso(r.award_date),
    valuePence: r.value_pence,
    nonCompetitive: r.non_competitive,
  };
}

function toPeerRow(p: PeerAward): PeerRow {
  return {
    ocid: p.ocid,
    buyer_id: p.buyerKey === "" ? null : BigInt(p.buyerKey),
    supplier_id: BigInt(p.supplierKey),
    award_date: p.date,
    value_pence: p.valuePence,
    non_competitive: p.nonCompetitive,
  };
}

/** The compiled fields flags (and opportunities) need that the core tables do not keep. */
export function extrasFromState(s: ContractState): ExtrasRow {
  return {
    ocid: s.ocid,
    method_rationale: s.procurementMethodRationale,
    tender_start_date: s.tender.startDate,
    award_published_at: s.awardPublishedAt,
    termination_reason: s.terminationReason,
    lot_count: s.tender.lots.length,
  };
}

/** A contract as the rules read it, from its stored columns (the same values its compiled state gave). */
export function subjectFromRows(
  p: SubjectRow,
  items: ReadonlyArray<{
    status: string | null;
    date_signed: string | null;
    end_date: string | null;
    amendments: ReadonlyArray<{ value_before_pence: bigint | null; value_after_pence: bigint | null }>;
  }>,
): FlagSubject {
  let dateSigned: string | null = null;
  let signedMs = Number.POSITIVE_INFINITY;
  for (const item of items) {
    if (item.status === "cancelled" || item.date_signed === null) continue;
    const ms = Date.parse(item.date_signed);
    if (ms < signedMs) {
      signedMs = ms;
      dateSigned = item.date_signed;
    }
  }
  return {
    ocid: p.ocid,
    status: p.status as RegisterStatus,
    procurementMethod: p.procurement_method as ProcurementMethod | null,
    procurementMethodDetails: p.procurement_method_details,
    procurementMethodRationale: p.method_rationale,
    dateSigned,
    awardPublishedAt: iso(p.award_published_at),
    originalValuePence: p.original_value_pence,
    currentValuePence: p.current_value_pence,
    currency: p.currency,
    terminatedAt: iso(p.terminated_at),
    terminationReason: p.termination_reason,
    endDate: iso(p.end_date),
    tender: {
      numberOfTenderers: p.number_of_tenderers,
      startDate: iso(p.tender_start_date),
      publishedAt: iso(p.tender_published_at),
      deadline: iso(p.tender_deadline),
    },
    contracts: items.map((item) => ({
      dateSigned: iso(item.date_signed),
      endDate: iso(item.end_date),
      amendments: item.amendments.map((a) => ({ valueBeforePence: a.value_before_pence, valueAfterPence: a.value_after_pence })),
    })),
  };
}

function stored(ocid: string, results: readonly FlagResult[], into: FlagRow[]): void {
  for (const r of results) {
    if (r.status === "clear") continue;
    into.push({ ocid, code: r.code, status: r.status, evidence: r.evidence, threshold: r.threshold });
  }
}

// ---------------------------------------------------------------------------
// Cross-contract rules against peers in SQL

const pairKey = (buyerKey: string, supplierKey: string) => `${buyerKey}/${supplierKey}`;
const msOf = (p: PeerAward) => (p.date === null ? null : Date.parse(p.date));

function groupByPair(rows: readonly PeerAward[], into = new Map<string, PeerAward[]>()): Map<string, PeerAward[]> {
  for (const r of rows) {
    if (r.buyerKey === "") continue;
    const k = pairKey(r.buyerKey, r.supplierKey);
    const list = into.get(k);
    if (list) list.push(r);
    else into.set(k, [r]);
  }
  return into;
}

function groupByOcid(rows: readonly PeerAward[]): Map<string, PeerAward[]> {
  const out = new Map<string, PeerAward[]>();
  for (const r of rows) {
    const list = out.get(r.ocid);
    if (list) list.push(r);
    else out.set(r.ocid, [r]);
  }
  return out;
}

/** The peers of a contract: the rows of every pair it belongs to (its own rows are ignored by the rules). */
function peersOf(own: readonly PeerAward[], byPair: ReadonlyMap<string, readonly PeerAward[]>): readonly PeerAward[] {
  if (own.length === 1) {
    const only = own[0]!;
    return only.buyerKey === "" ? [] : (byPair.get(pairKey(only.buyerKey, only.supplierKey)) ?? []);
  }
  const out: PeerAward[] = [];
  const seen = new Set<string>();
  for (const row of own) {
    if (row.buyerKey === "") continue;
    const k = pairKey(row.buyerKey, row.supplierKey);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(...(byPair.get(k) ?? []));
  }
  return out;
}

/** How far (ms) a row can be from another and still share a window, with a day's margin for UK time. */
function reachMs(config: FlagConfig): number {
  return (Math.max(config.repeatWindowDays, config.splitWindowDays) + 1) * DAY_MS;
}

interface RangeAcc {
  buyerId: bigint;
  supplierId: bigint;
  lo: number;
  hi: number;
  whole: boolean;
}

function rangesAround(rows: readonly PeerAward[], marginMs: number, skip?: ReadonlySet<string>): Map<string, RangeAcc> {
  const out = new Map<string, RangeAcc>();
  for (const r of rows) {
    if (r.buyerKey === "") continue;
    const k = pairKey(r.buyerKey, r.supplierKey);
    if (skip?.has(k)) continue;
    const ms = msOf(r);
    let acc = out.get(k);
    if (!acc) {
      acc = { buyerId: BigInt(r.buyerKey), supplierId: BigInt(r.supplierKey), lo: Infinity, hi: -Infinity, whole: false };
      out.set(k, acc);
    }
    if (ms === null) acc.whole = true;
    else {
      acc.lo = Math.min(acc.lo, ms - marginMs);
      acc.hi = Math.max(acc.hi, ms + marginMs);
    }
  }
  return out;
}

function toRanges(accs: Iterable<RangeAcc>): PairRange[] {
  return [...accs].map((a) => ({
    buyerId: a.buyerId,
    supplierId: a.supplierId,
    from: a.whole ? null : new Date(a.lo),
    to: a.whole ? null : new Date(a.hi),
  }));
}

/**
 * Evaluate the cross-contract rules for the written contracts (`own`: their
 * rows, already stored in flag_peers) and find the other contracts whose
 * outcome `changed` rows (the written contracts' rows, new and old) can move;
 * evaluate those too.
 */
async function crossContract(
  db: Executor,
  own: ReadonlyMap<string, PeerAward[]>,
  changed: readonly PeerAward[],
  config: FlagConfig,
): Promise<{ written: Map<string, FlagResult[]>; others: Map<string, FlagResult[]> }> {
  const reach = reachMs(config);
  // Rows of the touched pairs, far enough either side to evaluate any contract a change can affect.
  const touched = rangesAround(changed, 2 * reach);
  const byPair = groupByPair((await peerRowsInRanges(db, toRanges(touched.values()))).map(toPeerAward));

  const changedByPair = groupByPair(changed);
  const affected = new Set<string>();
  for (const [k, list] of changedByPair) {
    const rows = byPair.get(k) ?? [];
    const whole = list.some((c) => c.date === null);
    const days = list.map(msOf).filter((ms): ms is number => ms !== null);
    for (const r of rows) {
      if (own.has(r.ocid) || affected.has(r.ocid)) continue;
      const ms = msOf(r);
      if (ms === null) continue; // an undated contract's cross-contract outcome does not depend on its peers
      if (whole || days.some((d) => Math.abs(d - ms) <= reach)) affected.add(r.ocid);
    }
  }

  // The affected contracts' own rows, and any pair of theirs not fetched yet.
  const otherOwn = groupByOcid((await peerRowsByOcids(db, [...affected])).map(toPeerAward));
  const missing = rangesAround([...otherOwn.values()].flat(), reach, new Set(byPair.keys()));
  if (missing.size > 0) groupByPair((await peerRowsInRanges(db, toRanges(missing.values()))).map(toPeerAward), byPair);

  const written = new Map<string, FlagResult[]>();
  for (const [ocid, rows] of own) written.set(ocid, evaluateCrossContractFlags(rows, peersOf(rows, byPair), config));
  const others = new Map<string, FlagResult[]>();
  for (const [ocid, rows] of otherOwn) others.set(ocid, evaluateCrossContractFlags(rows, peersOf(rows, byPair), config));
  return { written, others };
}

/** The peer rows of these processes, made from their stored awards (keys: organisation ids). */
async function ownPeerRows(db: Executor, ocids: readonly string[]): Promise<Map<string, PeerAward[]>> {
  const rows = await peerSourcesFor(db, ocids);
  const out = new Map<string, PeerAward[]>();
  let i = 0;
  while (i < rows.length) {
    const first = rows[i]!;
    const suppliers: { key: string; valuePence: bigint | null }[] = [];
    for (; i < rows.length && rows[i]!.ocid === first.ocid; i++) {
      const r = rows[i]!;
      if (r.supplier_id === null || !awardCounts(r.award_status)) continue;
      suppliers.push({ key: String(r.supplier_id), valuePence: r.published_value_pence });
    }
    out.set(
      first.ocid,
      peerAwardsFromSource({
        ocid: first.ocid,
        buyerKey: first.buyer_id === null ? "" : String(first.buyer_id),
        date: iso(first.award_date),
        procurementMethod: first.procurement_method as ProcurementMethod | null,
        currentValuePence: first.current_value_pence,
        currency: first.currency,
        suppliers,
      }),
    );
  }
  for (const ocid of ocids) if (!out.has(ocid)) out.set(ocid, []);
  return out;
}

// ---------------------------------------------------------------------------
// On write

/**
 * Compute and store the flags of the processes just written (their rows in
 * processes, awards and award_suppliers are already replaced), and refresh the
 * cross-contract flags of the contracts they affect. `fresh`: every ocid is
 * new, so there is nothing old to delete.
 */
export async function writeFlagsFor(db: Executor, states: ContractState[], opts: DerivedOptions): Promise<void> {
  if (states.length === 0) return;
  const { config, stored: isStored } = await loadFlagConfig(db);
  if (!isStored) await storeFlagConfig(db, config);
  const ocids = states.map((s) => s.ocid);

  let oldRows: PeerAward[] = [];
  if (!opts.fresh) {
    oldRows = (await peerRowsByOcids(db, ocids)).map(toPeerAward);
    await deleteFlagData(db, ocids);
  }
  const own = await ownPeerRows(db, ocids);
  const newRows = [...own.values()].flat();
  await insertPeerRows(db, newRows.map(toPeerRow));
  await insertExtras(db, states.map(extrasFromState));

  const cross = await crossContract(db, own, [...newRows, ...oldRows], config);
  const rows: FlagRow[] = [];
  for (const s of states) {
    stored(s.ocid, evaluateSingleContractFlags(s, config), rows);
    stored(s.ocid, cross.written.get(s.ocid) ?? [], rows);
  }
  if (cross.others.size > 0) {
    await deleteFlags(db, [...cross.others.keys()], CROSS_CONTRACT_CODES);
    for (const [ocid, results] of cross.others) stored(ocid, results, rows);
  }
  await insertFlags(db, rows);
  await refreshFlagFacts(db, [...ocids, ...cross.others.keys()]);
  await bumpFlagsVersion(db);
}

// ---------------------------------------------------------------------------
// Recompute

export interface RecomputeProgress {
  phase: "rebuild" | "recompute";
  done: number;
  total: number;
}

export interface RecomputeOptions {
  /** Contracts per batch (a buyer's contracts always share a batch). Default 5,000. */
  batchSize?: number;
  onProgress?: (p: RecomputeProgress) => void;
}

export interface RecomputeResult {
  contracts: number;
  rebuilt: number;
  /** Stored outcomes written or removed (an outcome that did not change is left as it is). */
  changed: number;
  flagged: Record<string, number>;
  unknown: Record<string, number>;
  seconds: number;
}

/** Rebuild flags (and their stored inputs) from the releases of processes that have none. */
async function rebuildFromReleases(db: DB, ocids: readonly string[]): Promise<void> {
  const loaded = await loadReleases(db, [...ocids]);
  const states = [...loaded.values()].map((list) => {
    // A release's JSON may come back as text (jsonb string) from older writes: read either.
    const releases = list.map((d) => (typeof d === "string" ? JSON.parse(d) : d)) as OcdsRelease[];
    return mapCompiledRelease(compileReleases(releases), releases);
  });
  await db.transaction().execute((trx) => writeFlagsFor(trx, states, { fresh: false }));
}

/**
 * Recompute every stored flag with `config` (stored first as the configuration
 * in force, so writes made meanwhile use it too). Contracts are taken in ocid
 * order, a batch at a time (loadOcidBatch: neighbouring rows, and every row of
 * their buyer–supplier pairs for the cross-contract rules), each batch's
 * changes written in one transaction; the next batch is read while the
 * current one is evaluated.
 */
export async function recomputeAllFlags(db: DB, config: FlagConfig, opts: RecomputeOptions = {}): Promise<RecomputeResult> {
  const started = Date.now();
  const batchSize = opts.batchSize ?? 5_000;
  await storeFlagConfig(db, config);
  const flagged = Object.fromEntries(FLAG_CODES.map((c) => [c, 0])) as Record<string, number>;
  const unknown = Object.fromEntries(FLAG_CODES.map((c) => [c, 0])) as Record<string, number>;

  // Processes written before flags existed have no stored inputs: rebuild them from their releases.
  const missing = await countProcessesWithoutExtras(db);
  let rebuilt = 0;
  while (rebuilt < missing) {
    const ocids = await processesWithoutExtras(db, 500);
    if (ocids.length === 0) break;
    await rebuildFromReleases(db, ocids);
    rebuilt += ocids.length;
    opts.onProgress?.({ phase: "rebuild", done: rebuilt, total: missing });
  }

  const total = await countProcesses(db);
  let done = 0;
  let changed = 0;
  let next: ReturnType<typeof loadOcidBatch> | null = loadOcidBatch(db, null, batchSize);
  let writing: Promise<void> = Promise.resolve();
  while (next) {
    const inputs: Awaited<ReturnType<typeof loadOcidBatch>> = await next;
    if (inputs.subjects.length === 0) break;
    // The next batch is read while this one is evaluated and the previous one written.
    next = inputs.subjects.length === batchSize ? loadOcidBatch(db, inputs.lastOcid, batchSize) : null;
    const rows = evaluateBatch(inputs, config);
    for (const r of rows) (r.status === "flagged" ? flagged : unknown)[r.code]! += 1;
    const changes = flagChanges(inputs.stored, rows);
    changed += changes.upserts.length + changes.removals.length;
    await writing;
    const count = inputs.subjects.length;
    writing = db
      .transaction()
      .execute(async (trx) => {
        await applyFlagChanges(trx, changes.upserts, changes.removals);
        await refreshFlagFacts(trx, [...changes.upserts.map((u) => u.ocid), ...changes.removals.map((r) => r.ocid)]);
      })
      .then(() => {
      done += count;
      opts.onProgress?.({ phase: "recompute", done, total });
    });
  }
  await writing;
  await bumpFlagsVersion(db);
  return { contracts: total, rebuilt, changed, flagged, unknown, seconds: (Date.now() - started) / 1000 };
}

function sameEvidence(a: FlagRow["evidence"], b: FlagRow["evidence"]): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/** What a recompute must write: new or changed outcomes, and stored outcomes that no longer hold. */
export function flagChanges(stored: readonly FlagRow[], fresh: readonly FlagRow[]): { upserts: FlagRow[]; removals: Array<{ ocid: string; code: string }> } {
  const before = new Map<string, FlagRow>();
  for (const r of stored) before.set(`${r.ocid}\u0000${r.code}`, r);
  const upserts: FlagRow[] = [];
  for (const r of fresh) {
    const key = `${r.ocid}\u0000${r.code}`;
    const old = before.get(key);
    before.delete(key);
    if (old && old.status === r.status && old.threshold === r.threshold && sameEvidence(old.evidence, r.evidence)) continue;
    upserts.push(r);
  }
  const removals = [...before.values()].map((r) => ({ ocid: r.ocid, code: r.code }));
  return { upserts, removals };
}

/** Evaluate all eight rules for one batch of a recompute. */
export function evaluateBatch(inputs: FlagBatchInputs, config: FlagConfig): FlagRow[] {
  type Item = {
    status: string | null;
    date_signed: string | null;
    end_date: string | null;
    amendments: Array<{ value_before_pence: bigint | null; value_after_pence: bigint | null }>;
  };
  const items = new Map<string, Item[]>();
  const byContract = new Map<string, Item>();
  for (const ci of inputs.items) {
    const item: Item = { status: ci.status, date_signed: ci.date_signed, end_date: ci.end_date, amendments: [] };
    byContract.set(`${ci.ocid}\u0000${ci.contract_id}`, item);
    const list = items.get(ci.ocid);
    if (list) list.push(item);
    else items.set(ci.ocid, [item]);
  }
  for (const am of inputs.amendments) byContract.get(`${am.ocid}\u0000${am.contract_id}`)?.amendments.push(am);

  const peers = inputs.peers.map(toPeerAward);
  const byPair = groupByPair(peers);
  const own = groupByOcid(peers);
  const rows: FlagRow[] = [];
  for (const p of inputs.subjects) {
    stored(p.ocid, evaluateSingleContractFlags(subjectFromRows(p, items.get(p.ocid) ?? []), config), rows);
    const mine = own.get(p.ocid) ?? [];
    stored(p.ocid, evaluateCrossContractFlags(mine, peersOf(mine, byPair), config), rows);
  }
  return rows;
}

// ---------------------------------------------------------------------------
// Reading

/** The stored flags of one contract, in the order the register lists the rules (for `FlagList`). */
export async function getContractFlags(db: Executor, ocid: string): Promise<StoredFlag[]> {
  const rows = await flagsForContract(db, ocid);
  const order = new Map<string, number>(FLAG_CODES.map((c, i) => [c, i]));
  return rows.sort((a, b) => (order.get(a.code) ?? 99) - (order.get(b.code) ?? 99));
}

// ---------------------------------------------------------------------------
// /watch: flagged contracts, counts and value by flag, each buyer's flagged share

/** Parse /watch's filters; throws BadRequest naming every bad or unknown parameter. */
export function parseWatchFilters(sp: URLSearchParams): WatchFilters {
  const input = searchParamsObject(sp);
  const errors: ParamError[] = [];
  for (const key of Object.keys(input)) {
    if (FRAMEWORK_PARAMS.has(key)) delete input[key];
    else if (!Object.hasOwn(WatchFilterFields.shape, key)) errors.push({ param: key, message: "is not a filter of this page" });
  }
  const parsed = parseParams(WatchFiltersSchema, input);
  if (!parsed.ok) errors.push(...parsed.errors);
  const seen = new Set<string>();
  if (errors.length > 0 || !parsed.ok) throw new BadRequest(errors.filter((e) => !seen.has(e.param) && seen.add(e.param)));
  return parsed.value;
}

export function toWatchQuery(f: WatchFilters): WatchQuery {
  return {
    code: f.flag,
    status: f.status ?? "flagged",
    buyer: f.buyer ? BigInt(f.buyer) : undefined,
    buyerType: f.buyerType,
    supplier: f.supplier ? BigInt(f.supplier) : undefined,
    fy: f.fy ? (parseFyLabel(f.fy) ?? undefined) : undefined,
    minValue: f.minValue,
    maxValue: f.maxValue,
  };
}

export interface FlagFigure {
  code: string;
  flaggedContracts: number;
  flaggedValuePence: bigint;
  unknownContracts: number;
  unknownValuePence: bigint;
}

export interface BuyerShare {
  buyerId: bigint | null;
  name: string;
  contracts: number;
  valuePence: bigint;
  flaggedContracts: number;
  flaggedValuePence: bigint;
  /** flagged ÷ value (GBP), null when the buyer's GBP value is 0. */
  share: number | null;
}

export interface WatchSummary {
  byFlag: FlagFigure[];
  contracts: number;
  valuePence: bigint;
  flaggedContracts: number;
  flaggedValuePence: bigint;
  /** Buyers with at least one contract carrying the flag, most flagged value first. */
  buyers: BuyerShare[];
}

function ratio(part: bigint, whole: bigint): number | null {
  if (whole <= 0n) return null;
  return Number((part * 1_000_000n) / whole) / 1_000_000;
}

async function computeSummary(db: Executor, q: WatchQuery): Promise<WatchSummary> {
  const [counts, perBuyer] = await Promise.all([flagCounts(db, q, FLAG_CODES), buyerFlagShares(db, q)]);
  const byFlag: FlagFigure[] = FLAG_CODES.map((code) => {
    const flagged = counts.find((c) => c.code === code && c.status === "flagged");
    const unknown = counts.find((c) => c.code === code && c.status === "unknown");
    return {
      code,
      flaggedContracts: flagged?.contracts ?? 0,
      flaggedValuePence: flagged?.value_pence ?? 0n,
      unknownContracts: unknown?.contracts ?? 0,
      unknownValuePence: unknown?.value_pence ?? 0n,
    };
  });
  let contracts = 0;
  let valuePence = 0n;
  let flaggedContracts = 0;
  let flaggedValuePence = 0n;
  const buyers: BuyerShare[] = [];
  for (const b of perBuyer as BuyerFlagRow[]) {
    contracts += b.contracts;
    valuePence += b.value_pence;
    flaggedContracts += b.flagged_contracts;
    flaggedValuePence += b.flagged_value_pence;
    if (b.flagged_contracts === 0) continue;
    buyers.push({
      buyerId: b.buyer_id,
      name: b.buyer_name ?? "Unknown buyer",
      contracts: b.contracts,
      valuePence: b.value_pence,
      flaggedContracts: b.flagged_contracts,
      flaggedValuePence: b.flagged_value_pence,
      share: ratio(b.flagged_value_pence, b.value_pence),
    });
  }
  buyers.sort((a, b) =>
    a.flaggedValuePence !== b.flaggedValuePence
      ? a.flaggedValuePence > b.flaggedValuePence
        ? -1
        : 1
      : b.flaggedContracts - a.flaggedContracts || a.name.localeCompare(b.name),
  );
  return { byFlag, contracts, valuePence, flaggedContracts, flaggedValuePence, buyers };
}

// The summary reads every contract that matches: cached per database and per
// state of the flag data (the version changes on every write and recompute).
const summaryCache = new WeakMap<object, Map<string, Promise<WatchSummary>>>();
const SUMMARY_CACHE_SIZE = 200;

export async function watchSummary(db: Executor, q: WatchQuery): Promise<WatchSummary> {
  const version = await flagsVersion(db);
  const key = `${version}|${JSON.stringify(q, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`;
  let cache = summaryCache.get(db);
  if (!cache) {
    cache = new Map();
    summaryCache.set(db, cache);
  }
  const hit = cache.get(key);
  if (hit) return hit;
  const promise = computeSummary(db, q);
  cache.set(key, promise);
  promise.catch(() => cache.delete(key));
  if (cache.size > SUMMARY_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return promise;
}

function decodeCursor(s: string, sort: WatchSort): { k: string; o: string } | null {
  try {
    const v = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as { k?: unknown; o?: unknown };
    if (typeof v?.k !== "string" || typeof v.o !== "string") return null;
    if (sort === "newest" ? Number.isNaN(Date.parse(v.k)) : !/^-?\d{1,20}$/.test(v.k)) return null;
    return { k: v.k, o: v.o };
  } catch {
    return null;
  }
}

async function checkOrganisations(db: Executor, f: WatchFilters) {
  const [buyer, supplier] = await Promise.all([
    f.buyer ? getOrganisation(db, BigInt(f.buyer)) : null,
    f.supplier ? getOrganisation(db, BigInt(f.supplier)) : null,
  ]);
  const errors: ParamError[] = [];
  if (f.buyer && !buyer?.is_buyer) errors.push({ param: "buyer", message: `no buyer with id ${f.buyer}` });
  if (f.supplier && !supplier?.is_supplier) errors.push({ param: "supplier", message: `no supplier with id ${f.supplier}` });
  if (errors.length) throw new BadRequest(errors);
  return { buyer: buyer ?? null, supplier: supplier ?? null };
}

/** How many buyers the /watch buyer filter offers (those with most flagged contracts; the by-buyer table lists every one). */
export const WATCH_BUYER_OPTIONS = 300;

const buyerOptionsCache = new WeakMap<object, { version: string; value: Promise<{ buyers: Array<{ id: string; name: string }>; total: number }> }>();

/** The /watch buyer filter's options: buyers with a flagged contract, by name (cached per state of the flag data). */
export async function watchBuyerOptions(db: Executor): Promise<{ buyers: Array<{ id: string; name: string }>; total: number }> {
  const version = await flagsVersion(db);
  const hit = buyerOptionsCache.get(db);
  if (hit && hit.version === version) return hit.value;
  const value = buyersWithFlags(db, WATCH_BUYER_OPTIONS).then((r) => ({
    total: r.total,
    buyers: r.buyers
      .map((b) => ({ id: b.id.toString(), name: b.name }))
      .sort((a, b) => a.name.localeCompare(b.name, "en-GB") || a.id.localeCompare(b.id)),
  }));
  buyerOptionsCache.set(db, { version, value });
  value.catch(() => buyerOptionsCache.delete(db));
  return value;
}

/** Everything /watch shows: the figures, and a page of the contracts behind them with their flags. */
export async function watchPage(db: Executor, sp: URLSearchParams, limit = 25) {
  // A supplier name is the form's way in; the page resolves it to `supplier` (see lookupSupplierName in register-form.server.ts).
  const { supplierName: _name, ...filters } = parseWatchFilters(sp);
  const sort: WatchSort = filters.sort ?? "newest";
  const cursor = filters.cursor ? decodeCursor(filters.cursor, sort) : null;
  if (filters.cursor && !cursor) throw new BadRequest([{ param: "cursor", message: "is not a cursor this register issued" }]);
  const { buyer, supplier } = await checkOrganisations(db, filters);
  const q = toWatchQuery(filters);
  const [summary, rows] = await Promise.all([watchSummary(db, q), watchList(db, q, sort, limit + 1, cursor)]);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const [codes, names] = await Promise.all([
    flagCodesFor(db, page.map((r) => r.ocid), q.status === "unknown"),
    supplierNamesFor(db, page.flatMap((r) => r.supplier_ids ?? [])),
  ]);
  const last = page[page.length - 1];
  const next =
    more && last
      ? Buffer.from(
          JSON.stringify({ k: sort === "newest" ? new Date(last.sort_date).toISOString() : String(last.sort_value), o: last.ocid }),
        ).toString("base64url")
      : null;
  return {
    filters,
    sort,
    buyer,
    supplier,
    summary,
    rows: page.map(({ supplier_ids, ...r }) => ({
      ...r,
      suppliers: (supplier_ids ?? []).map((id) => ({ id: id.toString(), name: names.get(id.toString()) ?? "Unnamed supplier" })),
      flags: (codes.get(r.ocid) ?? []).filter((c) => c.status === q.status).map((c) => c.code),
    })),
    next,
  };
}

export const WATCH_CSV_COLUMNS = [
  "ocid",
  "title",
  "buyer",
  "buyer_type",
  "suppliers",
  "award_date",
  "financial_year",
  "value_pence",
  "value",
  "currency",
  "flags",
  "url",
] as const;

/**
 * Every contract /watch lists for these filters, as CSV rows (header first),
 * read in keyset batches so a large download never holds the whole set.
 */
export async function* watchCsvRows(db: Executor, filters: WatchFilters, origin: string): AsyncGenerator<string[]> {
  const q = toWatchQuery(filters);
  yield [...WATCH_CSV_COLUMNS];
  let cursor: { k: string; o: string } | null = null;
  for (;;) {
    const rows: WatchRow[] = await watchList(db, q, "newest", 2_000, cursor);
    if (rows.length === 0) return;
    const codes = await flagCodesFor(db, rows.map((r) => r.ocid), q.status === "unknown");
    for (const r of rows) {
      yield [
        r.ocid,
        r.title,
        r.buyer_name ?? "",
        r.buyer_type ?? "",
        r.supplier_names ?? "",
        r.award_date ? new Date(r.award_date).toISOString().slice(0, 10) : "",
        r.award_fy !== null ? fyLabel(r.award_fy) : "",
        r.current_value_pence !== null ? r.current_value_pence.toString() : "",
        r.current_value_pence !== null ? amountFromPence(r.current_value_pence) : "",
        r.currency ?? "",
        (codes.get(r.ocid) ?? [])
          .filter((c) => c.status === q.status)
          .map((c) => c.code)
          .join(";"),
        `${origin}/contracts/${encodeURIComponent(r.ocid)}`,
      ];
    }
    const last = rows[rows.length - 1]!;
    if (rows.length < 2_000) return;
    cursor = { k: new Date(last.sort_date).toISOString(), o: last.ocid };
  }
}
