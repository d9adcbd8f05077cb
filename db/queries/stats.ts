/**
 * Dashboard aggregates, computed in PostgreSQL from the rollup tables of
 * migration 0002_dashboards (maintained on write by triggers) and, for
 * filters the rollups do not carry, from spend_lines / spend_annual through
 * their indexes. Nothing here loads contracts into Node.
 *
 * Every money sum counts GBP lines only; contracts in other currencies are
 * counted separately (nonGbpContracts).
 */
import { type RawBuilder, type SelectQueryBuilder, sql } from "kysely";
import type { Database } from "../schema";
import { applyFilters, type RegisterQuery, supplierOrgConds } from "./register";
import type { Executor } from "./util";

export type View = "awarded" | "annualised";
export type ScaleClassName = "sme" | "large" | "unknown";

/** Filters every dashboard aggregate accepts. Years are financial-year start years, inclusive. */
export interface SpendFilter {
  view: View;
  from?: number | undefined;
  to?: number | undefined;
  buyerId?: bigint | undefined;
  buyerType?: string | undefined;
  /** CPV code prefix (2–8 digits), matched against the main CPV code as the register does. */
  cpv?: string | undefined;
  consultancy?: boolean | undefined;
  supplierId?: bigint | undefined;
  /** Several buyers at once (by-buyer tables). */
  buyerIds?: bigint[] | undefined;
}

// ---------------------------------------------------------------------------
// Writes (used by app/services/spend.server.ts)

export interface SpendProcessRow {
  ocid: string;
  buyer_id: bigint | null;
  buyer_type: string | null;
  cpv: string | null;
  consultancy: boolean;
  award_fy: number | null;
  current_value_pence: bigint | null;
  currency: string | null;
}

export interface SpendSupplierRow {
  ocid: string;
  award_id: string;
  position: number;
  supplier_id: bigint;
  scale: string;
}

/** The written processes and their award suppliers (keyed award id + NUL + position). */
export async function readSpendInputs(db: Executor, ocids: string[]) {
  const processes = new Map<string, SpendProcessRow>();
  const suppliers = new Map<string, Map<string, SpendSupplierRow>>();
  if (ocids.length === 0) return { processes, suppliers };
  const [p, s] = await Promise.all([
    db
      .selectFrom("processes")
      .select(["ocid", "buyer_id", "buyer_type", "cpv", "consultancy", "award_fy", "current_value_pence", "currency"])
      .where("ocid", "in", ocids)
      .execute(),
    db
      .selectFrom("award_suppliers")
      .select(["ocid", "award_id", "position", "supplier_id", "scale"])
      .where("ocid", "in", ocids)
      .execute(),
  ]);
  for (const r of p) processes.set(r.ocid, r as SpendProcessRow);
  for (const r of s) {
    let m = suppliers.get(r.ocid);
    if (!m) {
      m = new Map();
      suppliers.set(r.ocid, m);
    }
    m.set(`${r.award_id}\u0000${r.position}`, r as SpendSupplierRow);
  }
  return { processes, suppliers };
}

/** Remove the spend rows of these processes (the triggers subtract them from the rollups). */
export async function deleteSpendFor(db: Executor, ocids: string[]): Promise<void> {
  if (ocids.length === 0) return;
  await db.deleteFrom("spend_annual").where("ocid", "in", ocids).execute();
  await db.deleteFrom("spend_lines").where("ocid", "in", ocids).execute();
}

// ---------------------------------------------------------------------------
// Helpers

const num = (v: unknown): number => (typeof v === "number" ? v : Number(v ?? 0));
const big = (v: unknown): bigint => (typeof v === "bigint" ? v : BigInt((v as string | number | null) ?? 0));

function conds(parts: (RawBuilder<unknown> | null | false | undefined)[]): RawBuilder<unknown> {
  const list = parts.filter((p): p is RawBuilder<unknown> => !!p);
  return list.length === 0 ? sql`true` : sql.join(list, sql` and `);
}

/**
 * Conditions on a rollup or spend table for a filter (the view aside, which the
 * base tables do not carry). `alias` qualifies the columns; `allYearsRow`
 * keeps a rollup's all-years row (fy = 0) out of per-year sums.
 */
