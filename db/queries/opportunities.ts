/**
 * Opportunities: open tenders (submission deadline still ahead, decided at
 * query time against "now", so a tender leaves the list on its deadline
 * without a restart) and upcoming ones (planning notices), with keyset
 * pagination; and a buyer's SME track record.
 */
import { sql } from "kysely";
import type { Executor } from "./util";

export type OpportunitySort = "closing" | "newest" | "value";

export interface OpportunityQuery {
  q?: string | undefined;
  /** open: tender open for bids; upcoming: planning notice; neither: both. */
  stage?: "open" | "upcoming" | undefined;
  buyer?: bigint | undefined;
  cpv?: string | undefined;
  region?: string | undefined;
  minValue?: bigint | undefined;
  maxValue?: bigint | undefined;
  /** Submission deadline on or after the start of this day (UTC). */
  deadlineFrom?: string | undefined;
  /** Submission deadline before the end of this day (UTC). */
  deadlineTo?: string | undefined;
  sme?: boolean | undefined;
  vcse?: boolean | undefined;
  lots?: boolean | undefined;
  now: Date;
}

export interface OpportunityRow {
  ocid: string;
  title: string;
  status: string;
  buyer_id: bigint | null;
  buyer_name: string | null;
  buyer_region: string | null;
  cpv: string | null;
  tender_value_pence: bigint | null;
  currency: string | null;
  tender_deadline: Date | null;
  tender_published_at: Date | null;
  suitable_sme: boolean | null;
  suitable_vcse: boolean | null;
  lot_count: number;
  sort_date: Date;
  last_release_at: Date;
  description: string | null;
}

const DEADLINE = sql`coalesce(p.tender_deadline, 'infinity'::timestamptz)`;
const VALUE = sql`coalesce(p.tender_value_pence, -1)`;
const tsQuery = (q: string) => sql`websearch_to_tsquery('english', ${q})`;
const DAY_MS = 86_400_000;

function base(db: Executor, f: OpportunityQuery) {
  let b = db.selectFrom("processes as p");
  if (f.stage === "open") b = b.where(sql<boolean>`p.status = 'open'`);
  else if (f.stage === "upcoming") b = b.where(sql<boolean>`p.status = 'planned'`);
  else b = b.where(sql<boolean>`p.status in ('open', 'planned')`);
  b = b.where(sql<boolean>`${DEADLINE} > ${f.now}`);
  if (f.q) b = b.where(sql<boolean>`p.search @@ ${tsQuery(f.q)}`);
  if (f.buyer !== undefined) b = b.where(sql<boolean>`p.buyer_id = ${f.buyer.toString()}::bigint`);
  if (f.cpv) b = b.where(sql<boolean>`p.cpv like ${`${f.cpv}%`}`);
  if (f.region) b = b.where(sql<boolean>`p.buyer_region = ${f.region}`);
  if (f.minValue !== undefined) b = b.where(sql<boolean>`p.tender_value_pence >= ${f.minValue.toString()}::bigint`);
  if (f.maxValue !== undefined) b = b.where(sql<boolean>`p.tender_value_pence <= ${f.maxValue.toString()}::bigint`);
  if (f.deadlineFrom) b = b.where(sql<boolean>`p.tender_deadline >= ${new Date(`${f.deadlineFrom}T00:00:00Z`)}`);
  if (f.deadlineTo) b = b.where(sql<boolean>`p.tender_deadline < ${new Date(Date.parse(`${f.deadlineTo}T00:00:00Z`) + DAY_MS)}`);
  if (f.sme) b = b.where(sql<boolean>`p.suitable_sme is true`);
  if (f.vcse) b = b.where(sql<boolean>`p.suitable_vcse is true`);
  if (f.lots === true) b = b.where(sql<boolean>`exists (select 1 from process_extras x where x.ocid = p.ocid and x.lot_count > 0)`);
  if (f.lots === false) b = b.where(sql<boolean>`not exists (select 1 from process_extras x where x.ocid = p.ocid and x.lot_count > 0)`);
  return b;
}

export interface Cursor {
  k: string;
  o: string;
}

