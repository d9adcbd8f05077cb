/**
 * The environment, validated once at start with zod. A bad or missing variable
 * stops the server with a message naming it.
 */
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { z } from "zod";
import { FLAG_ENV_VARS, flagConfigFromEnv } from "./domain/flags/config";
import { DEFAULT_METRICS_CONFIG, type MetricsConfig } from "./domain/metrics/config";
import { loadMetricsConfig } from "./services/metrics-config.server";

const TRUST_PROXY_PRESETS = ["loopback", "linklocal", "uniquelocal"];

/** A CIDR's prefix length is a whole number within the address's size. */
function validCidr(item: string): boolean {
  const [addr, bits, ...rest] = item.split("/");
  const family = isIP(addr ?? "");
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * Express's "trust proxy" forms: a hop count ("1": the nearest proxy's X-Forwarded-For decides),
 * or a comma-separated list of "loopback", "linklocal", "uniquelocal", addresses and CIDRs.
 * "true" (trust every hop) is refused: any client could then choose its own address.
 */
const TrustProxySchema = z
  .string()
  .trim()
  .transform((v, ctx): number | string => {
    if (/^\d+$/.test(v)) {
      if (Number(v) > 20) ctx.addIssue({ code: "custom", message: "a hop count must be from 0 to 20" });
      return Number(v);
    }
    const items = v.split(",").map((x) => x.trim());
    const bad = items.filter((x) => !TRUST_PROXY_PRESETS.includes(x) && !validCidr(x));
    if (bad.length > 0 || items.length === 0) {
      ctx.addIssue({
        code: "custom",
        message: `must be a hop count (e.g. 1) or a comma-separated list of loopback, linklocal, uniquelocal, IP addresses and CIDRs (e.g. 10.0.0.0/8); not ${bad.map((x) => JSON.stringify(x)).join(", ")}`,
      });
    }
    return items.join(",");
  });

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().default("0.0.0.0"),
    DATABASE_URL: z.string().url().optional(),
    DATABASE_READ_URL: z.string().url().optional(),
    DATA_DIR: z.string().min(1).default(".data/pglite"),
    /** The embedded database's shared_buffers (read by db/client.ts, which every CLI shares): a size such as 64MB. */
    PGLITE_SHARED_BUFFERS: z
      .string()
      .regex(/^\d+(kB|MB|GB)$/, "must be a size such as 64MB (a number and kB, MB or GB)")
      .optional(),
    SESSION_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
    DEMO_CONTRACTS: z.coerce.number().int().min(0).max(2_000_000).default(20_000),
    DEMO_SEED: z.coerce.number().int().default(1),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** API requests allowed per address per minute. */
    RATE_LIMIT_API_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    /** Sign-in attempts allowed per address per 15 minutes. */
    RATE_LIMIT_LOGIN_PER_15_MINUTES: z.coerce.number().int().min(1).default(30),
    /** Largest request body accepted, in bytes: the bulk CSV upload (/publish/bulk); every other body is held to MAX_FORM_BYTES. */
    MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(20 * 1024 * 1024),
    /** Requests in flight are given this long to finish on SIGTERM. */
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
    /**
     * Demonstration data (and the demonstration accounts) on an empty register: "1" loads them,
     * "0" never. Unset: loaded in development and test; in production only when DEMO_CONTRACTS
     * is set. Never loaded once any user account exists (scripts/start.ts, seeds/load.ts).
     */
    DEMO: z.enum(["0", "1"], { message: 'must be "1" (load demonstration data into an empty register) or "0" (never)' }).optional(),
    /** Which proxies' X-Forwarded-For to believe (Express "trust proxy"): a hop count, "loopback", addresses or CIDRs. */
    TRUST_PROXY: TrustProxySchema.default("loopback"),
    /** Largest request body accepted outside the bulk upload (/publish/bulk), in bytes; never more than MAX_BODY_BYTES. */
    MAX_FORM_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
    /** Dashboard and statistics results cached per data version ("on"), or computed on every request ("off"). */
    STATS_CACHE: z.enum(["on", "off"], { message: 'must be "on" or "off"' }).default("on"),
    /** Whole anonymous answers kept and replayed while the data and the clock say they are true ("on"), or never ("off"): app/server/page-cache.server.ts. */
    PAGE_CACHE: z.enum(["on", "off"], { message: 'must be "on" or "off"' }).default("on"),
    /** Longest a kept answer is replayed, in seconds (sooner when the data changes or the answer says so). */
    PAGE_CACHE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    /** Memory the page cache may use, in megabytes. */
    PAGE_CACHE_MB: z.coerce.number().int().min(1).max(4096).default(64),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && !env.SESSION_SECRET) {
      ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "is required in production" });
    }
  });

export type Env = Omit<z.infer<typeof EnvSchema>, "DEMO"> & {
  SESSION_SECRET: string;
  /** Whether an empty register (no contracts, no user accounts) gets demonstration data at start: see DEMO. */
  DEMO: boolean;
  /** The metric configuration in force: METRICS_CONFIG (a JSON file) and METRICS_* variables over the defaults (app/services/metrics-config.server.ts). */
  metrics: MetricsConfig;
};

const FLAG_VARS: readonly string[] = Object.values(FLAG_ENV_VARS);

/** The red-flag thresholds (FLAG_*), by variable name: each must parse, and a misspelt FLAG_ name is an error too. */
function flagIssues(env: Record<string, string | undefined>): string[] {
  const r = flagConfigFromEnv(env);
  const issues = r.ok ? [] : r.errors.map((e) => `  ${e}`);
  for (const name of Object.keys(env)) {
    if (name.startsWith("FLAG_") && !FLAG_VARS.includes(name)) issues.push(`  ${name}: is not a red-flag setting (they are ${FLAG_VARS.join(", ")})`);
  }
  return issues;
}

export function parseEnv(raw: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ""));
  const r = EnvSchema.safeParse(cleaned);
  const metrics = loadMetricsConfig(cleaned);
  const lines = [...(r.success ? [] : r.error.issues.map((i) => `  ${i.path.join(".") || "(environment)"}: ${i.message}`)), ...flagIssues(cleaned)];
  if (!metrics.ok) lines.push(...metrics.errors.map((e) => `  ${e}`));
  if (!r.success || lines.length > 0) throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  // Demonstration data: asked for (DEMO=1, or DEMO_CONTRACTS given), refused (DEMO=0), else by NODE_ENV.
  const demo = r.data.DEMO === "1" || (r.data.DEMO === undefined && (r.data.NODE_ENV !== "production" || cleaned.DEMO_CONTRACTS !== undefined));
  // Development: a fresh secret each start (sessions end on restart), never used in production.
  return {
    ...r.data,
    DEMO: demo,
    SESSION_SECRET: r.data.SESSION_SECRET ?? randomBytes(32).toString("hex"),
    metrics: metrics.ok ? metrics.config : DEFAULT_METRICS_CONFIG,
  };
}
