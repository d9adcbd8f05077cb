/**
 * The sensitive-sector register's queries: contracts with a sector (stored in
 * processes.sensitive_sector at ingest), keyset-paginated on the partial
 * indexes of 0007_sensitive, and the summary by sector and by buyer as one SQL
 * aggregate each (no rows loaded into Node).
 */
import { type RawBuilder, sql } from "kysely";
import { TRANSPARENCY_DOCUMENT_TYPE_LIST, documentTypesOf, type SensitiveSort, type SensitiveTotals } from "../../app/domain/sensitive";
import { londonLocalToUtcMs } from "../../app/domain/ocds/dates";
import type { Executor } from "./util";

export interface SensitiveQuery {
  sector?: string | undefined;
  buyer?: string | undefined;
  buyerType?: string | undefined;
  /** CPV prefix of the main code. */
  cpv?: string | undefined;
  /** Financial year (start year) of the award. */
  fy?: number | undefined;
  /** Has a data-protection or algorithmic-transparency document. */
  transparency?: "yes" | "no" | undefined;
  /** Names this supplier (register id) on an award. */
  supplier?: string | undefined;
  /** Current value, pence, at least / at most. */
  minValue?: bigint | undefined;
  maxValue?: bigint | undefined;
  /** Sort date (award, else tender publication) on or after the start of `from`, before the end of `to`: YYYY-MM-DD, UK days. */
  from?: string | undefined;
  to?: string | undefined;
}

/** Midnight in London at the start of the day `iso` (YYYY-MM-DD) plus `addDays`, as an instant (as the register reads its dates). */
function londonDayStart(iso: string, addDays = 0): Date {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return new Date(londonLocalToUtcMs(y, m, d + addDays));
}

const typeList = (types: readonly string[]) => sql.join(types.map((t) => sql`${t}`));

/** The process has a document of one of these types (evaluated against `processes`). */
const hasDocument = (types: readonly string[]) =>
  sql<boolean>`exists (select 1 from documents d where d.ocid = processes.ocid and d.document_type in (${typeList(types)}))`;

/** The conditions of a view, as SQL over `processes` (always: it has a sector). */
export function sensitiveConditions(f: SensitiveQuery): RawBuilder<boolean>[] {
  const c: RawBuilder<boolean>[] = [sql<boolean>`processes.sensitive_sector is not null`];
  if (f.sector) c.push(sql<boolean>`processes.sensitive_sector = ${f.sector}`);
  if (f.buyer) c.push(sql<boolean>`processes.buyer_id = ${BigInt(f.buyer).toString()}::bigint`);
  if (f.buyerType) c.push(sql<boolean>`processes.buyer_type = ${f.buyerType}`);
  if (f.cpv) c.push(sql<boolean>`processes.cpv like ${`${f.cpv}%`}`);
  if (f.fy !== undefined) c.push(sql<boolean>`processes.award_fy = ${f.fy}`);
  if (f.transparency === "yes") c.push(hasDocument(TRANSPARENCY_DOCUMENT_TYPE_LIST));
  if (f.transparency === "no") c.push(sql<boolean>`not ${hasDocument(TRANSPARENCY_DOCUMENT_TYPE_LIST)}`);
  if (f.supplier) c.push(sql<boolean>`processes.supplier_ids @> array[${BigInt(f.supplier).toString()}::bigint]`);
  if (f.minValue !== undefined) c.push(sql<boolean>`processes.current_value_pence >= ${f.minValue.toString()}::bigint`);
  if (f.maxValue !== undefined) c.push(sql<boolean>`processes.current_value_pence <= ${f.maxValue.toString()}::bigint`);
  if (f.from) c.push(sql<boolean>`processes.sort_date >= ${londonDayStart(f.from)}`);
  if (f.to) c.push(sql<boolean>`processes.sort_date < ${londonDayStart(f.to, 1)}`);
  return c;
}

const whereOf = (f: SensitiveQuery) => sql.join(sensitiveConditions(f), sql` and `);

export interface SensitiveRow {
  ocid: string;
  title: string;
  description: string | null;
  sector: string;
  buyer_id: bigint | null;
  buyer_name: string | null;
  buyer_type: string | null;
  status: string;
  cpv: string | null;
  supplier_ids: bigint[];
  supplier_names: string | null;
  award_date: Date | null;
  start_date: Date | null;
  end_date: Date | null;
  current_value_pence: bigint | null;
  tender_value_pence: bigint | null;
  currency: string | null;
  sort_date: Date;
  sort_value: bigint;
  first_release_at: Date;
  last_release_at: Date;
  has_data_protection: boolean;
  has_algorithmic: boolean;
}

