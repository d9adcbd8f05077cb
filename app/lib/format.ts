/** Formatting for people: GOV.UK style dates ("4 July 2024") in UK time, numbers with separators. */
import { BUYER_TYPES, ITL1_REGIONS, MISSIONS, SENSITIVE_SECTORS, type BuyerType } from "../domain/types";

const dateFmt = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/London" });
const dateTimeFmt = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "numeric",
  minute: "2-digit",
  hour12: true,
  timeZone: "Europe/London",
});

export function formatDate(d: Date | string | null | undefined): string {
  if (!d) return "–";
  const date = typeof d === "string" ? new Date(d) : d;
  return Number.isNaN(date.getTime()) ? "–" : dateFmt.format(date);
}

export function formatDateTime(d: Date | string | null | undefined): string {
  if (!d) return "–";
  const date = typeof d === "string" ? new Date(d) : d;
  return Number.isNaN(date.getTime()) ? "–" : dateTimeFmt.format(date).replace(" am", "am").replace(" pm", "pm");
}

export const formatCount = (n: number | bigint) => n.toLocaleString("en-GB");

export const BUYER_TYPE_LABELS: Record<BuyerType, string> = {
  central: "Central government department",
  alb: "Arm's-length body",
  local: "Local authority",
  combined: "Combined authority",
  nhs: "NHS body",
  school: "School or academy trust",
  police: "Police",
  devolved: "Devolved administration",
  other: "Other public body",
};
export const buyerTypeLabel = (t: string | null | undefined) =>
  t && (BUYER_TYPES as readonly string[]).includes(t) ? BUYER_TYPE_LABELS[t as BuyerType] : "Unknown";

export const regionLabel = (r: string | null | undefined) =>
  r && Object.hasOwn(ITL1_REGIONS, r) ? ITL1_REGIONS[r as keyof typeof ITL1_REGIONS] : "Unknown";
export const missionLabel = (m: string) => (Object.hasOwn(MISSIONS, m) ? MISSIONS[m as keyof typeof MISSIONS] : m);
export const sectorLabel = (s: string | null | undefined) =>
  s && Object.hasOwn(SENSITIVE_SECTORS, s) ? SENSITIVE_SECTORS[s as keyof typeof SENSITIVE_SECTORS] : "–";

export const SCALE_LABELS: Record<string, string> = {
  micro: "Micro (SME)",
  small: "Small (SME)",
  medium: "Medium (SME)",
  sme: "SME (size not given)",
  large: "Large",
  unknown: "Unknown",
};
export const scaleLabel = (s: string | null | undefined) => SCALE_LABELS[s ?? "unknown"] ?? "Unknown";

export const STATUS_LABELS: Record<string, string> = {
  planned: "Planned",
  open: "Open for bids",
  closed: "Closed, not yet awarded",
  awarded: "Awarded",
  active: "Active",
  completed: "Completed",
  terminated: "Terminated",
  cancelled: "Cancelled",
  unsuccessful: "Unsuccessful",
};
export const statusLabel = (s: string) => STATUS_LABELS[s] ?? s;

export const METHOD_LABELS: Record<string, string> = {
  open: "Open",
  selective: "Selective",
  limited: "Limited",
  direct: "Direct award",
};
export const methodLabel = (m: string | null | undefined) => (m ? (METHOD_LABELS[m] ?? m) : "Not given");

/** CPV categories offered in filters (prefixes); any other prefix works in the URL. */
export const CPV_CATEGORIES: Array<[string, string]> = [
  ["48", "Software packages and information systems"],
  ["72", "IT services: consulting, software development, internet and support"],
  ["7222", "Systems and technical consultancy"],
  ["7226", "Software-related services"],
  ["7231", "Data services"],
  ["7241", "Internet services"],
  ["30", "Office and computing machinery"],
  ["32", "Radio, television and communication equipment"],
  ["64", "Postal and telecommunications services"],
  ["73", "Research and development"],
  ["79", "Business services"],
  ["794", "Business and management consultancy"],
  ["796", "Recruitment and supply of personnel"],
];
