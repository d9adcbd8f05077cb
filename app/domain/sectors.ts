/**
 * Sensitive-sector rule. The register at /sensitive lists TECHNOLOGY bought
 * for sensitive sectors, so a contract is in it when both hold:
 *
 *  1. it is technology: at least one of its CPV codes starts with a
 *     technology prefix (computer equipment, communication equipment,
 *     software, telecommunications and IT services: DEFAULT_TECHNOLOGY_CPV).
 *     Health, education, police or benefit services bought without
 *     technology are not in the register, whoever bought them. A contract
 *     with no CPV code at all cannot be shown to be technology: only the
 *     publisher's own tag puts it in the register (nothing contradicts it);
 *  2. it has a sector: the publisher's explicit tag wins; otherwise the buyer
 *     type implies one (schools → education, NHS → health, police →
 *     policing); otherwise a CPV code of the contract that only a sensitive
 *     sector buys (medical or educational software, health or education
 *     services, judicial, police or benefit services…). A sector CPV code
 *     names the sector; it need not be a technology code itself (a contract
 *     for "health services" and "IT services" is health technology).
 *
 * Both lists and the buyer-type table are configuration, shown on the
 * methodology page.
 */
import type { BuyerType, SensitiveSector } from "./types";

export const DEFAULT_SECTOR_BY_BUYER_TYPE: Partial<Record<BuyerType, SensitiveSector>> = {
  school: "education",
  nhs: "health",
  police: "policing",
};

export interface CpvPrefixRule {
  /** A CPV code prefix (2 to 8 digits). */
  prefix: string;
  /** The CPV label of the prefix, for the methodology page. */
  label: string;
}

export interface SectorCpvRule extends CpvPrefixRule {
  sector: SensitiveSector;
}

/**
 * What counts as technology: the IT and digital CPV families this register
 * carries (app/domain/cpv-labels.ts), without office machinery (301…),
 * consultancy, research or training.
 */
export const DEFAULT_TECHNOLOGY_CPV: readonly CpvPrefixRule[] = [
  { prefix: "302", label: "Computer equipment and supplies" },
  { prefix: "32", label: "Radio, television, communication, telecommunication and related equipment" },
  { prefix: "48", label: "Software package and information systems" },
  { prefix: "642", label: "Telecommunications services" },
  { prefix: "72", label: "IT services: consulting, software development, Internet and support" },
];

/**
 * CPV prefixes that imply a sensitive sector. Generic technology (cloud,
 * networks, office software) implies none; immigration has no CPV code of its
 * own, so only a publisher's tag puts a contract in it.
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
  /** A contract is in the register only when one of its CPV codes starts with one of these. */
  technologyCpv: readonly CpvPrefixRule[];
}

export const DEFAULT_SECTOR_CONFIG: SectorConfig = {
  byBuyerType: DEFAULT_SECTOR_BY_BUYER_TYPE,
  byCpv: DEFAULT_SECTOR_BY_CPV,
  technologyCpv: DEFAULT_TECHNOLOGY_CPV,
};

/** Which rule gave the sector; "not-technology": a sector could apply but no CPV code is technology. */
export type SectorRule = "publisher" | "buyer-type" | "cpv" | "not-technology" | "none";

const normalise = (raw: string) => raw.trim().replace(/-\d$/, "");

/** At least one code starts with a technology prefix (check digits ignored). */
export function isTechnology(codes: readonly string[], prefixes: readonly CpvPrefixRule[] = DEFAULT_TECHNOLOGY_CPV): boolean {
  return codes.some((raw) => {
    const code = normalise(raw);
    return prefixes.some((p) => code.startsWith(p.prefix));
  });
}

/** The sector the CPV rules give: the first code (main code first) that matches a prefix; the longest prefix wins for a code. */
export function sectorFromCpv(codes: readonly string[], rules: readonly SectorCpvRule[] = DEFAULT_SECTOR_BY_CPV): SensitiveSector | null {
  for (const raw of codes) {
    const code = normalise(raw);
    let best: SectorCpvRule | null = null;
    for (const r of rules) if (code.startsWith(r.prefix) && (!best || r.prefix.length > best.prefix.length)) best = r;
    if (best) return best.sector;
  }
  return null;
}

/** The whole rule: technology (a CPV code) and a sector (publisher's tag, else buyer type, else CPV code). */
export function classifySensitiveSector(
  input: { explicit: SensitiveSector | null; buyerType: BuyerType | null; cpvCodes?: readonly string[] },
  config: SectorConfig = DEFAULT_SECTOR_CONFIG,
): { sector: SensitiveSector | null; rule: SectorRule } {
  const codes = input.cpvCodes ?? [];
  const byType = input.buyerType ? config.byBuyerType[input.buyerType] : undefined;
  const sector = input.explicit ?? byType ?? sectorFromCpv(codes, config.byCpv);
  if (sector === null) return { sector: null, rule: "none" };
  const technology = codes.length === 0 ? input.explicit !== null : isTechnology(codes, config.technologyCpv);
  if (!technology) return { sector: null, rule: "not-technology" };
  return { sector, rule: input.explicit ? "publisher" : byType ? "buyer-type" : "cpv" };
}

/** Throws an Error naming the first bad entry. */
export function validateSectorConfig(c: SectorConfig): void {
  if (c.technologyCpv.length === 0) throw new Error("technologyCpv must list at least one CPV prefix");
  for (const r of [...c.technologyCpv, ...c.byCpv]) {
    if (!/^\d{2,8}$/.test(r.prefix)) throw new Error(`CPV prefix ${JSON.stringify(r.prefix)} must be 2 to 8 digits`);
  }
}