export interface SensitiveCursor {
  k: string;
  o: string;
}

const ROW_COLUMNS = sql`
  processes.ocid, processes.title, processes.description, processes.sensitive_sector as sector,
  processes.buyer_id, processes.buyer_name, processes.buyer_type, processes.status, processes.cpv,
  processes.supplier_ids, processes.supplier_names, processes.award_date, processes.start_date, processes.end_date,
  processes.current_value_pence, processes.tender_value_pence, processes.currency, processes.sort_date, processes.sort_value,
  processes.first_release_at, processes.last_release_at,
  ${hasDocument(documentTypesOf("dataProtection"))} as has_data_protection,
  ${hasDocument(documentTypesOf("algorithmic"))} as has_algorithmic`;

/** One page in the view's sort, keyset on (sort key, ocid). Returns `limit` rows and the cursor of the next page. */
export async function searchSensitive(
  db: Executor,
  f: SensitiveQuery,
  sort: SensitiveSort,
  limit: number,
  cursor: SensitiveCursor | null,
): Promise<{ rows: SensitiveRow[]; next: SensitiveCursor | null }> {
  const conds = sensitiveConditions(f);
  let order: RawBuilder<unknown>;
  switch (sort) {
    case "newest":
      if (cursor) conds.push(sql<boolean>`(processes.sort_date, processes.ocid) < (${cursor.k}::timestamptz, ${cursor.o})`);
      order = sql`processes.sort_date desc, processes.ocid desc`;
      break;
    case "oldest":
      if (cursor) conds.push(sql<boolean>`(processes.sort_date, processes.ocid) > (${cursor.k}::timestamptz, ${cursor.o})`);
      order = sql`processes.sort_date asc, processes.ocid asc`;
      break;
    case "value-high":
      if (cursor) conds.push(sql<boolean>`(processes.sort_value, processes.ocid) < (${cursor.k}::bigint, ${cursor.o})`);
      order = sql`processes.sort_value desc, processes.ocid desc`;
      break;
    case "value-low":
      if (cursor) conds.push(sql<boolean>`(processes.sort_value, processes.ocid) > (${cursor.k}::bigint, ${cursor.o})`);
      order = sql`processes.sort_value asc, processes.ocid asc`;
      break;
  }
  const r = await sql<SensitiveRow>`
    select ${ROW_COLUMNS}
    from processes
    where ${sql.join(conds, sql` and `)}
    order by ${order}
    limit ${limit + 1}`.execute(db);
  const more = r.rows.length > limit;
  const rows = more ? r.rows.slice(0, limit) : r.rows;
  const last = rows[rows.length - 1];
  const next =
    more && last
      ? { k: sort === "newest" || sort === "oldest" ? new Date(last.sort_date).toISOString() : String(last.sort_value), o: last.ocid }
      : null;
  return { rows, next };
}

/** The view's contracts most recently changed (for the Atom feed). */
export async function latestSensitive(db: Executor, f: SensitiveQuery, limit: number): Promise<SensitiveRow[]> {
  const r = await sql<SensitiveRow>`
    select ${ROW_COLUMNS}
    from processes
    where ${whereOf(f)}
    order by processes.last_release_at desc, processes.ocid desc
    limit ${limit}`.execute(db);
  return r.rows;
}

interface TotalsRow {
  contracts: number;
  value_pence: bigint;
  non_gbp: number;
  no_value: number;
  no_cpv: number;
  no_cpv_value_pence: bigint;
  no_supplier: number;
  no_supplier_value_pence: bigint;
  with_data_protection: number;
  with_algorithmic: number;
  with_either: number;
}

