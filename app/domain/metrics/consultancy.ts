/**
 * Consultancy classification (../shared/docs/metrics.md, "Consultancy spend and
 * the pledge"). The government defines consultancy by the nature of the work,
 * not by CPV code: the CPV rule here is this register's own proxy.
 */

/** CPV prefixes counted as consultancy by default. */
export const DEFAULT_CONSULTANCY_PREFIXES: readonly string[] = ["794", "7222", "72246", "72266", "732", "71241"];

/**
 * CPV prefixes never counted as consultancy: contingent labour, which the
 * Cabinet Office counts separately (7962 supply of personnel lies within 796
 * recruitment; both are listed so the methodology page names them).
 */
export const DEFAULT_NOT_CONSULTANCY_PREFIXES: readonly string[] = ["7962", "796"];

/** Plain-English names of the default prefixes, for the methodology page and rule descriptions. */
export const CPV_PREFIX_LABELS: Readonly<Record<string, string>> = {
  "794": "business and management consultancy and related services (79400000, including 79421000 project management)",
  "7222": "systems and technical consultancy (72220000 and its children: business analysis, IT strategy, project management consultancy)",
  "72246": "systems consultancy (72246000)",
  "72266": "software consultancy (72266000)",
  "732": "research and development consultancy (73200000)",
  "71241": "feasibility study, advisory service, analysis (71241000)",
  "7962": "supply of personnel, including temporary staff (79620000): contingent labour",
  "796": "recruitment (79600000): contingent labour",
};

export interface ConsultancyConfig {
  prefixes: readonly string[];
  excludedPrefixes: readonly string[];
}

export const DEFAULT_CONSULTANCY_CONFIG: ConsultancyConfig = {
  prefixes: DEFAULT_CONSULTANCY_PREFIXES,
  excludedPrefixes: DEFAULT_NOT_CONSULTANCY_PREFIXES,
};

/** "publisher-yes" | "publisher-no" | "cpv-prefix:<prefix>" | "no-matching-cpv". */
export type ConsultancyRule = "publisher-yes" | "publisher-no" | "no-matching-cpv" | `cpv-prefix:${string}`;

export interface ConsultancyInput {
  /** The publisher's explicit yes/no, null when not said. */
  explicit: boolean | null;
  cpvCodes: readonly string[];
}

export interface ConsultancyClassification {
  consultancy: boolean;
  rule: ConsultancyRule;
  /** The 8-digit CPV code (check digit removed) that matched, for `cpv-prefix:*`. */
  matchedCode: string | null;
}

const CPV_RE = /^(\d{8})(?:-\d)?$/;
const PREFIX_RE = /^\d{1,8}$/;

/** "79410000-1" → "79410000"; "79410000" → "79410000"; anything else → null. */
export function normaliseCpv(code: string): string | null {
  if (typeof code !== "string") return null;
  const m = CPV_RE.exec(code.trim());
  return m ? (m[1] ?? null) : null;
}

/** Throws an Error naming the field when a prefix is not 1–8 digits. */
export function validateConsultancyConfig(config: ConsultancyConfig): void {
  for (const [field, list] of [
    ["prefixes", config.prefixes],
    ["excludedPrefixes", config.excludedPrefixes],
  ] as const) {
    if (!Array.isArray(list)) throw new Error(`consultancy.${field} must be a list of CPV prefixes`);
    for (const p of list) {
      if (typeof p !== "string" || !PREFIX_RE.test(p)) {
        throw new Error(`consultancy.${field}: "${String(p)}" is not a CPV prefix of 1 to 8 digits`);
      }
    }
  }
}

/**
 * Classify a contract. The publisher's explicit yes or no always wins. Else the
 * first CPV code (in the order given) that starts with a consultancy prefix and
 * with no excluded prefix makes it consultancy; the rule names the longest
 * matching prefix. Else it is not consultancy. Malformed CPV codes are ignored.
 */
export function classifyConsultancy(
  input: ConsultancyInput,
  config: ConsultancyConfig = DEFAULT_CONSULTANCY_CONFIG,
): ConsultancyClassification {
  if (input.explicit === true) return { consultancy: true, rule: "publisher-yes", matchedCode: null };
  if (input.explicit === false) return { consultancy: false, rule: "publisher-no", matchedCode: null };
  validateConsultancyConfig(config);
  for (const raw of input.cpvCodes) {
    const code = normaliseCpv(raw);
    if (code === null) continue;
    if (config.excludedPrefixes.some((p) => code.startsWith(p))) continue;
    let best: string | null = null;
    for (const p of config.prefixes) {
      if (code.startsWith(p) && (best === null || p.length > best.length)) best = p;
    }
    if (best !== null) return { consultancy: true, rule: `cpv-prefix:${best}`, matchedCode: code };
  }
  return { consultancy: false, rule: "no-matching-cpv", matchedCode: null };
}

/** A sentence saying which rule classified a contract and why. */
export function describeConsultancyRule(rule: string, matchedCode: string | null): string {
  if (rule === "publisher-yes") return "Consultancy: the publisher marked this contract as consultancy.";
  if (rule === "publisher-no") return "Not consultancy: the publisher marked this contract as not consultancy.";
  if (rule === "no-matching-cpv") {
    return "Not consultancy: the publisher did not say, and none of its CPV codes falls under a consultancy prefix.";
  }
  if (rule.startsWith("cpv-prefix:")) {
    const prefix = rule.slice("cpv-prefix:".length);
    const label = CPV_PREFIX_LABELS[prefix];
    const what = label === undefined ? `the consultancy prefix ${prefix}` : `the consultancy prefix ${prefix}, ${label}`;
    const code = matchedCode === null ? "One of its CPV codes" : `Its CPV code ${matchedCode}`;
    return `Consultancy by the register's CPV rule (the publisher did not say): ${code} falls under ${what}.`;
  }
  return `Classified by an unrecognised rule: ${rule}.`;
}
