import type { Kysely } from "kysely";
import { runScript } from "./run-script";

/**
 * The sensitive-sector register (/sensitive):
 * - partial indexes over the contracts with a sector, so its pages (keyset by
 *   date or value, with or without a sector) read only those rows, and its
 *   summary (by sector, by buyer) is an index-only scan of a covering index;
 * - the CPV rule added to the sector classification (app/domain/sectors.ts)
 *   applied to processes already stored: a process with no sector yet (no
 *   publisher's tag, no buyer type implying one) gets the sector of its first
 *   CPV code (main code first) matching a prefix, the longest prefix winning.
 *   The prefixes are the rule's defaults when this migration was written;
 *   new writes use the configuration in force (ingest). It bumps spend_version,
 *   the data version that keys the in-process caches of the figures.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
create index processes_sensitive_date on processes (sort_date, ocid)
  where sensitive_sector is not null;
create index processes_sensitive_value on processes (sort_value, ocid)
  where sensitive_sector is not null;
create index processes_sensitive_cover on processes (sensitive_sector, sort_date, ocid)
  include (buyer_id, buyer_type, cpv, award_fy, current_value_pence, currency, supplier_ids)
  where sensitive_sector is not null;
`,
  );
  await backfillCpvSectors(db);
}

/** The CPV rule applied to the stored processes that have no sector (exported for its test). */
export async function backfillCpvSectors(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
update processes p set sensitive_sector = m.sector
from (
  select q.ocid,
    (select r.sector
       from unnest(q.cpv_codes) with ordinality as c(code, n)
       join (values
         ('48180', 'health'), ('48814', 'health'), ('72212180', 'health'), ('33195', 'health'), ('851', 'health'),
         ('48190', 'education'), ('72212190', 'education'), ('801', 'education'), ('802', 'education'),
         ('7523', 'justice'), ('7524', 'policing'), ('352', 'policing'),
         ('753', 'welfare'), ('853', 'welfare')
       ) as r(prefix, sector) on c.code like r.prefix || '%'
       order by c.n, length(r.prefix) desc
       limit 1) as sector
  from processes q
  where q.sensitive_sector is null
    and array_to_string(q.cpv_codes, ' ') ~ '(^| )(48180|48814|72212180|33195|851|48190|72212190|801|802|7523|7524|352|753|853)'
) m
where m.ocid = p.ocid and m.sector is not null;
update spend_version set version = version + 1, changed_at = now();
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
drop index if exists processes_sensitive_cover;
drop index if exists processes_sensitive_value;
drop index if exists processes_sensitive_date;
`,
  );
}
