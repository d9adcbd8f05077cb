/**
 * Plain-English definitions for the methodology page and chart captions,
 * generated from the configuration in force so the page always shows the
 * values the figures were computed with.
 */
import { formatHeadline } from "../money";
import { type MetricsConfig, DEFAULT_METRICS_CONFIG } from "./config";
import { CPV_PREFIX_LABELS } from "./consultancy";
import { HHI_HIGHLY_CONCENTRATED_ABOVE } from "./concentration";
import { fyLabel } from "./fy";
import { REFERENCE_LINES } from "./pledge";

export type DefinitionId =
  | "money-and-time"
  | "awarded-and-annualised"
  | "sme-share"
  | "consultancy"
  | "pledge"
  | "concentration"
  | "coverage";

export interface MetricDefinition {
  id: DefinitionId;
  title: string;
  /** Paragraphs, plain text. */
  body: string[];
}

/** 0.33 → "33%", 0.265 → "26.5%". */
export function percent(share: number): string {
  const tenths = Math.round(share * 1000);
  return `${tenths / 10}%`;
}

/** 2500 → "2,500". */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Items joined by semicolons (labels contain commas); "none" for an empty list. */
function listPhrase(items: string[]): string {
  return items.length === 0 ? "none" : items.join("; ");
}

function prefixPhrase(prefix: string): string {
  const label = CPV_PREFIX_LABELS[prefix];
  return label === undefined ? prefix : `${prefix} – ${label}`;
}

function yearRangePhrase(from: number, to: number): string {
  return from === to ? `the single year ${fyLabel(from)}` : `${fyLabel(from)} to ${fyLabel(to)}`;
}

