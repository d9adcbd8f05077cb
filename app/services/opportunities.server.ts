/**
 * Opportunities for SMEs (issue 6): the filter schema shared by the
 * /opportunities page and its Atom feed, the search, one opportunity with the
 * buyer's SME track record, and the feed's XML.
 */
import {
  type Cursor,
  type OpportunityQuery,
  type OpportunityRow,
  type OpportunitySort,
  buyerSmeRecord,
  countOpportunities,
  getProcessExtras,
  nextDeadline,
  searchOpportunities,
} from "../../db/queries/opportunities";
import { getOrganisation, getProcess, getProcessReleases } from "../../db/queries/register";
import type { Executor } from "../../db/queries/util";
import { smeShare } from "../domain/metrics/sme-share";
import { formatPounds } from "../domain/money";
import { compileReleases } from "../domain/ocds/compile";
import { mapCompiledRelease } from "../domain/ocds/map";
import type { OcdsRelease } from "../domain/types";
import { type ParamError, parseParams, searchParamsObject } from "../lib/params";
import {
  FRAMEWORK_PARAMS,
  OpportunityFilterFields,
  type OpportunityFilters,
  OpportunityFiltersSchema,
  daysLeft,
  feedTitle,
  onePerParam,
  opportunityQueryString,
} from "./opportunity-filters";
import { BadRequest } from "./register.server";

export {
  OPPORTUNITY_SORTS,
  STAGES,
  type OpportunityFilters,
  OpportunityFiltersSchema,
  daysLeft,
  daysLeftText,
  feedTitle,
  opportunityQueryString,
} from "./opportunity-filters";

function decodeCursor(s: string): Cursor | null {
  try {
    const v = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as unknown;
    if (v && typeof v === "object" && typeof (v as Cursor).k === "string" && typeof (v as Cursor).o === "string") return v as Cursor;
  } catch {
    /* not a cursor */
  }
  return null;
}
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Parse the URL's filters; throws BadRequest naming each bad parameter (a misspelt filter included). */
export function parseOpportunityFilters(sp: URLSearchParams): { filters: OpportunityFilters; cursor: Cursor | null } {
  const input = searchParamsObject(sp);
  const errors: ParamError[] = [];
  for (const key of Object.keys(input)) {
    if (FRAMEWORK_PARAMS.has(key)) delete input[key];
    else if (!Object.hasOwn(OpportunityFilterFields.shape, key)) errors.push({ param: key, message: "is not a filter of this page" });
  }
  const parsed = parseParams(OpportunityFiltersSchema, input);
  if (!parsed.ok) errors.push(...parsed.errors);
  if (errors.length > 0 || !parsed.ok) throw new BadRequest(onePerParam(errors));
  const f = parsed.value;
  let cursor: Cursor | null = null;
  if (f.cursor) {
    cursor = decodeCursor(f.cursor);
    const sort = f.sort ?? "closing";
    const keyOk =
      cursor !== null &&
      (sort === "value" ? /^-?\d{1,20}$/.test(cursor.k) : (sort === "closing" && cursor.k === "infinity") || ISO_INSTANT.test(cursor.k));
    if (!keyOk) throw new BadRequest([{ param: "cursor", message: "is not a cursor this register issued" }]);
  }
  return { filters: f, cursor };
}

export function toOpportunityQuery(f: OpportunityFilters, now: Date): OpportunityQuery {
  return {
    q: f.q || undefined,
    stage: f.stage,
    buyer: f.buyer ? BigInt(f.buyer) : undefined,
    cpv: f.cpv,
    region: f.region,
    minValue: f.minValue,
    maxValue: f.maxValue,
    deadlineFrom: f.deadlineFrom,
    deadlineTo: f.deadlineTo,
    sme: f.sme === "yes" || undefined,
    vcse: f.vcse === "yes" || undefined,
    lots: f.lots === undefined ? undefined : f.lots === "yes",
    now,
  };
}

