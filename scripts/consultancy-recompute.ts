/**
 * npm run consultancy:recompute [-- --batch N]
 * (until package.json lists it: npx tsx scripts/consultancy-recompute.ts)
 *
 * Classify every stored contract again with the consultancy CPV prefixes in
 * force (METRICS_CONSULTANCY_PREFIXES, METRICS_NOT_CONSULTANCY_PREFIXES, or the
 * METRICS_CONFIG file; the defaults otherwise), and bring the dashboards'
 * figures into line: run it after changing the prefixes. A publisher's explicit
 * yes or no is kept. Bad settings stop it before it touches the database,
 * naming the variable. Exit codes: 0 done, 2 bad configuration or arguments, 1 failure.
 */
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import { openFromEnv } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { recomputeConsultancy } from "../app/services/consultancy-recompute.server";
import { loadMetricsConfig } from "../app/services/metrics-config.server";

function fail(lines: string[]): never {
  for (const line of lines) console.error(line);
  process.exit(2);
}

const usage = "Usage: npm run consultancy:recompute [-- --batch N]";
let args: { batch?: string | undefined; help?: boolean | undefined };
try {
  args = parseArgs({ options: { batch: { type: "string" }, help: { type: "boolean", short: "h" } } }).values;
} catch (e) {
  fail([(e as Error).message, usage]);
}
if (args.help) {
  console.log(usage);
  console.log("Prefixes: METRICS_CONSULTANCY_PREFIXES, METRICS_NOT_CONSULTANCY_PREFIXES (comma-separated), or a METRICS_CONFIG file.");
  process.exit(0);
}
let batchSize = 5_000;
if (args.batch !== undefined) {
  const n = Number(args.batch);
  if (!Number.isInteger(n) || n < 1 || n > 200_000) fail([`--batch: must be a whole number from 1 to 200000 (got ${JSON.stringify(args.batch)})`]);
  batchSize = n;
}
const loaded = loadMetricsConfig(process.env);
if (!loaded.ok) fail(["Invalid metrics configuration:", ...loaded.errors.map((e) => `  ${e}`)]);
const consultancy = loaded.config.consultancy;

const h = await openFromEnv();
try {
  await migrateToLatest(h.db);
  console.log(`Consultancy prefixes: ${consultancy.prefixes.join(", ") || "none"}; never consultancy: ${consultancy.excludedPrefixes.join(", ") || "none"}.`);
  const bar = process.stdout.isTTY ? new SingleBar({ format: "Reclassifying {bar} {value}/{total} contracts" }) : null;
  let started = false;
  const r = await recomputeConsultancy(h.db, consultancy, {
    batchSize,
    onProgress: (done, total) => {
      if (!bar) return;
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
  });
  bar?.stop();
  console.log(
    `Reclassified ${r.processes.toLocaleString("en-GB")} contracts in ${r.seconds.toFixed(1)} s: ${r.changed.toLocaleString("en-GB")} changed rule, ${r.added.toLocaleString("en-GB")} now consultancy, ${r.removed.toLocaleString("en-GB")} no longer.`,
  );
} catch (e) {
  console.error(`consultancy:recompute failed: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await h.close();
}
