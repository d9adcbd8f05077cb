/**
 * Bulk upload of awards and contracts: the CSV template's columns, the check
 * of each row, and the release a row publishes.
 *
 * One row = one award to one supplier, and optionally the contract signed for
 * it. A row names its buyer (register id) and the publisher's own reference;
 * with an `ocid` it adds the award to that existing process, without one it
 * creates a process whose ocid is derived from the buyer and the reference.
 * Release ids are derived from the row's content, so uploading the same file
 * again publishes nothing new, and uploading a corrected row publishes one new
 * release (`awardUpdate`) for the same award. Pure code: the hash function is
 * passed in.
 */
import type { OcdsRelease, ProcurementMethod } from "../types";
import {
  ORG_SCHEMES,
  type OrgInfo,
  type OrgScheme,
  type ProcessContext,
  SCALE_CHOICES,
  type ScaleChoice,
  identifierProblem,
  money,
  normaliseIdentifier,
  releaseFrame,
} from "./common";
import { supplierParty } from "./award";
import {
  LIMITS,
  cleanInput,
  cpvDescription,
  cpvField,
  dayStart,
  formatPoundsPlain,
  integerField,
  moneyField,
  textField,
} from "./form";
import { PROCEDURES, PROCEDURE_KEYS } from "./tender";

export const BULK_MAX_ROWS = 10_000;
export const BULK_MAX_BYTES = 8 * 1024 * 1024;

/** The template's columns, in order, with what each holds (shown on the upload page). */
export const BULK_COLUMNS = [
  ["reference", "Required. Your own reference for this award, unique for the buyer (up to 100 characters)."],
  ["buyer_id", "Required. The register id of the buyer (shown on the Publish page)."],
  ["ocid", "Optional. The Open Contracting ID of an existing procurement of this buyer to add the award to; leave empty to create a new one."],
  ["title", "Required for a new procurement, empty otherwise. Up to 300 characters."],
  ["description", "Optional, for a new procurement. Up to 10,000 characters."],
  ["cpv_codes", "Required for a new procurement, empty otherwise. CPV codes separated by semicolons, like 72000000;72200000."],
  ["procedure", "Required for a new procurement, empty otherwise: open, selective, limited or direct."],
  ["award_date", "Required. YYYY-MM-DD or DD/MM/YYYY, today or earlier."],
  ["award_value", "Required. In pounds, like 125000 or 125000.50."],
  ["bids_received", "Required. Whole number, 1 or more."],
  ["supplier_name", "Required."],
  ["supplier_scheme", `Required. The register identifying the supplier: ${Object.keys(ORG_SCHEMES).join(", ")}.`],
  ["supplier_identifier", "Required. The supplier's identifier in that register, like a company number."],
  ["supplier_scale", `Required: ${Object.keys(SCALE_CHOICES).join(", ")}.`],
  ["contract_signed", "Optional: the date the contract was signed. With it, contract_start and contract_end are required."],
  ["contract_start", "Optional (required with contract_signed)."],
  ["contract_end", "Optional (required with contract_signed); on or after contract_start."],
  ["contract_value", "Optional: the contract's value in pounds; the award value when empty."],
  ["consultancy", "Optional: yes or no (empty: decided from the CPV codes)."],
] as const;

export type BulkColumn = (typeof BULK_COLUMNS)[number][0];
export const BULK_COLUMN_NAMES: readonly BulkColumn[] = BULK_COLUMNS.map((c) => c[0]);

export function templateCsv(): string {
  return `${BULK_COLUMN_NAMES.join(",")}\r\n`;
}

/** Problems with a header row: missing and unknown columns, named. */
export function headerProblems(header: readonly string[]): string[] {
  const names = header.map((h) => h.trim().toLowerCase());
  const problems: string[] = [];
  const missing = BULK_COLUMN_NAMES.filter((c) => !names.includes(c));
  const unknown = names.filter((n) => !(BULK_COLUMN_NAMES as readonly string[]).includes(n));
  const dup = names.filter((n, i) => names.indexOf(n) !== i);
  if (missing.length) problems.push(`Missing ${missing.length === 1 ? "column" : "columns"}: ${missing.join(", ")}`);
  if (unknown.length) problems.push(`Unknown ${unknown.length === 1 ? "column" : "columns"}: ${unknown.map((u) => (u === "" ? "(empty name)" : u.slice(0, 40))).join(", ")}`);
  if (dup.length) problems.push(`Repeated ${dup.length === 1 ? "column" : "columns"}: ${[...new Set(dup)].join(", ")}`);
  return problems;
}