async function checkBuyer(db: Executor, f: OpportunityFilters) {
  if (!f.buyer) return null;
  const buyer = await getOrganisation(db, BigInt(f.buyer));
  if (!buyer?.is_buyer) throw new BadRequest([{ param: "buyer", message: `no buyer with id ${f.buyer}` }]);
  return buyer;
}

export async function findOpportunities(db: Executor, sp: URLSearchParams, now: Date, limit = 25) {
  const { filters, cursor } = parseOpportunityFilters(sp);
  const buyer = await checkBuyer(db, filters);
  const q = toOpportunityQuery(filters, now);
  const sort: OpportunitySort = filters.sort ?? "closing";
  const [page, count, closes] = await Promise.all([searchOpportunities(db, q, sort, limit, cursor), countOpportunities(db, q), nextDeadline(db, q)]);
  // The list is true until its next deadline passes (the page cache keeps it no longer).
  return { filters, sort, buyer, rows: page.rows, next: page.next ? encodeCursor(page.next) : null, count, validUntil: closes };
}

// ---------------------------------------------------------------------------
// One opportunity

export interface SmeTrackRecord {
  available: boolean;
  smeValuePence: bigint;
  knownValuePence: bigint;
  unknownValuePence: bigint;
  share: number | null;
  coverage: number | null;
  uncertain: boolean;
  contracts: number;
}

/** The buyer's SME share of awarded value, all years; not available when it has no award to a supplier of known size. */
export async function buyerSmeTrackRecord(db: Executor, buyerId: bigint): Promise<SmeTrackRecord> {
  const r = await buyerSmeRecord(db, buyerId);
  const share = smeShare([
    { scaleClass: "sme", valuePence: r.smeValuePence },
    { scaleClass: "large", valuePence: r.largeValuePence },
    { scaleClass: "unknown", valuePence: r.unknownValuePence },
  ]);
  return {
    available: share.knownValuePence > 0n,
    smeValuePence: share.smeValuePence,
    knownValuePence: share.knownValuePence,
    unknownValuePence: share.unknownValuePence,
    share: share.share,
    coverage: share.coverage,
    uncertain: share.uncertain,
    contracts: r.contracts,
  };
}

function asObject(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}
function asText(v: unknown): string | null {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
}

/** One opportunity: its stored row, compiled state, extra dates and contact, and the buyer's SME record. Null when unknown. */
export async function getOpportunity(db: Executor, ocid: string, now: Date) {
  const p = await getProcess(db, ocid);
  if (!p) return null;
  const [releases, extras, record] = await Promise.all([
    getProcessReleases(db, ocid),
    getProcessExtras(db, ocid),
    p.buyer_id !== null ? buyerSmeTrackRecord(db, p.buyer_id) : Promise.resolve(null),
  ]);
  // A release's JSON may come back as text (jsonb string) from older writes: read either.
  const raws = releases.map((r) => (typeof r.data === "string" ? JSON.parse(r.data) : r.data) as OcdsRelease);
  const compiled = compileReleases(raws);
  const state = mapCompiledRelease(compiled, raws);
  const tender = asObject(compiled.tender);
  const enquiryEnd = asText(asObject(tender?.enquiryPeriod)?.endDate);
  const buyerParty = (Array.isArray(compiled.parties) ? compiled.parties : [])
    .map(asObject)
    .find((party) => Array.isArray(party?.roles) && (party.roles as unknown[]).includes("buyer"));
  const contact = asObject(buyerParty?.contactPoint);
  const email = asText(contact?.email);
  const isOpen = (p.status === "open" || p.status === "planned") && (p.tender_deadline === null || new Date(p.tender_deadline) > now);
  const { search: _search, ...row } = p;
  return {
    p: row,
    state,
    lotCount: extras?.lot_count ?? state.tender.lots.length,
    enquiryDeadline: enquiryEnd,
    submissionMethodDetails: asText(tender?.submissionMethodDetails),
    contact: {
      name: asText(contact?.name),
      email: email && /^[^\s@<>]+@[^\s@<>]+$/.test(email) ? email : null,
      telephone: asText(contact?.telephone),
    },
    isOpen,
    daysLeft: daysLeft(p.tender_deadline, now),
    smeRecord: record,
  };
}

