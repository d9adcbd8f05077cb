/**
 * `npm run consultancy:recompute` (scripts/consultancy-recompute.ts): classify
 * every stored contract again with the consultancy prefixes in force
 * (METRICS_CONSULTANCY_PREFIXES / METRICS_NOT_CONSULTANCY_PREFIXES or the
 * METRICS_CONFIG file), after they change.
 *
 * The classification is stored at write time (processes.consultancy and
 * consultancy_rule, and the consultancy column of every spend row, from which
 * the dashboards' rollups are summed), so a change of prefixes reaches stored
 * contracts only through this job. For each batch of processes, in one
 * transaction: the changed classifications are written to processes; the spend
 * rows of the contracts whose yes/no changed are deleted and inserted again
 * with the new value (spend rows are never updated in place: the rollup
 * triggers subtract the old rows and add the new ones, and bump the data
 * version, so cached figures are dropped). The prefixes used are stored in
 * register_meta (`consultancy_config`), and the methodology page says when
 * the stored classification was made with other prefixes than those in force.
 */
import { sql } from "kysely";
import type { DB } from "../../db/client";
import type { Executor } from "../../db/queries/util";
import { getMeta, setMeta } from "../../db/queries/write";
import { type ConsultancyConfig, classifyConsultancy, DEFAULT_CONSULTANCY_CONFIG, validateConsultancyConfig } from "../domain/metrics/consultancy";

export const CONSULTANCY_CONFIG_KEY = "consultancy_config";

export interface ConsultancyRecomputeResult {
  processes: number;
  /** Processes whose rule changed (including those whose yes/no changed). */
  changed: number;
  /** Now consultancy, previously not. */
  added: number;
  /** Previously consultancy, now not. */
  removed: number;
  seconds: number;
}

/** The prefixes the stored classification was made with: the last recompute's, else the defaults (the write path's). */
export async function storedConsultancyConfig(db: Executor): Promise<ConsultancyConfig> {
  const text = await getMeta(db, CONSULTANCY_CONFIG_KEY);
  if (text === null) return DEFAULT_CONSULTANCY_CONFIG;
  try {
    const v = JSON.parse(text) as ConsultancyConfig;
    validateConsultancyConfig(v);
    return { prefixes: v.prefixes, excludedPrefixes: v.excludedPrefixes };
  } catch {
    return DEFAULT_CONSULTANCY_CONFIG;
  }
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** True when two prefix configurations classify alike (same lists in the same order). */
export function sameConsultancyConfig(a: ConsultancyConfig, b: ConsultancyConfig): boolean {
  return sameList(a.prefixes, b.prefixes) && sameList(a.excludedPrefixes, b.excludedPrefixes);
}

export async function recomputeConsultancy(
  db: DB,
  config: ConsultancyConfig,
  opts: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<ConsultancyRecomputeResult> {
  validateConsultancyConfig(config);
  const started = Date.now();
  const batchSize = opts.batchSize ?? 5_000;
  const total = Number((await sql<{ n: string }>`select count(*)::text as n from processes`.execute(db)).rows[0]?.n ?? 0);
  let after = "";
  let done = 0;
  let changed = 0;
  let added = 0;
  let removed = 0;
  for (;;) {
    const rows = await db
      .selectFrom("processes")
      .select(["ocid", "consultancy_explicit", "cpv_codes", "consultancy", "consultancy_rule"])
      .where("ocid", ">", after)
      .orderBy("ocid")
      .limit(batchSize)
      .execute();
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.ocid;
    const updates: Array<{ ocid: string; consultancy: boolean; rule: string }> = [];
    const flipped: string[] = [];
    for (const r of rows) {
      const cls = classifyConsultancy({ explicit: r.consultancy_explicit, cpvCodes: r.cpv_codes ?? [] }, config);
      if (cls.consultancy === r.consultancy && cls.rule === r.consultancy_rule) continue;
      updates.push({ ocid: r.ocid, consultancy: cls.consultancy, rule: cls.rule });
      if (cls.consultancy !== r.consultancy) {
        flipped.push(r.ocid);
        if (cls.consultancy) added++;
        else removed++;
      }
    }
    if (updates.length > 0) {
      await db.transaction().execute(async (trx) => {
        await sql`
          update processes p set consultancy = v.consultancy, consultancy_rule = v.rule
          from unnest(${updates.map((u) => u.ocid)}::text[], ${updates.map((u) => u.consultancy)}::boolean[], ${updates.map((u) => u.rule)}::text[])
            as v(ocid, consultancy, rule)
          where p.ocid = v.ocid`.execute(trx);
        if (flipped.length > 0) await rewriteSpendRows(trx, flipped);
      });
    }
    changed += updates.length;
    done += rows.length;
    opts.onProgress?.(done, total);
  }
  await setMeta(db, CONSULTANCY_CONFIG_KEY, JSON.stringify({ prefixes: config.prefixes, excludedPrefixes: config.excludedPrefixes }));
  return { processes: done, changed, added, removed, seconds: (Date.now() - started) / 1000 };
}

/** Delete and re-insert the spend rows of these processes with their process's consultancy value. */
async function rewriteSpendRows(trx: Executor, ocids: string[]): Promise<void> {
  for (const table of ["spend_lines", "spend_annual"] as const) {
    const copy = sql.table(`consultancy_recompute_${table}`);
    const t = sql.table(table);
    await sql`create temporary table ${copy} on commit drop as select * from ${t} where ocid = any(${ocids}::text[])`.execute(trx);
    await sql`update ${copy} c set consultancy = p.consultancy from processes p where p.ocid = c.ocid`.execute(trx);
    await sql`delete from ${t} where ocid = any(${ocids}::text[])`.execute(trx);
    await sql`insert into ${t} select * from ${copy}`.execute(trx);
    await sql`drop table ${copy}`.execute(trx);
  }
}
