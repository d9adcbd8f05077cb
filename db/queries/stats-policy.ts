/**
 * The policy dashboards' aggregates (issue 8), computed in PostgreSQL over
 * spend_lines (the awarded view: one row per contract and supplier, GBP lines
 * with an award year) joined to the supplier's and buyer's register entries,
 * the supplier's parent group and, for missions, the process. Each function
 * returns the same cells as its pure twin in app/domain/metrics/policy.ts
 * (countryCells, topEntities, orgTypeCells, topSuppliersOfType, regionCells,
 * missionCells), and the tests hold them equal. Nothing here loads contracts
 * into Node: each query returns at most a few hundred grouped rows.
 */
import { type RawBuilder, sql } from "kysely";
import {
  CPV_FAMILIES,
  type CountryCell,
  type CountryClass,
  compareKeys,
  countryCellKeys,
  DEFAULT_POLICY_CONFIG,
  type EntityRow,
  type MissionCell,
  type OrgTypeCell,
  type PolicyConfig,
  type PolicyFilter,
  type RegionCell,
  type SupplierRow,
} from "../../app/domain/metrics/policy";
import type { OrgType } from "../../app/domain/types";
import type { Executor } from "./util";

const num = (v: unknown): number => (typeof v === "number" ? v : Number(v ?? 0));
const big = (v: unknown): bigint => (typeof v === "bigint" ? v : BigInt((v as string | number | null) ?? 0));

function conds(parts: (RawBuilder<unknown> | null)[]): RawBuilder<unknown> {
  const list = parts.filter((p): p is RawBuilder<unknown> => p !== null);
  return list.length === 0 ? sql`true` : sql.join(list, sql` and `);
}

/** The lines a filter selects: GBP, with an award year (aliases l = line, s = supplier, g = group, b = buyer). */
function base(f: PolicyFilter) {
  const where = lineWhere(f);
  return sql`spend_lines l
    join organisations s on s.id = l.supplier_id
    left join org_groups g on g.id = s.group_id
    left join organisations b on b.id = l.buyer_id
    where ${where}`;
}

/** SQL twin of countryClass: no code → unknown (never UK). */
function countryClassSql(col: RawBuilder<unknown>, config: PolicyConfig) {
  return sql`(case when nullif(${col}, '') is null then 'unknown'
    when upper(${col}) = any(${[...config.ukCountryCodes]}::text[]) then 'uk' else 'overseas' end)`;
}

/** SQL twin of regionKey. */
function regionKeySql(alias: "s" | "b", config: PolicyConfig) {
  const region = sql.ref(`${alias}.region`);
  const country = sql.ref(`${alias}.country_code`);
  return sql`(case when nullif(${region}, '') is not null then ${region}
    when ${countryClassSql(country, config)} = 'overseas' then 'overseas' else 'unknown' end)`;
}

/** SQL twin of cpvFamilyOf. */
function familySql(config: PolicyConfig) {
  const whens = CPV_FAMILIES.map((fam) => {
    const any = sql.join(
      config.cpvFamilies[fam].prefixes.map((p) => sql`l.cpv like ${`${p}%`}`),
      sql` or `,
    );
    return sql`when ${any} then ${fam}`;
  });
  return sql`(case ${sql.join(whens, sql` `)} end)`;
}

const sortBy = <T>(rows: T[], keys: (r: T) => (string | number)[]) => rows.sort((a, b) => compareKeys(keys(a), keys(b)));