// ---------------------------------------------------------------------------
// Atom feed

/** Text safe inside XML: the five special characters escaped, characters XML 1.0 forbids removed. */
export function xmlEscape(value: string): string {
  let allowed = "";
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    if (c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000) allowed += ch;
  }
  return allowed
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const isoZ = (d: Date | string) => new Date(d).toISOString().replace(/\.\d{3}Z$/, "Z");

export interface FeedInput {
  /** The site's origin, e.g. https://register.example (no trailing slash). */
  origin: string;
  filters: OpportunityFilters;
  rows: OpportunityRow[];
  now: Date;
  describeDate: (d: Date | string) => string;
}

/** An Atom 1.0 feed of a filtered view of /opportunities. */
export function opportunitiesAtom(input: FeedInput): string {
  const { origin, filters, rows, now } = input;
  const qs = opportunityQueryString({ ...filters, cursor: undefined });
  const selfUrl = `${origin}/opportunities/feed.atom${qs}`;
  const pageUrl = `${origin}/opportunities${qs}`;
  const updated = rows.reduce((max, r) => Math.max(max, new Date(r.last_release_at).getTime()), 0);
  const summary = (r: OpportunityRow) => {
    const parts = [
      r.status === "planned" ? "Upcoming (planning notice)" : "Open for bids",
      r.buyer_name ? `Buyer: ${r.buyer_name}` : null,
      r.tender_value_pence !== null ? `Value: ${formatPounds(r.tender_value_pence)}${r.currency && r.currency !== "GBP" ? ` ${r.currency}` : ""}` : null,
      r.tender_deadline ? `Deadline: ${input.describeDate(r.tender_deadline)}` : "Deadline not published",
      r.suitable_sme ? "Suitable for SMEs" : null,
      r.suitable_vcse ? "Suitable for VCSEs" : null,
      r.lot_count > 0 ? `${r.lot_count} lots` : null,
    ].filter(Boolean);
    return `${parts.join(". ")}.${r.description ? `\n\n${r.description}` : ""}`;
  };
  const entries = rows.map((r) => {
    const url = `${origin}/opportunities/${encodeURIComponent(r.ocid)}`;
    return [
      "  <entry>",
      `    <id>${xmlEscape(url)}</id>`,
      `    <title>${xmlEscape(r.title)}</title>`,
      `    <link rel="alternate" type="text/html" href="${xmlEscape(url)}"/>`,
      `    <updated>${isoZ(r.last_release_at)}</updated>`,
      r.tender_published_at ? `    <published>${isoZ(r.tender_published_at)}</published>` : null,
      `    <author><name>${xmlEscape(r.buyer_name ?? "Unknown buyer")}</name></author>`,
      r.cpv ? `    <category term="${xmlEscape(r.cpv)}" scheme="https://ted.europa.eu/cpv"/>` : null,
      `    <summary type="text">${xmlEscape(summary(r))}</summary>`,
      "  </entry>",
    ]
      .filter((line) => line !== null)
      .join("\n");
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xmlEscape(selfUrl)}</id>`,
    `  <title>${xmlEscape(feedTitle(filters))}</title>`,
    "  <subtitle>Open and upcoming public-sector technology tenders from the Public Tech Procurement Register.</subtitle>",
    `  <link rel="self" type="application/atom+xml" href="${xmlEscape(selfUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlEscape(pageUrl)}"/>`,
    `  <updated>${isoZ(updated > 0 ? new Date(updated) : now)}</updated>`,
    "  <generator>Public Tech Procurement Register</generator>",
    ...entries,
    "</feed>",
    "",
  ].join("\n");
}

