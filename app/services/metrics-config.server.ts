/**
 * The metric configuration in force (app/domain/metrics/config.ts), loaded from
 * the environment: the JSON file named by METRICS_CONFIG and the METRICS_*
 * variables. app/env.server.ts loads it once at start (a bad value stops the
 * server, naming it) and hands it to every loader in the load context
 * (`context.env.metrics`); `metricsConfigOf(context)` reads it there.
 * Command-line jobs that write (imports, `consultancy:recompute`) use
 * `metricsConfigFromProcessEnv()`, the same reading of their own environment.
 */
import { readFileSync } from "node:fs";
import { DEFAULT_METRICS_CONFIG, type MetricsConfig, type MetricsConfigResult, metricsConfigFromEnv } from "../domain/metrics/config";

/** Reads METRICS_CONFIG's file (if set) and applies the METRICS_* variables; names every problem. */
export function loadMetricsConfig(env: Readonly<Record<string, string | undefined>>): MetricsConfigResult {
  const path = env.METRICS_CONFIG?.trim();
  let file: { path: string; text: string } | null = null;
  if (path) {
    try {
      file = { path, text: readFileSync(path, "utf8") };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return { ok: false, errors: [`METRICS_CONFIG: cannot read ${path}${code ? ` (${code})` : ""}`] };
    }
  }
  return metricsConfigFromEnv(env, file);
}

let fromProcess: MetricsConfig | undefined;

/** The configuration of this process's own environment, read once; throws naming each bad variable. */
export function metricsConfigFromProcessEnv(): MetricsConfig {
  if (fromProcess) return fromProcess;
  const r = loadMetricsConfig(process.env);
  if (!r.ok) throw new Error(`Invalid metrics configuration in the environment:\n  ${r.errors.join("\n  ")}`);
  fromProcess = r.config;
  return fromProcess;
}

/** The configuration a loader should use: the one loaded at start (context.env.metrics), else the defaults. */
export function metricsConfigOf(context: { env?: unknown } | null | undefined): MetricsConfig {
  const env = context?.env as { metrics?: MetricsConfig } | undefined;
  return env?.metrics ?? DEFAULT_METRICS_CONFIG;
}
