/**
 * The register's read queries: search with filters, keyset pagination, counts,
 * and one contracting process with its releases.
 */
import { type ExpressionBuilder, type SelectQueryBuilder, sql } from "kysely";
import { londonLocalToUtcMs } from "../../app/domain/ocds/dates";
import type { Database } from "../schema";
import type { Executor } from "./util";

export interface RegisterQuery {
  q?: string | undefined;
  buyer?: string | undefined;
  buyerType?: string | undefined;
  supplier?: string | undefined;
  scale?: string | undefined;
  cpv?: string | undefined;
  consultancy?: "yes" | "no" | undefined;
  status?: string | undefined;
  method?: string | undefined;
  region?: string | undefined;
  mission?: string | undefined;
  sector?: string | undefined;
  minValue?: bigint | undefined;
  maxValue?: bigint | undefined;
  /** Financial year start year. */
  fy?: number | undefined;
  /**
   * Financial year start year: the process contributes to that year in the
   * annualised view (its contract period overlaps it).
   */
  activeFy?: number | undefined;
  /** Dates as YYYY-MM-DD, whole London days. */
  from?: string | undefined;
  to?: string | undefined;
  flag?: string | undefined;
  /** At least one supplier registered in the UK, overseas, or of unknown country. */
  supplierCountry?: "uk" | "overseas" | "unknown" | undefined;
  /** At least one supplier of this organisation type. */
  orgType?: string | undefined;
  /** At least one supplier in this ITL1 region, or "overseas" / "unknown" (no region). */
  supplierRegion?: string | undefined;
  /** At least one supplier in this parent group (org_groups id). */
  group?: string | undefined;
  /** At least one supplier whose parent group is registered in the UK, overseas, of unknown country, or with no parent group. */
  groupCountry?: "uk" | "overseas" | "unknown" | "none" | undefined;
  /** The main CPV code starts with one of these prefixes (a CPV family). */
  cpvPrefixes?: readonly string[] | undefined;
  /** Financial year (start year) of award, from … to, inclusive. */
  fromFy?: number | undefined;
  toFy?: number | undefined;
  /** Country codes that count as UK-registered (policy configuration); default GB. */
  ukCountryCodes?: readonly string[] | undefined;
  /** Compare "open" against this instant (tenders close on their deadline without a restart). */
  now: Date;
}

export type RegisterSort = "relevance" | "newest" | "oldest" | "value-high" | "value-low";

export interface RegisterRow {
  ocid: string;
  title: string;
  buyer_id: bigint | null;
  buyer_name: string | null;
  buyer_type: string | null;
  status: string;
  procurement_method: string | null;
  cpv: string | null;
  award_date: Date | null;
  tender_deadline: Date | null;
  current_value_pence: bigint | null;
  original_value_pence: bigint | null;
  currency: string | null;
  consultancy: boolean;
  supplier_names: string | null;
  supplier_scales: string[];
  sort_date: Date;
  sort_value: bigint;
  rank: number | null;
}

type QB = SelectQueryBuilder<Database, "processes", object>;

const tsQuery = (q: string) => sql`websearch_to_tsquery('english', ${q})`;

