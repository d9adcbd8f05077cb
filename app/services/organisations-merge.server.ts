/**
 * Merging two organisations that supplier resolution kept apart (the same
 * supplier spelt two ways without an identifier, or under two postcodes), so
 * that the merge sticks.
 *
 * In one transaction:
 * 1. the from-organisation's resolution key, and every alias that pointed at
 *    it, become aliases of the survivor (`organisation_aliases`): from then on
 *    upsertOrganisations (db/queries/write.ts) resolves them to the survivor,
 *    so a later import naming the merged-away organisation never recreates it;
 * 2. the survivor keeps its own attributes and takes the merged-away one's
 *    where it has none (scale, organisation type, country, region, postcode,
 *    buyer type, group; buyer and supplier roles are combined);
 * 3. every process that names either organisation is recompiled from its
 *    stored releases through the ordinary write path (writeStates), so every
 *    reference and everything derived follows: award_suppliers, processes'
 *    buyer and supplier ids and names, spend_lines and spend_annual (which
 *    refuse UPDATE: their rows are deleted and inserted, and the rollups follow
 *    through their triggers) and flag_peers and flags (cross-contract flags of
 *    other contracts of the pairs included);
 * 4. the merged-away organisation is deleted when nothing references it any
 *    more, else kept and marked (`merged_into`, `merged_at`): a publisher's
 *    buyer (user_buyers), a draft or an audit entry still naming it;
 * 5. an audit entry records who merged what.
 */
import { sql } from "kysely";
import type { DB } from "../../db/client";
import { insertAudit } from "../../db/queries/audit";
import type { Executor } from "../../db/queries/util";
import { loadReleases } from "../../db/queries/write";
import { compileReleases } from "../domain/ocds/compile";
import { mapCompiledRelease } from "../domain/ocds/map";
import type { OcdsRelease } from "../domain/types";
import { writeStates } from "./ingest.server";

export interface MergeInput {
  /** The organisation merged away (register id). */
  from: bigint;
  /** The organisation that survives (register id). */
  into: bigint;
  /** Who asked for the merge (an email, "(command line)"): kept on the aliases and in the audit log. */
  by: string | null;
  /** Processes recompiled per statement batch. */
  batchSize?: number;
}

export interface MergedOrganisation {
  id: bigint;
  key: string;
  name: string;
}

export interface MergeResult {
  from: MergedOrganisation;
  into: MergedOrganisation;
  /** Resolution keys that now resolve to the survivor through an alias (the from-organisation's and those that pointed at it). */
  aliases: string[];
  /** Processes recompiled (every one that named either organisation). */
  processes: number;
  /** Processes that named the merged-away organisation (as buyer or supplier). */
  movedProcesses: number;
  /** deleted: nothing referenced it any more; kept: marked merged, because of `keptFor`. */
  outcome: "deleted" | "kept";
  keptFor: string[];
  auditId: bigint | null;
}

/** A merge that cannot be made; `field` names the parameter at fault. */
export class MergeError extends Error {
  constructor(
    public field: "from" | "into",
    message: string,
  ) {
    super(message);
  }
}

const ORG_COLUMNS = ["id", "key", "name", "is_buyer", "is_supplier", "merged_into"] as const;

/** Merge `from` into `into` (in the caller's transaction when given one, else in a transaction of its own). */
export async function mergeOrganisations(db: Executor, input: MergeInput): Promise<MergeResult> {
  if (db.isTransaction) return mergeIn(db, input);
  return (db as DB).transaction().execute((trx) => mergeIn(trx, input));
}