export interface BulkRow {
  line: number;
  reference: string;
  buyerId: bigint;
  ocid: string | null;
  title: string | null;
  description: string | null;
  cpvCodes: string[];
  procedure: ProcurementMethod | null;
  awardDate: string;
  awardValuePence: bigint;
  bids: number;
  supplier: { name: string; scheme: OrgScheme; identifier: string; scale: ScaleChoice };
  contract: { signed: string; start: string; end: string; valuePence: bigint } | null;
  consultancy: boolean | null;
}

export interface RowProblem {
  line: number;
  column: string;
  message: string;
}

/** A date as "YYYY-MM-DD" or "DD/MM/YYYY" → "YYYY-MM-DD", or the problem. */
export function parseCsvDate(v: string): { ok: true; ymd: string } | { ok: false; message: string } {
  const t = v.trim();
  let y: number;
  let m: number;
  let d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else {
    match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
    if (!match) return { ok: false, message: `“${t.slice(0, 20)}” is not a date; write YYYY-MM-DD or DD/MM/YYYY` };
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  const real = m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (!real) return { ok: false, message: `“${t.slice(0, 20)}” is not a real date` };
  if (y < LIMITS.minYear || y > LIMITS.maxYear) return { ok: false, message: `the year must be between ${LIMITS.minYear} and ${LIMITS.maxYear}` };
  return { ok: true, ymd: `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}` };
}

// Built once: a file may have 10,000 rows.
const ROW_SCHEMAS = {
  reference: textField("Reference", 100, { required: true, enter: "Enter a reference" }),
  title: textField("Title", LIMITS.title, { required: true, enter: "Enter a title (needed for a new procurement)" }),
  description: textField("Description", LIMITS.description, { required: false }),
  cpv: cpvField("CPV codes", { required: true }),
  awardValue: moneyField("Award value", { required: true }),
  bids: integerField("Bids received", 1, LIMITS.maxBids, { required: true }),
  supplierName: textField("Supplier name", LIMITS.name, { required: true, enter: "Enter the supplier's name" }),
  contractValue: moneyField("Contract value", { required: false }),
};

/**
 * Check one data row (values by column name). `line` is its line number in
 * the file (the header is line 1). Returns the row or its problems, each
 * naming the column.
 */
export function checkRow(values: Record<string, string>, line: number, today: string): { ok: true; row: BulkRow } | { ok: false; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const get = (c: BulkColumn) => cleanInput(values[c]);
  const add = (column: BulkColumn, message: string) => problems.push({ line, column, message });
  const parse = <T>(column: BulkColumn, schema: { safeParse(v: unknown): { success: boolean; data?: T; error?: { issues: Array<{ message: string }> } } }): T | null => {
    const r = schema.safeParse(values[column]);
    if (!r.success) {
      add(column, r.error?.issues[0]?.message ?? "not valid");
      return null;
    }
    return r.data ?? null;
  };

  const reference = parse<string | null>("reference", ROW_SCHEMAS.reference);
  let buyerId: bigint | null = null;
  const buyerRaw = get("buyer_id");
  if (buyerRaw === "") add("buyer_id", "Enter the buyer's register id");
  else if (!/^\d{1,18}$/.test(buyerRaw)) add("buyer_id", `“${buyerRaw.slice(0, 20)}” is not a register id (a whole number)`);
  else buyerId = BigInt(buyerRaw);

  const ocid = get("ocid") || null;
  if (ocid !== null && !/^ocds-[A-Za-z0-9]+-[A-Za-z0-9._/-]{1,200}$/.test(ocid)) add("ocid", "is not an Open Contracting ID (ocds-…)");
  let title: string | null = null;
  let description: string | null = null;
  let cpvCodes: string[] = [];
  let procedure: ProcurementMethod | null = null;
  if (ocid === null) {
    title = parse<string | null>("title", ROW_SCHEMAS.title);
    description = parse<string | null>("description", ROW_SCHEMAS.description);
    cpvCodes = parse<string[]>("cpv_codes", ROW_SCHEMAS.cpv) ?? [];
    const p = get("procedure").toLowerCase();
    if (p === "") add("procedure", "Enter the procedure (needed for a new procurement): open, selective, limited or direct");
    else if (!(PROCEDURE_KEYS as string[]).includes(p)) add("procedure", `“${p.slice(0, 20)}” is not a procedure; use open, selective, limited or direct`);
    else procedure = p as ProcurementMethod;
  } else {
    for (const c of ["title", "description", "cpv_codes", "procedure"] as const) {
      if (get(c) !== "") add(c, "must be empty when an ocid is given: the existing procurement keeps its own");
    }
  }

  let awardDate: string | null = null;
  const ad = get("award_date");
  if (ad === "") add("award_date", "Enter the award date");
  else {
    const r = parseCsvDate(ad);
    if (!r.ok) add("award_date", r.message);
    else if (r.ymd > today) add("award_date", "must be today or in the past");
    else awardDate = r.ymd;
  }
  const awardValue = parse<bigint | null>("award_value", ROW_SCHEMAS.awardValue);
  const bids = parse<number | null>("bids_received", ROW_SCHEMAS.bids);

  const supplierName = parse<string | null>("supplier_name", ROW_SCHEMAS.supplierName);
  const scheme = get("supplier_scheme").toUpperCase();
  const identifier = normaliseIdentifier(get("supplier_identifier"));
  let schemeOk = false;
  if (scheme === "") add("supplier_scheme", "Enter the register that identifies the supplier, like GB-COH");
  else if (!Object.hasOwn(ORG_SCHEMES, scheme)) add("supplier_scheme", `“${scheme.slice(0, 20)}” is not a scheme this register accepts (${Object.keys(ORG_SCHEMES).join(", ")})`);
  else schemeOk = true;
  if (identifier === "") add("supplier_identifier", "Enter the supplier's identifier");
  else if (schemeOk) {
    const problem = identifierProblem(scheme, identifier);
    if (problem) add("supplier_identifier", problem);
  }
  const scale = get("supplier_scale").toLowerCase();
  if (scale === "") add("supplier_scale", `Enter the supplier's size: ${Object.keys(SCALE_CHOICES).join(", ")}`);
  else if (!Object.hasOwn(SCALE_CHOICES, scale)) add("supplier_scale", `“${scale.slice(0, 20)}” is not a size; use ${Object.keys(SCALE_CHOICES).join(", ")}`);

  let contract: BulkRow["contract"] = null;
  const cs = get("contract_signed");
  const cst = get("contract_start");
  const ce = get("contract_end");
  const cv = get("contract_value");
  if (cs !== "" || cst !== "" || ce !== "" || cv !== "") {
    const dates: Partial<Record<"contract_signed" | "contract_start" | "contract_end", string>> = {};
    for (const [c, v] of [["contract_signed", cs], ["contract_start", cst], ["contract_end", ce]] as const) {
      if (v === "") add(c, "Enter this date: a contract needs its signature, start and end dates");
      else {
        const r = parseCsvDate(v);
        if (!r.ok) add(c, r.message);
        else dates[c] = r.ymd;
      }
    }
    const value = cv === "" ? awardValue : parse<bigint | null>("contract_value", ROW_SCHEMAS.contractValue);
    const { contract_signed: signed, contract_start: start, contract_end: end } = dates;
    if (signed && signed > today) add("contract_signed", "must be today or in the past");
    if (signed && awardDate && signed < awardDate) add("contract_signed", "must be on or after the award date");
    if (start && end && end < start) add("contract_end", "must be the same as or after contract_start");
    if (signed && start && end && value !== null && problems.length === 0) contract = { signed, start, end, valuePence: value };
  }
  const cons = get("consultancy").toLowerCase();
  let consultancy: boolean | null = null;
  if (cons === "yes" || cons === "y" || cons === "true") consultancy = true;
  else if (cons === "no" || cons === "n" || cons === "false") consultancy = false;
  else if (cons !== "") add("consultancy", "must be yes, no or empty");
  if (ocid !== null && cons !== "") add("consultancy", "must be empty when an ocid is given");

  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    row: {
      line,
      reference: reference!,
      buyerId: buyerId!,
      ocid,
      title,
      description,
      cpvCodes,
      procedure,
      awardDate: awardDate!,
      awardValuePence: awardValue!,
      bids: bids!,
      supplier: { name: supplierName!, scheme: scheme as OrgScheme, identifier, scale: scale as ScaleChoice },
      contract,
      consultancy,
    },
  };
}