/** Value and awards by year, buyer type, supplier's country class and parent group's country class. */
export async function countryCellsSql(db: Executor, f: PolicyFilter, config = DEFAULT_POLICY_CONFIG): Promise<CountryCell[]> {
  const r = await sql<Record<string, unknown>>`
    select l.fy, l.buyer_type,
      ${countryClassSql(sql`s.country_code`, config)} as country,
      (case when s.group_id is null then 'none' else ${countryClassSql(sql`g.country_code`, config)} end) as group_country,
      coalesce(sum(l.value_pence), 0)::int8 as value_pence, count(*)::int8 as awards
    from ${base(f)}
    group by 1, 2, 3, 4
  `.execute(db);
  return sortBy(
    r.rows.map((x) => ({
      fy: num(x.fy),
      buyerType: String(x.buyer_type ?? ""),
      country: String(x.country) as CountryCell["country"],
      groupCountry: String(x.group_country) as CountryCell["groupCountry"],
      valuePence: big(x.value_pence),
      awards: num(x.awards),
    })),
    countryCellKeys,
  );
}

/** Per CPV family, the top `n` parent groups (or ungrouped suppliers) of one country class. */
export async function topEntitiesSql(
  db: Executor,
  f: PolicyFilter,
  cls: CountryClass,
  n: number,
  config = DEFAULT_POLICY_CONFIG,
): Promise<EntityRow[]> {
  const r = await sql<Record<string, unknown>>`
    with x as (
      select ${familySql(config)} as family,
        (case when s.group_id is null then 'supplier-' || s.id::text else 'group-' || s.group_id::text end) as key,
        (case when s.group_id is null then s.id else s.group_id end) as id,
        (case when s.group_id is null then s.name else g.name end) as name,
        (case when s.group_id is null then s.country_code else g.country_code end) as country_code,
        l.value_pence
      from ${base(f)}
    ), v as (
      select family, key, max(id) as id, max(name) as name, max(country_code) as country_code,
        sum(value_pence)::int8 as value_pence, count(*)::int8 as awards
      from x where family is not null
      group by family, key
    ), ranked as (
      select v.*, row_number() over (partition by family order by value_pence desc, key collate "C") as rn
      from v where value_pence > 0 and ${countryClassSql(sql`v.country_code`, config)} = ${cls}
    )
    select * from ranked where rn <= ${n}
  `.execute(db);
  const rows: EntityRow[] = r.rows.map((x) => ({
    family: String(x.family) as EntityRow["family"],
    key: String(x.key),
    kind: String(x.key).startsWith("group-") ? "group" : "supplier",
    id: String(x.id),
    name: String(x.name ?? ""),
    countryCode: (x.country_code as string | null) ?? null,
    valuePence: big(x.value_pence),
    awards: num(x.awards),
  }));
  return rows.sort((a, b) =>
    a.family !== b.family
      ? CPV_FAMILIES.indexOf(a.family) - CPV_FAMILIES.indexOf(b.family)
      : a.valuePence === b.valuePence
        ? compareKeys([a.key], [b.key])
        : a.valuePence > b.valuePence
          ? -1
          : 1,
  );
}

/** Value and awards by year and the supplier's organisation type. */
export async function orgTypeCellsSql(db: Executor, f: PolicyFilter): Promise<OrgTypeCell[]> {
  const r = await sql<Record<string, unknown>>`
    select l.fy, s.org_type, coalesce(sum(l.value_pence), 0)::int8 as value_pence, count(*)::int8 as awards
    from ${base(f)}
    group by 1, 2
  `.execute(db);
  return sortBy(
    r.rows.map((x) => ({ fy: num(x.fy), orgType: String(x.org_type) as OrgType, valuePence: big(x.value_pence), awards: num(x.awards) })),
    (c) => [c.fy, c.orgType],
  );
}

/** The suppliers of one type with the most value, and how many suppliers of that type have lines. */
export async function topSuppliersOfTypeSql(
  db: Executor,
  f: PolicyFilter,
  type: OrgType,
  n: number,
): Promise<{ total: number; rows: SupplierRow[] }> {
  const r = await sql<Record<string, unknown>>`
    with v as (
      select s.id, max(s.name) as name, sum(l.value_pence)::int8 as value_pence, count(*)::int8 as awards
      from ${base(f)} and s.org_type = ${type}
      group by s.id
    )
    select v.*, (select count(*) from v)::int8 as total from v
    order by value_pence desc, id::text collate "C"
    limit ${n}
  `.execute(db);
  return {
    total: num(r.rows[0]?.total ?? 0),
    rows: r.rows.map((x) => ({ id: String(x.id), name: String(x.name), valuePence: big(x.value_pence), awards: num(x.awards) })),
  };
}

