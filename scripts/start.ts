/**
 * npm start — build if needed, migrate, load demonstration data only if the
 * database holds no contracts and no user account (in production only when
 * asked for: DEMO=1 or DEMO_CONTRACTS), then serve on PORT.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { openDatabase } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { parseEnv } from "../app/env.server";
import { checkDataDir } from "../app/server/data-dir.server";
import { createApp, listen } from "../app/server/http.server";
import { createLogger } from "../app/server/logger.server";
import { recordDbTime } from "../app/server/request-context.server";
import { loadDemoIfEmpty } from "../seeds/load";
import { buildIfNeeded } from "./build-if-needed";

let env: ReturnType<typeof parseEnv>;
try {
  env = parseEnv();
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}

buildIfNeeded();
// React and Remix run their production builds unless NODE_ENV=development is set
// explicitly; the app's own settings (cookies, secrets) follow the parsed env.NODE_ENV.
const libraryMode = process.env.NODE_ENV === "development" ? "development" : "production";
process.env.NODE_ENV = libraryMode;
const logger = createLogger(env.LOG_LEVEL);
// PGlite: a data folder that cannot be written is a clear error naming DATA_DIR, before PGlite touches it.
if (!env.DATABASE_URL) {
  try {
    checkDataDir(env.DATA_DIR);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
const handle = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR, onQuery: recordDbTime });
const readHandle = env.DATABASE_READ_URL ? await openDatabase({ url: env.DATABASE_READ_URL, onQuery: recordDbTime }) : null;
await migrateToLatest(handle.db);
await loadDemoIfEmpty(handle.db, { enabled: env.DEMO, contracts: env.DEMO_CONTRACTS, seed: env.DEMO_SEED, progress: process.stdout.isTTY });

const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
const app = createApp({ db: handle.db, readDb: readHandle?.db ?? handle.db, env, build, mode: libraryMode, logger });
const server = await listen(app, env.PORT, env.HOST);
console.log(`Public Tech Procurement Register: http://localhost:${env.PORT} (${handle.kind === "pglite" ? `embedded PGlite in ${env.DATA_DIR}` : "PostgreSQL server"})`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing requests in flight, then closing the database.`);
  const force = setTimeout(() => {
    console.error(`Requests did not finish within ${env.SHUTDOWN_GRACE_MS} ms; closing anyway.`);
    server.closeAllConnections();
  }, env.SHUTDOWN_GRACE_MS);
  force.unref();
  server.close(async () => {
    await handle.close();
    await readHandle?.close();
    clearTimeout(force);
    process.exit(0);
  });
  server.closeIdleConnections();
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
