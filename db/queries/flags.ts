/**
 * SQL for red flags: the stored flags, the cross-contract rules' peer rows,
 * the compiled fields flags need beyond the core tables (process_extras), the
 * inputs of a full recompute, and the /watch figures.
 *
 * Lists of ids travel as one jsonb parameter (same SQL on PGlite and pg, and
 * no limit on the number of bind parameters).
 */
import { type Expression, type SqlBool, sql } from "kysely";
import type { Executor } from "./util";
import { FLAG_FACTS_SELECT } from "../migrations/0013_flag_facts";
import { insertChunked } from "./util";

const CHUNK = 5_000;

/** A jsonb array parameter, unpacked as a set of text values. */
const textSet = (values: readonly string[]) => sql`(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
const bigintSet = (values: readonly bigint[]) =>
  sql`(select (jsonb_array_elements_text(${JSON.stringify(values.map(String))}::jsonb))::bigint)`;

/** A timestamp as canonical ISO text (`2024-07-03T23:00:00.000Z`), made by the database: cheaper than parsing dates in JS. */
const isoText = (col: string) => sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

async function inChunks<T>(list: readonly T[], fn: (chunk: readonly T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < list.length; i += CHUNK) await fn(list.slice(i, i + CHUNK));
}

// ---------------------------------------------------------------------------
// Writes

export interface FlagRow {
  ocid: string;
  code: string;
  status: "flagged" | "unknown";
  evidence: Record<string, string | number | boolean | null>;
  threshold: string;
}

export interface PeerRow {
  ocid: string;
  buyer_id: bigint | null;
  supplier_id: bigint;
  /** ISO text when read (see `isoText`); a Date or ISO text when written. */
  award_date: Date | string | null;
  value_pence: bigint | null;
  non_competitive: boolean | null;
}

export interface ExtrasRow {
  ocid: string;
  method_rationale: string | null;
  tender_start_date: string | null;
  award_published_at: string | null;
  termination_reason: string | null;
  lot_count: number;
}

export async function insertFlags(db: Executor, rows: FlagRow[]): Promise<void> {
  await insertChunked(db, "flags", rows);
}

export async function insertPeerRows(db: Executor, rows: PeerRow[]): Promise<void> {
  await insertChunked(db, "flag_peers", rows);
}

export async function insertExtras(db: Executor, rows: ExtrasRow[]): Promise<void> {
  await insertChunked(db, "process_extras", rows);
}

/** Remove everything flags keep for these processes (before they are written again). */
export async function deleteFlagData(db: Executor, ocids: readonly string[]): Promise<void> {
  await inChunks(ocids, async (chunk) => {
    await sql`delete from flags where ocid in ${textSet(chunk)}`.execute(db);
    await sql`delete from flag_peers where ocid in ${textSet(chunk)}`.execute(db);
    await sql`delete from process_extras where ocid in ${textSet(chunk)}`.execute(db);
  });
}

/** Remove the stored flags of these processes, all rules or only `codes`. */
export async function deleteFlags(db: Executor, ocids: readonly string[], codes?: readonly string[]): Promise<void> {
  await inChunks(ocids, async (chunk) => {
    if (codes) await sql`delete from flags where ocid in ${textSet(chunk)} and code in ${textSet(codes)}`.execute(db);
    else await sql`delete from flags where ocid in ${textSet(chunk)}`.execute(db);
  });
}

/**
 * Rewrite the /watch facts of these processes from their stored row and flags
 * (migration 0013): called wherever their flags are written.
 */
export async function refreshFlagFacts(db: Executor, ocids: readonly string[]): Promise<void> {
  await inChunks([...new Set(ocids)], async (chunk) => {
    await sql`
      insert into flag_facts ${sql.raw(FLAG_FACTS_SELECT)} where p.ocid in ${textSet(chunk)} group by p.ocid
      on conflict (ocid) do update set
        buyer_id = excluded.buyer_id, buyer_name = excluded.buyer_name, buyer_type = excluded.buyer_type,
        award_fy = excluded.award_fy, current_value_pence = excluded.current_value_pence, currency = excluded.currency,
        supplier_ids = excluded.supplier_ids, flagged = excluded.flagged, unknown = excluded.unknown`.execute(db);
  });
}

// ---------------------------------------------------------------------------
// Peer rows

const peerColumns = sql`ocid, buyer_id, supplier_id, ${isoText("award_date")} as award_date, value_pence, non_competitive`;

export async function peerRowsByOcids(db: Executor, ocids: readonly string[]): Promise<PeerRow[]> {
  const out: PeerRow[] = [];
  await inChunks(ocids, async (chunk) => {
    const r = await sql<PeerRow>`select ${peerColumns} from flag_peers where ocid in ${textSet(chunk)}`.execute(db);
    out.push(...r.rows);
  });
  return out;
}

export interface PairRange {
  buyerId: bigint;
  supplierId: bigint;
  /** Rows dated from … to (inclusive); both null: every row of the pair. Undated rows always come. */
  from: Date | null;
  to: Date | null;
}

/** The peer rows of these buyer–supplier pairs within each pair's date range (and every undated row). */
export async function peerRowsInRanges(db: Executor, ranges: readonly PairRange[]): Promise<PeerRow[]> {
  const out: PeerRow[] = [];
  await inChunks(ranges, async (chunk) => {
    const json = JSON.stringify(
      chunk.map((r) => ({
        b: r.buyerId.toString(),
        s: r.supplierId.toString(),
        lo: r.from?.toISOString() ?? null,
        hi: r.to?.toISOString() ?? null,
      })),
    );
    const r = await sql<PeerRow>`
      select fp.ocid, fp.buyer_id, fp.supplier_id, ${isoText("fp.award_date")} as award_date, fp.value_pence, fp.non_competitive
      from jsonb_to_recordset(${json}::jsonb) as q(b bigint, s bigint, lo timestamptz, hi timestamptz)
      join flag_peers fp on fp.buyer_id = q.b and fp.supplier_id = q.s
       and (q.lo is null or fp.award_date is null or fp.award_date between q.lo and q.hi)`.execute(db);
    out.push(...r.rows);
  });
  return out;
}

export interface OwnSupplierRow {
  ocid: string;
  buyer_id: bigint | null;
  award_date: Date | null;
  procurement_method: string | null;
  current_value_pence: bigint | null;
  currency: string | null;
  award_status: string | null;
  supplier_id: bigint | null;
  published_value_pence: bigint | null;
}

/**
 * What the peer rows of these processes are made from: each process once with
 * its award suppliers (in award id, then position order); a process without
 * suppliers comes once with `supplier_id` null.
 */
export async function peerSourcesFor(db: Executor, ocids: readonly string[]): Promise<OwnSupplierRow[]> {
  const out: OwnSupplierRow[] = [];
  await inChunks(ocids, async (chunk) => {
    const r = await sql<OwnSupplierRow>`
      select p.ocid, p.buyer_id, p.award_date, p.procurement_method, p.current_value_pence, p.currency,
             a.status as award_status, s.supplier_id, s.published_value_pence
      from processes p
      left join awards a on a.ocid = p.ocid
      left join award_suppliers s on s.ocid = a.ocid and s.award_id = a.award_id
      where p.ocid in ${textSet(chunk)}
      order by p.ocid, a.award_id, s.position`.execute(db);
    out.push(...r.rows);
  });
  return out;
}

// ---------------------------------------------------------------------------
// Recompute inputs

/** Contracts per buyer (null: no buyer), for packing a recompute into batches. */
/** Processes that have no stored flag inputs (written before 0004, or by another path). */
export async function processesWithoutExtras(db: Executor, limit: number): Promise<string[]> {
  const r = await sql<{ ocid: string }>`
    select p.ocid from processes p where not exists (select 1 from process_extras x where x.ocid = p.ocid)
    order by p.ocid limit ${limit}`.execute(db);
  return r.rows.map((row) => row.ocid);
}

export async function countProcessesWithoutExtras(db: Executor): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from processes p where not exists (select 1 from process_extras x where x.ocid = p.ocid)`.execute(db);
  return r.rows[0]?.n ?? 0;
}

