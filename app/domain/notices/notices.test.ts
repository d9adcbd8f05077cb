import { describe, expect, it } from "vitest";
import { compileReleases } from "../ocds/compile";
import { mapCompiledRelease } from "../ocds/map";
import { isObject } from "../ocds/json";
import type { OcdsRelease } from "../types";
import { parseAmendment, parseTermination, buildAmendmentRelease, buildTerminationRelease } from "./amendment";
import { buildAwardRelease, parseAward } from "./award";
import type { OrgInfo, ProcessContext, PublishMeta } from "./common";
import { buildContractRelease, parseContract } from "./contract";
import { cpvField, dateField, moneyField, textField, type FormValues } from "./form";
import { applyRowIntent, parseRowIntent } from "./rows";
import { buildTenderRelease, parseTender } from "./tender";

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
const SUPPLIER: OrgInfo = {
  id: 42n,
  name: "Register Supplier Ltd",
  scheme: "GB-COH",
  identifier: "01234567",
  scale: "small",
  orgType: "company",
  buyerType: null,
  region: "TLD",
  countryCode: "GB",
  postcode: null,
};
const NOW = "2026-06-01T09:00:00.000Z";
const TODAY = "2026-06-01";
const OCID = "ocds-ptpr01-abc123";

function meta(releaseId: string, date: string): PublishMeta {
  return { ocid: OCID, releaseId, date, today: TODAY };
}

