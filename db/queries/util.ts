import { type Insertable, type Kysely, type Transaction, sql } from "kysely";
import type { Database } from "../schema";

export type Executor = Kysely<Database> | Transaction<Database>;

/**
 * A JSON value already serialised (e.g. a release whose text was hashed):
 * `insertChunked` writes the text as it is instead of serialising it again
 * (only insertChunked knows this wrapper; kysely's own inserts take a string).
 */
export class JsonText {
  constructor(readonly text: string) {}
}

const CHUNK_BYTES = Number(process.env.INSERT_CHUNK_BYTES ?? 2_000_000);
const bigintSafe = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

/** One column value as JSON: bigint as a string (int8 and numeric read it back exactly), Date as ISO. */
function valueJson(v: unknown): string {
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "string":
    case "number":
    case "boolean":
      return JSON.stringify(v);
    case "bigint":
      return `"${v}"`;
  }
  if (v instanceof JsonText) return v.text;
  if (v instanceof Date) return `"${v.toISOString()}"`;
  try {
    // Fast path: no replacer (JSON.stringify throws a TypeError on the first bigint it meets).
    return JSON.stringify(v);
  } catch {
    return JSON.stringify(v, bigintSafe);
  }
}

/**
 * Bulk insert: the rows travel as ONE jsonb parameter and PostgreSQL unpacks
 * them with jsonb_populate_recordset into the table's own row type. Far faster
 * than thousands of bind parameters (on PGlite especially), and the same SQL
 * on both drivers. Each row is serialised once; chunks of about 8 MB (at most
 * 5,000 rows) keep statements reasonable.
 */
export async function insertChunked<T extends keyof Database & string>(
  db: Executor,
  table: T,
  rows: Insertable<Database[T]>[],
): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0] as object);
  const keys = cols.map((c) => `${JSON.stringify(c)}:`);
  const colList = sql.join(cols.map((c) => sql.ref(c)));
  const send = async (parts: string[]) => {
    await sql`insert into ${sql.table(table)} (${colList}) select ${colList} from jsonb_populate_recordset(null::${sql.table(table)}, ${`[${parts.join(",")}]`}::jsonb)`.execute(
      db,
    );
  };
  let parts: string[] = [];
  let bytes = 0;
  for (const row of rows) {
    const r = row as Record<string, unknown>;
    let text = "{";
    for (let i = 0; i < cols.length; i++) text += (i ? "," : "") + keys[i] + valueJson(r[cols[i]!]);
    text += "}";
    parts.push(text);
    bytes += text.length;
    if (bytes > CHUNK_BYTES || parts.length >= 5000) {
      await send(parts);
      parts = [];
      bytes = 0;
    }
  }
  if (parts.length) await send(parts);
}

/** A JS Date or ISO string → Date (or null). */
export const toDate = (v: string | Date | null | undefined): Date | null => (v ? new Date(v) : null);
