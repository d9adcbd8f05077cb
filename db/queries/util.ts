import { type Insertable, type Kysely, type Transaction, sql } from "kysely";
import type { Database } from "../schema";

export type Executor = Kysely<Database> | Transaction<Database>;

function jsonText(rows: unknown[]): string {
  return JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? v.toString() : v instanceof Date ? v.toISOString() : v));
}

/**
 * Bulk insert: the rows travel as ONE jsonb parameter and PostgreSQL unpacks
 * them with jsonb_populate_recordset into the table's own row type. Far faster
 * than thousands of bind parameters (on PGlite especially), and the same SQL
 * on both drivers. Chunks of about 8 MB keep statements reasonable.
 */
export async function insertChunked<T extends keyof Database & string>(
  db: Executor,
  table: T,
  rows: Insertable<Database[T]>[],
): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0] as object);
  const colList = sql.join(cols.map((c) => sql.ref(c)));
  let start = 0;
  let bytes = 0;
  for (let i = 0; i <= rows.length; i++) {
    if (i < rows.length) bytes += 200 + JSON.stringify((rows[i] as { data?: unknown }).data ?? "").length;
    if (i === rows.length || bytes > 8_000_000 || i - start >= 5000) {
      const end = i === rows.length ? i : i + 1;
      const chunk = rows.slice(start, end);
      if (chunk.length) {
        await sql`insert into ${sql.table(table)} (${colList}) select ${colList} from jsonb_populate_recordset(null::${sql.table(table)}, ${jsonText(chunk)}::jsonb)`.execute(
          db,
        );
      }
      start = end;
      i = end - 1;
      bytes = 0;
      if (end === rows.length) break;
    }
  }
}

/** A JS Date or ISO string → Date (or null). */
export const toDate = (v: string | Date | null | undefined): Date | null => (v ? new Date(v) : null);
