/**
 * Suppliers and buyers for the JSON API: those with at least one contract in a
 * register view (the register's filters), sorted by name then id (stable),
 * keyset-paginated; and, for one page of them, their contracts in that view
 * and the value of those contracts in pounds sterling.
 */
import { type SelectQueryBuilder, sql } from "kysely";
import type { Database } from "../schema";
import { type Cursor, type RegisterQuery, applyFilters } from "./register";
import type { Executor } from "./util";

export type OrgRole = "supplier" | "buyer";

/** True when the query narrows the register (anything but `now`). */
export function hasFilters(f: RegisterQuery): boolean {
  return Object.entries(f).some(([k, v]) => k !== "now" && v !== undefined && v !== "");
}

export interface OrgRow {
  id: bigint;
  name: string;
  scheme: string | null;
  identifier: string | null;
  scale: string;
  org_type: string;
  buyer_type: string | null;
  country_code: string | null;
  region: string | null;
  group_id: bigint | null;
  group_name: string | null;
}

type PQB = SelectQueryBuilder<Database, "processes", { sid: bigint }>;

export async function listOrganisations(
  db: Executor,
  role: OrgRole,
  f: RegisterQuery,
  limit: number,
  cursor: Cursor | null,
): Promise<{ rows: OrgRow[]; next: Cursor | null }> {
  let qb = db
    .selectFrom("organisations as o")
    .leftJoin("org_groups as g", "g.id", "o.group_id")
    .select([
      "o.id",
      "o.name",
      "o.scheme",
      "o.identifier",
      "o.scale",
      "o.org_type",
      "o.buyer_type",
      "o.country_code",
      "o.region",
      "o.group_id",
      "g.name as group_name",
    ])
    .where(role === "supplier" ? "o.is_supplier" : "o.is_buyer", "=", true);
  if (hasFilters(f)) {
    const inner =
      role === "supplier"
        ? applyFilters(db.selectFrom("processes").select(sql<bigint>`unnest(supplier_ids)`.as("sid")) as unknown as PQB, f)
        : applyFilters(db.selectFrom("processes").select(sql<bigint>`buyer_id`.as("sid")) as unknown as PQB, f);
    qb = qb.where("o.id", "in", inner);
  } else if (role === "supplier") {
    qb = qb.where(({ exists, selectFrom }) => exists(selectFrom("award_suppliers as a").select("a.ocid").whereRef("a.supplier_id", "=", "o.id")));
  } else {
    qb = qb.where(({ exists, selectFrom }) => exists(selectFrom("processes as p").select("p.ocid").whereRef("p.buyer_id", "=", "o.id")));
  }
  // The cursor holds the last id only (names can be long): its name is looked up.
  if (cursor) qb = qb.where(sql<boolean>`(o.name, o.id) > ((select c.name from organisations c where c.id = ${cursor.o}::bigint), ${cursor.o}::bigint)`);
  const rows = (await qb.orderBy("o.name").orderBy("o.id").limit(limit + 1).execute()) as OrgRow[];
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { rows: page, next: more && last ? { k: "", o: String(last.id) } : null };
}

/** For these organisations: contracts in the view, and their GBP value (a supplier's share per the spend lines; a buyer's contract values). */
export async function organisationTotals(
  db: Executor,
  role: OrgRole,
  ids: bigint[],
  f: RegisterQuery,
): Promise<Map<string, { contracts: number; valuePence: bigint }>> {
  const out = new Map<string, { contracts: number; valuePence: bigint }>();
  if (ids.length === 0) return out;
  const idList = sql.join(ids.map((i) => sql`${i.toString()}::bigint`));
  if (role === "buyer") {
    const qb = db
      .selectFrom("processes")
      .select([
        "buyer_id as id",
        sql<number>`count(*)::int`.as("contracts"),
        sql<bigint>`coalesce(sum(current_value_pence) filter (where currency = 'GBP'), 0)::int8`.as("value"),
      ])
      .where(sql<boolean>`buyer_id in (${idList})`)
      .groupBy("buyer_id") as unknown as SelectQueryBuilder<Database, "processes", { id: bigint; contracts: number; value: bigint }>;
    for (const r of await applyFilters(qb, f).execute()) out.set(String(r.id), { contracts: r.contracts, valuePence: BigInt(r.value) });
    return out;
  }
  const counts = applyFilters(
    db
      .selectFrom("processes")
      .select(["ocid", sql<bigint>`unnest(supplier_ids)`.as("sid")])
      .where(sql<boolean>`supplier_ids && array[${idList}]`) as unknown as SelectQueryBuilder<Database, "processes", { ocid: string; sid: bigint }>,
    f,
  );
  const rows = await db
    .selectFrom(counts.as("m"))
    .leftJoin("spend_lines as l", (j) => j.onRef("l.ocid", "=", "m.ocid").onRef("l.supplier_id", "=", "m.sid"))
    .select([
      "m.sid as id",
      sql<number>`count(distinct m.ocid)::int`.as("contracts"),
      sql<bigint>`coalesce(sum(l.value_pence) filter (where l.gbp), 0)::int8`.as("value"),
    ])
    .where(sql<boolean>`m.sid in (${idList})`)
    .groupBy("m.sid")
    .execute();
  for (const r of rows) out.set(String(r.id), { contracts: r.contracts, valuePence: BigInt(r.value) });
  return out;
}
