/**
 * Metric configuration in force, with the defaults of ../shared/docs/metrics.md.
 * The methodology page renders these values (see definitions.ts).
 *
 * The configuration is read once at start (app/env.server.ts) from an optional
 * JSON file named by METRICS_CONFIG and from METRICS_* variables, which win
 * over the file; anything not given keeps its default. `metricsConfigFromEnv`
 * validates both with zod and names every bad variable or field.
 */
import { z } from "zod";
import { DEFAULT_TOP_N } from "./concentration";
import {
  type ConsultancyConfig,
  DEFAULT_CONSULTANCY_PREFIXES,
  DEFAULT_NOT_CONSULTANCY_PREFIXES,
  validateConsultancyConfig,
} from "./consultancy";
import { DEFAULT_PLEDGE, type PledgeConfig, validatePledgeConfig } from "./pledge";

export interface MetricsConfig {
  /** SME share target line, 0–1 (default 33%). */
  smeTarget: number;
  /**
   * A buyer's own SME target, 0–1 (empty by default), keyed by the buyer's register id (the digits
   * of /buyers/<id>) or by its organisation identifier, scheme and id joined by "-" (e.g. "GB-GOR-D1").
   */
  smeTargetsByBuyer: Readonly<Record<string, number>>;
  consultancy: ConsultancyConfig;
  pledge: PledgeConfig;
  /** A share whose coverage is below this (0–1) is shown as uncertain. */
  uncertainCoverageBelow: number;
  /** N for the top-N concentration share. */
  concentrationTopN: number;
}

export const DEFAULT_METRICS_CONFIG: MetricsConfig = {
  smeTarget: 0.33,
  smeTargetsByBuyer: {},
  consultancy: {
    prefixes: DEFAULT_CONSULTANCY_PREFIXES,
    excludedPrefixes: DEFAULT_NOT_CONSULTANCY_PREFIXES,
  },
  pledge: DEFAULT_PLEDGE,
  uncertainCoverageBelow: 0.5,
  concentrationTopN: DEFAULT_TOP_N,
};

/**
 * The SME target for a buyer: its own when configured (by register id, else by
 * organisation identifier "scheme-id"), else the default target.
 */
export function smeTargetFor(
  config: MetricsConfig,
  buyerId: string | null | undefined,
  orgIdentifier?: string | null,
): number {
  for (const key of [buyerId, orgIdentifier]) {
    if (key !== null && key !== undefined && key !== "" && Object.hasOwn(config.smeTargetsByBuyer, key)) {
      const own = config.smeTargetsByBuyer[key];
      if (own !== undefined) return own;
    }
  }
  return config.smeTarget;
}

/** "GB-GOR" + "D1" → "GB-GOR-D1"; null unless both are present. */
export function orgIdentifierOf(scheme: string | null | undefined, identifier: string | null | undefined): string | null {
  return scheme && identifier ? `${scheme}-${identifier}` : null;
}

function assertShare(value: unknown, field: string): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new Error(`${field} must be a number from 0 to 1, got ${String(value)}`);
  }
}

/** Throws an Error naming the first bad field. */
export function validateMetricsConfig(config: MetricsConfig): void {
  assertShare(config.smeTarget, "smeTarget");
  for (const [buyer, target] of Object.entries(config.smeTargetsByBuyer)) {
    assertShare(target, `smeTargetsByBuyer[${buyer}]`);
  }
  validateConsultancyConfig(config.consultancy);
  validatePledgeConfig(config.pledge);
  assertShare(config.uncertainCoverageBelow, "uncertainCoverageBelow");
  if (!Number.isInteger(config.concentrationTopN) || config.concentrationTopN < 1) {
    throw new Error(`concentrationTopN must be a whole number ≥ 1, got ${String(config.concentrationTopN)}`);
  }
}

// ---------------------------------------------------------------------------
// Loading: a JSON file (METRICS_CONFIG) and METRICS_* variables

