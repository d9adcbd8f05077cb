/**
 * Red-flag configuration: the thresholds every rule reads, their defaults
 * (../shared/docs/metrics.md, "Red flags") and a validating parser.
 *
 * Pure TypeScript: no imports from web, database, React or Node I/O.
 */

/** Every red-flag rule, in the order the register lists them. */
export const FLAG_CODES = [
  "single-bid",
  "non-competitive",
  "short-tender",
  "value-increase",
  "late-publication",
  "repeat-direct-awards",
  "split-below-threshold",
  "terminated-early",
] as const;
export type FlagCode = (typeof FLAG_CODES)[number];

export function isFlagCode(value: unknown): value is FlagCode {
  return typeof value === "string" && (FLAG_CODES as readonly string[]).includes(value);
}

export interface FlagConfig {
  /** Short tender period: flagged when the submission period is shorter than this many whole days. */
  shortTenderDays: number;
  /** Value increase: flagged when the current value exceeds the original by more than this percentage. */
  valueIncreasePct: number;
  /** Value increase: flagged when increases across amendments add up to more than this percentage of the original. */
  valueIncreaseCumulativePct: number;
  /** Late publication: flagged when published more than this many whole days after signature. */
  latePublicationDays: number;
  /** Repeat direct awards: flagged when the count within the window is more than this. */
  repeatDirectAwards: number;
  /** Repeat direct awards: length of the window in days (365 = 12 months). */
  repeatWindowDays: number;
  /** Split below threshold: length of the window in days. */
  splitWindowDays: number;
  /**
   * Split below threshold: the procurement threshold, in pence. Default: the
   * Procurement Act 2023 threshold for goods and services contracts awarded by
   * central government authorities, in force from 1 January 2024: £139,688
   * including VAT. Published contract values are compared as given (they may
   * exclude VAT).
   */
  splitThresholdPence: bigint;
}

/** £139,688 including VAT: Procurement Act 2023, central government goods and services, from 1 January 2024. */
export const CENTRAL_GOVERNMENT_GOODS_SERVICES_THRESHOLD_PENCE = 13_968_800n;

export const DEFAULT_FLAG_CONFIG: Readonly<FlagConfig> = Object.freeze({
  shortTenderDays: 25,
  valueIncreasePct: 20,
  valueIncreaseCumulativePct: 50,
  latePublicationDays: 30,
  repeatDirectAwards: 3,
  repeatWindowDays: 365,
  splitWindowDays: 90,
  splitThresholdPence: CENTRAL_GOVERNMENT_GOODS_SERVICES_THRESHOLD_PENCE,
});

type NumberField = Exclude<keyof FlagConfig, "splitThresholdPence">;

/** How each numeric field is validated: "pct" any finite value ≥ 0, "count" an integer ≥ 0, "window" an integer ≥ 1. */
const NUMBER_FIELDS: Record<NumberField, "pct" | "count" | "window"> = {
  shortTenderDays: "count",
  valueIncreasePct: "pct",
  valueIncreaseCumulativePct: "pct",
  latePublicationDays: "count",
  repeatDirectAwards: "count",
  repeatWindowDays: "window",
  splitWindowDays: "window",
};

const FIELDS: readonly string[] = [...Object.keys(NUMBER_FIELDS), "splitThresholdPence"];

const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function toNumber(field: string, value: unknown): number {
  let n: number;
  if (typeof value === "number") n = value;
  else if (typeof value === "bigint") n = Number(value);
  else if (typeof value === "string" && NUMERIC_TEXT.test(value.trim())) n = Number(value.trim());
  else throw new Error(`Flag config: ${field} must be a finite non-negative number (got ${show(value)})`);
  if (!Number.isFinite(n) || n < 0) {
    throw new Error(`Flag config: ${field} must be a finite non-negative number (got ${show(value)})`);
  }
  return n;
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || value === undefined || typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  return typeof value;
}

/**
 * Validate a partial configuration (numbers, numeric strings or bigints, e.g.
 * from JSON, environment or query parameters) and complete it with the
 * defaults. Fields left `undefined` take their default. Throws an Error naming
 * the field when a value is not a finite non-negative number, when a day or
 * count is not a whole number, when a window is shorter than one day, when the
 * threshold is not a whole number of pence, or when a field is not a known
 * setting (a misspelt setting is an error, not silently ignored).
 */
