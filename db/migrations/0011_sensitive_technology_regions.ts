import { type Kysely, sql } from "kysely";
import { latePublicationRule } from "../../app/domain/flags/late-publication";
import { parseFlagConfig } from "../../app/domain/flags/config";
import type { FlagSubject } from "../../app/domain/flags/types";
import { itl1FromPostcode } from "../../app/domain/postcode-regions";
import { runScript } from "./run-script";

/**
 * Three classification changes applied to what is already stored (new writes
 * use the new rules through ingest):
 *
 * 1. The sensitive-sector register is of technology (app/domain/sectors.ts):
 *    a process keeps its sector only when one of its CPV codes starts with a
 *    technology prefix, or, with no CPV code at all, when the publisher
 *    tagged it with that sector (tender.x_sensitiveSector in a release). The
 *    new rule is the old one AND "is technology", so the backfill only clears
 *    sectors; the prefixes are the rule's defaults when this migration was
 *    written (302, 32, 48, 642, 72).
 * 2. Regions from postcodes (app/domain/postcode-regions.ts): an organisation
 *    with a postcode but no region, registered in the UK or of unknown
 *    country, gets the ITL1 region of its postcode (an outward code alone only
 *    when the country is the UK); a process with no buyer region takes its
 *    buyer's. Read through the domain module itself, so the mapping is the
 *    one in force. (The register stores whole postcodes only: a party that
 *    published an outward code alone gets its region on its next write.)
 * 3. Late publication measures the signature against the contract's first
 *    publication (app/domain/ocds/map.ts): for every process with a contract,
 *    process_extras.award_published_at becomes the date of the first release
 *    carrying a contract, and the late-publication outcome is evaluated again
 *    with the stored thresholds (register_meta.flag_config), its evidence
 *    replaced. A contract's own (non-standard) datePublished is read on the
 *    process's next write.
 *
 * It bumps spend_version (the dashboards' and the sensitive register's cache
 * key) and flags_version (/watch's).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await backfillSensitiveTechnology(db);
  await backfillRegionsFromPostcodes(db);
  await backfillContractPublication(db);
  await runScript(db, "update spend_version set version = version + 1, changed_at = now();");
}

export async function down(): Promise<void> {
  // Data backfills: nothing to undo structurally.
}

/** Clear the sector of stored processes that are not technology (exported for its test). */
export async function backfillSensitiveTechnology(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
update processes p set sensitive_sector = null
where p.sensitive_sector is not null
  and case when cardinality(coalesce(p.cpv_codes, '{}')) = 0
    then not exists (select 1 from releases r where r.ocid = p.ocid and r.data->'tender'->>'x_sensitiveSector' = p.sensitive_sector)
    else not (array_to_string(p.cpv_codes, ' ') ~ '(^| )(302|32|48|642|72)') end;
`,
  );
}

/** Regions from postcodes for organisations without one, then for processes whose buyer has one now (exported for its test). */
export async function backfillRegionsFromPostcodes(db: Kysely<unknown>, batch = 5_000): Promise<number> {
  let last = 0n;
  let updated = 0;
  for (;;) {
    const r = await sql<{ id: string; postcode: string; country_code: string | null }>`
      select id::text as id, postcode, country_code from organisations
      where id > ${last.toString()}::bigint and region is null and postcode is not null
        and (country_code is null or upper(country_code) = 'GB')
      order by id limit ${batch}`.execute(db);
    if (r.rows.length === 0) break;
    last = BigInt(r.rows[r.rows.length - 1]!.id);
    const found = r.rows.flatMap((o) => {
      const region = itl1FromPostcode(o.postcode, { outwardOnly: o.country_code?.toUpperCase() === "GB" });
      return region ? [{ id: o.id, region }] : [];
    });
    if (found.length > 0) {
      await sql`
        update organisations o set region = q.region
        from jsonb_to_recordset(${JSON.stringify(found)}::jsonb) as q(id bigint, region text)
        where o.id = q.id and o.region is null`.execute(db);
      updated += found.length;
    }
    if (r.rows.length < batch) break;
  }
  await sql`
    update processes p set buyer_region = o.region
    from organisations o
    where o.id = p.buyer_id and p.buyer_region is null and o.region is not null`.execute(db);
  return updated;
}

const isoText = (col: string) => sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/**
 * For every process with a contract: its contract's first publication, stored
 * for the flags, and the late-publication outcome again (exported for its test).
 */
export async function backfillContractPublication(db: Kysely<unknown>, batch = 2_000): Promise<number> {
  const meta = await sql<{ value: string }>`select value from register_meta where key = 'flag_config'`.execute(db);
  let config = null;
  try {
    config = meta.rows[0] ? parseFlagConfig(JSON.parse(meta.rows[0].value) as Record<string, unknown>) : null;
  } catch {
    config = null; // an unreadable stored configuration: npm run flags:recompute replaces it
  }
  let last = "";
  let done = 0;
  for (;;) {
    const page = await sql<{ ocid: string; published: string | null; stored: string | null }>`
      select p.ocid, ${isoText("x.award_published_at")} as stored,
        (select ${isoText("min(r.date)")} from releases r
          where r.ocid = p.ocid and jsonb_typeof(r.data->'contracts') = 'array' and jsonb_array_length(r.data->'contracts') > 0) as published
      from processes p join process_extras x on x.ocid = p.ocid
      where p.ocid > ${last} and exists (select 1 from contract_items ci where ci.ocid = p.ocid)
      order by p.ocid limit ${batch}`.execute(db);
    if (page.rows.length === 0) break;
    last = page.rows[page.rows.length - 1]!.ocid;
    const withDate = page.rows.filter((r) => r.published !== null).map((r) => ({ ocid: r.ocid, published: r.published }));
    if (withDate.length > 0) {
      await sql`
        update process_extras x set award_published_at = q.published
        from jsonb_to_recordset(${JSON.stringify(withDate)}::jsonb) as q(ocid text, published timestamptz)
        where x.ocid = q.ocid and x.award_published_at is distinct from q.published`.execute(db);
    }
    if (config) {
      const ocids = page.rows.map((r) => r.ocid);
      const items = await sql<{ ocid: string; status: string | null; date_signed: string | null; end_date: string | null }>`
        select ocid, status, ${isoText("date_signed")} as date_signed, ${isoText("end_date")} as end_date
        from contract_items where ocid in (select jsonb_array_elements_text(${JSON.stringify(ocids)}::jsonb))`.execute(db);
      const byOcid = new Map<string, typeof items.rows>();
      for (const it of items.rows) byOcid.set(it.ocid, [...(byOcid.get(it.ocid) ?? []), it]);
      const upserts: Array<{ ocid: string; code: string; status: string; evidence: unknown; threshold: string }> = [];
      const clear: string[] = [];
      for (const row of page.rows) {
        const list = byOcid.get(row.ocid) ?? [];
        const result = latePublicationRule.evaluate(subject(row.ocid, row.published ?? row.stored, list), config);
        if (result.status === "clear") clear.push(row.ocid);
        else upserts.push({ ocid: row.ocid, code: result.code, status: result.status, evidence: result.evidence, threshold: result.threshold });
      }
      if (clear.length > 0) {
        await sql`delete from flags where code = 'late-publication' and ocid in (select jsonb_array_elements_text(${JSON.stringify(clear)}::jsonb))`.execute(db);
      }
      if (upserts.length > 0) {
        await sql`
          insert into flags (ocid, code, status, evidence, threshold)
          select q.ocid, q.code, q.status, q.evidence, q.threshold
          from jsonb_to_recordset(${JSON.stringify(upserts)}::jsonb) as q(ocid text, code text, status text, evidence jsonb, threshold text)
          on conflict (ocid, code) do update
            set status = excluded.status, evidence = excluded.evidence, threshold = excluded.threshold, computed_at = now()`.execute(db);
      }
    }
    done += page.rows.length;
    if (page.rows.length < batch) break;
  }
  if (config && done > 0) {
    await sql`
      insert into register_meta (key, value) values ('flags_version', ${`0011-${Date.now().toString(36)}`})
      on conflict (key) do update set value = excluded.value, updated_at = now()`.execute(db);
  }
  return done;
}

/** What the late-publication rule reads, from the stored rows (as app/services/flags.server.ts subjectFromRows builds it). */
function subject(
  ocid: string,
  published: string | null,
  items: ReadonlyArray<{ status: string | null; date_signed: string | null; end_date: string | null }>,
): FlagSubject {
  let dateSigned: string | null = null;
  for (const it of items) {
    if (it.status === "cancelled" || it.date_signed === null) continue;
    if (dateSigned === null || Date.parse(it.date_signed) < Date.parse(dateSigned)) dateSigned = it.date_signed;
  }
  return {
    ocid,
    status: "active",
    procurementMethod: null,
    procurementMethodDetails: null,
    procurementMethodRationale: null,
    dateSigned,
    awardPublishedAt: published,
    originalValuePence: null,
    currentValuePence: null,
    currency: null,
    terminatedAt: null,
    terminationReason: null,
    endDate: null,
    tender: { numberOfTenderers: null, startDate: null, publishedAt: null, deadline: null },
    contracts: items.map((it) => ({ dateSigned: it.date_signed, endDate: it.end_date, amendments: [] })),
  };
}