/** The variables read, each with what it sets (the README's configuration table lists them too). */
export const METRICS_ENV_VARS = {
  METRICS_CONFIG: "path of a JSON file with any of the settings below (the variables win over it)",
  METRICS_SME_TARGET: "SME target line, a share (0.33) or a percentage (33%)",
  METRICS_SME_TARGETS_BY_BUYER: "buyers' own SME targets: id=share pairs, comma-separated (GB-GOR-D1=25%,1234=0.3)",
  METRICS_UNCERTAIN_COVERAGE_BELOW: "a share with coverage under this is uncertain (0.5 or 50%)",
  METRICS_CONSULTANCY_PREFIXES: "CPV prefixes counted as consultancy, comma-separated",
  METRICS_NOT_CONSULTANCY_PREFIXES: "CPV prefixes never counted as consultancy, comma-separated",
  METRICS_PLEDGE_BASELINE_FROM: "first financial year of the pledge baseline (2017-18)",
  METRICS_PLEDGE_BASELINE_TO: "last financial year of the pledge baseline (2022-23)",
  METRICS_PLEDGE_TARGET_FY: "the pledge's target year (2025-26)",
  METRICS_CONCENTRATION_TOP_N: "N of the top-N concentration share (10)",
} as const;

export type MetricsConfigResult = { ok: true; config: MetricsConfig } | { ok: false; errors: string[] };

const FY_TEXT = /^(\d{4})-(\d{2})$/;

/** A financial year as "2017-18" (or, in the file, its start year 2017). */
const fyValue = z.union([z.number(), z.string()]).transform((v, ctx) => {
  if (typeof v === "number") {
    if (Number.isInteger(v) && v >= 1900 && v <= 2100) return v;
  } else {
    const m = FY_TEXT.exec(v.trim());
    const start = m ? Number(m[1]) : Number.NaN;
    if (m && (start + 1) % 100 === Number(m[2]) && start >= 1900 && start <= 2100) return start;
  }
  ctx.addIssue({ code: "custom", message: `must be a financial year such as 2017-18 (got ${JSON.stringify(v)})` });
  return z.NEVER;
});

/** A share 0–1, or (as text) a percentage such as "33%". */
const shareValue = z.union([z.number(), z.string()]).transform((v, ctx) => {
  let n = Number.NaN;
  if (typeof v === "number") n = v;
  else {
    const t = v.trim();
    n = t.endsWith("%") ? Number(t.slice(0, -1)) / 100 : t === "" ? Number.NaN : Number(t);
  }
  if (Number.isFinite(n) && n >= 0 && n <= 1) return n;
  ctx.addIssue({ code: "custom", message: `must be a share from 0 to 1 or a percentage such as 33% (got ${JSON.stringify(v)})` });
  return z.NEVER;
});

const prefixList = z.array(z.string().regex(/^\d{1,8}$/, "each must be a CPV prefix of 1 to 8 digits"));
const buyerKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, "a buyer's register id or organisation identifier (scheme-id)");

const FileSchema = z
  .object({
    smeTarget: shareValue.optional(),
    smeTargetsByBuyer: z.record(buyerKey, shareValue).optional(),
    uncertainCoverageBelow: shareValue.optional(),
    concentrationTopN: z.number().int("must be a whole number").min(1).max(1000).optional(),
    consultancy: z.object({ prefixes: prefixList.optional(), excludedPrefixes: prefixList.optional() }).strict().optional(),
    pledge: z
      .object({ baselineFrom: fyValue.optional(), baselineTo: fyValue.optional(), targetFy: fyValue.optional() })
      .strict()
      .optional(),
  })
  .strict();

type Partial1 = z.infer<typeof FileSchema>;

const listText = (v: string) =>
  v
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");

const EnvSchema = z.object({
  METRICS_SME_TARGET: shareValue.optional(),
  METRICS_SME_TARGETS_BY_BUYER: z
    .string()
    .transform((v, ctx) => {
      const out: Record<string, number> = {};
      for (const pair of listText(v)) {
        const i = pair.lastIndexOf("=");
        const key = i > 0 ? pair.slice(0, i).trim() : "";
        const share = shareValue.safeParse(i > 0 ? pair.slice(i + 1) : "");
        if (!buyerKey.safeParse(key).success || !share.success) {
          ctx.addIssue({ code: "custom", message: `"${pair}" is not buyer=share (e.g. GB-GOR-D1=25%)` });
          continue;
        }
        out[key] = share.data;
      }
      return out;
    })
    .optional(),
  METRICS_UNCERTAIN_COVERAGE_BELOW: shareValue.optional(),
  METRICS_CONSULTANCY_PREFIXES: z.string().transform(listText).pipe(prefixList).optional(),
  METRICS_NOT_CONSULTANCY_PREFIXES: z.string().transform(listText).pipe(prefixList).optional(),
  METRICS_PLEDGE_BASELINE_FROM: fyValue.optional(),
  METRICS_PLEDGE_BASELINE_TO: fyValue.optional(),
  METRICS_PLEDGE_TARGET_FY: fyValue.optional(),
  METRICS_CONCENTRATION_TOP_N: z
    .string()
    .regex(/^\s*\d{1,4}\s*$/, "must be a whole number from 1 to 1000")
    .transform(Number)
    .pipe(z.number().min(1, "must be a whole number from 1 to 1000").max(1000, "must be a whole number from 1 to 1000"))
    .optional(),
});