const TOTALS = sql`
  count(*)::int as contracts,
  coalesce(sum(processes.current_value_pence) filter (where processes.currency = 'GBP'), 0)::bigint as value_pence,
  (count(*) filter (where processes.current_value_pence is not null and processes.currency is distinct from 'GBP'))::int as non_gbp,
  (count(*) filter (where processes.current_value_pence is null))::int as no_value,
  (count(*) filter (where processes.cpv is null))::int as no_cpv,
  coalesce(sum(processes.current_value_pence) filter (where processes.currency = 'GBP' and processes.cpv is null), 0)::bigint as no_cpv_value_pence,
  (count(*) filter (where cardinality(processes.supplier_ids) = 0))::int as no_supplier,
  coalesce(sum(processes.current_value_pence) filter (where processes.currency = 'GBP' and cardinality(processes.supplier_ids) = 0), 0)::bigint as no_supplier_value_pence,
  (count(*) filter (where t.dp))::int as with_data_protection,
  (count(*) filter (where t.alg))::int as with_algorithmic,
  (count(*) filter (where t.ocid is not null))::int as with_either`;

/** The processes with a transparency document, and which kinds (read through the document-type index). */
const TRANSPARENCY_JOIN = sql`
  left join (
    select ocid,
      bool_or(document_type in (${typeList(documentTypesOf("dataProtection"))})) as dp,
      bool_or(document_type in (${typeList(documentTypesOf("algorithmic"))})) as alg
    from documents
    where document_type in (${typeList(TRANSPARENCY_DOCUMENT_TYPE_LIST)})
    group by ocid
  ) t on t.ocid = processes.ocid`;

const toTotals = (r: TotalsRow): SensitiveTotals => ({
  contracts: r.contracts,
  valuePence: BigInt(r.value_pence),
  nonGbp: r.non_gbp,
  noValue: r.no_value,
  noCpv: r.no_cpv,
  noCpvValuePence: BigInt(r.no_cpv_value_pence),
  noSupplier: r.no_supplier,
  noSupplierValuePence: BigInt(r.no_supplier_value_pence),
  withDataProtection: r.with_data_protection,
  withAlgorithmic: r.with_algorithmic,
  withEither: r.with_either,
});

/**
 * Both summaries of the view in ONE scan (grouping sets): totals by sector, and
 * the `limit` buyers with most GBP value (then most contracts, then lowest id;
 * contracts with no buyer count as one row) with how many buyers there are.
 */
export async function sensitiveSummaryRows(
  db: Executor,
  f: SensitiveQuery,
  limit: number,
): Promise<{ sectors: Array<{ sector: string } & SensitiveTotals>; buyers: SensitiveBuyerTotals[]; buyerCount: number }> {
  type Row = TotalsRow & { by_sector: boolean; sector: string | null; buyer_id: bigint | null; name: string | null; buyer_type: string | null; buyers: number };
  const r = await sql<Row>`
    with g as (
      select grouping(processes.buyer_id) = 1 as by_sector, processes.sensitive_sector as sector, processes.buyer_id,
        min(processes.buyer_name) as name, min(processes.buyer_type) as buyer_type, ${TOTALS}
      from processes ${TRANSPARENCY_JOIN}
      where ${whereOf(f)}
      group by grouping sets ((processes.sensitive_sector), (processes.buyer_id))
    )
    select *, 0 as buyers from g where by_sector
    union all
    select * from (
      select *, (count(*) over ())::int as buyers from g where not by_sector
      order by value_pence desc, contracts desc, buyer_id asc nulls last
      limit ${limit}
    ) b`.execute(db);
  const buyerRows = r.rows.filter((x) => !x.by_sector);
  return {
    sectors: r.rows.filter((x) => x.by_sector).map((row) => ({ sector: row.sector!, ...toTotals(row) })),
    buyers: buyerRows.map((row) => ({
      buyerId: row.buyer_id === null ? null : String(row.buyer_id),
      name: row.name,
      buyerType: row.buyer_type,
      ...toTotals(row),
    })),
    buyerCount: buyerRows[0]?.buyers ?? 0,
  };
}

/** Totals by sector for the view (sectors with contracts only). */
export async function sensitiveBySector(db: Executor, f: SensitiveQuery): Promise<Array<{ sector: string } & SensitiveTotals>> {
  const r = await sql<TotalsRow & { sector: string }>`
    select processes.sensitive_sector as sector, ${TOTALS}
    from processes ${TRANSPARENCY_JOIN}
    where ${whereOf(f)}
    group by processes.sensitive_sector`.execute(db);
  return r.rows.map((row) => ({ sector: row.sector, ...toTotals(row) }));
}

export interface SensitiveBuyerTotals extends SensitiveTotals {
  buyerId: string | null;
  name: string | null;
  buyerType: string | null;
}
