/**
 * The consultancy pledge (../shared/docs/metrics.md, "The pledge"): halve
 * consultancy spend in the target year against the mean of a baseline range.
 */
import { floorDiv } from "./arith";

export interface PledgeConfig {
  /** First financial year of the baseline range (start year: 2017 = 2017-18). */
  baselineFrom: number;
  /** Last financial year of the baseline range; the trajectory starts here. */
  baselineTo: number;
  /** Year by which spend should be halved, and held after. */
  targetFy: number;
}

/** HM Treasury's measure (written answer, 3 March 2025): 2025-26 against the mean of 2017-18 to 2022-23. */
export const DEFAULT_PLEDGE: PledgeConfig = { baselineFrom: 2017, baselineTo: 2022, targetFy: 2025 };

export interface PledgeSpendYear {
  fy: number;
  spendPence: bigint;
  /** Consultancy contracts behind the figure; 0 means the register has no data for that year. */
  contracts: number;
}

export interface PledgeYear {
  fy: number;
  spendPence: bigint;
  contracts: number;
  /** null for years in or before the baseline range, and when there is no baseline. */
  trajectoryPence: bigint | null;
  /** spend ≤ trajectory; null where there is no trajectory or no contracts that year. */
  onTrack: boolean | null;
}

export interface PledgeResult {
  /** Floor mean over the baseline years with data; null = "not enough data" (never zero). */
  baselinePence: bigint | null;
  baselineYearsUsed: number[];
  /** Years of the range with no contracts in the register, left out of the mean. */
  baselineYearsMissing: number[];
  /** floor(baseline ÷ 2); null when there is no baseline. */
  targetPence: bigint | null;
  /** Every year from the earlier of baselineFrom and the first year given to the later of targetFy and the last year given. */
  years: PledgeYear[];
}

export interface ReferenceLine {
  id: "manifesto-baseline" | "hmt-2022-23";
  /** Always "reference": shown as a labelled reference, never mixed with measured values. */
  kind: "reference";
  label: string;
  pence: bigint;
  /** The year the figure describes, when it describes one. */
  fy: number | null;
  source: string;
  /** What the figure is, as a phrase (no figure in it; format `pence` beside it). */
  note: string;
}

/** Reference lines for the pledge chart, labelled as references. */
export const REFERENCE_LINES: readonly ReferenceLine[] = [
  {
    id: "manifesto-baseline",
    kind: "reference",
    label: "Reference: baseline implied by the Labour manifesto (about £1.49bn a year)",
    pence: 149_000_000_000n,
    fy: null,
    source: "Labour Party manifesto, 2024",
    note: "the yearly baseline implied by the Labour manifesto, which said halving consultancy spend across central government would free up £745m a year",
  },
  {
    id: "hmt-2022-23",
    kind: "reference",
    label: "Reference: HM Treasury estimate of 2022-23 consultancy spend (about £1.36bn)",
    pence: 136_000_000_000n,
    fy: 2022,
    source: "HM Treasury",
    note: "HM Treasury's own estimate of central government consultancy spend in 2022-23",
  },
];

/** The manifesto's figure for the yearly saving, £745m. */
export const MANIFESTO_SAVING_PENCE = 74_500_000_000n;

/** Throws an Error naming the field unless baselineFrom ≤ baselineTo < targetFy, all integer years. */
export function validatePledgeConfig(config: PledgeConfig): void {
  for (const field of ["baselineFrom", "baselineTo", "targetFy"] as const) {
    const v = config[field];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 9999) {
      throw new Error(`${field} must be a financial year (its start year, e.g. 2017), got ${String(v)}`);
    }
  }
  if (config.baselineFrom > config.baselineTo) {
    throw new Error(`baselineFrom (${config.baselineFrom}) must not be after baselineTo (${config.baselineTo})`);
  }
  if (config.targetFy <= config.baselineTo) {
    throw new Error(`targetFy (${config.targetFy}) must be after baselineTo (${config.baselineTo})`);
  }
}

/**
 * Trajectory for a year: null in or before the baseline range; for year i
 * after the range (n = targetFy − baselineTo), baseline − floor((baseline −
 * target) × i ÷ n); the target from the target year on.
 */
export function trajectoryFor(
  fy: number,
  baselinePence: bigint,
  targetPence: bigint,
  config: PledgeConfig,
): bigint | null {
  if (fy <= config.baselineTo) return null;
  if (fy >= config.targetFy) return targetPence;
  const i = BigInt(fy - config.baselineTo);
  const n = BigInt(config.targetFy - config.baselineTo);
  return baselinePence - floorDiv((baselinePence - targetPence) * i, n);
}

/**
 * Compute the pledge view from consultancy spend per financial year. Rows for
 * the same year are added together. Years with no row count as no data
 * (0 contracts).
 */
export function computePledge(spend: PledgeSpendYear[], config: PledgeConfig): PledgeResult {
  validatePledgeConfig(config);
  const byFy = new Map<number, { spendPence: bigint; contracts: number }>();
  for (const row of spend) {
    if (!Number.isInteger(row.fy)) throw new Error(`spend: fy must be an integer year, got ${String(row.fy)}`);
    const prev = byFy.get(row.fy) ?? { spendPence: 0n, contracts: 0 };
    byFy.set(row.fy, { spendPence: prev.spendPence + row.spendPence, contracts: prev.contracts + row.contracts });
  }

  const used: number[] = [];
  const missing: number[] = [];
  let sum = 0n;
  for (let fy = config.baselineFrom; fy <= config.baselineTo; fy++) {
    const row = byFy.get(fy);
    if (row !== undefined && row.contracts > 0) {
      used.push(fy);
      sum += row.spendPence;
    } else {
      missing.push(fy);
    }
  }
  const baselinePence = used.length > 0 ? floorDiv(sum, BigInt(used.length)) : null;
  const targetPence = baselinePence === null ? null : floorDiv(baselinePence, 2n);

  const given = [...byFy.keys()];
  const first = Math.min(config.baselineFrom, ...given);
  const last = Math.max(config.targetFy, ...given);
  const years: PledgeYear[] = [];
  for (let fy = first; fy <= last; fy++) {
    const row = byFy.get(fy) ?? { spendPence: 0n, contracts: 0 };
    const trajectoryPence =
      baselinePence === null || targetPence === null ? null : trajectoryFor(fy, baselinePence, targetPence, config);
    const onTrack = trajectoryPence === null || row.contracts === 0 ? null : row.spendPence <= trajectoryPence;
    years.push({ fy, spendPence: row.spendPence, contracts: row.contracts, trajectoryPence, onTrack });
  }
  return { baselinePence, baselineYearsUsed: used, baselineYearsMissing: missing, targetPence, years };
}