function ctxOf(releases: OcdsRelease[]): ProcessContext {
  const compiled = compileReleases(releases);
  return {
    ocid: OCID,
    buyer: BUYER,
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

const TENDER: FormValues = {
  buyerId: "7",
  title: "Case management <script>alert(1)</script>",
  description: "A platform.",
  cpvCodes: "72000000, 72260000-5",
  estimatedValue: "£250,000.50",
  procedure: "open",
  ...dateOf("deadline", "2026-07-01"),
  deadlineTime: "14:30",
  suitableSme: "yes",
  consultancy: "no",
  lotCount: "0",
};

function errorsOf<T>(r: { ok: true; value: T } | { ok: false; errors: Array<{ field: string; message: string }> }) {
  return r.ok ? [] : r.errors;
}

describe("form fields", () => {
  const money = moneyField("Award value", { required: true });
  it("reads pounds into exact pence", () => {
    expect(money.parse("£1,250,000.5")).toBe(125_000_050n);
    expect(money.parse(" 99 ")).toBe(9_900n);
  });
  it.each([
    ["-5", "must be more than £0"],
    ["0", "must be more than £0"],
    ["12.345", "must be an amount in pounds"],
    ["1e9", "must be an amount in pounds"],
    ["10000000001", "must be £10,000,000,000 or less"],
    ["", "Enter award value"],
  ])("refuses %j", (input, message) => {
    const r = money.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain(message);
  });
  it("dates must be whole, real and in range", () => {
    const f = dateField("Award date", { required: true });
    expect(f.parse({ day: "29", month: "2", year: "2024" })).toBe("2024-02-29");
    expect(f.safeParse({ day: "29", month: "2", year: "2023" }).error!.issues[0]!.message).toBe("Award date must be a real date");
    expect(f.safeParse({ day: "", month: "2", year: "" }).error!.issues[0]!.message).toBe("Award date must include a day and a year");
    expect(f.safeParse({ day: "1", month: "1", year: "1899" }).error!.issues[0]!.message).toContain("between 2000 and 2100");
    expect(f.safeParse({}).error!.issues[0]!.message).toBe("Enter award date");
  });
  it("text is trimmed, control characters removed, and over-long text refused with its length", () => {
    const f = textField("Title", 10, { required: true });
    expect(f.parse("  a\u0000b\u0007c  ")).toBe("abc");
    expect(f.safeParse("x".repeat(11)).error!.issues[0]!.message).toBe("Title must be 10 characters or fewer (it has 11)");
  });
  it("CPV codes must be codes of the register's families", () => {
    const f = cpvField("CPV codes", { required: true });
    expect(f.parse("72000000-5; 79411000 72000000")).toEqual(["72000000", "79411000"]);
    expect(f.safeParse("45000000").error!.issues[0]!.message).toContain("“45000000” is not a code this register accepts");
    expect(f.safeParse("7200").error!.issues[0]!.message).toContain("is not a CPV code");
    expect(f.safeParse("99999999").error!.issues[0]!.message).toContain("not a code this register accepts");
  });
});

describe("tender notice", () => {
  it("reads a valid form and builds a `tender` release with the tender and the buyer only", () => {
    const r = parseTender(TENDER, { correction: null, now: NOW });
    expect(errorsOf(r)).toEqual([]);
    if (!r.ok) return;
    expect(r.value.estimatedValuePence).toBe(25_000_050n);
    expect(r.value.deadline).toBe("2026-07-01T13:30:00.000Z"); // 14:30 BST
    const rel = buildTenderRelease(r.value, meta("tender-1", NOW), BUYER, null);
    expect(rel.tag).toEqual(["tender"]);
    expect(Object.keys(rel).sort()).toEqual(["buyer", "date", "id", "initiationType", "language", "ocid", "parties", "tag", "tender"]);
    expect((rel.parties as Array<{ roles: string[] }>).map((p) => p.roles)).toEqual([["buyer"]]);
    const state = ctxOf([rel]).state;
    expect(state.status).toBe("open");
    expect(state.title).toBe("Case management <script>alert(1)</script>");
    expect(state.cpvCodes.map((c) => c.code)).toEqual(["72000000", "72260000"]);
    expect(state.tender.valuePence).toBe(25_000_050n);
    expect(state.tender.suitableSme).toBe(true);
    expect(state.consultancyExplicit).toBe(false);
    expect(state.buyer?.scheme).toBe("GB-GOR");
  });

  it("names every problem at once, each on its field", () => {
    const r = parseTender(
      { ...TENDER, title: "", cpvCodes: "45000000", estimatedValue: "-1", procedure: "open", "deadline-day": "", "deadline-month": "", "deadline-year": "" },
      { correction: null, now: NOW },
    );
    expect(errorsOf(r).map((e) => e.field)).toEqual(["title", "cpvCodes", "estimatedValue", "deadline-day"]);
  });

  it("refuses a deadline in the past, a direct award without justification, and a single lot", () => {
    const past = parseTender({ ...TENDER, ...dateOf("deadline", "2026-05-01") }, { correction: null, now: NOW });
    expect(errorsOf(past)).toEqual([{ field: "deadline-day", message: "The submission deadline must be in the future" }]);
    const direct = parseTender({ ...TENDER, procedure: "direct" }, { correction: null, now: NOW });
    expect(errorsOf(direct).map((e) => e.field)).toEqual(["justification"]);
    const oneLot = parseTender({ ...TENDER, lotCount: "2", "lot-0-title": "Only lot" }, { correction: null, now: NOW });
    expect(errorsOf(oneLot).map((e) => e.field)).toEqual(["lot-0-title"]);
  });

  it("a correction needs a reason, cannot drop a published CPV code, and is a `tenderUpdate` with the reason", () => {
    const t = parseTender(TENDER, { correction: null, now: NOW });
    if (!t.ok) throw new Error("setup");
    const ctx = ctxOf([buildTenderRelease(t.value, meta("tender-1", NOW), BUYER, null)]);
    const noReason = parseTender({ ...TENDER, cpvCodes: "72000000" }, { correction: ctx, now: "2026-06-02T00:00:00Z" });
    expect(errorsOf(noReason).map((e) => e.field).sort()).toEqual(["cpvCodes", "reason"]);
    const ok = parseTender({ ...TENDER, title: "Case management platform", reason: "Typo in the title" }, { correction: ctx, now: "2026-06-02T00:00:00Z" });
    expect(errorsOf(ok)).toEqual([]);
    if (!ok.ok) return;
    const rel = buildTenderRelease(ok.value, meta("fix-1", "2026-06-02T00:00:00Z"), BUYER, ctx);
    expect(rel.tag).toEqual(["tenderUpdate"]);
    const tender = rel.tender as { amendments: Array<{ rationale: string; amendsReleaseID: string }>; status?: string };
    expect(tender.amendments[0]).toMatchObject({ rationale: "Typo in the title", amendsReleaseID: "tender-1" });
    expect(tender.status).toBeUndefined();
    expect(ctxOf([...[buildTenderRelease(t.value, meta("tender-1", NOW), BUYER, null)], rel]).state.title).toBe("Case management platform");
  });
});

describe("correcting a tender published elsewhere", () => {
  it("keeps codes already published even outside the register's families, with their published label", () => {
    const imported: OcdsRelease = {
      ocid: OCID,
      id: "imported-1",
      date: "2026-05-01T00:00:00Z",
      tag: ["tender"],
      buyer: { id: "GB-GOR-D999", name: BUYER.name },
      parties: [{ id: "GB-GOR-D999", name: BUYER.name, roles: ["buyer"] }],
      tender: {
        id: "T1",
        title: "Imported",
        status: "active",
        procurementMethod: "open",
        tenderPeriod: { endDate: "2026-07-01T12:00:00Z" },
        items: [{ id: "1", classification: { scheme: "CPV", id: "45000000", description: "Construction work" } }],
      },
    };
    const ctx = ctxOf([imported]);
    const r = parseTender({ ...TENDER, cpvCodes: "45000000, 72000000", reason: "Add the IT code" }, { correction: ctx, now: NOW });
    expect(errorsOf(r)).toEqual([]);
    if (!r.ok) return;
    const rel = buildTenderRelease(r.value, meta("fix", NOW), BUYER, ctx);
    const items = (rel.tender as { items: Array<{ classification: { id: string; description: string } }> }).items;
    expect(items.map((i) => [i.classification.id, i.classification.description])).toEqual([
      ["45000000", "Construction work"],
      ["72000000", "IT services: consulting, software development, Internet and support"],
    ]);
    // A new tender may not use it.
    expect(errorsOf(parseTender({ ...TENDER, cpvCodes: "45000000" }, { correction: null, now: NOW }))[0]!.field).toBe("cpvCodes");
  });
});

function chain() {
  const t = parseTender(TENDER, { correction: null, now: NOW });
  if (!t.ok) throw new Error("tender");
  const releases: OcdsRelease[] = [buildTenderRelease(t.value, meta("r1", NOW), BUYER, null)];
  return releases;
}

const AWARD: FormValues = {
  ...dateOf("awardDate", "2026-05-20"),
  value: "200000",
  bids: "4",
  supplierCount: "2",
  "supplier-0-orgId": "42",
  "supplier-1-name": "New Co-op",
  "supplier-1-scheme": "GB-MPR",
  "supplier-1-identifier": "rs007 ",
  "supplier-1-scale": "micro",
};
const ORGS = new Map([["42", SUPPLIER]]);

describe("award, contract, amendment, termination", () => {
  it("an award names suppliers from the register and new ones, with their scale", () => {
    const releases = chain();
    const ctx = ctxOf(releases);
    const r = parseAward(AWARD, { process: ctx, registerOrgs: ORGS, today: TODAY });
    expect(errorsOf(r)).toEqual([]);
    if (!r.ok) return;
    const rel = buildAwardRelease(r.value, meta("r2", "2026-06-01T10:00:00Z"), ctx, ORGS);
    expect(rel.tag).toEqual(["award"]);
    const parties = rel.parties as Array<{ id: string; roles: string[]; details?: { scale?: string } }>;
    expect(parties.map((p) => [p.id, p.roles[0], p.details?.scale])).toEqual([
      ["GB-GOR-D999", "buyer", undefined],
      ["GB-COH-01234567", "supplier", "small"],
      ["GB-MPR-RS007", "supplier", "micro"],
    ]);
    const state = ctxOf([...releases, rel]).state;
    expect(state.status).toBe("awarded");
    expect(state.tender.numberOfTenderers).toBe(4);
    expect(state.awards[0]!.suppliers.map((s) => s.party.name)).toEqual(["Register Supplier Ltd", "New Co-op"]);
    expect(state.currentValuePence).toBe(20_000_000n);
  });

  it("award problems: no supplier, a future date, a bad company number, a supplier named twice", () => {
    const ctx = ctxOf(chain());
    expect(errorsOf(parseAward({ ...AWARD, supplierCount: "0" }, { process: ctx, registerOrgs: ORGS, today: TODAY })).map((e) => e.field)).toEqual([
      "supplierQuery",
    ]);
    expect(errorsOf(parseAward({ ...AWARD, ...dateOf("awardDate", "2026-06-02") }, { process: ctx, registerOrgs: ORGS, today: TODAY }))).toEqual([
      { field: "awardDate-day", message: "The award date must be today or in the past" },
    ]);
    const badId = { ...AWARD, "supplier-1-scheme": "GB-COH", "supplier-1-identifier": "123" };
    expect(errorsOf(parseAward(badId, { process: ctx, registerOrgs: ORGS, today: TODAY }))[0]!.message).toContain("Companies House number has 8 characters");
    const twice = { ...AWARD, supplierCount: "3", "supplier-2-orgId": "42" };
    expect(errorsOf(parseAward(twice, { process: ctx, registerOrgs: ORGS, today: TODAY }))[0]!.message).toContain("named twice");
    const unknown = { ...AWARD, "supplier-0-orgId": "999" };
    expect(errorsOf(parseAward(unknown, { process: ctx, registerOrgs: ORGS, today: TODAY }))[0]!.field).toBe("supplier-0-remove");
  });

  it("contract, amendment and termination compile into the current state, keeping the original value", () => {
    const releases = chain();
    let ctx = ctxOf(releases);
    const award = parseAward(AWARD, { process: ctx, registerOrgs: ORGS, today: TODAY });
    if (!award.ok) throw new Error("award");
    releases.push(buildAwardRelease(award.value, meta("r2", "2026-06-01T10:00:00Z"), ctx, ORGS));
    ctx = ctxOf(releases);

    const contractForm = { awardId: ctx.state.awards[0]!.id, ...dateOf("dateSigned", "2026-05-25"), ...dateOf("startDate", "2026-06-01"), ...dateOf("endDate", "2028-05-31"), value: "200000" };
    const backwards = parseContract({ ...contractForm, ...dateOf("endDate", "2026-01-01") }, { process: ctx, today: TODAY });
    expect(errorsOf(backwards)).toEqual([{ field: "endDate-day", message: "The end date must be the same as or after the start date" }]);
    const early = parseContract({ ...contractForm, ...dateOf("dateSigned", "2026-05-01") }, { process: ctx, today: TODAY });
    expect(errorsOf(early)[0]!.message).toContain("on or after the award date (20 May 2026)");
    const contract = parseContract(contractForm, { process: ctx, today: TODAY });
    if (!contract.ok) throw new Error(JSON.stringify(contract.errors));
    releases.push(buildContractRelease(contract.value, meta("r3", "2026-06-01T11:00:00Z"), ctx));
    ctx = ctxOf(releases);
    expect(ctx.state.status).toBe("active");
    const again = parseContract(contractForm, { process: ctx, today: TODAY });
    expect(errorsOf(again)[0]!.message).toContain("already published");

    const cid = ctx.state.contracts[0]!.id;
    const same = parseAmendment({ contractId: cid, ...dateOf("amendmentDate", TODAY), newValue: "200000", reason: "x" }, { process: ctx, today: TODAY });
    expect(errorsOf(same)[0]!.message).toContain("nothing would change");
    const none = parseAmendment({ contractId: cid, ...dateOf("amendmentDate", TODAY), reason: "x" }, { process: ctx, today: TODAY });
    expect(errorsOf(none)).toEqual([{ field: "newValue", message: "Enter a new contract value, a new end date, or both" }]);
    const endBeforeStart = parseAmendment({ contractId: cid, ...dateOf("amendmentDate", TODAY), ...dateOf("newEndDate", "2026-01-01"), reason: "x" }, { process: ctx, today: TODAY });
    expect(errorsOf(endBeforeStart)[0]!.field).toBe("newEndDate-day");
    const amend = parseAmendment(
      { contractId: cid, ...dateOf("amendmentDate", TODAY), newValue: "260000", ...dateOf("newEndDate", "2029-05-31"), reason: "Extra scope" },
      { process: ctx, today: TODAY },
    );
    if (!amend.ok) throw new Error(JSON.stringify(amend.errors));
    const amendRel = buildAmendmentRelease(amend.value, meta("r4", "2026-06-01T12:00:00Z"), ctx);
    expect(amendRel.tag).toEqual(["contractAmendment"]);
    expect((amendRel.contracts as Array<{ amendments: Array<{ amendsReleaseID: string; releaseID: string }> }>)[0]!.amendments[0]).toMatchObject({
      amendsReleaseID: "r3",
      releaseID: "r4",
    });
    releases.push(amendRel);
    ctx = ctxOf(releases);
    expect(ctx.state.originalValuePence).toBe(20_000_000n);
    expect(ctx.state.currentValuePence).toBe(26_000_000n);
    expect(ctx.state.endDate?.slice(0, 10)).toBe("2029-05-31");
    expect(ctx.state.contracts[0]!.amendments.map((a) => [a.rationale, a.valueBeforePence, a.valueAfterPence])).toEqual([["Extra scope", 20_000_000n, 26_000_000n]]);

    const late = parseTermination({ contractId: cid, ...dateOf("terminationDate", "2030-01-01"), reason: "x" }, { process: ctx, today: "2030-02-01" });
    expect(errorsOf(late)[0]!.message).toContain("after the contract's end date");
    const term = parseTermination({ contractId: cid, ...dateOf("terminationDate", TODAY), reason: "Supplier insolvent" }, { process: ctx, today: TODAY });
    if (!term.ok) throw new Error(JSON.stringify(term.errors));
    releases.push(buildTerminationRelease(term.value, meta("r5", "2026-06-01T13:00:00Z"), ctx));
    ctx = ctxOf(releases);
    expect(ctx.state.status).toBe("terminated");
    expect(ctx.state.terminationReason).toBe("Supplier insolvent");
    const afterTermination = parseAmendment({ contractId: cid, ...dateOf("amendmentDate", TODAY), newValue: "1", reason: "x" }, { process: ctx, today: TODAY });
    expect(errorsOf(afterTermination)[0]!.message).toContain("terminated");
  });
});

describe("rows without JavaScript", () => {
  it("adds, fills and removes rows, keeping the other values", () => {
    let v: FormValues = { title: "x" };
    v = applyRowIntent(v, parseRowIntent("add-lot")!);
    expect(v.lotCount).toBe("2");
    v = { ...v, "lot-0-title": "A", "lot-1-title": "B" };
    v = applyRowIntent(v, parseRowIntent("add-lot")!);
    v = { ...v, "lot-2-title": "C" };
    v = applyRowIntent(v, parseRowIntent("remove-lot-1")!);
    expect([v.lotCount, v["lot-0-title"], v["lot-1-title"], v["lot-2-title"], v.title]).toEqual(["2", "A", "C", undefined, "x"]);
    v = applyRowIntent(v, parseRowIntent("add-new-supplier")!);
    v = applyRowIntent(v, parseRowIntent("add-supplier-42")!);
    expect([v.supplierCount, v["supplier-0-orgId"]]).toEqual(["1", "42"]);
    v = applyRowIntent(v, parseRowIntent("add-supplier-42")!);
    expect(v.supplierCount).toBe("1");
    expect(parseRowIntent("drop-table")).toBeNull();
  });
});