export interface SubjectRow {
  ocid: string;
  status: string;
  procurement_method: string | null;
  procurement_method_details: string | null;
  number_of_tenderers: number | null;
  /** Timestamps as ISO text (see `isoText`). */
  tender_published_at: string | null;
  tender_deadline: string | null;
  original_value_pence: bigint | null;
  current_value_pence: bigint | null;
  currency: string | null;
  terminated_at: string | null;
  end_date: string | null;
  method_rationale: string | null;
  tender_start_date: string | null;
  award_published_at: string | null;
  termination_reason: string | null;
}

export interface ContractItemRow {
  ocid: string;
  contract_id: string;
  status: string | null;
  date_signed: string | null;
  end_date: string | null;
}

export interface AmendmentRow {
  ocid: string;
  contract_id: string;
  value_before_pence: bigint | null;
  value_after_pence: bigint | null;
}

export interface FlagBatchInputs {
  subjects: SubjectRow[];
  items: ContractItemRow[];
  amendments: AmendmentRow[];
  peers: PeerRow[];
  /** The flags stored now for these processes. */
  stored: FlagRow[];
}

/**
 * The next `limit` processes after `afterOcid` in ocid order, with everything
 * the rules read: a recompute walks the register in key order, so each batch
 * reads neighbouring rows of every table (processes and their children are
 * written together, in ocid order when loaded in bulk) instead of one buyer's
 * contracts scattered across the whole heap. The cross-contract rules' peers
 * are every row of each buyer–supplier pair the batch's contracts belong to.
 */