function filterConds(f: SpendFilter, opts: { alias?: string; allYearsRow?: boolean; cpvCol?: "cpv" | "cpv4" } = {}) {
  const c = (col: string) => sql.ref(opts.alias ? `${opts.alias}.${col}` : col);
  return [
    f.from !== undefined ? sql`${c("fy")} >= ${f.from}` : null,
    f.to !== undefined ? sql`${c("fy")} <= ${f.to}` : null,
    opts.allYearsRow && f.from === undefined ? sql`${c("fy")} > 0` : null,
    f.buyerId !== undefined ? sql`${c("buyer_id")} = ${f.buyerId.toString()}::bigint` : null,
    f.buyerIds !== undefined ? sql`${c("buyer_id")} = any(${f.buyerIds.map(String)}::bigint[])` : null,
    f.buyerType !== undefined ? sql`${c("buyer_type")} = ${f.buyerType}` : null,
    f.cpv !== undefined ? sql`${c(opts.cpvCol ?? "cpv")} like ${`${f.cpv}%`}` : null,
    f.consultancy !== undefined ? sql`${c("consultancy")} = ${f.consultancy}` : null,
    f.supplierId !== undefined ? sql`${c("supplier_id")} = ${f.supplierId.toString()}::bigint` : null,
  ];
}

// ---------------------------------------------------------------------------
// Spend by dimensions (SME share, consultancy, buyer profiles, headline figures)

export type CubeDim = "fy" | "quarter" | "buyer_id" | "buyer_type" | "scale_class" | "consultancy";

export interface CubeRow {
  fy: number;
  quarter: number;
  buyer_id: bigint;
  buyer_type: string;
  scale_class: ScaleClassName;
  consultancy: boolean;
  /** GBP value. */
  valuePence: bigint;
  /** Contracts in GBP (including those with no value). */
  contracts: number;
  /** Contracts whose value is in another currency: not in GBP totals. */
  nonGbpContracts: number;
  /** GBP-side contracts with no value published. */
  missingValue: number;
  /** Annualised by their award date for want of contract dates. */
  fallback: number;
}

type CubeTable = "spend_cube_top" | "spend_cube" | "spend_cube_buyer" | "spend_buyer_fy" | "base";

/**
 * The smallest rollup that carries every dimension a query needs; "base" (the
 * spend tables themselves, through their indexes) for a CPV prefix longer than
 * the rollups' four digits.
 */
export function cubeTableFor(f: SpendFilter, dims: readonly CubeDim[]): CubeTable {
  if (f.supplierId !== undefined) throw new Error("cube queries do not filter by supplier");
  if (f.cpv !== undefined && f.cpv.length > 4) return "base";
  const need = new Set<string>(dims);
  if (f.buyerId !== undefined || f.buyerIds !== undefined) need.add("buyer_id");
  if (f.cpv !== undefined) need.add("cpv");
  if (!need.has("buyer_id")) return need.has("cpv") ? "spend_cube" : "spend_cube_top";
  if (!need.has("quarter") && !need.has("cpv")) return "spend_buyer_fy";
  return "spend_cube_buyer";
}

/** The spend tables shaped like a rollup (one row per line, or per line and year). */
function baseAsCube(view: View) {
  return view === "awarded"
    ? sql`(select 'awarded'::text as view, fy, coalesce(quarter, 0)::smallint as quarter, coalesce(buyer_id, 0) as buyer_id,
          buyer_type, cpv, consultancy, scale_class, gbp, value_pence, first_line::int as contracts,
          (first_line and missing_value)::int as missing_value, (first_line and fallback)::int as fallback
        from spend_lines where fy is not null)`
    : sql`(select 'annualised'::text as view, fy, 0::smallint as quarter, coalesce(buyer_id, 0) as buyer_id,
          buyer_type, cpv, consultancy, scale_class, gbp, value_pence, first_line::int as contracts,
          (first_line and missing_value)::int as missing_value, (first_line and fallback)::int as fallback
        from spend_annual)`;
}

/**
 * GBP value, contracts and coverage grouped by `dims`, for a filter. Empty
 * groups (no contract and no value: cells emptied by later changes) are left
 * out. A contract is counted in the group of its first supplier line, so a
 * group split by scale class may hold value and no contracts.
 */
export async function spendCube(db: Executor, f: SpendFilter, dims: readonly CubeDim[]): Promise<CubeRow[]> {
  const table = cubeTableFor(f, dims);
  const allYearsRow = table === "spend_buyer_fy";
  const groupCols = dims.map((d) => sql.ref(d));
  const select = groupCols.length ? sql`${sql.join(groupCols)},` : sql``;
  const groupBy = groupCols.length ? sql`group by ${sql.join(groupCols)}` : sql``;
  const where = conds([sql`view = ${f.view}`, ...filterConds(f, { allYearsRow, cpvCol: table === "base" ? "cpv" : "cpv4" })]);
  const from = table === "base" ? sql`${baseAsCube(f.view)} b` : sql.table(table);
  const r = await sql<Record<string, unknown>>`
    select ${select}
      coalesce(sum(value_pence) filter (where gbp), 0)::int8 as value_pence,
      coalesce(sum(contracts) filter (where gbp), 0)::int8 as contracts,
      coalesce(sum(contracts) filter (where not gbp), 0)::int8 as non_gbp,
      coalesce(sum(missing_value) filter (where gbp), 0)::int8 as missing_value,
      coalesce(sum(fallback) filter (where gbp), 0)::int8 as fallback
    from ${from}
    where ${where}
    ${groupBy}
    having sum(contracts) <> 0 or sum(value_pence) <> 0
    ${groupCols.length ? sql`order by ${sql.join(groupCols)}` : sql``}
  `.execute(db);
  return r.rows.map((row) => ({
    fy: num(row.fy),
    quarter: num(row.quarter),
    buyer_id: big(row.buyer_id),
    buyer_type: String(row.buyer_type ?? ""),
    scale_class: String(row.scale_class ?? "unknown") as ScaleClassName,
    consultancy: Boolean(row.consultancy),
    valuePence: big(row.value_pence),
    contracts: num(row.contracts),
    nonGbpContracts: num(row.non_gbp),
    missingValue: num(row.missing_value),
    fallback: num(row.fallback),
  }));
}

