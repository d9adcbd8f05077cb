/**
 * The environment, validated once at start with zod. A bad or missing variable
 * stops the server with a message naming it.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().default("0.0.0.0"),
    DATABASE_URL: z.string().url().optional(),
    DATABASE_READ_URL: z.string().url().optional(),
    DATA_DIR: z.string().min(1).default(".data/pglite"),
    SESSION_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
    DEMO_CONTRACTS: z.coerce.number().int().min(0).max(2_000_000).default(20_000),
    DEMO_SEED: z.coerce.number().int().default(1),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** API requests allowed per address per minute. */
    RATE_LIMIT_API_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    /** Sign-in attempts allowed per address per 15 minutes. */
    RATE_LIMIT_LOGIN_PER_15_MINUTES: z.coerce.number().int().min(1).default(30),
    /** Largest request body accepted, in bytes (bulk CSV uploads included). */
    MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(20 * 1024 * 1024),
    /** Requests in flight are given this long to finish on SIGTERM. */
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && !env.SESSION_SECRET) {
      ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "is required in production" });
    }
  });

export type Env = z.infer<typeof EnvSchema> & { SESSION_SECRET: string };

export function parseEnv(raw: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ""));
  const r = EnvSchema.safeParse(cleaned);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join(".") || "(environment)"}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  // Development: a fresh secret each start (sessions end on restart), never used in production.
  return { ...r.data, SESSION_SECRET: r.data.SESSION_SECRET ?? randomBytes(32).toString("hex") };
}
