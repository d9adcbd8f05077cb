import type { Kysely } from "kysely";
import { runScript } from "./run-script";

/**
 * /watch's figures (counts and value by flag, each buyer's flagged share) read
 * one narrow row per contract instead of joining every stored flag to the wide
 * processes table: `flag_facts` holds the dimensions /watch filters on, copied
 * from the process, and the codes its rules flagged or could not check.
 * Written with the flags (app/services/flags.server.ts: on every write, and by
 * each batch of a recompute), from processes and flags in one statement, so it
 * is always their function. Backfilled here from what is stored.
 */
export const FLAG_FACTS_SELECT = `
  select p.ocid, p.buyer_id, p.buyer_name, p.buyer_type, p.award_fy, p.current_value_pence, p.currency, p.supplier_ids,
    coalesce(array_agg(f.code order by f.code) filter (where f.status = 'flagged'), '{}') as flagged,
    coalesce(array_agg(f.code order by f.code) filter (where f.status = 'unknown'), '{}') as unknown
  from processes p left join flags f on f.ocid = p.ocid`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
create table flag_facts (
  ocid text primary key,
  buyer_id bigint,
  buyer_name text,
  buyer_type text,
  award_fy smallint,
  current_value_pence bigint,
  currency text,
  supplier_ids bigint[] not null default '{}',
  flagged text[] not null,
  unknown text[] not null
);
insert into flag_facts ${FLAG_FACTS_SELECT} group by p.ocid;
create index flag_facts_buyer on flag_facts (buyer_id);
create index flag_facts_suppliers on flag_facts using gin (supplier_ids);
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(db, "drop table if exists flag_facts");
}
