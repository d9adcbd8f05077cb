/**
 * Sensitive-sector rule: the publisher's explicit tag wins; otherwise the buyer
 * type implies a sector (schools → education, NHS → health, police → policing);
 * otherwise a CPV code of the contract that only a sensitive sector buys
 * (medical or educational software, judicial, police or benefit services…).
 * The rules are configuration and are shown on the methodology page.
 */
import type { BuyerType, SensitiveSector } from "./types";

export const DEFAULT_SECTOR_BY_BUYER_TYPE: Partial<Record<BuyerType, SensitiveSector>> = {
  school: "education",
  nhs: "health",
  police: "policing",
};

export interface SectorCpvRule {
  /** A CPV code prefix (2 to 8 digits). */
  prefix: string;
  sector: SensitiveSector;
  /** The CPV label of the prefix, for the methodology page. */
  label: string;
}

/**
 * CPV prefixes that imply a sensitive sector. Generic technology (cloud,
 * networks, office software, training) implies none; immigration has no CPV
 * code of its own, so only a publisher's tag puts a contract in it.
 */
export const DEFAULT_SECTOR_BY_CPV: readonly SectorCpvRule[] = [
  { prefix: "48180", sector: "health", label: "Medical software package" },
  { prefix: "48814", sector: "health", label: "Medical information systems (patient administration, clinical, nursing…)" },
  { prefix: "72212180", sector: "health", label: "Medical software development services" },
  { prefix: "33195", sector: "health", label: "Patient-monitoring system" },
  { prefix: "851", sector: "health", label: "Health services" },
  { prefix: "48190", sector: "education", label: "Educational software package" },
  { prefix: "72212190", sector: "education", label: "Educational software development services" },
  { prefix: "801", sector: "education", label: "Primary education services (incl. pre-school)" },
  { prefix: "802", sector: "education", label: "Secondary education services" },
  { prefix: "7523", sector: "justice", label: "Justice services (judicial, courts, prisons)" },
  { prefix: "7524", sector: "policing", label: "Public security, law and order services (incl. police services)" },
  { prefix: "352", sector: "policing", label: "Police equipment" },
  { prefix: "753", sector: "welfare", label: "Compulsory social security services (incl. benefit services)" },
  { prefix: "853", sector: "welfare", label: "Social work and related services" },
];

export interface SectorConfig {
  byBuyerType: Partial<Record<BuyerType, SensitiveSector>>;
  byCpv: readonly SectorCpvRule[];
}

export const DEFAULT_SECTOR_CONFIG: SectorConfig = { byBuyerType: DEFAULT_SECTOR_BY_BUYER_TYPE, byCpv: DEFAULT_SECTOR_BY_CPV };

export type SectorRule = "publisher" | "buyer-type" | "cpv" | "none";

/** The sector the CPV rules give: the first code (main code first) that matches a prefix; the longest prefix wins for a code. */
export function sectorFromCpv(codes: readonly string[], rules: readonly SectorCpvRule[] = DEFAULT_SECTOR_BY_CPV): SensitiveSector | null {
  for (const raw of codes) {
    const code = raw.trim().replace(/-\d$/, "");
    let best: SectorCpvRule | null = null;
    for (const r of rules) if (code.startsWith(r.prefix) && (!best || r.prefix.length > best.prefix.length)) best = r;
    if (best) return best.sector;
  }
  return null;
}

/** The whole rule: publisher's tag, else buyer type, else CPV code. */
export function classifySensitiveSector(
  input: { explicit: SensitiveSector | null; buyerType: BuyerType | null; cpvCodes?: readonly string[] },
  config: SectorConfig = DEFAULT_SECTOR_CONFIG,
): { sector: SensitiveSector | null; rule: SectorRule } {
  if (input.explicit) return { sector: input.explicit, rule: "publisher" };
  const byType = input.buyerType ? config.byBuyerType[input.buyerType] : undefined;
  if (byType) return { sector: byType, rule: "buyer-type" };
  const byCpv = sectorFromCpv(input.cpvCodes ?? [], config.byCpv);
  return byCpv ? { sector: byCpv, rule: "cpv" } : { sector: null, rule: "none" };
}

/** Publisher's tag, else buyer type (no CPV codes given). Kept for callers that have no codes. */
export function sensitiveSectorOf(
  explicit: SensitiveSector | null,
  buyerType: BuyerType | null,
  byBuyerType: Partial<Record<BuyerType, SensitiveSector>> = DEFAULT_SECTOR_BY_BUYER_TYPE,
): { sector: SensitiveSector | null; rule: SectorRule } {
  return classifySensitiveSector({ explicit, buyerType }, { byBuyerType, byCpv: [] });
}