function issues(prefix: string, e: z.ZodError): string[] {
  return e.issues.map((i) => {
    // a variable is named alone (its list position adds nothing); a file's field by its path
    const path = prefix ? i.path.map(String).join(".") : String(i.path[0] ?? "");
    return `${prefix}${path ? (prefix ? `: ${path}` : path) : ""}: ${i.message}`;
  });
}

function apply(base: MetricsConfig, p: Partial1): MetricsConfig {
  return {
    smeTarget: p.smeTarget ?? base.smeTarget,
    smeTargetsByBuyer: p.smeTargetsByBuyer ?? base.smeTargetsByBuyer,
    uncertainCoverageBelow: p.uncertainCoverageBelow ?? base.uncertainCoverageBelow,
    concentrationTopN: p.concentrationTopN ?? base.concentrationTopN,
    consultancy: {
      prefixes: p.consultancy?.prefixes ?? base.consultancy.prefixes,
      excludedPrefixes: p.consultancy?.excludedPrefixes ?? base.consultancy.excludedPrefixes,
    },
    pledge: {
      baselineFrom: p.pledge?.baselineFrom ?? base.pledge.baselineFrom,
      baselineTo: p.pledge?.baselineTo ?? base.pledge.baselineTo,
      targetFy: p.pledge?.targetFy ?? base.pledge.targetFy,
    },
  };
}

/** A configuration from a parsed JSON object (any subset of the settings) over `base`; names every bad field. */
export function parseMetricsConfig(input: unknown, base: MetricsConfig = DEFAULT_METRICS_CONFIG, label = "metrics configuration"): MetricsConfigResult {
  const r = FileSchema.safeParse(input);
  if (!r.success) return { ok: false, errors: issues(label, r.error) };
  return checked(apply(base, r.data), label);
}

/** The variable that sets each pledge field, for messages about the three together. */
const PLEDGE_VARS: Record<string, string> = {
  baselineFrom: "METRICS_PLEDGE_BASELINE_FROM",
  baselineTo: "METRICS_PLEDGE_BASELINE_TO",
  targetFy: "METRICS_PLEDGE_TARGET_FY",
};

function checked(config: MetricsConfig, label: string, byVariable = false): MetricsConfigResult {
  try {
    validateMetricsConfig(config);
  } catch (e) {
    let message = (e as Error).message;
    if (byVariable) message = message.replace(/\b(baselineFrom|baselineTo|targetFy)\b/g, (f) => PLEDGE_VARS[f] ?? f);
    return { ok: false, errors: [`${label}: ${message}`] };
  }
  return { ok: true, config };
}

/**
 * The configuration in force: the defaults, then the JSON file named by
 * METRICS_CONFIG (its text is read by the caller and given as `file`), then the
 * METRICS_* variables. Empty variables count as unset. Every bad variable or
 * field is named.
 */
