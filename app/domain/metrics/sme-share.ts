/**
 * SME share (../shared/docs/metrics.md): value to SME suppliers ÷ value to
 * suppliers of known scale, with coverage beside it.
 */
import type { ScaleClass } from "../types";
import { ratio } from "./arith";

export interface SmeShareLine {
  scaleClass: ScaleClass;
  valuePence: bigint;
}

export interface SmeShareResult {
  smeValuePence: bigint;
  /** Value to suppliers of known scale (SME + large). */
  knownValuePence: bigint;
  unknownValuePence: bigint;
  /** sme ÷ known; null when known is 0. */
  share: number | null;
  /** known ÷ (known + unknown); null when that total is 0. */
  coverage: number | null;
  /** Coverage below the threshold (default 50%), or no coverage at all. */
  uncertain: boolean;
}

export const DEFAULT_UNCERTAIN_COVERAGE_BELOW = 0.5;

/**
 * Sum lines (one per supplier per award, already split) into the SME share.
 * Values are expected to be non-negative pence.
 */
export function smeShare(
  lines: SmeShareLine[],
  options: { uncertainCoverageBelow?: number } = {},
): SmeShareResult {
  const threshold = options.uncertainCoverageBelow ?? DEFAULT_UNCERTAIN_COVERAGE_BELOW;
  let sme = 0n;
  let large = 0n;
  let unknown = 0n;
  for (const line of lines) {
    if (line.scaleClass === "sme") sme += line.valuePence;
    else if (line.scaleClass === "large") large += line.valuePence;
    else unknown += line.valuePence;
  }
  const known = sme + large;
  const share = ratio(sme, known);
  const coverage = ratio(known, known + unknown);
  return {
    smeValuePence: sme,
    knownValuePence: known,
    unknownValuePence: unknown,
    share,
    coverage,
    uncertain: coverage === null || coverage < threshold,
  };
}