export async function loadOcidBatch(db: Executor, afterOcid: string | null, limit: number): Promise<FlagBatchInputs & { lastOcid: string | null }> {
  const subjects = await sql<SubjectRow>`
    select p.ocid, p.status, p.procurement_method, p.procurement_method_details, p.number_of_tenderers,
           ${isoText("p.tender_published_at")} as tender_published_at, ${isoText("p.tender_deadline")} as tender_deadline,
           p.original_value_pence, p.current_value_pence, p.currency,
           ${isoText("p.terminated_at")} as terminated_at, ${isoText("p.end_date")} as end_date,
           x.method_rationale, ${isoText("x.tender_start_date")} as tender_start_date,
           ${isoText("x.award_published_at")} as award_published_at, x.termination_reason
    from processes p left join process_extras x on x.ocid = p.ocid
    where ${afterOcid === null ? sql`true` : sql`p.ocid > ${afterOcid}`}
    order by p.ocid
    limit ${limit}`.execute(db);
  const first = subjects.rows[0]?.ocid;
  const last = subjects.rows[subjects.rows.length - 1]?.ocid;
  if (first === undefined || last === undefined) return { subjects: [], items: [], amendments: [], peers: [], stored: [], lastOcid: null };
  const range = (col: string) => sql`${sql.ref(col)} between ${first} and ${last}`;
  const [items, amendments, own, stored] = await Promise.all([
    sql<ContractItemRow>`
      select ci.ocid, ci.contract_id, ci.status, ${isoText("ci.date_signed")} as date_signed, ${isoText("ci.end_date")} as end_date
      from contract_items ci where ${range("ci.ocid")} order by ci.ocid, ci.contract_id`.execute(db),
    sql<AmendmentRow>`
      select am.ocid, am.contract_id, am.value_before_pence, am.value_after_pence
      from amendments am where ${range("am.ocid")} order by am.ocid, am.contract_id, am.position`.execute(db),
    sql<PeerRow>`select ${peerColumns} from flag_peers where ${range("ocid")}`.execute(db),
    sql<FlagRow>`select f.ocid, f.code, f.status, f.evidence, f.threshold from flags f where ${range("f.ocid")}`.execute(db),
  ]);
  // Every row of the batch's pairs (its own rows among them); rows without a buyer belong to no pair.
  const pairs = new Map<string, [bigint, bigint]>();
  for (const r of own.rows) if (r.buyer_id !== null) pairs.set(`${r.buyer_id}/${r.supplier_id}`, [r.buyer_id, r.supplier_id]);
  const buyers = [...pairs.values()].map(([b]) => b.toString());
  const suppliers = [...pairs.values()].map(([, sup]) => sup.toString());
  const pairRows =
    pairs.size === 0
      ? []
      : (
          await sql<PeerRow>`
            select ${peerColumns} from flag_peers
            where (buyer_id, supplier_id) in (select * from unnest(${buyers}::bigint[], ${suppliers}::bigint[]))`.execute(db)
        ).rows;
  const peers = [...pairRows, ...own.rows.filter((r) => r.buyer_id === null)];
  return { subjects: subjects.rows, items: items.rows, amendments: amendments.rows, peers, stored: stored.rows, lastOcid: last };
}

