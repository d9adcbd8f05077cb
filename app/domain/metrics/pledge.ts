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
  /** Consultancy contracts behind the figure. */
  contracts: number;
  /**
   * Contracts of any kind in the register, in the same scope (all buyers, or the buyer, type of
   * buyer or category asked for), in that year. A year with none has no data: it is left out of
   * the baseline and never judged. A year with contracts but no consultancy among them counts as
   * £0 of consultancy spend. When not given, `contracts` stands in for it.
   */
  registerContracts?: number;
}

/**
 * Where a financial year stands against today (see `yearStatus`): `complete` before the current
 * year; `partial` for the current year (to date); `committed` for later years, whose value is
 * committed by contracts but not yet spent.
 */
export type YearStatus = "complete" | "partial" | "committed";

/** The status of a financial year when the current one is `currentFy` (every year is complete when it is not known). */
export function yearStatus(fy: number, currentFy: number | undefined): YearStatus {
  if (currentFy === undefined || fy < currentFy) return "complete";
  return fy === currentFy ? "partial" : "committed";
}

export interface PledgeYear {
  fy: number;
  /** Consultancy spend; for a `committed` year, the value committed for it (not yet spent). */
  spendPence: bigint;
  contracts: number;
  /** Contracts of any kind in scope that year (see PledgeSpendYear). */
  registerContracts: number;
  /** The register has contracts in scope that year (else the year has no data, never £0). */
  hasData: boolean;
  status: YearStatus;
  /** null before the last baseline year and when there is no baseline; the baseline itself at the last baseline year. */
  trajectoryPence: bigint | null;
  /** spend ≤ trajectory; null in and before the baseline range, without a trajectory, with no data, and for committed years. */
  onTrack: boolean | null;
}

export interface PledgeResult {
  /** Floor mean over the baseline years with data; null = "not enough data" (never zero). */
  baselinePence: bigint | null;
  baselineYearsUsed: number[];
  /** Years of the range with no contracts in the register, left out of the mean. */
  baselineYearsMissing: number[];
  /** Years of the range after the current year (not yet spent), left out of the mean. */
  baselineYearsNotYetSpent: number[];
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
 * Trajectory for a year: null before the last baseline year; the baseline at
 * the last baseline year (the line starts there); for year i after the range
 * (n = targetFy − baselineTo), baseline − floor((baseline − target) × i ÷ n);
 * the target from the target year on.
 */
export function trajectoryFor(
  fy: number,
  baselinePence: bigint,
  targetPence: bigint,
  config: PledgeConfig,
): bigint | null {
  if (fy < config.baselineTo) return null;
  if (fy >= config.targetFy) return targetPence;
  const i = BigInt(fy - config.baselineTo);
  const n = BigInt(config.targetFy - config.baselineTo);
  return baselinePence - floorDiv((baselinePence - targetPence) * i, n);
}

export interface PledgeOptions {
  /**
   * Today's financial year. Years after it are `committed` (not yet spent): left out of the
   * baseline and never judged; it is itself `partial`. Unknown: every year is complete.
   */
  currentFy?: number;
}

/**
 * Compute the pledge view from consultancy spend per financial year. Rows for
 * the same year are added together. A year with no contracts in scope (no row,
 * or `registerContracts` 0) has no data: left out of the baseline mean and not
 * judged; a year with contracts but no consultancy counts as £0.
 */
export function computePledge(spend: PledgeSpendYear[], config: PledgeConfig, opts: PledgeOptions = {}): PledgeResult {
  validatePledgeConfig(config);
  const byFy = new Map<number, { spendPence: bigint; contracts: number; registerContracts: number }>();
  for (const row of spend) {
    if (!Number.isInteger(row.fy)) throw new Error(`spend: fy must be an integer year, got ${String(row.fy)}`);
    const prev = byFy.get(row.fy) ?? { spendPence: 0n, contracts: 0, registerContracts: 0 };
    byFy.set(row.fy, {
      spendPence: prev.spendPence + row.spendPence,
      contracts: prev.contracts + row.contracts,
      registerContracts: prev.registerContracts + (row.registerContracts ?? row.contracts),
    });
  }

  const used: number[] = [];
  const missing: number[] = [];
  const notYetSpent: number[] = [];
  let sum = 0n;
  for (let fy = config.baselineFrom; fy <= config.baselineTo; fy++) {
    const row = byFy.get(fy);
    if (yearStatus(fy, opts.currentFy) === "committed") notYetSpent.push(fy);
    else if (row !== undefined && row.registerContracts > 0) {
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
    const row = byFy.get(fy) ?? { spendPence: 0n, contracts: 0, registerContracts: 0 };
    const status = yearStatus(fy, opts.currentFy);
    const hasData = row.registerContracts > 0;
    const trajectoryPence =
      baselinePence === null || targetPence === null ? null : trajectoryFor(fy, baselinePence, targetPence, config);
    const judged = trajectoryPence !== null && fy > config.baselineTo && hasData && status !== "committed";
    const onTrack = judged ? row.spendPence <= (trajectoryPence as bigint) : null;
    years.push({
      fy,
      spendPence: row.spendPence,
      contracts: row.contracts,
      registerContracts: row.registerContracts,
      hasData,
      status,
      trajectoryPence,
      onTrack,
    });
  }
  return {
    baselinePence,
    baselineYearsUsed: used,
    baselineYearsMissing: missing,
    baselineYearsNotYetSpent: notYetSpent,
    targetPence,
    years,
  };
}
