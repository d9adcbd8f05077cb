/**
 * Metric configuration in force, with the defaults of ../shared/docs/metrics.md.
 * The methodology page renders these values (see definitions.ts).
 */
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
  /** A buyer's own SME target, 0–1, by buyer id (empty by default). */
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

/** The SME target for a buyer: its own when configured, else the default target. */
export function smeTargetFor(config: MetricsConfig, buyerId: string | null | undefined): number {
  if (buyerId !== null && buyerId !== undefined && Object.hasOwn(config.smeTargetsByBuyer, buyerId)) {
    const own = config.smeTargetsByBuyer[buyerId];
    if (own !== undefined) return own;
  }
  return config.smeTarget;
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