/**
 * Apply a recompute's changes: insert or replace `upserts` (their
 * `computed_at` set to now), and delete the stored outcomes in `removals`.
 * Outcomes that did not change are not written at all.
 */
export async function applyFlagChanges(
  db: Executor,
  upserts: readonly FlagRow[],
  removals: ReadonlyArray<{ ocid: string; code: string }>,
): Promise<void> {
  await inChunks(removals, async (chunk) => {
    await sql`
      delete from flags f using jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as q(ocid text, code text)
      where f.ocid = q.ocid and f.code = q.code`.execute(db);
  });
  await inChunks(upserts, async (chunk) => {
    await sql`
      insert into flags (ocid, code, status, evidence, threshold)
      select ocid, code, status, evidence, threshold from jsonb_populate_recordset(null::flags, ${JSON.stringify(chunk)}::jsonb)
      on conflict (ocid, code) do update
        set status = excluded.status, evidence = excluded.evidence, threshold = excluded.threshold, computed_at = now()`.execute(db);
  });
}

// ---------------------------------------------------------------------------
// Reads

export interface StoredFlag {
  code: string;
  status: "flagged" | "unknown";
  evidence: Record<string, string | number | boolean | null>;
  threshold: string;
  computed_at: Date;
}

/** The stored flags of one contract (flagged and cannot-tell), in no particular order. */
export async function flagsForContract(db: Executor, ocid: string): Promise<StoredFlag[]> {
  return db
    .selectFrom("flags")
    .select(["code", "status", "evidence", "threshold", "computed_at"])
    .where("ocid", "=", ocid)
    .execute();
}

/** Flag codes per contract for a page of contracts (flagged only unless `withUnknown`). */
export async function flagCodesFor(
  db: Executor,
  ocids: readonly string[],
  withUnknown = false,
): Promise<Map<string, Array<{ code: string; status: "flagged" | "unknown" }>>> {
  const out = new Map<string, Array<{ code: string; status: "flagged" | "unknown" }>>();
  if (ocids.length === 0) return out;
  let q = db.selectFrom("flags").select(["ocid", "code", "status"]).where("ocid", "in", [...ocids]);
  if (!withUnknown) q = q.where("status", "=", "flagged");
  for (const r of await q.execute()) {
    const list = out.get(r.ocid) ?? [];
    list.push({ code: r.code, status: r.status });
    out.set(r.ocid, list);
  }
  return out;
}

