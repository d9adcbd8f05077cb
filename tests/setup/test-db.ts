/**
 * A fresh, migrated database per test file: in-memory PGlite by default, or a
 * private schema on the PostgreSQL server named by TEST_DATABASE_URL.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { type DbHandle, openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";

export interface TestDb extends DbHandle {
  /** The URL tests should hand to a child process (undefined on PGlite). */
  url: string | undefined;
  schema: string | undefined;
}

export async function openTestDatabase(label: string): Promise<TestDb> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const h = await openDatabase({ memory: true });
    await migrateToLatest(h.db);
    return { ...h, url: undefined, schema: undefined };
  }
  const schema = `t_${label.replace(/\W/g, "_")}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const h = await openDatabase({ url, searchPath: schema, poolSize: 4 });
  await migrateToLatest(h.db, { schema });
  return {
    ...h,
    url,
    schema,
    close: async () => {
      await h.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}