/** All definitions, in methodology-page order. */
export function metricDefinitions(config: MetricsConfig = DEFAULT_METRICS_CONFIG): MetricDefinition[] {
  const { pledge, consultancy } = config;
  const baselineYears = pledge.baselineTo - pledge.baselineFrom + 1;
  const buyerTargets = Object.keys(config.smeTargetsByBuyer).length;
  const uncertain = percent(config.uncertainCoverageBelow);
  const defaultTarget = 0.33;

  const targetSentence =
    config.smeTarget === defaultTarget
      ? "The target line is 33%: the UK government's aspiration for the SME share of procurement spend, set in 2015 for 2020, extended to 2022, and missed (26.5% in 2021-22, direct and indirect spend together)."
      : `The target line in force is ${percent(config.smeTarget)}, set in this register's configuration. The default is 33%: the UK government's aspiration for the SME share of procurement spend, set in 2015 for 2020, extended to 2022, and missed (26.5% in 2021-22, direct and indirect spend together).`;

  return [
    {
      id: "money-and-time",
      title: "Money and time",
      body: [
        "Money is kept as whole pence with its currency, so no amount is rounded on the way to a total.",
        "Totals in pounds sterling count only values published in pounds (GBP). Values in other currencies are kept as published, counted separately, and shown as \"not in GBP totals\" with their number.",
        "A financial year runs from 1 April to 31 March and is labelled like 2024-25. Quarters are financial quarters: Q1 is April to June, Q4 is January to March.",
        "Dates are stored in UTC. A date published without a time is taken as the start of that day, UK time.",
        "Financial years, quarters and the days of a contract period are counted on the UK calendar date: a contract signed at 00:30 on 1 April, UK time, is in the new financial year even though it is still 31 March in UTC.",
      ],
    },
    {
      id: "awarded-and-annualised",
      title: "Awarded value and annualised value",
      body: [
        "Every spend figure can be counted in two ways, and every chart says which one it shows.",
        "Awarded value: the value of each award or contract, counted in the financial year of its award date, or of its signature date when there is no award date. This is how notices are usually counted.",
        "Annualised value: the contract value spread evenly by day over the contract period, from the start date to the end date inclusive. A contract with no end date is counted wholly in the year it starts. A contract with no dates falls back to the awarded value and is flagged. This estimates spend per year, and is the default for the consultancy pledge.",
        "Annualised amounts stay in whole pence: each year gets its share of the value by days, rounded down, and the pence left over go to the last year, so the years always add up to the contract value exactly.",
        "A contract's current value is its value after its latest amendment; its original value is the value in its first contract notice. Both are kept.",
      ],
    },
    {
      id: "sme-share",
      title: "SME share and target",
      body: [
        "SME means a small or medium-sized enterprise. By the Procurement Act 2023 (section 123), an SME has fewer than 250 staff, and a turnover of at most £44m or a balance sheet total of at most £38m.",
        "Each supplier on an award has a scale: micro, small, medium, SME (size not given), large or unknown. The register takes the scale the publisher gives for that award first, then the scale on the supplier's own register entry, and otherwise records it as unknown.",
        "Published scales are read as follows: micro, small and medium as given; \"sme\" as an SME of unspecified size; \"selfEmployed\" as micro; \"large\" as large; Contracts Finder's older yes/no SME flag on a supplier as SME or large.",
        "Being a voluntary, community or social enterprise (VCSE), a co-operative or a mutual is recorded as the type of organisation, separately from scale.",
        "SME share = value to SME suppliers ÷ value to suppliers of known scale. The value to suppliers of unknown scale is shown beside it as coverage.",
        `A share whose coverage is under ${uncertain} is shown as uncertain.`,
        "An award to several suppliers is split equally between them unless a value for each supplier is published.",
        targetSentence,
        `From April 2025 departments set their own three-year targets for direct spend with SMEs. A buyer's own target can be configured; ${buyerTargets === 0 ? "none is configured at present" : buyerTargets === 1 ? "1 buyer has its own target configured" : `${buyerTargets} buyers have their own targets configured`}.`,
      ],
    },
    {
      id: "consultancy",
      title: "Consultancy",
      body: [
        "A contract counts as consultancy when its publisher says so. An explicit yes or no from the publisher always wins.",
        `When the publisher does not say, a contract counts as consultancy when any of its CPV codes (the EU's Common Procurement Vocabulary) starts with one of these prefixes: ${listPhrase(consultancy.prefixes.map(prefixPhrase))}.`,
        `Codes starting with these prefixes never count as consultancy: ${listPhrase(consultancy.excludedPrefixes.map(prefixPhrase))}. Contingent labour is counted separately by the Cabinet Office.`,
        "The government defines consultancy by the nature of the work (advice to fill a knowledge gap, for a limited time, paid for a defined output), not by CPV code. The CPV rule is this register's own proxy for it, not an official classification.",
        "Each contract's page says which rule classified it. The prefix lists are configuration and shown here as in force.",
        "Consultancy spend for a financial year is the annualised value of consultancy contracts in that year; the awarded value is available too.",
      ],
    },
    {
      id: "pledge",
      title: "The consultancy pledge",
      body: [
        "The pledge is to halve consultancy spend. The Labour manifesto (2024) said halving it would free up £745m a year. HM Treasury later set the measure as halving spend in 2025-26 against the average of 2017-18 to 2022-23 (written answer, 3 March 2025).",
        `Baseline: the average yearly consultancy spend over ${yearRangePhrase(pledge.baselineFrom, pledge.baselineTo)} (${baselineYears === 1 ? "1 year" : `${baselineYears} years`}). Years in that range with no contracts at all in the register (for the buyers and categories shown) are left out of the average and named beside it; a year with contracts but no consultancy among them counts as £0. With no data in the range at all, the baseline is shown as "not enough data", never as zero.`,
        `Target: half the baseline (rounded down to the penny), to be reached in ${fyLabel(pledge.targetFy)} and held in the years after.`,
        `Trajectory: a straight line from the baseline, placed at ${fyLabel(pledge.baselineTo)}, down to the target in ${fyLabel(pledge.targetFy)}, and the target itself after that.`,
        "A year is on track when its spend is at or below the trajectory for that year. Years of the baseline, years with no contracts in the register, and years that have not happened yet are not marked either way.",
        "Only years up to the current financial year are measured spend. The current year is partial: its figure is to date and may still rise. Annualised value placed in later years is committed by contracts already signed but not yet spent; it is shown apart, as committed, and never judged against the trajectory.",
        ...REFERENCE_LINES.map(
          (r) =>
            `Reference line, labelled as a reference and never mixed with measured values: ${r.note}, about ${formatHeadline(r.pence)}. Source: ${r.source}.`,
        ),
        "The baseline range and target year are configuration, and the API accepts them as parameters, so another reading of the pledge can be tested.",
      ],
    },
    {
      id: "concentration",
      title: "Concentration",
      body: [
        `Top-${config.concentrationTopN} share: the value to the ${config.concentrationTopN} largest suppliers ÷ the total value, for a buyer, a category or all buyers, per year.`,
        `Herfindahl–Hirschman index (HHI): the sum of the squared percentage shares of all suppliers, from 0 to 10,000 (one supplier with everything). Above ${thousands(HHI_HIGHLY_CONCENTRATED_ABOVE)} is shown as highly concentrated.`,
        "Concentration uses awarded value unless annualised value is asked for. An award to several suppliers is split as for SME share. Suppliers with no value are left out.",
        "A supplier may belong to a parent group (for example one professional-services network with several UK companies); concentration can be computed by supplier or by group.",
      ],
    },
    {
      id: "coverage",
      title: "Coverage and honesty",
      body: [
        "Every figure carries the number of contracts behind it and the share of them with missing inputs: no published value (counted as £0), no supplier scale (shown by value as coverage), and no dates.",
        "In the annualised view a contract with no start date is counted in the year of its award, as in the awarded view, and the tables count such contracts for each year. A contract with no date at all is in no year; the dashboards say how many there are.",
        "Only years up to the current financial year are measured. The current year is marked as partial (to date); value that contracts place in later years is shown, if at all, as committed and not yet spent.",
        `Figures are never extrapolated silently. A share with coverage under ${uncertain} is marked uncertain, and a figure with no data is shown as "not enough data", not as zero.`,
        "The thresholds, years and lists in these definitions are the configuration in force, and the figures on this site are computed with the same values.",
      ],
    },
  ];
}