/** A status filter on "open"/"closed" is decided against now, not the stored status. */
export function applyFilters<O>(qb: SelectQueryBuilder<Database, "processes", O>, f: RegisterQuery) {
  let b = qb;
  if (f.q) b = b.where(sql<boolean>`search @@ ${tsQuery(f.q)}`);
  if (f.buyer) b = b.where("buyer_id", "=", BigInt(f.buyer));
  if (f.buyerType) b = b.where("buyer_type", "=", f.buyerType);
  if (f.supplier) b = b.where(sql<boolean>`supplier_ids @> array[${BigInt(f.supplier).toString()}]::bigint[]`);
  if (f.scale) b = b.where(sql<boolean>`supplier_scales @> array[${f.scale}]::text[]`);
  if (f.cpv) b = b.where("cpv", "like", `${f.cpv}%`);
  if (f.consultancy) b = b.where("consultancy", "=", f.consultancy === "yes");
  if (f.status === "open") b = b.where("status", "=", "open").where((eb) => openAt(eb, f.now));
  else if (f.status === "closed")
    b = b.where((eb) => eb.or([eb("status", "=", "closed"), eb.and([eb("status", "=", "open"), eb.not(openAt(eb, f.now))])]));
  else if (f.status) b = b.where("status", "=", f.status);
  if (f.method) b = b.where("procurement_method", "=", f.method);
  if (f.region === "overseas" || f.region === "unknown") {
    // As the policy dashboards read a buyer's region: none on record, and the buyer registered overseas (or not).
    const overseas = sql<boolean>`exists (select 1 from organisations bo where bo.id = processes.buyer_id
      and coalesce(bo.region, '') = '' and ${overseasSql(sql`bo.country_code`, f.ukCountryCodes)})`;
    b = b.where("buyer_region", "is", null).where(f.region === "overseas" ? overseas : sql<boolean>`not ${overseas}`);
  } else if (f.region) b = b.where("buyer_region", "=", f.region);
  if (f.mission === "none") b = b.where(sql<boolean>`coalesce(cardinality(missions), 0) = 0`);
  else if (f.mission === "any") b = b.where(sql<boolean>`coalesce(cardinality(missions), 0) > 0`);
  else if (f.mission) b = b.where(sql<boolean>`missions @> array[${f.mission}]::text[]`);
  if (f.cpvPrefixes?.length) b = b.where(sql<boolean>`(${sql.join(f.cpvPrefixes.map((p) => sql`cpv like ${`${p}%`}`), sql` or `)})`);
  if (f.fromFy !== undefined) b = b.where("award_fy", ">=", f.fromFy);
  if (f.toFy !== undefined) b = b.where("award_fy", "<=", f.toFy);
  if (f.sector) b = b.where("sensitive_sector", "=", f.sector);
  if (f.minValue !== undefined) b = b.where("current_value_pence", ">=", f.minValue);
  if (f.maxValue !== undefined) b = b.where("current_value_pence", "<=", f.maxValue);
  if (f.fy !== undefined) b = b.where("award_fy", "=", f.fy);
  if (f.activeFy !== undefined) b = b.where(contributesToFy(f.activeFy));
  if (f.from) b = b.where("sort_date", ">=", londonDayStart(f.from));
  if (f.to) b = b.where("sort_date", "<", londonDayStart(f.to, 1));
  const supplier = supplierOrgConds(f);
  if (supplier.length) {
    b = b.where(sql<boolean>`exists (select 1 from organisations so where so.id = any(processes.supplier_ids) and ${sql.join(supplier, sql` and `)})`);
  }
  if (f.flag) b = b.where(sql<boolean>`exists (select 1 from flags where flags.ocid = processes.ocid and flags.code = ${f.flag} and flags.status = 'flagged')`);
  return b;
}

/**
 * Conditions on a supplier's organisation row (alias `so`) for the supplier
 * filters; the spend queries reuse them per supplier line, so a view's
 * attributed value is exactly the part that goes to the suppliers named.
 */
export function supplierOrgConds(
  f: Pick<RegisterQuery, "supplierCountry" | "orgType" | "supplierRegion" | "group" | "groupCountry" | "ukCountryCodes">,
) {
  const uk = ukCodes(f.ukCountryCodes);
  const known = sql`coalesce(so.country_code, '') <> ''`;
  const isUk = sql`upper(so.country_code) = any(${uk}::text[])`;
  const overseas = sql`(${known} and not ${isUk})`;
  const out = [];
  if (f.group) out.push(sql`so.group_id = ${BigInt(f.group).toString()}::bigint`);
  if (f.groupCountry === "none") out.push(sql`so.group_id is null`);
  else if (f.groupCountry) {
    const c = sql`sg.country_code`;
    const cls =
      f.groupCountry === "uk"
        ? sql`upper(${c}) = any(${uk}::text[])`
        : f.groupCountry === "overseas"
          ? overseasSql(c, f.ukCountryCodes)
          : sql`coalesce(${c}, '') = ''`;
    out.push(sql`exists (select 1 from org_groups sg where sg.id = so.group_id and ${cls})`);
  }
  if (f.supplierCountry === "uk") out.push(isUk);
  else if (f.supplierCountry === "overseas") out.push(overseas);
  else if (f.supplierCountry === "unknown") out.push(sql`not ${known}`);
  if (f.orgType) out.push(sql`so.org_type = ${f.orgType}`);
  if (f.supplierRegion === "overseas") out.push(sql`(so.region is null and ${overseas})`);
  else if (f.supplierRegion === "unknown") out.push(sql`(so.region is null and not ${overseas})`);
  else if (f.supplierRegion) out.push(sql`so.region = ${f.supplierRegion}`);
  return out;
}

