/** The versions that say whether anything public has changed (migrations 0002 and 0012). */
import { sql } from "kysely";
import type { Executor } from "./util";

/** `data_version:spend_version`: changes in the transaction of every write a public page could show. */
export async function publicDataVersion(db: Executor): Promise<string> {
  const r = await sql<{ v: string }>`
    select (select version from data_version where id = 1)::text || ':' || (select version from spend_version where id = 1)::text as v`.execute(db);
  return r.rows[0]?.v ?? "0:0";
}
