import { type Kysely, sql } from "kysely";

/**
 * Run a multi-statement SQL script one statement at a time (PGlite's extended
 * protocol, like pg's, takes one command per query). Statements are split at a
 * semicolon that ends a line and is followed by a new DDL/DML keyword, so
 * function bodies between $$ … $$ stay whole.
 */
export async function runScript(db: Kysely<unknown>, script: string): Promise<void> {
  const parts = script
    .replace(/^\s*--.*$/gm, "")
    .split(/;\s*\n(?=\s*(?:create|drop|alter|insert|update|comment|grant|revoke|revoke)\b)/i)
    .map((s) => s.trim().replace(/;$/, ""))
    .filter((s) => s.length > 0);
  for (const stmt of parts) {
    await sql.raw(stmt).execute(db);
  }
}
