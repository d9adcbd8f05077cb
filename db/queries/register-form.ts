/**
 * Reads for the register's filter form (/contracts): the buyers its drop-down
 * offers, and suppliers found by part of their name.
 */
import { sql } from "kysely";
import type { Executor } from "./util";

export interface BuyerOption {
  id: bigint;
  name: string;
}

/**
 * Buyers that have at least one contract in the register, by name. When there
 * are more than `max`, the `max` with the most contracts (from the dashboards'
 * per-buyer rollup, so it stays cheap at a million contracts); `total` says
 * how many there are in all.
 */
export async function buyersWithContracts(db: Executor, max: number): Promise<{ buyers: BuyerOption[]; total: number }> {
  const r = await sql<{ id: bigint; name: string; total: number }>`
    with b as (
      select o.id, o.name from organisations o
      where o.is_buyer and exists (select 1 from processes p where p.buyer_id = o.id)
    ), n as (
      select buyer_id, sum(contracts) as contracts from spend_buyer_fy
      where view = 'awarded' and fy = 0 group by buyer_id
    )
    select b.id, b.name, (count(*) over ())::int as total
    from b left join n on n.buyer_id = b.id
    order by coalesce(n.contracts, 0) desc, b.id
    limit ${max}`.execute(db);
  const buyers = r.rows.map(({ id, name }) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, "en-GB") || (a.id < b.id ? -1 : 1));
  return { buyers, total: r.rows[0]?.total ?? 0 };
}

export interface SupplierMatch {
  id: bigint;
  name: string;
  contracts: number;
  exact: boolean;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Suppliers with contracts whose normalised name contains `normalised` (see
 * normaliseName), or whose name as written contains `typed` (any case; so
 * "Limited", which normalising removes, still matches): exact matches first,
 * then names that start with it, then by name. At most `limit` rows.
 */
export async function suppliersByName(db: Executor, normalised: string, typed: string, limit: number): Promise<SupplierMatch[]> {
  const contains = `%${likeEscape(normalised)}%`;
  const starts = `${likeEscape(normalised)}%`;
  const asTyped = `%${likeEscape(typed.toLowerCase())}%`;
  const r = await sql<{ id: bigint; name: string; contracts: number; exact: boolean }>`
    select o.id, o.name, o.normalised_name = ${normalised} as exact,
           (select count(distinct s.ocid)::int from award_suppliers s where s.supplier_id = o.id) as contracts
    from organisations o
    where o.is_supplier and (o.normalised_name like ${contains} escape '\\' or lower(o.name) like ${asTyped} escape '\\')
      and exists (select 1 from award_suppliers s where s.supplier_id = o.id)
    order by (o.normalised_name = ${normalised}) desc, (o.normalised_name like ${starts} escape '\\') desc, o.name, o.id
    limit ${limit}`.execute(db);
  return r.rows;
}