/** The content that identifies a row's release: everything it says, in a fixed order. */
export function rowContent(r: BulkRow): string {
  return JSON.stringify([
    r.reference,
    String(r.buyerId),
    r.ocid,
    r.title,
    r.description,
    r.cpvCodes,
    r.procedure,
    r.awardDate,
    String(r.awardValuePence),
    r.bids,
    r.supplier,
    r.contract ? { ...r.contract, valuePence: String(r.contract.valuePence) } : null,
    r.consultancy,
  ]);
}

export const PUBLISH_OCID_PREFIX = "ocds-ptpr01-";

export interface RowIds {
  ocid: string;
  releaseId: string;
  awardId: string;
  contractId: string;
}

/** Deterministic ids of a row's process, release, award and contract. `hash` gives hex. */
export function rowIds(r: BulkRow, hash: (s: string) => string): RowIds {
  const key = hash(`bulk\u0000${r.buyerId}\u0000${r.reference}`);
  const ocid = r.ocid ?? `${PUBLISH_OCID_PREFIX}b${r.buyerId}-${key.slice(0, 16)}`;
  return {
    ocid,
    releaseId: `bulk-${hash(rowContent(r)).slice(0, 24)}`,
    awardId: `${ocid}-award-${key.slice(0, 10)}`,
    contractId: `${ocid}-contract-${key.slice(0, 10)}`,
  };
}