/**
 * Contracts (with a supplier) that have no date the view can place in a year,
 * so they are in no year's figure: no award or signature date (awarded view);
 * neither a start date nor an award date (annualised view). Year filters do
 * not apply (they are in no year); the other filters do.
 */
export async function undatedContracts(db: Executor, f: SpendFilter): Promise<number> {
  const where = conds([
    sql`l.fy is null`,
    sql`l.first_line`,
    ...filterConds({ ...f, from: undefined, to: undefined, supplierId: undefined }, { alias: "l" }),
    f.supplierId !== undefined
      ? sql`exists (select 1 from spend_lines s where s.ocid = l.ocid and s.supplier_id = ${f.supplierId.toString()}::bigint)`
      : null,
    f.view === "annualised" ? sql`not exists (select 1 from spend_annual a where a.ocid = l.ocid)` : null,
  ]);
  const r = await sql<{ n: number }>`select count(*)::int as n from spend_lines l where ${where}`.execute(db);
  return num(r.rows[0]?.n ?? 0);
}

/** Financial years with any contract in a view (ascending). */
export async function yearsWithData(db: Executor, view: View): Promise<number[]> {
  const r = await sql<{ fy: number }>`
    select fy from spend_cube_top where view = ${view} group by fy having sum(contracts) > 0 order by fy
  `.execute(db);
  return r.rows.map((x) => num(x.fy));
}

/**
 * Value per buyer over all years (the all-years rows of spend_buyer_fy), or a
 * year range, with the SME split: for buyer tables and the buyers list.
 */
