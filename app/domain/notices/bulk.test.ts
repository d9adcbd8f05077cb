import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BULK_COLUMN_NAMES, buildRowRelease, checkRow, headerProblems, parseCsvDate, rowIds, templateCsv } from "./bulk";
import type { OrgInfo } from "./common";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const BUYER: OrgInfo = {
  id: 5n,
  name: "Borough Council",
  scheme: "GB-LAE",
  identifier: "XYZ",
  scale: null,
  orgType: "public",
  buyerType: "local",
  region: null,
  countryCode: "GB",
  postcode: null,
};

const ROW: Record<string, string> = {
  reference: "REF-1",
  buyer_id: "5",
  ocid: "",
  title: "Website hosting",
  description: "",
  cpv_codes: "72400000",
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

describe("bulk CSV", () => {
  it("the template is the header row", () => {
    expect(templateCsv()).toBe(`${BULK_COLUMN_NAMES.join(",")}\r\n`);
  });

  it("names missing, unknown and repeated columns", () => {
    const header = [...BULK_COLUMN_NAMES.filter((c) => c !== "award_value" && c !== "consultancy"), "colour", "reference"];
    expect(headerProblems(header)).toEqual([
      "Missing columns: award_value, consultancy",
      "Unknown column: colour",
      "Repeated column: reference",
    ]);
    expect(headerProblems([...BULK_COLUMN_NAMES])).toEqual([]);
  });

  it("reads both date forms and refuses impossible ones", () => {
    expect(parseCsvDate("05/03/2026")).toEqual({ ok: true, ymd: "2026-03-05" });
    expect(parseCsvDate("2026-3-5")).toEqual({ ok: true, ymd: "2026-03-05" });
    expect(parseCsvDate("31/02/2026").ok).toBe(false);
    expect(parseCsvDate("March 5").ok).toBe(false);
  });

  it("accepts a good row; the contract value defaults to the award value", () => {
    const r = checkRow(ROW, 2, "2026-06-01");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.row.contract).toEqual({ signed: "2026-03-05", start: "2026-04-01", end: "2027-03-31", valuePence: 1_200_000n });
    expect(r.row.consultancy).toBe(false);
  });

  it("reports each problem with its line and column", () => {
    const r = checkRow(
      { ...ROW, buyer_id: "five", award_value: "-3", cpv_codes: "45000000", contract_end: "2026-01-01", supplier_scale: "huge", award_date: "2030-01-01" },
      17,
      "2026-06-01",
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.line, p.column])).toEqual([
      [17, "buyer_id"],
      [17, "cpv_codes"],
      [17, "award_date"],
      [17, "award_value"],
      [17, "supplier_scale"],
      [17, "contract_end"],
    ]);
  });

  it("an existing procurement keeps its own title and CPV codes", () => {
    const r = checkRow({ ...ROW, ocid: "ocds-demo01-0000001" }, 3, "2026-06-01");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.column)).toEqual(["title", "cpv_codes", "procedure", "consultancy"]);
  });

  it("ids are derived from the content: the same row gives the same release, a changed row a new release of the same award", () => {
    const a = checkRow(ROW, 2, "2026-06-01");
    const b = checkRow({ ...ROW }, 9, "2026-06-01");
    const c = checkRow({ ...ROW, award_value: "13000" }, 2, "2026-06-01");
    if (!a.ok || !b.ok || !c.ok) throw new Error("setup");
    const [ia, ib, ic] = [rowIds(a.row, sha), rowIds(b.row, sha), rowIds(c.row, sha)];
    expect(ib).toEqual(ia);
    expect(ic.releaseId).not.toBe(ia.releaseId);
    expect(ic.awardId).toBe(ia.awardId);
    expect(ia.ocid).toMatch(/^ocds-ptpr01-b5-[0-9a-f]{16}$/);
    const rel = buildRowRelease(a.row, ia, { date: "2026-06-01T10:00:00Z", buyer: BUYER, existing: null });
    expect(rel.tag).toEqual(["award", "contract"]);
    expect(rel.id).toBe(ia.releaseId);
    expect((rel.parties as Array<{ details?: { scale?: string } }>)[1]!.details?.scale).toBe("small");
  });
});