/**
 * The release a row publishes. `existing` is the process when it is already
 * in the register (an ocid given, or a row uploaded before with other
 * content), so the tags say whether the award and contract are new or updated.
 */
export function buildRowRelease(
  r: BulkRow,
  ids: RowIds,
  opts: { date: string; buyer: OrgInfo; existing: ProcessContext | null },
): OcdsRelease {
  const supplier = supplierParty({ kind: "new", ...r.supplier }, new Map());
  const s = opts.existing?.state;
  const awardKnown = s?.awards.some((a) => a.id === ids.awardId) ?? false;
  const contractKnown = s?.contracts.some((c) => c.id === ids.contractId) ?? false;
  const tag = [awardKnown ? "awardUpdate" : "award"];
  if (r.contract) tag.push(contractKnown ? "contractUpdate" : "contract");
  const frame = releaseFrame("award", { ocid: ids.ocid, releaseId: ids.releaseId, date: opts.date, today: opts.date.slice(0, 10) }, opts.buyer, [supplier]);
  const release: OcdsRelease = { ...frame, tag };
  const tender: Record<string, unknown> = { id: opts.existing?.tenderId ?? `${ids.ocid}-tender`, numberOfTenderers: r.bids };
  if (r.ocid === null) {
    tender.title = r.title;
    if (r.description) tender.description = r.description;
    tender.status = "complete";
    tender.items = r.cpvCodes.map((code) => ({
      id: `cpv-${code}`,
      description: cpvDescription(code),
      classification: { scheme: "CPV", id: code, description: cpvDescription(code) },
    }));
    tender.procurementMethod = r.procedure;
    if (r.procedure) tender.procurementMethodDetails = PROCEDURES[r.procedure];
    if (r.consultancy !== null) tender.x_consultancy = r.consultancy;
  }
  release.tender = tender;
  release.awards = [
    {
      id: ids.awardId,
      title: r.title ?? s?.title ?? r.reference,
      status: "active",
      date: dayStart(r.awardDate),
      datePublished: opts.date,
      value: money(r.awardValuePence),
      suppliers: [{ id: supplier.id, name: supplier.name }],
    },
  ];
  if (r.contract) {
    release.contracts = [
      {
        id: ids.contractId,
        awardID: ids.awardId,
        title: r.title ?? s?.title ?? r.reference,
        status: "active",
        dateSigned: dayStart(r.contract.signed),
        period: { startDate: dayStart(r.contract.start), endDate: dayStart(r.contract.end) },
        value: money(r.contract.valuePence),
      },
    ];
  }
  return release;
}

/** A one-line description of a row for the report. */
export function describeRow(r: BulkRow): string {
  return `${r.supplier.name}, ${formatPoundsPlain(r.awardValuePence)}${r.contract ? ", with contract" : ""}`;
}