/** One page of opportunities and the cursor of the next page. */
export async function searchOpportunities(
  db: Executor,
  f: OpportunityQuery,
  sort: OpportunitySort,
  limit: number,
  cursor: Cursor | null,
): Promise<{ rows: OpportunityRow[]; next: Cursor | null }> {
  let qb = base(db, f).select([
    "p.ocid",
    "p.title",
    "p.status",
    "p.buyer_id",
    "p.buyer_name",
    "p.buyer_region",
    "p.cpv",
    "p.tender_value_pence",
    "p.currency",
    "p.tender_deadline",
    "p.tender_published_at",
    "p.suitable_sme",
    "p.suitable_vcse",
    "p.sort_date",
    "p.last_release_at",
    sql<string | null>`left(p.description, 600)`.as("description"),
    sql<number>`coalesce((select x.lot_count from process_extras x where x.ocid = p.ocid), 0)`.as("lot_count"),
  ]);
  if (sort === "closing") {
    if (cursor) qb = qb.where(sql<boolean>`(${DEADLINE}, p.ocid) > (${cursor.k}::timestamptz, ${cursor.o})`);
    qb = qb.orderBy(DEADLINE, "asc").orderBy("p.ocid", "asc");
  } else if (sort === "newest") {
    if (cursor) qb = qb.where(sql<boolean>`(p.sort_date, p.ocid) < (${cursor.k}::timestamptz, ${cursor.o})`);
    qb = qb.orderBy("p.sort_date", "desc").orderBy("p.ocid", "desc");
  } else {
    if (cursor) qb = qb.where(sql<boolean>`(${VALUE}, p.ocid) < (${cursor.k}::bigint, ${cursor.o})`);
    qb = qb.orderBy(VALUE, "desc").orderBy("p.ocid", "desc");
  }
  const rows = (await qb.limit(limit + 1).execute()) as unknown as OpportunityRow[];
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  if (!more || !last) return { rows: page, next: null };
  const k =
    sort === "closing"
      ? last.tender_deadline
        ? new Date(last.tender_deadline).toISOString()
        : "infinity"
      : sort === "newest"
        ? new Date(last.sort_date).toISOString()
        : String(last.tender_value_pence ?? -1n);
  return { rows: page, next: { k, o: last.ocid } };
}

/** The next deadline among the matching opportunities (when the list next changes by the clock alone), or null. */
export async function nextDeadline(db: Executor, f: OpportunityQuery): Promise<Date | null> {
  const r = await base(db, f).select("p.tender_deadline").where("p.tender_deadline", "is not", null).orderBy(DEADLINE, "asc").orderBy("p.ocid", "asc").limit(1).executeTakeFirst();
  return r?.tender_deadline ? new Date(r.tender_deadline) : null;
}

/** How many opportunities match, exactly up to `cap`. */
export async function countOpportunities(db: Executor, f: OpportunityQuery, cap = 10_000): Promise<{ count: number; capped: boolean }> {
  const inner = base(db, f).select(sql`1`.as("one")).limit(cap + 1);
  const r = await db
    .selectFrom(inner.as("m"))
    .select(sql<number>`count(*)::int`.as("n"))
    .executeTakeFirstOrThrow();
  return { count: Math.min(r.n, cap), capped: r.n > cap };
}

/** The stored extras of one process (lot count and the like), or undefined. */
export async function getProcessExtras(db: Executor, ocid: string) {
  return db.selectFrom("process_extras").selectAll().where("ocid", "=", ocid).executeTakeFirst();
}

export interface BuyerSmeRecord {
  smeValuePence: bigint;
  largeValuePence: bigint;
  unknownValuePence: bigint;
  /** Contracts with at least one award counted. */
  contracts: number;
}

/**
 * A buyer's awarded value by supplier scale, all years (../shared/docs/metrics.md,
 * "Supplier scale and SME share"): each award that counts (not cancelled or
 * unsuccessful) with a value in pounds sterling is split between its suppliers
 * equally — floor(value ÷ n) each, the pence left over one each to the first
 * suppliers — unless every supplier has a published value of its own, which is
 * then used; each part goes to the scale resolved for that supplier on that
 * award (micro, small, medium and sme are SME; large; unknown).
 */
export async function buyerSmeRecord(db: Executor, buyerId: bigint): Promise<BuyerSmeRecord> {
  const r = await sql<{ sme: bigint | null; large: bigint | null; unknown: bigint | null; contracts: number }>`
    with a as (
      select aw.ocid, aw.award_id, aw.value_pence as v
      from processes p
      join awards aw on aw.ocid = p.ocid
      where p.buyer_id = ${buyerId.toString()}::bigint
        and aw.value_pence is not null and aw.value_pence >= 0
        and upper(coalesce(aw.currency, p.currency, 'GBP')) = 'GBP'
        and (aw.status is null or aw.status not in ('cancelled', 'unsuccessful'))
    ),
    s as (
      select a.ocid, a.v, s.scale, s.published_value_pence as pub,
             count(*) over w as n,
             count(s.published_value_pence) over w as npub,
             row_number() over (partition by s.ocid, s.award_id order by s.position) - 1 as i
      from a
      join award_suppliers s on s.ocid = a.ocid and s.award_id = a.award_id
      window w as (partition by s.ocid, s.award_id)
    ),
    parts as (
      select ocid, scale,
             case when npub = n then pub else v / n + case when i < v % n then 1 else 0 end end as part
      from s
    )
    select sum(part) filter (where scale in ('micro', 'small', 'medium', 'sme'))::int8 as sme,
           sum(part) filter (where scale = 'large')::int8 as large,
           sum(part) filter (where scale not in ('micro', 'small', 'medium', 'sme', 'large'))::int8 as unknown,
           count(distinct ocid)::int as contracts
    from parts`.execute(db);
  const row = r.rows[0];
  return {
    smeValuePence: row?.sme ?? 0n,
    largeValuePence: row?.large ?? 0n,
    unknownValuePence: row?.unknown ?? 0n,
    contracts: row?.contracts ?? 0,
  };
}
