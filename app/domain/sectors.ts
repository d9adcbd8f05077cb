/**
 * Sensitive-sector rule: the publisher's explicit tag wins; otherwise the buyer
 * type implies a sector (schools → education, NHS → health, police → policing).
 * The rule is configuration and is shown on the methodology page.
 */
import type { BuyerType, SensitiveSector } from "./types";

export const DEFAULT_SECTOR_BY_BUYER_TYPE: Partial<Record<BuyerType, SensitiveSector>> = {
  school: "education",
  nhs: "health",
  police: "policing",
};

export function sensitiveSectorOf(
  explicit: SensitiveSector | null,
  buyerType: BuyerType | null,
  byBuyerType: Partial<Record<BuyerType, SensitiveSector>> = DEFAULT_SECTOR_BY_BUYER_TYPE,
): { sector: SensitiveSector | null; rule: "publisher" | "buyer-type" | "none" } {
  if (explicit) return { sector: explicit, rule: "publisher" };
  const s = buyerType ? byBuyerType[buyerType] : undefined;
  return s ? { sector: s, rule: "buyer-type" } : { sector: null, rule: "none" };
}