const ukCodes = (codes: readonly string[] | undefined) => [...(codes ?? ["GB"])].map((c) => c.toUpperCase());

/** A country code column is known and not one of the UK's codes (as the policy dashboards' countryClass). */
function overseasSql(col: ReturnType<typeof sql>, codes: readonly string[] | undefined) {
  return sql<boolean>`(coalesce(${col}, '') <> '' and not upper(${col}) = any(${ukCodes(codes)}::text[]))`;
}

/** The process contributes to financial year `fy` in the annualised view. */
export function contributesToFy(fy: number) {
  return sql<boolean>`exists (select 1 from spend_annual a where a.ocid = processes.ocid and a.fy = ${fy})`;
}

/** Midnight in London at the start of the day `iso` (YYYY-MM-DD) plus `addDays`, as an instant. */
function londonDayStart(iso: string, addDays = 0): Date {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return new Date(londonLocalToUtcMs(y, m, d + addDays));
}

function openAt(eb: ExpressionBuilder<Database, "processes">, now: Date) {
  return eb.or([eb("tender_deadline", "is", null), eb("tender_deadline", ">", now)]);
}

export interface Cursor {
  k: string; // sort key as text (date ISO, pence, or rank)
  o: string; // ocid
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}
export function decodeCursor(s: string): Cursor | null {
  try {
    const v = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as unknown;
    if (v && typeof v === "object" && typeof (v as Cursor).k === "string" && typeof (v as Cursor).o === "string") return v as Cursor;
  } catch {
    /* fall through */
  }
  return null;
}

const columns = [
  "ocid",
  "title",
  "buyer_id",
  "buyer_name",
  "buyer_type",
  "status",
  "procurement_method",
  "cpv",
  "award_date",
  "tender_deadline",
  "current_value_pence",
  "original_value_pence",
  "currency",
  "consultancy",
  "supplier_names",
  "supplier_scales",
  "sort_date",
  "sort_value",
] as const;

/** One page of the register, keyset-paginated. Returns `limit` rows and the cursor of the next page. */
export async function searchRegister(
  db: Executor,
  f: RegisterQuery,
  sort: RegisterSort,
  limit: number,
  cursor: Cursor | null,
): Promise<{ rows: RegisterRow[]; next: Cursor | null }> {
  const rankExpr = f.q ? sql<number>`ts_rank(search, ${tsQuery(f.q)})` : sql<number>`null::real`;
  let qb = applyFilters(db.selectFrom("processes").select([...columns, rankExpr.as("rank")]) as QB, f);
  const o = cursor?.o;
  switch (sort) {
    case "relevance":
      if (cursor) qb = qb.where(sql<boolean>`(ts_rank(search, ${tsQuery(f.q ?? "")}), ocid) < (${cursor.k}::real, ${o})`);
      qb = qb.orderBy(sql`ts_rank(search, ${tsQuery(f.q ?? "")})`, "desc").orderBy("ocid", "desc");
      break;
    case "newest":
      if (cursor) qb = qb.where(sql<boolean>`(sort_date, ocid) < (${cursor.k}::timestamptz, ${o})`);
      qb = qb.orderBy("sort_date", "desc").orderBy("ocid", "desc");
      break;
    case "oldest":
      if (cursor) qb = qb.where(sql<boolean>`(sort_date, ocid) > (${cursor.k}::timestamptz, ${o})`);
      qb = qb.orderBy("sort_date", "asc").orderBy("ocid", "asc");
      break;
    case "value-high":
      if (cursor) qb = qb.where(sql<boolean>`(sort_value, ocid) < (${cursor.k}::bigint, ${o})`);
      qb = qb.orderBy("sort_value", "desc").orderBy("ocid", "desc");
      break;
    case "value-low":
      if (cursor) qb = qb.where(sql<boolean>`(sort_value, ocid) > (${cursor.k}::bigint, ${o})`);
      qb = qb.orderBy("sort_value", "asc").orderBy("ocid", "asc");
      break;
  }
  const rows = (await qb.limit(limit + 1).execute()) as unknown as RegisterRow[];
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  let next: Cursor | null = null;
  if (more && last) {
    const k =
      sort === "relevance"
        ? String(last.rank)
        : sort === "newest" || sort === "oldest"
          ? new Date(last.sort_date).toISOString()
          : String(last.sort_value);
    next = { k, o: last.ocid };
  }
  return { rows: page, next };
}