export async function spendByBuyer(
  db: Executor,
  f: SpendFilter,
  opts: { limit: number; offset?: number; order?: "value" | "name"; q?: string } = { limit: 50 },
) {
  if (f.cpv !== undefined) {
    // the buyer-year rollup has no CPV code: group the full rollup instead
    const rows = await spendCube(db, f, ["buyer_id", "scale_class"]);
    return groupBuyerRows(db, rows, opts);
  }
  const allYears = f.from === undefined && f.to === undefined;
  const where = conds([
    sql`b.view = ${f.view}`,
    allYears ? sql`b.fy = 0` : null,
    // a year range reads the per-year rows only (never the all-years row, fy = 0, even with no lower bound)
    ...filterConds(f, { alias: "b", allYearsRow: !allYears }),
  ]);
  const search = opts.q ? sql`where o.name ilike ${`%${opts.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}` : sql``;
  // Sum per buyer first; join the names only of the page's buyers unless the names sort or filter.
  const byName = opts.order === "name" || !!opts.q;
  const r = await sql<Record<string, unknown>>`
    with agg as (
      select b.buyer_id, max(b.buyer_type) as buyer_type,
        coalesce(sum(b.value_pence) filter (where b.gbp), 0)::int8 as value_pence,
        coalesce(sum(b.value_pence) filter (where b.gbp and b.scale_class = 'sme'), 0)::int8 as sme_pence,
        coalesce(sum(b.value_pence) filter (where b.gbp and b.scale_class = 'large'), 0)::int8 as large_pence,
        coalesce(sum(b.value_pence) filter (where b.gbp and b.scale_class = 'unknown'), 0)::int8 as unknown_pence,
        coalesce(sum(b.value_pence) filter (where b.gbp and b.consultancy), 0)::int8 as consultancy_pence,
        coalesce(sum(b.contracts) filter (where b.gbp), 0)::int8 as contracts,
        coalesce(sum(b.contracts) filter (where not b.gbp), 0)::int8 as non_gbp
      from spend_buyer_fy b
      where ${where}
      group by b.buyer_id
      having sum(b.contracts) > 0
    )
    ${
      byName
        ? sql`select agg.*, o.name, o.scheme, o.identifier, count(*) over () as total_rows
              from agg join organisations o on o.id = agg.buyer_id ${search}
              order by ${opts.order === "name" ? sql`o.name, agg.buyer_id` : sql`agg.value_pence desc, agg.buyer_id`}
              limit ${opts.limit} offset ${opts.offset ?? 0}`
        : sql`select x.*, o.name, o.scheme, o.identifier, (select count(*) from agg) as total_rows
              from (select * from agg order by value_pence desc, buyer_id limit ${opts.limit} offset ${opts.offset ?? 0}) x
              join organisations o on o.id = x.buyer_id
              order by x.value_pence desc, x.buyer_id`
    }
  `.execute(db);
  return {
    total: num(r.rows[0]?.total_rows ?? 0),
    rows: r.rows.map((x) => ({
      buyerId: big(x.buyer_id),
      name: String(x.name),
      scheme: (x.scheme as string | null) ?? null,
      identifier: (x.identifier as string | null) ?? null,
      buyerType: (x.buyer_type as string) || null,
      valuePence: big(x.value_pence),
      smePence: big(x.sme_pence),
      largePence: big(x.large_pence),
      unknownPence: big(x.unknown_pence),
      consultancyPence: big(x.consultancy_pence),
      contracts: num(x.contracts),
      nonGbpContracts: num(x.non_gbp),
    })),
  };
}

async function groupBuyerRows(
  db: Executor,
  rows: CubeRow[],
  opts: { limit: number; offset?: number; order?: "value" | "name"; q?: string },
) {
  const by = new Map<bigint, { sme: bigint; large: bigint; unknown: bigint; contracts: number; nonGbp: number }>();
  for (const r of rows) {
    const g = by.get(r.buyer_id) ?? { sme: 0n, large: 0n, unknown: 0n, contracts: 0, nonGbp: 0 };
    g[r.scale_class] += r.valuePence;
    g.contracts += r.contracts;
    g.nonGbp += r.nonGbpContracts;
    by.set(r.buyer_id, g);
  }
  const ids = [...by.keys()].filter((id) => id !== 0n);
  const orgs = ids.length
    ? await db.selectFrom("organisations").select(["id", "name", "buyer_type", "scheme", "identifier"]).where("id", "in", ids).execute()
    : [];
  const q = opts.q?.toLowerCase();
  let list = orgs
    .filter((o) => !q || o.name.toLowerCase().includes(q))
    .map((o) => {
      const g = by.get(o.id)!;
      return {
        buyerId: o.id,
        name: o.name,
        scheme: o.scheme,
        identifier: o.identifier,
        buyerType: o.buyer_type,
        valuePence: g.sme + g.large + g.unknown,
        smePence: g.sme,
        largePence: g.large,
        unknownPence: g.unknown,
        consultancyPence: null as bigint | null,
        contracts: g.contracts,
        nonGbpContracts: g.nonGbp,
      };
    });
  list =
    opts.order === "name"
      ? list.sort((a, b) => a.name.localeCompare(b.name))
      : list.sort((a, b) => (a.valuePence === b.valuePence ? (a.buyerId < b.buyerId ? -1 : 1) : a.valuePence > b.valuePence ? -1 : 1));
  const offset = opts.offset ?? 0;
  return { total: list.length, rows: list.slice(offset, offset + opts.limit) };
}

// ---------------------------------------------------------------------------
// Suppliers

/** Whether a filter can be answered from the supplier-year rollup. */
function supplierRollupServes(f: SpendFilter): boolean {
  return (
    f.buyerId === undefined && f.buyerIds === undefined && f.buyerType === undefined && f.cpv === undefined && f.supplierId === undefined
  );
}

/** The spend table of a view. */
const baseTable = (view: View) => (view === "awarded" ? sql.table("spend_lines") : sql.table("spend_annual"));

/**
 * GBP value per supplier over a filter (a year range; all years by default),
 * largest first, with contract counts: the suppliers list and the consultancy
 * risers and fallers.
 */
export async function spendBySupplier(
  db: Executor,
  f: SpendFilter,
  opts: { limit: number; offset?: number; order?: "value" | "name"; q?: string; groupId?: bigint } = { limit: 50 },
) {
  const allYears = f.from === undefined && f.to === undefined;
  const oneYear = f.from !== undefined && f.from === f.to;
  if (
    supplierRollupServes(f) &&
    f.consultancy === undefined &&
    (allYears || oneYear) &&
    !opts.q &&
    opts.groupId === undefined &&
    opts.order !== "name"
  ) {
    // The common case, largest first over all years or one year: straight from the top-N index.
    const fy = oneYear ? (f.from as number) : 0;
    const [page, count] = await Promise.all([
      sql<Record<string, unknown>>`
        select t.supplier_id, o.name, o.scale, o.org_type, o.group_id, g.name as group_name,
          t.value_pence::int8 as value_pence, t.contracts::int8 as contracts
        from spend_supplier_total t
        join organisations o on o.id = t.supplier_id
        left join org_groups g on g.id = o.group_id
        where t.view = ${f.view} and t.fy = ${fy} and (t.value_pence <> 0 or t.contracts <> 0)
        order by t.value_pence desc, t.supplier_id
        limit ${opts.limit} offset ${opts.offset ?? 0}`.execute(db),
      sql<{ n: number }>`
        select count(*)::int as n from spend_supplier_total
        where view = ${f.view} and fy = ${fy} and (value_pence <> 0 or contracts <> 0)`.execute(db),
    ]);
    return {
      total: count.rows[0]?.n ?? 0,
      rows: page.rows.map((x) => ({
        supplierId: big(x.supplier_id),
        name: String(x.name),
        scale: String(x.scale),
        orgType: String(x.org_type),
        groupId: x.group_id === null ? null : big(x.group_id),
        groupName: (x.group_name as string | null) ?? null,
        valuePence: big(x.value_pence),
        contracts: num(x.contracts),
        nonGbpContracts: 0,
      })),
    };
  }
  const order = opts.order === "name" ? sql`o.name, s.supplier_id` : sql`value_pence desc, s.supplier_id`;
  const search = opts.q ? sql`and o.name ilike ${`%${opts.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}` : sql``;
  const group = opts.groupId !== undefined ? sql`and o.group_id = ${opts.groupId.toString()}::bigint` : sql``;
  const source = supplierRollupServes(f)
    ? sql`(select supplier_id, value_pence, contracts, gbp from spend_supplier_fy
           where ${conds([sql`view = ${f.view}`, allYears ? sql`fy = 0` : null, ...filterConds(f)])})`
    : sql`(select supplier_id, value_pence, 1::int8 as contracts, gbp from ${baseTable(f.view)}
           where ${conds(filterConds(f))})`;
  const r = await sql<Record<string, unknown>>`
    select s.supplier_id, o.name, o.scale, o.org_type, o.group_id, g.name as group_name,
      coalesce(sum(s.value_pence) filter (where s.gbp), 0)::int8 as value_pence,
      coalesce(sum(s.contracts) filter (where s.gbp), 0)::int8 as contracts,
      coalesce(sum(s.contracts) filter (where not s.gbp), 0)::int8 as non_gbp,
      count(*) over () as total_rows
    from ${source} s
    join organisations o on o.id = s.supplier_id
    left join org_groups g on g.id = o.group_id
    where true ${search} ${group}
    group by s.supplier_id, o.name, o.scale, o.org_type, o.group_id, g.name
    having sum(s.contracts) > 0
    order by ${order}
    limit ${opts.limit} offset ${opts.offset ?? 0}
  `.execute(db);
  return {
    total: num(r.rows[0]?.total_rows ?? 0),
    rows: r.rows.map((x) => ({
      supplierId: big(x.supplier_id),
      name: String(x.name),
      scale: String(x.scale),
      orgType: String(x.org_type),
      groupId: x.group_id === null ? null : big(x.group_id),
      groupName: (x.group_name as string | null) ?? null,
      valuePence: big(x.value_pence),
      contracts: num(x.contracts),
      nonGbpContracts: num(x.non_gbp),
    })),
  };
}

/** A supplier's GBP value per year (and contracts), from its own lines. */
export async function supplierYears(db: Executor, f: SpendFilter & { supplierId: bigint }) {
  const r = await sql<Record<string, unknown>>`
    select fy,
      coalesce(sum(value_pence) filter (where gbp), 0)::int8 as value_pence,
      coalesce(sum(value_pence) filter (where gbp and consultancy), 0)::int8 as consultancy_pence,
      count(*) filter (where gbp)::int as contracts,
      count(*) filter (where not gbp)::int as non_gbp,
      count(*) filter (where gbp and missing_value)::int as missing_value,
      count(*) filter (where gbp and fallback)::int as fallback
    from ${baseTable(f.view)}
    where ${conds([sql`fy is not null`, ...filterConds(f)])}
    group by fy order by fy
  `.execute(db);
  return r.rows.map((x) => ({
    fy: num(x.fy),
    valuePence: big(x.value_pence),
    consultancyPence: big(x.consultancy_pence),
    contracts: num(x.contracts),
    nonGbpContracts: num(x.non_gbp),
    missingValueContracts: num(x.missing_value),
    fallbackContracts: num(x.fallback),
  }));
}

/** A supplier's buyers, largest first (GBP value over the filter). */
export async function supplierBuyers(db: Executor, f: SpendFilter & { supplierId: bigint }, limit = 10) {
  const r = await sql<Record<string, unknown>>`
    select l.buyer_id, o.name,
      coalesce(sum(l.value_pence) filter (where l.gbp), 0)::int8 as value_pence,
      count(*)::int as contracts
    from ${baseTable(f.view)} l
    left join organisations o on o.id = l.buyer_id
    where ${conds(filterConds(f, { alias: "l" }))}
    group by l.buyer_id, o.name
    order by value_pence desc, l.buyer_id
    limit ${limit}
  `.execute(db);
  return r.rows.map((x) => ({
    buyerId: x.buyer_id === null ? null : big(x.buyer_id),
    name: (x.name as string | null) ?? "(no buyer)",
    valuePence: big(x.value_pence),
    contracts: num(x.contracts),
  }));
}

/**
 * Consultancy (or any filter's) value per supplier in two years, with the
 * change, biggest rises and biggest falls first.
 */
export async function supplierChanges(db: Executor, f: SpendFilter, fromFy: number, toFy: number, limit = 5) {
  const base: SpendFilter = { ...f, from: undefined, to: undefined };
  const inYears = sql`fy in (${fromFy}, ${toFy})`;
  const source = supplierRollupServes(base)
    ? sql`(select fy, supplier_id, value_pence from spend_supplier_fy
           where ${conds([sql`view = ${f.view}`, sql`gbp`, inYears, ...filterConds(base)])})`
    : sql`(select fy, supplier_id, value_pence from ${baseTable(f.view)}
           where ${conds([sql`gbp`, inYears, ...filterConds(base)])})`;
  const r = await sql<Record<string, unknown>>`
    with v as (
      select supplier_id,
        coalesce(sum(value_pence) filter (where fy = ${fromFy}), 0)::int8 as before_pence,
        coalesce(sum(value_pence) filter (where fy = ${toFy}), 0)::int8 as after_pence
      from ${source} s group by supplier_id
    ), d as (select *, after_pence - before_pence as change from v where after_pence <> before_pence)
    select x.*, o.name from (
      (select 'rise' as kind, d.* from d where change > 0 order by change desc, supplier_id limit ${limit})
      union all
      (select 'fall' as kind, d.* from d where change < 0 order by change asc, supplier_id limit ${limit})
    ) x join organisations o on o.id = x.supplier_id
    order by x.kind desc, abs(x.change) desc, x.supplier_id
  `.execute(db);
  const rows = r.rows.map((x) => ({
    kind: String(x.kind) as "rise" | "fall",
    supplierId: big(x.supplier_id),
    name: String(x.name),
    beforePence: big(x.before_pence),
    afterPence: big(x.after_pence),
    changePence: big(x.change),
  }));
  return { rises: rows.filter((x) => x.kind === "rise"), falls: rows.filter((x) => x.kind === "fall") };
}

// ---------------------------------------------------------------------------
// Concentration

export interface ConcentrationSums {
  /** Σ v over suppliers (or groups) with a positive value. */
  totalPence: bigint;
  /** Σ v² (pence²), exact. */
  sumSquares: bigint;
  /** Suppliers (or groups) with a positive value. */
  suppliers: number;
}

export interface ConcentrationTopRow {
  /** Supplier id, or "group-<id>" for a parent group. */
  id: string;
  name: string;
  valuePence: bigint;
  kind: "supplier" | "group";
}

function keyExpr(by: "supplier" | "group") {
  return by === "group"
    ? sql`case when o.group_id is null then s.supplier_id::text else 'group-' || o.group_id::text end`
    : sql`s.supplier_id::text`;
}

/** A row source of (fy, supplier_id, value_pence) GBP values for a filter, from the narrowest table. */
function supplierValues(f: SpendFilter) {
  if (supplierRollupServes(f)) {
    return sql`(select fy, supplier_id, value_pence from spend_supplier_fy
      where ${conds([sql`view = ${f.view}`, sql`gbp`, sql`fy > 0`, ...filterConds(f)])})`;
  }
  return sql`(select fy, supplier_id, value_pence from ${baseTable(f.view)}
    where ${conds([sql`gbp`, sql`fy is not null`, ...filterConds(f)])})`;
}

/** True when the maintained all-supplier sums (spend_concentration) answer the question directly. */
function maintained(f: SpendFilter, by: "supplier" | "group"): boolean {
  return (
    by === "supplier" &&
    supplierRollupServes(f) &&
    f.consultancy === undefined &&
    ((f.from === undefined && f.to === undefined) || (f.from !== undefined && f.from === f.to))
  );
}

/**
 * Top-N and the sums behind the HHI, over a filter's years taken together (all
 * years by default). Ties are broken by id in code-unit order, as the pure
 * `concentration` does.
 */
export async function concentrationOver(
  db: Executor,
  f: SpendFilter,
  by: "supplier" | "group",
  n: number,
): Promise<{ sums: ConcentrationSums; top: ConcentrationTopRow[] }> {
  if (maintained(f, by)) {
    const fy = f.from ?? 0;
    const [sums, top] = await Promise.all([
      sql<Record<string, unknown>>`
        select total_pence::int8 as total, sum_squares::text as sq, suppliers::int as n
        from spend_concentration where view = ${f.view} and fy = ${fy}`.execute(db),
      sql<Record<string, unknown>>`
        select t.supplier_id::text as id, o.name, t.value_pence::int8 as v
        from spend_supplier_total t join organisations o on o.id = t.supplier_id
        where t.view = ${f.view} and t.fy = ${fy} and t.value_pence > 0
        order by t.value_pence desc, t.supplier_id::text collate "C" limit ${n}`.execute(db),
    ]);
    const s = sums.rows[0];
    return {
      sums: { totalPence: big(s?.total ?? 0), sumSquares: BigInt(String(s?.sq ?? "0").split(".")[0] ?? "0"), suppliers: num(s?.n ?? 0) },
      top: top.rows.map((x) => ({ id: String(x.id), name: String(x.name), valuePence: big(x.v), kind: "supplier" as const })),
    };
  }
  const r = await sql<Record<string, unknown>>`
    with v as (
      select ${keyExpr(by)} as id, min(s.supplier_id) as any_supplier, max(o.group_id) as group_id, sum(s.value_pence) as v
      from ${supplierValues(f)} s join organisations o on o.id = s.supplier_id
      group by 1 having sum(s.value_pence) > 0
    ), agg as (select coalesce(sum(v), 0)::int8 as total, coalesce(sum(v::numeric * v::numeric), 0)::text as sq, count(*)::int as n from v),
    top as (select * from v order by v desc, id collate "C" limit ${n})
    select 'sum' as kind, null as id, null as name, null::int8 as v, agg.total, agg.sq, agg.n from agg
    union all
    select 'top', top.id, case when top.id like 'group-%' then g.name else o.name end, top.v::int8, null, null, null
    from top left join organisations o on o.id = top.any_supplier left join org_groups g on g.id = top.group_id
  `.execute(db);
  const sumRow = r.rows.find((x) => x.kind === "sum");
  const top = r.rows
    .filter((x) => x.kind === "top")
    .map((x) => ({
      id: String(x.id),
      name: String(x.name),
      valuePence: big(x.v),
      kind: String(x.id).startsWith("group-") ? ("group" as const) : ("supplier" as const),
    }))
    .sort((a, b) => (a.valuePence === b.valuePence ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.valuePence > b.valuePence ? -1 : 1));
  return {
    sums: {
      totalPence: big(sumRow?.total ?? 0),
      sumSquares: BigInt(String(sumRow?.sq ?? "0").split(".")[0] ?? "0"),
      suppliers: num(sumRow?.n ?? 0),
    },
    top,
  };
}

/** Per financial year: the HHI sums and the value to the top N. */
export async function concentrationByYear(
  db: Executor,
  f: SpendFilter,
  by: "supplier" | "group",
  n: number,
): Promise<Array<ConcentrationSums & { fy: number; topPence: bigint }>> {
  if (by === "supplier" && supplierRollupServes(f) && f.consultancy === undefined) {
    const r = await sql<Record<string, unknown>>`
      select c.fy, c.total_pence::int8 as total, c.sum_squares::text as sq, c.suppliers::int as n,
        (select coalesce(sum(x.value_pence), 0)::int8 from (
           select t.value_pence from spend_supplier_total t
           where t.view = c.view and t.fy = c.fy and t.value_pence > 0
           order by t.value_pence desc limit ${n}) x) as top_pence
      from spend_concentration c
      where ${conds([sql`c.view = ${f.view}`, sql`c.fy > 0`, f.from !== undefined ? sql`c.fy >= ${f.from}` : null, f.to !== undefined ? sql`c.fy <= ${f.to}` : null])}
        and c.suppliers > 0
      order by c.fy`.execute(db);
    return r.rows.map((x) => ({
      fy: num(x.fy),
      totalPence: big(x.total),
      sumSquares: BigInt(String(x.sq).split(".")[0] ?? "0"),
      suppliers: num(x.n),
      topPence: big(x.top_pence),
    }));
  }
  const r = await sql<Record<string, unknown>>`
    with v as (
      select s.fy, ${keyExpr(by)} as id, sum(s.value_pence) as v
      from ${supplierValues(f)} s join organisations o on o.id = s.supplier_id
      group by 1, 2 having sum(s.value_pence) > 0
    ), ranked as (select fy, v, row_number() over (partition by fy order by v desc, id collate "C") as rn from v)
    select fy, sum(v)::int8 as total, sum(v::numeric * v::numeric)::text as sq, count(*)::int as n,
      coalesce(sum(v) filter (where rn <= ${n}), 0)::int8 as top_pence
    from ranked group by fy order by fy
  `.execute(db);
  return r.rows.map((x) => ({
    fy: num(x.fy),
    totalPence: big(x.total),
    sumSquares: BigInt(String(x.sq).split(".")[0] ?? "0"),
    suppliers: num(x.n),
    topPence: big(x.top_pence),
  }));
}

// ---------------------------------------------------------------------------
// Click-through totals: the register view behind a bar

/**
 * The register's filters; with `activeFy` (annualised views) contracts are
 * valued at their part in that financial year, otherwise at their current value.
 */
export type RegisterValueQuery = RegisterQuery;

export interface RegisterValue {
  /** GBP contracts matching (with a supplier; including those with no value). */
  contracts: number;
  /** Their GBP value: the sum of their supplier lines (the current value, split and added back). */
  valuePence: bigint;
  /**
   * The part of it that goes to the suppliers the filters name (`supplier`,
   * `scale`): what a supplier's or an SME bar shows. Equal to valuePence when
   * neither filter is given.
   */
  attributedPence: bigint;
  /** Matching contracts valued in another currency: not in GBP totals. */
  nonGbpContracts: number;
}

/**
 * The GBP total of a register view (the same filters as /contracts), computed
 * from the spend lines so it equals the dashboard bar that links to it:
 * `/contracts?fy=2024-25&consultancy=yes` totals the awarded consultancy bar
 * for 2024-25; with `activeFy` it totals the annualised bar.
 */
export async function sumRegisterValue(db: Executor, q: RegisterValueQuery): Promise<RegisterValue> {
  const matching = applyFilters(
    db.selectFrom("processes").select("processes.ocid") as SelectQueryBuilder<Database, "processes", { ocid: string }>,
    q,
  );
  const supplierOrg = supplierOrgConds(q);
  const lineConds = conds([
    q.supplier ? sql`l.supplier_id = ${BigInt(q.supplier).toString()}::bigint` : null,
    q.scale ? sql`l.scale_class = ${q.scale}` : null,
    supplierOrg.length
      ? sql`exists (select 1 from organisations so where so.id = l.supplier_id and ${sql.join(supplierOrg, sql` and `)})`
      : null,
  ]);
  const source =
    q.activeFy !== undefined
      ? sql`spend_annual l where l.fy = ${q.activeFy} and`
      : sql`spend_lines l where`;
  const r = await sql<Record<string, unknown>>`
    select
      count(*) filter (where l.first_line and l.gbp)::int as contracts,
      count(*) filter (where l.first_line and not l.gbp)::int as non_gbp,
      coalesce(sum(l.value_pence) filter (where l.gbp), 0)::int8 as value_pence,
      coalesce(sum(l.value_pence) filter (where l.gbp and ${lineConds}), 0)::int8 as attributed
    from ${source} l.ocid in (${matching})
  `.execute(db);
  const x = r.rows[0] ?? {};
  return {
    contracts: num(x.contracts),
    nonGbpContracts: num(x.non_gbp),
    valuePence: big(x.value_pence),
    attributedPence: big(x.attributed),
  };
}

// ---------------------------------------------------------------------------
// Look-ups

export async function buyerExists(
  db: Executor,
  id: bigint,
): Promise<{ id: bigint; name: string; buyer_type: string | null; scheme: string | null; identifier: string | null } | null> {
  const r = await db
    .selectFrom("organisations")
    .select(["id", "name", "buyer_type", "scheme", "identifier"])
    .where("id", "=", id)
    .where("is_buyer", "=", true)
    .executeTakeFirst();
  return r ?? null;
}

/** The buyers with the most value (all years), for the filter drop-downs; a page adds the buyer in force. */
export async function buyersWithSpend(db: Executor, limit = 100) {
  const r = await sql<{ id: bigint; name: string }>`
    select o.id, o.name from organisations o
    join (select buyer_id, sum(value_pence) as v from spend_buyer_fy where view = 'awarded' and fy = 0 and gbp
          group by buyer_id order by v desc, buyer_id limit ${limit}) b on b.buyer_id = o.id
    order by o.name`.execute(db);
  return r.rows;
}

/** The most recent contracts of a buyer or supplier (register rows, newest first). */
export async function recentContracts(db: Executor, by: { buyerId?: bigint; supplierId?: bigint }, limit = 10) {
  let q = db
    .selectFrom("processes")
    .select(["ocid", "title", "buyer_name", "supplier_names", "current_value_pence", "currency", "award_date", "sort_date", "status"])
    .orderBy("sort_date", "desc")
    .orderBy("ocid", "desc")
    .limit(limit);
  if (by.buyerId !== undefined) q = q.where("buyer_id", "=", by.buyerId);
  if (by.supplierId !== undefined)
    q = q.where(sql<boolean>`supplier_ids @> array[${by.supplierId.toString()}]::bigint[]`);
  return q.execute();
}