/** The condition "this process (`processes` as `p`) has a stored flag" (any rule, or `code`; flagged or `status`). */
export function hasFlag(code: string | undefined, status: "flagged" | "unknown" = "flagged"): Expression<SqlBool> {
  return code
    ? sql<SqlBool>`exists (select 1 from flags f where f.ocid = p.ocid and f.code = ${code} and f.status = ${status})`
    : sql<SqlBool>`exists (select 1 from flags f where f.ocid = p.ocid and f.status = ${status})`;
}

// ---------------------------------------------------------------------------
// /watch

export interface WatchQuery {
  /** One rule, or every rule. */
  code?: string | undefined;
  /** Contracts the rule flagged (default) or could not check. */
  status: "flagged" | "unknown";
  buyer?: bigint | undefined;
  buyerType?: string | undefined;
  supplier?: bigint | undefined;
  /** Financial year start year of the award. */
  fy?: number | undefined;
  minValue?: bigint | undefined;
  maxValue?: bigint | undefined;
}

/** The filters on `processes p` or `flag_facts p` (everything but the flag itself; both carry these columns). */
function processFilters(f: WatchQuery) {
  const parts = [sql`true`];
  if (f.buyer !== undefined) parts.push(sql`p.buyer_id = ${f.buyer.toString()}::bigint`);
  if (f.buyerType) parts.push(sql`p.buyer_type = ${f.buyerType}`);
  if (f.supplier !== undefined) parts.push(sql`p.supplier_ids @> array[${f.supplier.toString()}::bigint]`);
  if (f.fy !== undefined) parts.push(sql`p.award_fy = ${f.fy}`);
  if (f.minValue !== undefined) parts.push(sql`p.current_value_pence >= ${f.minValue.toString()}::bigint`);
  if (f.maxValue !== undefined) parts.push(sql`p.current_value_pence <= ${f.maxValue.toString()}::bigint`);
  return sql.join(parts, sql` and `);
}

const GBP_VALUE = sql`case when upper(coalesce(p.currency, 'GBP')) = 'GBP' then p.current_value_pence end`;

export interface FlagCountRow {
  code: string;
  status: "flagged" | "unknown";
  contracts: number;
  value_pence: bigint;
}

/** Contracts and their value (GBP) per rule and outcome, among the contracts the filters select (the flag filter aside). */
export async function flagCounts(db: Executor, f: WatchQuery, codes: readonly string[]): Promise<FlagCountRow[]> {
  if (codes.length === 0) return [];
  // One pass over the facts, two aggregates per rule and outcome (no unnest).
  const cols = codes.flatMap((code, i) =>
    (["flagged", "unknown"] as const).map(
      (status) => sql`count(*) filter (where ${code} = any(p.${sql.raw(status)}))::int as ${sql.raw(`c${i}_${status}`)},
        coalesce(sum(${GBP_VALUE}) filter (where ${code} = any(p.${sql.raw(status)})), 0)::int8 as ${sql.raw(`v${i}_${status}`)}`,
    ),
  );
  const r = await sql<Record<string, number | bigint>>`select ${sql.join(cols)} from flag_facts p where ${processFilters(f)}`.execute(db);
  const row = r.rows[0] ?? {};
  return codes.flatMap((code, i) =>
    (["flagged", "unknown"] as const).map((status) => ({
      code,
      status,
      contracts: Number(row[`c${i}_${status}`] ?? 0),
      value_pence: BigInt(row[`v${i}_${status}`] ?? 0),
    })),
  );
}

export interface BuyerFlagRow {
  buyer_id: bigint | null;
  buyer_name: string | null;
  contracts: number;
  value_pence: bigint;
  flagged_contracts: number;
  flagged_value_pence: bigint;
}

/**
 * Per buyer, among the contracts the filters select: all contracts and their
 * value (GBP), and those carrying the flag (the chosen rule, or any rule).
 */
