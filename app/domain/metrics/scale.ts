/**
 * Supplier scale (../shared/docs/metrics.md, "Supplier scale and SME share").
 */
import type { Scale, ScaleClass } from "../types";

/** Published scales the register accepts, lower-cased, and what each means. */
const PUBLISHED_SCALES: ReadonlyMap<string, Exclude<Scale, "unknown">> = new Map<string, Exclude<Scale, "unknown">>([
  ["micro", "micro"],
  ["small", "small"],
  ["medium", "medium"],
  ["sme", "sme"],
  ["large", "large"],
  ["selfemployed", "micro"],
]);

/**
 * A scale as published (OCDS `parties[].details.scale`): micro, small, medium,
 * sme (SME of unspecified size) and large as given, selfEmployed = micro;
 * case-insensitive, surrounding spaces ignored. Anything else (including
 * "unknown", empty text and non-strings) → null.
 */
export function normaliseScale(published: unknown): Scale | null {
  if (typeof published !== "string") return null;
  const key = published.trim().toLowerCase();
  return PUBLISHED_SCALES.get(key) ?? null;
}

/** Contracts Finder's older `sme: true/false` on a supplier: true → sme, false → large, else null. */
export function scaleFromSmeFlag(flag: unknown): Scale | null {
  if (flag === true) return "sme";
  if (flag === false) return "large";
  return null;
}

/**
 * The scale the register uses for a supplier on an award: the publisher's scale
 * for the award first, then the scale on the supplier's register entry,
 * otherwise "unknown".
 */
export function resolveScale(published: Scale | null, registerEntry: Scale | null): Scale {
  if (published !== null && published !== "unknown") return published;
  if (registerEntry !== null && registerEntry !== "unknown") return registerEntry;
  return "unknown";
}

/** micro, small, medium, sme → "sme"; large → "large"; unknown → "unknown". */
export function scaleClass(scale: Scale): ScaleClass {
  switch (scale) {
    case "micro":
    case "small":
    case "medium":
    case "sme":
      return "sme";
    case "large":
      return "large";
    default:
      return "unknown";
  }
}

/** True for micro, small, medium and sme. */
export function isSme(scale: Scale): boolean {
  return scaleClass(scale) === "sme";
}