export function parseFlagConfig(input: Record<string, unknown>): FlagConfig {
  for (const key of Object.keys(input)) {
    if (!FIELDS.includes(key)) throw new Error(`Flag config: unknown setting ${key}`);
  }
  const config: FlagConfig = { ...DEFAULT_FLAG_CONFIG };
  for (const [field, kind] of Object.entries(NUMBER_FIELDS) as [NumberField, "pct" | "count" | "window"][]) {
    const raw = input[field];
    if (raw === undefined) continue;
    const n = toNumber(field, raw);
    if (kind !== "pct" && !Number.isInteger(n)) {
      throw new Error(`Flag config: ${field} must be a whole number (got ${show(raw)})`);
    }
    if (kind === "window" && n < 1) {
      throw new Error(`Flag config: ${field} must be at least 1 day (got ${show(raw)})`);
    }
    config[field] = n;
  }
  const rawThreshold = input.splitThresholdPence;
  if (rawThreshold !== undefined) {
    if (typeof rawThreshold === "bigint") {
      if (rawThreshold < 0n) {
        throw new Error(`Flag config: splitThresholdPence must be a finite non-negative number (got ${show(rawThreshold)})`);
      }
      config.splitThresholdPence = rawThreshold;
    } else {
      const n = toNumber("splitThresholdPence", rawThreshold);
      if (!Number.isSafeInteger(n)) {
        throw new Error(`Flag config: splitThresholdPence must be a whole number of pence (got ${show(rawThreshold)})`);
      }
      config.splitThresholdPence = BigInt(n);
    }
  }
  return config;
}

/** The environment variable that sets each field (`npm run flags:recompute`, and the first write to an empty register). */
export const FLAG_ENV_VARS: Readonly<Record<keyof FlagConfig, string>> = Object.freeze({
  shortTenderDays: "FLAG_SHORT_TENDER_DAYS",
  valueIncreasePct: "FLAG_VALUE_INCREASE_PCT",
  valueIncreaseCumulativePct: "FLAG_VALUE_INCREASE_CUMULATIVE_PCT",
  latePublicationDays: "FLAG_LATE_PUBLICATION_DAYS",
  repeatDirectAwards: "FLAG_REPEAT_DIRECT_AWARDS",
  repeatWindowDays: "FLAG_REPEAT_WINDOW_DAYS",
  splitWindowDays: "FLAG_SPLIT_WINDOW_DAYS",
  splitThresholdPence: "FLAG_SPLIT_THRESHOLD_PENCE",
});

export type FlagConfigResult = { ok: true; config: FlagConfig; fromEnv: string[] } | { ok: false; errors: string[] };

/**
 * The configuration the `FLAG_*` variables of an environment give (unset or
 * empty variables take their defaults; `base`, when given, stands in for the
 * defaults). Every bad variable is reported, by its name, not only the first.
 */
export function flagConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  base: Readonly<FlagConfig> = DEFAULT_FLAG_CONFIG,
): FlagConfigResult {
  const errors: string[] = [];
  const input: Record<string, unknown> = {};
  const fromEnv: string[] = [];
  for (const [field, name] of Object.entries(FLAG_ENV_VARS) as [keyof FlagConfig, string][]) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") continue;
    try {
      parseFlagConfig({ [field]: raw.trim() });
      input[field] = raw.trim();
      fromEnv.push(name);
    } catch (e) {
      errors.push(`${name}: ${(e as Error).message.replace(/^Flag config: \w+ /, "")}`);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: parseFlagConfig({ ...serialiseFlagConfig(base), ...input }), fromEnv };
}

/** A configuration as plain JSON (the threshold in pence as a string), readable by `parseFlagConfig`. */
export function serialiseFlagConfig(config: Readonly<FlagConfig>): Record<keyof FlagConfig, number | string> {
  return {
    shortTenderDays: config.shortTenderDays,
    valueIncreasePct: config.valueIncreasePct,
    valueIncreaseCumulativePct: config.valueIncreaseCumulativePct,
    latePublicationDays: config.latePublicationDays,
    repeatDirectAwards: config.repeatDirectAwards,
    repeatWindowDays: config.repeatWindowDays,
    splitWindowDays: config.splitWindowDays,
    splitThresholdPence: config.splitThresholdPence.toString(),
  };
}