/**
 * How many contracts match, counted exactly up to `cap` (a bounded count stays
 * fast on a million rows; above the cap the page says "more than"). Also the
 * GBP value of the matches when the count is exact.
 */
export async function countRegister(db: Executor, f: RegisterQuery, cap = 10_000): Promise<{ count: number; capped: boolean }> {
  const inner = applyFilters(db.selectFrom("processes").select(sql`1`.as("one")) as QB, f).limit(cap + 1);
  const r = await db
    .selectFrom(inner.as("m"))
    .select(sql<number>`count(*)::int`.as("n"))
    .executeTakeFirstOrThrow();
  return { count: Math.min(r.n, cap), capped: r.n > cap };
}

export async function getProcess(db: Executor, ocid: string) {
  return db
    .selectFrom("processes")
    .selectAll()
    .where("ocid", "=", ocid)
    .executeTakeFirst();
}

export async function getProcessReleases(db: Executor, ocid: string) {
  return db
    .selectFrom("releases")
    .select(["release_id", "date", "tags", "data", "source", "published_at"])
    .where("ocid", "=", ocid)
    .orderBy("date")
    .orderBy("id")
    .execute();
}

export async function getOrganisation(db: Executor, id: bigint) {
  return db
    .selectFrom("organisations")
    .leftJoin("org_groups", "org_groups.id", "organisations.group_id")
    .select([
      "organisations.id",
      "organisations.name",
      "organisations.scheme",
      "organisations.identifier",
      "organisations.scale",
      "organisations.org_type",
      "organisations.buyer_type",
      "organisations.country_code",
      "organisations.region",
      "organisations.is_buyer",
      "organisations.is_supplier",
      "org_groups.name as group_name",
    ])
    .where("organisations.id", "=", id)
    .executeTakeFirst();
}

export async function organisationsByIds(db: Executor, ids: bigint[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom("organisations")
    .select(["id", "name", "scale", "is_buyer", "is_supplier"])
    .where("id", "in", ids)
    .execute();
}

/** Buyers for filter drop-downs: only those with contracts. */
export async function listBuyersForFilter(db: Executor) {
  return db
    .selectFrom("organisations")
    .select(["id", "name"])
    .where("is_buyer", "=", true)
    .orderBy("name")
    .execute();
}

/** The suppliers of one process, per award, with the scale used for SME share. */
export async function getProcessSuppliers(db: Executor, ocid: string) {
  return db
    .selectFrom("award_suppliers as s")
    .innerJoin("organisations as o", "o.id", "s.supplier_id")
    .select([
      "s.award_id",
      "s.position",
      "s.scale",
      "s.published_value_pence",
      "o.id",
      "o.name",
      "o.scheme",
      "o.identifier",
      "o.org_type",
      "o.country_code",
      "o.region",
    ])
    .where("s.ocid", "=", ocid)
    .orderBy("s.award_id")
    .orderBy("s.position")
    .execute();
}