export function metricsConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  file?: { path: string; text: string } | null,
): MetricsConfigResult {
  const errors: string[] = [];
  for (const name of Object.keys(env)) {
    if (name.startsWith("METRICS_") && !Object.hasOwn(METRICS_ENV_VARS, name)) {
      errors.push(`${name}: is not a metrics setting (they are ${Object.keys(METRICS_ENV_VARS).join(", ")})`);
    }
  }
  let config = DEFAULT_METRICS_CONFIG;
  if (file) {
    let json: unknown;
    try {
      json = JSON.parse(file.text);
    } catch (e) {
      return { ok: false, errors: [`METRICS_CONFIG: ${file.path} is not valid JSON (${(e as Error).message})`] };
    }
    const r = parseMetricsConfig(json, DEFAULT_METRICS_CONFIG, `METRICS_CONFIG (${file.path})`);
    if (!r.ok) errors.push(...r.errors);
    else config = r.config;
  }
  const given = Object.fromEntries(
    Object.keys(METRICS_ENV_VARS)
      .filter((k) => k !== "METRICS_CONFIG")
      .flatMap((k) => {
        const v = env[k];
        return v === undefined || v.trim() === "" ? [] : [[k, v]];
      }),
  );
  const r = EnvSchema.safeParse(given);
  if (!r.success) errors.push(...issues("", r.error));
  if (errors.length > 0) return { ok: false, errors };
  const v = r.success ? r.data : {};
  const fromVars: Partial1 = {
    ...(v.METRICS_SME_TARGET !== undefined ? { smeTarget: v.METRICS_SME_TARGET } : {}),
    ...(v.METRICS_SME_TARGETS_BY_BUYER !== undefined ? { smeTargetsByBuyer: v.METRICS_SME_TARGETS_BY_BUYER } : {}),
    ...(v.METRICS_UNCERTAIN_COVERAGE_BELOW !== undefined ? { uncertainCoverageBelow: v.METRICS_UNCERTAIN_COVERAGE_BELOW } : {}),
    ...(v.METRICS_CONCENTRATION_TOP_N !== undefined ? { concentrationTopN: v.METRICS_CONCENTRATION_TOP_N } : {}),
    consultancy: {
      ...(v.METRICS_CONSULTANCY_PREFIXES !== undefined ? { prefixes: v.METRICS_CONSULTANCY_PREFIXES } : {}),
      ...(v.METRICS_NOT_CONSULTANCY_PREFIXES !== undefined ? { excludedPrefixes: v.METRICS_NOT_CONSULTANCY_PREFIXES } : {}),
    },
    pledge: {
      ...(v.METRICS_PLEDGE_BASELINE_FROM !== undefined ? { baselineFrom: v.METRICS_PLEDGE_BASELINE_FROM } : {}),
      ...(v.METRICS_PLEDGE_BASELINE_TO !== undefined ? { baselineTo: v.METRICS_PLEDGE_BASELINE_TO } : {}),
      ...(v.METRICS_PLEDGE_TARGET_FY !== undefined ? { targetFy: v.METRICS_PLEDGE_TARGET_FY } : {}),
    },
  };
  const label = file ? "METRICS_* variables and METRICS_CONFIG" : "METRICS_* variables";
  return checked(apply(config, fromVars), label, true);
}

/** Which settings differ from the defaults (for "configured" marks on the methodology page). */
export function configuredSettings(config: MetricsConfig): Set<string> {
  const d = DEFAULT_METRICS_CONFIG;
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const out = new Set<string>();
  if (config.smeTarget !== d.smeTarget) out.add("smeTarget");
  if (Object.keys(config.smeTargetsByBuyer).length > 0) out.add("smeTargetsByBuyer");
  if (config.uncertainCoverageBelow !== d.uncertainCoverageBelow) out.add("uncertainCoverageBelow");
  if (config.concentrationTopN !== d.concentrationTopN) out.add("concentrationTopN");
  if (!same(config.consultancy.prefixes, d.consultancy.prefixes)) out.add("consultancy.prefixes");
  if (!same(config.consultancy.excludedPrefixes, d.consultancy.excludedPrefixes)) out.add("consultancy.excludedPrefixes");
  if (config.pledge.baselineFrom !== d.pledge.baselineFrom || config.pledge.baselineTo !== d.pledge.baselineTo) out.add("pledge.baseline");
  if (config.pledge.targetFy !== d.pledge.targetFy) out.add("pledge.targetFy");
  return out;
}

const fingerprints = new WeakMap<MetricsConfig, string>();

/** A short stable text of a configuration, for cache keys: two equal configurations give the same text. */
export function metricsConfigKey(config: MetricsConfig): string {
  const hit = fingerprints.get(config);
  if (hit !== undefined) return hit;
  const buyers = Object.entries(config.smeTargetsByBuyer).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const text = JSON.stringify([
    config.smeTarget,
    buyers,
    config.uncertainCoverageBelow,
    config.concentrationTopN,
    config.consultancy.prefixes,
    config.consultancy.excludedPrefixes,
    config.pledge.baselineFrom,
    config.pledge.baselineTo,
    config.pledge.targetFy,
  ]);
  fingerprints.set(config, text);
  return text;
}