export type ValueView = "awarded" | "annualised";

/** One-line captions for charts, naming the view and the rule in force. */
export function chartCaptions(config: MetricsConfig = DEFAULT_METRICS_CONFIG): {
  awarded: string;
  annualised: string;
  smeShare: string;
  consultancy: string;
  pledge: string;
  concentration: string;
} {
  const p = config.pledge;
  return {
    awarded: "Awarded value: each award counted in the financial year of its award date (or signature date).",
    annualised: "Annualised value: each contract's value spread evenly by day from its start date to its end date.",
    smeShare: `SME share = value to SMEs ÷ value to suppliers of known scale. Target line ${percent(config.smeTarget)}. Shares with coverage under ${percent(config.uncertainCoverageBelow)} are marked uncertain.`,
    consultancy:
      "Consultancy: the publisher's own yes or no, otherwise this register's CPV-code rule (a proxy; see methodology).",
    pledge: `Baseline: average of ${yearRangePhrase(p.baselineFrom, p.baselineTo)}; target: half the baseline by ${fyLabel(p.targetFy)}. Reference lines are labelled and are not measured values.`,
    concentration: `Top-${config.concentrationTopN} share and HHI (0–10,000; above ${thousands(HHI_HIGHLY_CONCENTRATED_ABOVE)} is highly concentrated).`,
  };
}

/** The caption for a value view. */
export function valueViewCaption(view: ValueView): string {
  const c = chartCaptions();
  return view === "awarded" ? c.awarded : c.annualised;
}
