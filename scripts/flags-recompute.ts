/**
 * npm run flags:recompute [-- --config thresholds.json] [--batch N]
 *
 * Recompute every stored red flag with the thresholds given, and store them as
 * the thresholds in force (the methodology page shows them; later writes use
 * them). Thresholds: a JSON file (`--config`, e.g. {"shortTenderDays": 15}),
 * else the FLAG_* environment variables (FLAG_SHORT_TENDER_DAYS,
 * FLAG_VALUE_INCREASE_PCT, FLAG_VALUE_INCREASE_CUMULATIVE_PCT,
 * FLAG_LATE_PUBLICATION_DAYS, FLAG_REPEAT_DIRECT_AWARDS,
 * FLAG_REPEAT_WINDOW_DAYS, FLAG_SPLIT_WINDOW_DAYS, FLAG_SPLIT_THRESHOLD_PENCE);
 * anything not given takes its default. Bad values stop the script before it
 * touches the database, naming the setting. Exit codes: 0 done, 2 bad
 * configuration or arguments, 1 failure.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import { openFromEnv } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import {
  DEFAULT_FLAG_CONFIG,
  FLAG_CODES,
  FLAG_ENV_VARS,
  type FlagConfig,
  describeAllRules,
  flagConfigFromEnv,
  parseFlagConfig,
} from "../app/domain/flags";
import { recomputeAllFlags } from "../app/services/flags.server";

function fail(lines: string[]): never {
  for (const line of lines) console.error(line);
  process.exit(2);
}

let args: { config?: string | undefined; batch?: string | undefined; help?: boolean | undefined };
try {
  args = parseArgs({
    options: { config: { type: "string" }, batch: { type: "string" }, help: { type: "boolean", short: "h" } },
  }).values;
} catch (e) {
  fail([(e as Error).message, "Usage: npm run flags:recompute [-- --config thresholds.json] [--batch N]"]);
}
if (args.help) {
  console.log("Usage: npm run flags:recompute [-- --config thresholds.json] [--batch N]");
  console.log(`Settings (JSON key / environment variable, default):`);
  for (const [key, env] of Object.entries(FLAG_ENV_VARS)) {
    console.log(`  ${key.padEnd(28)} ${env.padEnd(36)} ${String(DEFAULT_FLAG_CONFIG[key as keyof FlagConfig])}`);
  }
  process.exit(0);
}

let batchSize = 5_000;
if (args.batch !== undefined) {
  const n = Number(args.batch);
  if (!Number.isInteger(n) || n < 1 || n > 200_000) fail([`--batch: must be a whole number from 1 to 200000 (got ${JSON.stringify(args.batch)})`]);
  batchSize = n;
}

let config: FlagConfig;
let source: string;
if (args.config !== undefined) {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(args.config, "utf8"));
  } catch (e) {
    fail([`--config ${args.config}: cannot read a JSON object from this file (${(e as Error).message})`]);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) fail([`--config ${args.config}: must hold a JSON object such as {"shortTenderDays": 15}`]);
  try {
    config = parseFlagConfig(raw as Record<string, unknown>);
  } catch (e) {
    fail([`--config ${args.config}: ${(e as Error).message.replace(/^Flag config: /, "")}`, `Known settings: ${Object.keys(FLAG_ENV_VARS).join(", ")}`]);
  }
  source = args.config;
} else {
  const fromEnv = flagConfigFromEnv(process.env);
  if (!fromEnv.ok) fail(["Invalid red-flag thresholds in the environment:", ...fromEnv.errors.map((e) => `  ${e}`)]);
  config = fromEnv.config;
  source = fromEnv.fromEnv.length ? `environment (${fromEnv.fromEnv.join(", ")})` : "defaults";
}

console.log(`Thresholds (from ${source}):`);
for (const rule of describeAllRules(config)) console.log(`  ${rule.title}: ${rule.threshold}`);

const handle = await openFromEnv();
try {
  await migrateToLatest(handle.db);
  const bar = new SingleBar({
    format: "{phase} |{bar}| {value}/{total} contracts · {rate}/s · ETA {eta_formatted}",
    hideCursor: true,
    noTTYOutput: !process.stdout.isTTY,
    notTTYSchedule: 5_000,
  });
  let phase = "";
  const started = Date.now();
  const result = await recomputeAllFlags(handle.db, config, {
    batchSize,
    onProgress: (p) => {
      const label = p.phase === "rebuild" ? "Rebuilding flag inputs from releases" : "Recomputing flags";
      if (label !== phase) {
        if (phase) bar.stop();
        phase = label;
        bar.start(p.total, 0, { phase, rate: 0 });
      }
      bar.update(p.done, { phase, rate: Math.round(p.done / Math.max(0.001, (Date.now() - started) / 1000)) });
    },
  });
  if (phase) bar.stop();
  console.log(
    `Recomputed the flags of ${result.contracts.toLocaleString("en-GB")} contracts in ${result.seconds.toFixed(1)} s` +
      (result.rebuilt ? ` (${result.rebuilt.toLocaleString("en-GB")} rebuilt from their releases first)` : "") +
      `; ${result.changed.toLocaleString("en-GB")} stored outcomes changed.`,
  );
  for (const code of FLAG_CODES) {
    console.log(`  ${code.padEnd(24)} flagged ${String(result.flagged[code]).padStart(9)}   could not be checked ${String(result.unknown[code]).padStart(9)}`);
  }
} catch (e) {
  console.error(`flags:recompute failed: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await handle.close();
}
