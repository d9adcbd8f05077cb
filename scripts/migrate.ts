/** npm run db:migrate — apply migrations to the configured database. */
import { openFromEnv } from "../db/client";
import { migrateToLatest } from "../db/migrate";

const h = await openFromEnv();
try {
  const applied = await migrateToLatest(h.db);
  console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
} finally {
  await h.close();
}
