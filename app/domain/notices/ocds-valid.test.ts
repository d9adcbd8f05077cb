/**
 * Every release the register's notices publish is valid OCDS 1.1.5: each
 * kind of notice (tender, its corrections, award, contract, amendment,
 * termination) and each row of a bulk upload, built with the real parsers
 * and builders, validated with ajv against the official release schema
 * (../shared/data/ocds-schema, JSON Schema draft 4). The compiled release of
 * each process is validated too, and corrections that remove a value are
 * checked to compile to "no value" (OCDS merge: null removes a field).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { compileReleases } from "../ocds/compile";
import { isObject } from "../ocds/json";
import { mapCompiledRelease } from "../ocds/map";
import type { OcdsRelease } from "../types";
import { buildAmendmentRelease, buildTerminationRelease, parseAmendment, parseTermination } from "./amendment";
import { buildAwardRelease, parseAward } from "./award";
import { buildRowRelease, checkRow, rowIds } from "./bulk";
import type { OrgInfo, ProcessContext, PublishMeta } from "./common";
import { buildContractRelease, parseContract } from "./contract";
import type { FormValues, Validation } from "./form";
import { buildTenderRelease, parseTender } from "./tender";

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const schema = JSON.parse(readFileSync(new URL("../../../../shared/data/ocds-schema/release-schema.json", import.meta.url), "utf8")) as object;
const validator = ajv.compile(schema);

/** The schema errors of a release ("/pointer message"), [] when valid. */
function schemaErrors(r: unknown): string[] {
  if (validator(r)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`);
}

const BUYER: OrgInfo = {
  id: 7n,
  name: "Department for Examples",
  scheme: "GB-GOR",
  identifier: "D999",
  scale: "unknown",
  orgType: "public",
  buyerType: "central",
  region: "TLI",
  countryCode: "GB",
  postcode: "SW1A2AA",
};
/** A buyer the register knows without an org-id (party id `register-org-…`, no identifier, no address). */
const PLAIN_BUYER: OrgInfo = { ...BUYER, id: 8n, scheme: null, identifier: null, region: null, countryCode: null, postcode: null, buyerType: null, orgType: null };
const SUPPLIER: OrgInfo = {
  id: 42n,
  name: "Register Supplier Ltd",
  scheme: "GB-COH",
  identifier: "01234567",
  scale: "small",
  orgType: "vcse",
  buyerType: null,
  region: "TLD",
  countryCode: "GB",
  postcode: null,
};
const ORGS = new Map([["42", SUPPLIER]]);
const NOW = "2026-06-01T09:00:00.000Z";
const TODAY = "2026-06-01";

let clock = Date.parse(NOW);
/** A release date one minute after the previous one. */
function tick(): string {
  clock += 60_000;
  return new Date(clock).toISOString();
}
function meta(ocid: string, releaseId: string): PublishMeta {
  return { ocid, releaseId, date: tick(), today: TODAY };
}

function ctxOf(ocid: string, releases: OcdsRelease[], buyer = BUYER): ProcessContext {
  const compiled = compileReleases(releases);
  return {
    ocid,
    buyer,
    releaseCount: releases.length,
    lastReleaseId: releases.at(-1)!.id,
    state: mapCompiledRelease(compiled, releases),
    tenderId: isObject(compiled.tender) ? String(compiled.tender.id) : null,
  };
}

const dateOf = (prefix: string, ymd: string): FormValues => {
  const [y, m, d] = ymd.split("-");
  return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y! };
};

function ok<T>(r: Validation<T>): T {
  if (!r.ok) throw new Error(`the form was refused: ${JSON.stringify(r.errors)}`);
  return r.value;
}

const TENDER: FormValues = {
  buyerId: "7",
  title: "Case management platform",
  description: "A platform.",
  cpvCodes: "72000000, 72260000-5",
  estimatedValue: "250,000",
  procedure: "open",
  ...dateOf("deadline", "2026-07-01"),
  deadlineTime: "14:30",
  suitableSme: "yes",
  suitableVcse: "yes",
  consultancy: "yes",
  lotCount: "2",
  "lot-0-title": "Lot A",
  "lot-0-value": "100000",
  "lot-1-title": "Lot B",
  "lot-1-value": "150000",
};

/** A process and its releases, published one notice at a time with the real parsers and builders. */
class Process {
  readonly releases: OcdsRelease[] = [];
  constructor(
    readonly ocid: string,
    readonly buyer = BUYER,
  ) {}
  get ctx(): ProcessContext {
    return ctxOf(this.ocid, this.releases, this.buyer);
  }
  push(r: OcdsRelease): OcdsRelease {
    this.releases.push(r);
    return r;
  }
  tender(values: FormValues) {
    return this.push(buildTenderRelease(ok(parseTender(values, { correction: null, now: NOW })), meta(this.ocid, `${this.ocid}-r${this.releases.length + 1}`), this.buyer, null));
  }
  correct(values: FormValues) {
    const ctx = this.ctx;
    return this.push(buildTenderRelease(ok(parseTender(values, { correction: ctx, now: NOW })), meta(this.ocid, `${this.ocid}-r${this.releases.length + 1}`), this.buyer, ctx));
  }
  award(values: FormValues) {
    const ctx = this.ctx;
    return this.push(buildAwardRelease(ok(parseAward(values, { process: ctx, registerOrgs: ORGS, today: TODAY })), meta(this.ocid, `${this.ocid}-r${this.releases.length + 1}`), ctx, ORGS));
  }
  contract(values: FormValues) {
    const ctx = this.ctx;
    return this.push(buildContractRelease(ok(parseContract(values, { process: ctx, today: TODAY })), meta(this.ocid, `${this.ocid}-r${this.releases.length + 1}`), ctx));
  }
  amend(values: FormValues) {
    const ctx = this.ctx;
    return this.push(buildAmendmentRelease(ok(parseAmendment(values, { process: ctx, today: TODAY })), meta(this.ocid, `${this.ocid}-r${this.releases.length + 1}`), ctx));
  }
  terminate(values: FormValues) {
    const ctx = this.ctx;
    return this.push(buildTerminationRelease(ok(parseTermination(values, { process: ctx, today: TODAY })), meta(this.ocid, `${this.ocid}-r${this.releases.length + 1}`), ctx));
  }
}

const AWARD = (lotId: string | null): FormValues => ({
  ...dateOf("awardDate", "2026-05-20"),
  value: "90000",
  bids: "4",
  ...(lotId ? { lotId } : {}),
  supplierCount: "2",
  "supplier-0-orgId": "42",
  "supplier-1-name": "New Co-op",
  "supplier-1-scheme": "GB-MPR",
  "supplier-1-identifier": "RS007",
  "supplier-1-scale": "micro",
});
const CONTRACT = (awardId: string): FormValues => ({
  awardId,
  ...dateOf("dateSigned", "2026-05-25"),
  ...dateOf("startDate", "2026-06-01"),
  ...dateOf("endDate", "2028-05-31"),
  value: "90000",
});

/** Every release valid, and the compiled release too. */
function expectAllValid(p: Process) {
  p.releases.forEach((r) => {
    expect(schemaErrors(r), `${r.id} (${r.tag.join(", ")})`).toEqual([]);
  });
  expect(schemaErrors(compileReleases(p.releases)), `${p.ocid} compiled`).toEqual([]);
}

describe("notices publish valid OCDS 1.1.5 releases", () => {
  it("a tender with lots, its corrections removing and restoring values, awards, a contract, amendments and a termination", () => {
    const p = new Process("ocds-ptpr01-valid1");
    p.tender(TENDER);
    expect(p.ctx.state.tender.lots.map((l) => l.valuePence)).toEqual([10_000_000n, 15_000_000n]);
    const lotIds = p.ctx.state.tender.lots.map((l) => l.id);

    // Correction 1: the estimated value, a lot's value, the deadline and the consultancy answer removed; limited tendering with a justification.
    const fix1 = p.correct({
      ...TENDER,
      estimatedValue: "",
      "lot-0-id": lotIds[0]!,
      "lot-0-value": "",
      "lot-1-id": lotIds[1]!,
      procedure: "limited",
      justification: "Only one supplier holds the licence",
      "deadline-day": "",
      "deadline-month": "",
      "deadline-year": "",
      consultancy: "",
      reason: "The value was not meant to be published",
    });
    expect(fix1.tag).toEqual(["tenderUpdate"]);
    let s = p.ctx.state;
    expect(s.tender.valuePence).toBeNull();
    expect(s.tender.lots.map((l) => l.valuePence)).toEqual([null, 15_000_000n]);
    expect(s.tender.deadline).toBeNull();
    expect(s.consultancyExplicit).toBeNull();
    expect(s.procurementMethodRationale).toBe("Only one supplier holds the licence");

    // Correction 2: back to an open procedure (justification removed), a deadline and a value again.
    p.correct({
      ...TENDER,
      estimatedValue: "300000",
      "lot-0-id": lotIds[0]!,
      "lot-1-id": lotIds[1]!,
      ...dateOf("deadline", "2026-08-03"),
      consultancy: "no",
      reason: "Opened to competition",
    });
    s = p.ctx.state;
    expect(s.tender.valuePence).toBe(30_000_000n);
    expect(s.procurementMethodRationale).toBeNull();
    expect(s.tender.deadline).not.toBeNull();
    expect(s.consultancyExplicit).toBe(false);

    // An award per lot, a contract for the first.
    p.award(AWARD(lotIds[0]!));
    p.award({ ...AWARD(lotIds[1]!), value: "140000", supplierCount: "1" });
    const awardId = p.ctx.state.awards[0]!.id;
    p.contract(CONTRACT(awardId));
    const cid = p.ctx.state.contracts[0]!.id;

    // Amendments: the value only, the end date only, both.
    const valueOnly = p.amend({ contractId: cid, ...dateOf("amendmentDate", TODAY), newValue: "95000", reason: "Extra training" });
    expect((valueOnly.contracts as Array<Record<string, unknown>>)[0]).toMatchObject({ id: cid, awardID: awardId });
    p.amend({ contractId: cid, ...dateOf("amendmentDate", TODAY), ...dateOf("newEndDate", "2028-12-31"), reason: "Delay" });
    p.amend({ contractId: cid, ...dateOf("amendmentDate", TODAY), newValue: "99000", ...dateOf("newEndDate", "2029-03-31"), reason: "Both" });
    s = p.ctx.state;
    expect([s.contracts[0]!.awardId, s.contracts[0]!.valuePence, s.contracts[0]!.endDate?.slice(0, 10)]).toEqual([awardId, 9_900_000n, "2029-03-31"]);

    const term = p.terminate({ contractId: cid, ...dateOf("terminationDate", TODAY), reason: "Supplier insolvent" });
    expect((term.contracts as Array<Record<string, unknown>>)[0]).toMatchObject({ id: cid, awardID: awardId, status: "terminated" });
    expect(p.ctx.state.contracts[0]!.status).toBe("terminated");
    // The contract still belongs to its award after the amendments and the termination.
    expect(p.ctx.state.contracts[0]!.awardId).toBe(awardId);

    expect(p.releases.map((r) => r.tag[0])).toEqual([
      "tender",
      "tenderUpdate",
      "tenderUpdate",
      "award",
      "award",
      "contract",
      "contractAmendment",
      "contractAmendment",
      "contractAmendment",
      "contractTermination",
    ]);
    expectAllValid(p);
  });

  it("a tender without lots or value, for a buyer without an org-id: direct award, award, contract, termination", () => {
    const p = new Process("ocds-ptpr01-valid2", PLAIN_BUYER);
    p.tender({
      ...TENDER,
      buyerId: "8",
      estimatedValue: "",
      procedure: "direct",
      justification: "Extreme urgency",
      "deadline-day": "",
      "deadline-month": "",
      "deadline-year": "",
      suitableSme: "",
      suitableVcse: "",
      consultancy: "",
      lotCount: "0",
    });
    // A correction that removes what was never there writes no removals.
    p.correct({ ...TENDER, buyerId: "8", estimatedValue: "", procedure: "direct", justification: "Extreme urgency (corrected)", "deadline-day": "", "deadline-month": "", "deadline-year": "", consultancy: "", lotCount: "0", reason: "Wording" });
    expect(p.ctx.state.tender.valuePence).toBeNull();
    p.award({ ...AWARD(null), supplierCount: "1", "supplier-0-orgId": "", "supplier-0-name": "Solo Ltd", "supplier-0-scheme": "GB-COH", "supplier-0-identifier": "SC123456", "supplier-0-scale": "unknown" });
    expect(p.ctx.state.tender.status).toBe("complete");
    p.contract(CONTRACT(p.ctx.state.awards[0]!.id));
    p.terminate({ contractId: p.ctx.state.contracts[0]!.id, ...dateOf("terminationDate", TODAY), reason: "No longer needed" });
    expectAllValid(p);
  });

  it("a correction that removes the estimated value writes an empty Value (not null), which compiles to no value", () => {
    const p = new Process("ocds-ptpr01-valid3");
    p.tender({ ...TENDER, lotCount: "0" });
    const fix = p.correct({ ...TENDER, lotCount: "0", estimatedValue: "", reason: "No estimate" });
    const tender = fix.tender as Record<string, unknown>;
    expect(tender.value).toEqual({ amount: null, currency: null });
    const compiled = compileReleases(p.releases);
    expect((compiled.tender as Record<string, unknown>).value).toEqual({});
    expect(p.ctx.state.tender.valuePence).toBeNull();
    expectAllValid(p);
  });

  it("a contract published without its award (imported) cannot be amended or terminated: the release would not be valid", () => {
    const p = new Process("ocds-ptpr01-valid4");
    p.tender({ ...TENDER, lotCount: "0" });
    p.award({ ...AWARD(null), supplierCount: "1" });
    // An imported release whose contract omits awardID (invalid as published; the register keeps it as it is).
    p.push({
      ocid: p.ocid,
      id: "imported-contract",
      date: tick(),
      tag: ["contract"],
      contracts: [{ id: "C-1", status: "active", value: { amount: 90000, currency: "GBP" } }],
    });
    const ctx = p.ctx;
    const amend = parseAmendment({ contractId: "C-1", ...dateOf("amendmentDate", TODAY), newValue: "100000", reason: "x" }, { process: ctx, today: TODAY });
    expect(amend.ok ? [] : amend.errors).toEqual([{ field: "contractId", message: expect.stringContaining("does not say which award it is for") }]);
    const term = parseTermination({ contractId: "C-1", ...dateOf("terminationDate", TODAY), reason: "x" }, { process: ctx, today: TODAY });
    expect(term.ok ? [] : term.errors).toEqual([{ field: "contractId", message: expect.stringContaining("does not say which award it is for") }]);
  });
});

describe("bulk upload rows publish valid OCDS 1.1.5 releases", () => {
  const sha = (s: string) => createHash("sha256").update(s).digest("hex");
  const ROW: Record<string, string> = {
    reference: "REF-1",
    buyer_id: "7",
    ocid: "",
    title: "Website hosting",
    description: "Hosting and support",
    cpv_codes: "72400000;72000000",
    procedure: "open",
    award_date: "2026-03-01",
    award_value: "12000",
    bids_received: "3",
    supplier_name: "Hosting Ltd",
    supplier_scheme: "GB-COH",
    supplier_identifier: "01234567",
    supplier_scale: "small",
    contract_signed: "05/03/2026",
    contract_start: "2026-04-01",
    contract_end: "2027-03-31",
    contract_value: "",
    consultancy: "no",
  };
  function rowOf(values: Record<string, string>) {
    const r = checkRow(values, 2, TODAY);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.row;
  }
  function publishRow(values: Record<string, string>, existing: Process | null) {
    const row = rowOf(values);
    const ids = rowIds(row, sha);
    return buildRowRelease(row, ids, { date: tick(), buyer: BUYER, existing: existing?.releases.length ? existing.ctx : null });
  }

  it("a new procurement with a contract, the same row corrected (awardUpdate, contractUpdate), and rows without a contract or description", () => {
    const first = publishRow(ROW, null);
    const p = new Process(first.ocid);
    p.push(first);
    expect(first.tag).toEqual(["award", "contract"]);
    const corrected = p.push(publishRow({ ...ROW, award_value: "13000", contract_value: "13500" }, p));
    expect(corrected.tag).toEqual(["awardUpdate", "contractUpdate"]);
    expectAllValid(p);

    for (const values of [
      { ...ROW, reference: "REF-2", description: "", contract_signed: "", contract_start: "", contract_end: "", consultancy: "" },
      { ...ROW, reference: "REF-3", procedure: "direct", supplier_scheme: "GB-CHC", supplier_identifier: "1234567", supplier_scale: "unknown" },
    ]) {
      const rel = publishRow(values, null);
      const q = new Process(rel.ocid);
      q.push(rel);
      expectAllValid(q);
    }
  });

  it("a row that adds an award (and contract) to a procurement already in the register", () => {
    const p = new Process("ocds-ptpr01-bulkexisting");
    p.tender({ ...TENDER, lotCount: "0" });
    const values = { ...ROW, reference: "REF-4", ocid: p.ocid, title: "", description: "", cpv_codes: "", procedure: "", consultancy: "" };
    const rel = p.push(publishRow(values, p));
    expect(rel.tag).toEqual(["award", "contract"]);
    expect(p.ctx.state.awards).toHaveLength(1);
    expectAllValid(p);
  });
});