/** Value and awards by the supplier's region, the buyer's region and the scale class. */
export async function regionCellsSql(db: Executor, f: PolicyFilter, config = DEFAULT_POLICY_CONFIG): Promise<RegionCell[]> {
  const r = await sql<Record<string, unknown>>`
    select ${regionKeySql("s", config)} as supplier_region, ${regionKeySql("b", config)} as buyer_region, l.scale_class,
      coalesce(sum(l.value_pence), 0)::int8 as value_pence, count(*)::int8 as awards
    from ${base(f)}
    group by 1, 2, 3
  `.execute(db);
  return sortBy(
    r.rows.map((x) => ({
      supplierRegion: String(x.supplier_region) as RegionCell["supplierRegion"],
      buyerRegion: String(x.buyer_region) as RegionCell["buyerRegion"],
      scaleClass: String(x.scale_class) as RegionCell["scaleClass"],
      valuePence: big(x.value_pence),
      awards: num(x.awards),
    })),
    (c) => [c.supplierRegion, c.buyerRegion, c.scaleClass],
  );
}

/** Value and awards by year, mission tag ("none" untagged, "all" every line once) and scale class. */
export async function missionCellsSql(db: Executor, f: PolicyFilter): Promise<MissionCell[]> {
  const q = await sql<Record<string, unknown>>`
    with x as (
      select l.fy, l.scale_class, l.value_pence, p.missions
      from spend_lines l
      join processes p on p.ocid = l.ocid
      left join organisations b on b.id = l.buyer_id
      where ${lineWhere(f)}
    )
    select fy, 'all' as mission, scale_class, coalesce(sum(value_pence), 0)::int8 as value_pence, count(*)::int8 as awards
    from x group by 1, 2, 3
    union all
    select x.fy, coalesce(m.mission, 'none'), x.scale_class, coalesce(sum(x.value_pence), 0)::int8, count(*)::int8
    from x left join lateral unnest(x.missions) as m(mission) on true
    group by 1, 2, 3
  `.execute(db);
  return sortBy(
    q.rows.map((x) => ({
      fy: num(x.fy),
      mission: String(x.mission) as MissionCell["mission"],
      scaleClass: String(x.scale_class) as MissionCell["scaleClass"],
      valuePence: big(x.value_pence),
      awards: num(x.awards),
    })),
    (c) => [c.fy, c.mission, c.scaleClass],
  );
}

/** The first and last financial year of the lines a filter selects (both undefined when none). */
export async function yearSpanSql(db: Executor, f: PolicyFilter): Promise<{ from?: number; to?: number }> {
  const r = await sql<{ lo: number | null; hi: number | null }>`
    select min(l.fy)::int as lo, max(l.fy)::int as hi
    from spend_lines l left join organisations b on b.id = l.buyer_id
    where ${lineWhere(f)}`.execute(db);
  const x = r.rows[0];
  return x?.lo === null || x?.lo === undefined ? {} : { from: num(x.lo), to: num(x.hi) };
}

/** Conditions on a line (l) and its buyer (b) for a filter. */
function lineWhere(f: PolicyFilter) {
  return conds([
    sql`l.gbp`,
    sql`l.fy is not null`,
    f.from !== undefined ? sql`l.fy >= ${f.from}` : null,
    f.to !== undefined ? sql`l.fy <= ${f.to}` : null,
    f.buyerType !== undefined ? sql`l.buyer_type = ${f.buyerType}` : null,
    f.cpv !== undefined ? sql`l.cpv like ${`${f.cpv}%`}` : null,
    f.buyerRegion !== undefined ? sql`b.region = ${f.buyerRegion}` : null,
  ]);
}