export async function buyerFlagShares(db: Executor, f: WatchQuery): Promise<BuyerFlagRow[]> {
  const codes = f.status === "flagged" ? sql`p.flagged` : sql`p.unknown`;
  const flagged = f.code ? sql`${f.code} = any(${codes})` : sql`cardinality(${codes}) > 0`;
  const r = await sql<BuyerFlagRow>`
    select buyer_id, max(buyer_name) as buyer_name, count(*)::int as contracts,
           coalesce(sum(v), 0)::int8 as value_pence,
           (count(*) filter (where flagged))::int as flagged_contracts,
           coalesce(sum(v) filter (where flagged), 0)::int8 as flagged_value_pence
    from (
      select p.buyer_id, p.buyer_name, ${GBP_VALUE} as v, ${flagged} as flagged
      from flag_facts p where ${processFilters(f)}
    ) x
    group by buyer_id`.execute(db);
  return r.rows;
}

export interface WatchRow {
  ocid: string;
  title: string;
  buyer_id: bigint | null;
  buyer_name: string | null;
  buyer_type: string | null;
  supplier_names: string | null;
  award_date: Date | null;
  award_fy: number | null;
  current_value_pence: bigint | null;
  currency: string | null;
  sort_date: Date;
  sort_value: bigint;
  supplier_ids: bigint[];
}

export type WatchSort = "newest" | "value-high";

/** A page of contracts carrying the flag (keyset pagination on the sort key and ocid). */
export async function watchList(
  db: Executor,
  f: WatchQuery,
  sort: WatchSort,
  limit: number,
  cursor: { k: string; o: string } | null,
): Promise<WatchRow[]> {
  const flagCond = hasFlag(f.code, f.status);
  const after =
    cursor === null
      ? sql`true`
      : sort === "newest"
        ? sql`(p.sort_date, p.ocid) < (${cursor.k}::timestamptz, ${cursor.o})`
        : sql`(p.sort_value, p.ocid) < (${cursor.k}::bigint, ${cursor.o})`;
  const order = sort === "newest" ? sql`p.sort_date desc, p.ocid desc` : sql`p.sort_value desc, p.ocid desc`;
  const r = await sql<WatchRow>`
    select p.ocid, p.title, p.buyer_id, p.buyer_name, p.buyer_type, p.supplier_names, p.award_date, p.award_fy,
           p.current_value_pence, p.currency, p.sort_date, p.sort_value, p.supplier_ids
    from processes p
    where ${processFilters(f)} and ${flagCond} and ${after}
    order by ${order}
    limit ${limit}`.execute(db);
  return r.rows;
}

/** A row of the /watch results: the suppliers of a page of contracts, by id (in the order the process lists them). */
export async function supplierNamesFor(db: Executor, ids: readonly bigint[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (ids.length === 0) return out;
  const r = await sql<{ id: string; name: string }>`
    select id::text as id, name from organisations where id in ${bigintSet([...new Set(ids)])}`.execute(db);
  for (const row of r.rows) out.set(row.id, row.name);
  return out;
}

export interface FlaggedBuyerOption {
  id: bigint;
  name: string;
  flagged: number;
}

/**
 * Buyers with at least one flagged contract (any rule): the /watch buyer
 * filter's options, the `max` with most flagged contracts, and how many there
 * are in all.
 */
export async function buyersWithFlags(db: Executor, max: number): Promise<{ buyers: FlaggedBuyerOption[]; total: number }> {
  const r = await sql<{ id: bigint; name: string; flagged: number; total: number }>`
    with b as (
      select p.buyer_id, count(distinct f.ocid)::int as flagged
      from flags f join processes p on p.ocid = f.ocid
      where f.status = 'flagged' and p.buyer_id is not null
      group by p.buyer_id
    )
    select o.id, o.name, b.flagged, (count(*) over ())::int as total
    from b join organisations o on o.id = b.buyer_id
    order by b.flagged desc, o.id
    limit ${max}`.execute(db);
  return { buyers: r.rows.map(({ id, name, flagged }) => ({ id, name, flagged })), total: r.rows[0]?.total ?? 0 };
}