async function mergeIn(trx: Executor, input: MergeInput): Promise<MergeResult> {
  const { from, into } = input;
  if (from === into) throw new MergeError("into", "--into must be another organisation than --from");
  // Lock both (in id order, as any other merge would) before reading them.
  const rows = await trx
    .selectFrom("organisations")
    .select([...ORG_COLUMNS])
    .where("id", "in", [from, into])
    .orderBy("id")
    .forUpdate()
    .execute();
  const source = rows.find((r) => r.id === from);
  const target = rows.find((r) => r.id === into);
  if (!source) throw new MergeError("from", `--from: no organisation with id ${from}`);
  if (!target) throw new MergeError("into", `--into: no organisation with id ${into}`);
  if (source.merged_into !== null) throw new MergeError("from", `--from: organisation ${from} (${source.name}) was already merged into ${source.merged_into}`);
  if (target.merged_into !== null) {
    throw new MergeError("into", `--into: organisation ${into} (${target.name}) was merged into ${target.merged_into}; merge into that one instead`);
  }

  // 1. Aliases: the from-organisation's key and every alias of it now mean the survivor.
  await trx
    .updateTable("organisation_aliases")
    .set({ organisation_id: into, merged_at: sql`now()`, merged_by: input.by })
    .where("organisation_id", "=", from)
    .execute();
  await trx
    .insertInto("organisation_aliases")
    .values({ key: source.key, organisation_id: into, merged_by: input.by })
    .onConflict((oc) => oc.column("key").doUpdateSet({ organisation_id: into, merged_at: sql`now()`, merged_by: input.by }))
    .execute();
  // The survivor's own key is never an alias (it resolves to itself).
  await trx.deleteFrom("organisation_aliases").where("key", "=", target.key).execute();
  const aliases = (await trx.selectFrom("organisation_aliases").select("key").where("organisation_id", "=", into).orderBy("key").execute()).map((r) => r.key);
  // Organisations kept (marked) by earlier merges into the from-organisation now point at the survivor.
  await trx.updateTable("organisations").set({ merged_into: into }).where("merged_into", "=", from).execute();

  // 2. The survivor fills its gaps from the merged-away organisation.
  await sql`
    update organisations i set
      is_buyer = i.is_buyer or f.is_buyer,
      is_supplier = i.is_supplier or f.is_supplier,
      scale = case when i.scale = 'unknown' then f.scale else i.scale end,
      org_type = case when i.org_type = 'unknown' then f.org_type else i.org_type end,
      buyer_type = coalesce(i.buyer_type, f.buyer_type),
      country_code = coalesce(i.country_code, f.country_code),
      region = coalesce(i.region, f.region),
      postcode = coalesce(i.postcode, f.postcode),
      group_id = coalesce(i.group_id, f.group_id)
    from organisations f
    where i.id = ${into} and f.id = ${from}`.execute(trx);

  // 3. Recompile every process that names either organisation.
  const named = await sql<{ ocid: string; moved: boolean }>`
    select ocid, coalesce(bool_or(moved), false) as moved from (
      select ocid, (buyer_id = ${from} or ${from} = any(supplier_ids)) as moved from processes
        where buyer_id in (${from}, ${into}) or supplier_ids && array[${from}, ${into}]::bigint[]
      union all select ocid, supplier_id = ${from} from award_suppliers where supplier_id in (${from}, ${into})
      union all select ocid, (supplier_id = ${from} or buyer_id = ${from}) from spend_lines
        where supplier_id in (${from}, ${into}) or buyer_id in (${from}, ${into})
      union all select ocid, (supplier_id = ${from} or buyer_id = ${from}) from flag_peers
        where supplier_id in (${from}, ${into}) or buyer_id in (${from}, ${into})
    ) n group by ocid order by ocid`.execute(trx);
  const ocids = named.rows.map((r) => r.ocid);
  const batch = input.batchSize ?? 500;
  for (let i = 0; i < ocids.length; i += batch) {
    const loaded = await loadReleases(trx, ocids.slice(i, i + batch));
    const states = [...loaded.values()].map((list) => {
      const releases = list.map((d) => (typeof d === "string" ? JSON.parse(d) : d)) as OcdsRelease[];
      return mapCompiledRelease(compileReleases(releases), releases);
    });
    await writeStates(trx, states, { fresh: false });
  }

  // Nothing derived may still name the merged-away organisation.
  const left = await sql<{ what: string; n: number }>`
    select 'processes' as what, count(*)::int as n from processes where buyer_id = ${from} or ${from} = any(supplier_ids)
    union all select 'award_suppliers', count(*)::int from award_suppliers where supplier_id = ${from}
    union all select 'spend_lines', count(*)::int from spend_lines where supplier_id = ${from} or buyer_id = ${from}
    union all select 'spend_annual', count(*)::int from spend_annual where supplier_id = ${from} or buyer_id = ${from}
    union all select 'flag_peers', count(*)::int from flag_peers where supplier_id = ${from} or buyer_id = ${from}`.execute(trx);
  const stuck = left.rows.filter((r) => r.n > 0);
  if (stuck.length > 0) {
    // Resolution of these processes' releases no longer gives the from-organisation's key (the rules changed since it was made).
    throw new MergeError(
      "from",
      `--from: after recompiling, ${stuck.map((r) => `${r.n} ${r.what} row(s)`).join(", ")} still name organisation ${from}; nothing was merged`,
    );
  }

  // 4. Delete the merged-away organisation, or keep it marked when something still points at it.
  const refs = await sql<{ what: string; n: number }>`
    select 'a publisher account (user_buyers)' as what, count(*)::int as n from user_buyers where buyer_id = ${from}
    union all select 'a draft', count(*)::int from drafts where buyer_id = ${from}
    union all select 'the audit log', count(*)::int from audit_log where buyer_id = ${from}`.execute(trx);
  const keptFor = refs.rows.filter((r) => r.n > 0).map((r) => r.what);
  if (keptFor.length === 0) await trx.deleteFrom("organisations").where("id", "=", from).execute();
  else await trx.updateTable("organisations").set({ merged_into: into, merged_at: sql`now()` }).where("id", "=", from).execute();

  // 5. Audit.
  const movedProcesses = named.rows.filter((r) => r.moved).length;
  const auditId = await insertAudit(trx, {
    userId: null,
    userEmail: input.by,
    action: "organisations-merge",
    summary: `Merged organisation ${from} (${source.name}) into ${into} (${target.name}): ${movedProcesses} contract(s) moved, ${ocids.length} recompiled; ${
      keptFor.length ? `kept as merged (referenced by ${keptFor.join(", ")})` : "deleted"
    }`,
    buyerId: source.is_buyer || target.is_buyer ? into : null,
    details: { from: String(from), into: String(into), fromKey: source.key, aliases, processes: ocids.length, movedProcesses, keptFor },
    ip: null,
    userAgent: null,
  });
  return {
    from: { id: source.id, key: source.key, name: source.name },
    into: { id: target.id, key: target.key, name: target.name },
    aliases,
    processes: ocids.length,
    movedProcesses,
    outcome: keptFor.length ? "kept" : "deleted",
    keptFor,
    auditId,
  };
}
