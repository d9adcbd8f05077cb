import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countAudit } from "../../db/queries/audit";
import { countReleases } from "../../db/queries/publishing";
import { BULK_COLUMN_NAMES } from "../../app/domain/notices/bulk";
import { DEMO_ACCOUNTS } from "../../seeds/demo-users";
import { loadDemo } from "../../seeds/load";
import { openTestDatabase, type TestDb } from "../setup/test-db";
import {
  Client,
  contractFields,
  dateParts,
  daysFromNow,
  expectText,
  inputValue,
  publishNotice,
  startServer,
  tenderFields,
  textOf,
  type Page,
  type TestServer,
} from "./publish-server";

let t: TestDb;
let server: TestServer;
let buyerA: bigint;
let c: Client;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  t = await openTestDatabase("bulk");
  await loadDemo(t.db, { contracts: 60, seed: 11 });
  const pub = await t.db
    .selectFrom("user_buyers as ub")
    .innerJoin("users as u", "u.id", "ub.user_id")
    .select("ub.buyer_id")
    .where("u.email", "=", DEMO_ACCOUNTS.publisher.email)
    .orderBy("ub.buyer_id")
    .executeTakeFirstOrThrow();
  buyerA = pub.buyer_id;
  server = await startServer(t.db);
  c = new Client(server.base);
  expect((await c.signIn(DEMO_ACCOUNTS.publisher.email, DEMO_ACCOUNTS.publisher.password)).status).toBe(303);
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

type Row = Partial<Record<(typeof BULK_COLUMN_NAMES)[number], string>>;

function row(reference: string, extra: Row = {}): Row {
  return {
    reference,
    buyer_id: String(buyerA),
    title: `Bulk award ${reference}`,
    cpv_codes: "72000000;72200000",
    procedure: "open",
    award_date: today,
    award_value: "12500.50",
    bids_received: "4",
    supplier_name: `Supplier for ${reference}, "quoted" Ltd`,
    supplier_scheme: "GB-COH",
    supplier_identifier: "0" + String(1000000 + reference.length * 7919).slice(0, 7),
    supplier_scale: "small",
    consultancy: "no",
    ...extra,
  };
}

const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
function csv(rows: Row[], columns: readonly string[] = BULK_COLUMN_NAMES): string {
  return [columns.join(","), ...rows.map((r) => columns.map((k) => cell((r as Record<string, string>)[k] ?? "")).join(","))].join("\r\n") + "\r\n";
}

async function upload(content: string | Uint8Array, name = "awards.csv"): Promise<Page> {
  const page = await c.get("/publish/bulk");
  const fd = new FormData();
  fd.append("csrf", inputValue(page.html, "csrf")!);
  fd.append("intent", "check");
  fd.append("file", new Blob([content as BlobPart], { type: "text/csv" }), name);
  return c.post("/publish/bulk", fd);
}

async function commit(check: Page): Promise<Page> {
  return c.post("/publish/bulk", {
    csrf: inputValue(check.html, "csrf")!,
    uploadId: inputValue(check.html, "uploadId")!,
    idempotencyKey: inputValue(check.html, "idempotencyKey")!,
    intent: "commit",
  });
}

const counts = async () => ({ releases: await countReleases(t.db), audit: await countAudit(t.db), processes: Number((await t.db.selectFrom("processes").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n) });

describe(`bulk upload of awards and contracts (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("offers the CSV template with the columns the upload expects", async () => {
    const r = await c.get("/publish/bulk/template.csv");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(r.headers.get("content-disposition")).toContain("attachment");
    expect(r.html.replace(/^\uFEFF/, "").trim()).toBe(BULK_COLUMN_NAMES.join(","));
  });

  it("checks every row before writing, reporting each rejected row with its line number and reason; nothing is written", async () => {
    const before = await counts();
    const bad = await upload(
      csv([
        row("OK-1"),
        row("BAD-1", { award_value: "-100" }),
        row("BAD-2", { cpv_codes: "45000000", contract_signed: today, contract_start: "2030-01-01", contract_end: "2029-01-01" }),
        row("OK-1"), // same reference twice
        row("BAD-3", { buyer_id: "999999" }),
        row("BAD-4", { title: "<script>alert(1)</script>".repeat(20) }),
      ]),
    );
    expect(bad.status).toBe(400);
    expectText(bad, "rows have problems: nothing has been published");
    const table = textOf(bad.html);
    expect(table).toContain("3 award_value Award value must be more than £0");
    expect(table).toContain("4 cpv_codes");
    expect(table).toContain("4 contract_end must be the same as or after contract_start");
    expect(table).toContain("5 reference “OK-1” is used twice for this buyer (also on line 2)");
    expect(table).toContain("6 buyer_id no buyer organisation has the register id 999999");
    expect(table).toContain("7 title Title must be 300 characters or fewer");
    expect(bad.html).not.toContain("<script>alert(1)");
    expect(inputValue(bad.html, "uploadId")).toBeNull(); // no way to publish
    expect(await counts()).toEqual(before);
  });

  it("names wrong columns, refuses bad encodings and gives 100,000 rows a clear message", async () => {
    const wrong = await upload(csv([row("X")], [...BULK_COLUMN_NAMES.filter((c) => c !== "award_value" && c !== "bids_received"), "colour"]));
    expect(wrong.status).toBe(400);
    expectText(wrong, "Missing columns: award_value, bids_received");
    expectText(wrong, "Unknown column: colour");

    const bytes = new TextEncoder().encode(csv([row("CAFE", { supplier_name: "Caf# Ltd" })]));
    bytes[bytes.indexOf(0x23)] = 0xe9; // "Café" written in Windows-1252
    const enc = await upload(bytes);
    expect(enc.status).toBe(400);
    expectText(enc, "The file is not valid UTF-8 text");
    const utf16 = await upload(new Uint8Array([0xff, 0xfe, 0x72, 0x00]));
    expectText(utf16, "The file is in UTF-16, not UTF-8");
    const notCsv = await upload(`${BULK_COLUMN_NAMES.join(",")}\n"unclosed,quote\n`);
    expect(notCsv.status).toBe(400);
    expectText(notCsv, "The file is not valid CSV");

    const before = await counts();
    const empty = `${BULK_COLUMN_NAMES.join(",")}\n`;
    const small = empty + `${",".repeat(BULK_COLUMN_NAMES.length - 1)}x\n`.repeat(100_000);
    const many = await upload(small);
    expect(many.status).toBe(400);
    expectText(many, "The file has 100,000 rows: the limit is 10,000 rows per upload. Split it into smaller files.");
    const realistic = csv(Array.from({ length: 100_000 }, (_, i) => row(`R${i}`)));
    expect(realistic.length).toBeGreaterThan(8 * 1024 * 1024);
    const big = await upload(realistic);
    expect(big.status).toBe(400);
    expectText(big, /The file is too large \(\d+ MB\): the limit is 8 MB and 10,000 rows/);
    expect(await counts()).toEqual(before);
  });

  it("publishes all rows in one transaction; uploading the same file again publishes nothing twice; a changed row is one new release", async () => {
    // One row adds an award to a procurement already in the register.
    const existing = await publishNotice(c, "/publish/tender", tenderFields(buyerA, "Tendered before the bulk upload"));
    const rows = [
      row("B-1"),
      row("B-2", { contract_signed: today, contract_start: today, contract_end: "2030-03-31", contract_value: "15000" }),
      row("B-3", { ocid: existing, title: "", cpv_codes: "", procedure: "", consultancy: "" }),
    ];
    const file = csv(rows);
    const before = await counts();
    const check = await upload(file);
    expect(check.status, textOf(check.html).slice(0, 1500)).toBe(200);
    expectText(check, "3 rows checked");
    expectText(check, "3 rows acceptable");
    expectText(check, "Publish 3 rows");
    expect(await counts()).toEqual(before); // checking writes nothing
    const done = await commit(check);
    expect(done.status).toBe(303);
    expectText(await c.get(done.location!), "3 releases published");
    const after = await counts();
    expect(after.releases).toBe(before.releases + 3);
    expect(after.processes).toBe(before.processes + 2);
    expect(after.audit).toBe(before.audit + 1);
    const b2 = await t.db.selectFrom("processes").selectAll().where("title", "=", "Bulk award B-2").executeTakeFirstOrThrow();
    expect([b2.status, b2.current_value_pence, b2.original_value_pence]).toEqual(["active", 1_500_000n, 1_500_000n]);
    const ex = await t.db.selectFrom("processes").select(["status", "release_count"]).where("ocid", "=", existing).executeTakeFirstOrThrow();
    expect(ex).toEqual({ status: "awarded", release_count: 2 });

    // The same file again: every row is already published, nothing new is written.
    const again = await upload(file);
    expect(again.status).toBe(200);
    expectText(again, "3 already published with the same content");
    const none = await commit(again);
    expect(none.status).toBe(303);
    const after2 = await counts();
    expect(after2.releases).toBe(after.releases);
    expect(after2.processes).toBe(after.processes);

    // One corrected row: one new release for the same award (awardUpdate), the others skipped.
    const corrected = csv([rows[0]!, { ...rows[1]!, award_value: "13000" }, rows[2]!]);
    const fix = await upload(corrected);
    expectText(fix, "1 rows correct an award published before");
    expect((await commit(fix)).status).toBe(303);
    const after3 = await counts();
    expect(after3.releases).toBe(after.releases + 1);
    expect(after3.processes).toBe(after.processes);
    const tags = await t.db.selectFrom("releases").select("tags").where("ocid", "=", b2.ocid).orderBy("id").execute();
    expect(tags.map((x) => x.tags)).toEqual([["award", "contract"], ["awardUpdate", "contractUpdate"]]);
    const b2after = await t.db.selectFrom("processes").select(["release_count"]).where("ocid", "=", b2.ocid).executeTakeFirstOrThrow();
    expect(b2after.release_count).toBe(2);
  });

  it("is all or nothing: when one row has become invalid by the time of publishing, no row is published", async () => {
    const target = await publishNotice(c, "/publish/tender", tenderFields(buyerA, "Will be terminated"));
    const check = await upload(csv([row("N-1"), row("N-2", { ocid: target, title: "", cpv_codes: "", procedure: "", consultancy: "" })]));
    expect(check.status, textOf(check.html).slice(0, 1500)).toBe(200);
    // Meanwhile the procurement is awarded, contracted and terminated.
    await publishNotice(c, `/publish/${target}/award`, {
      ...dateParts("awardDate", daysFromNow(0)),
      value: "100",
      bids: "1",
      supplierCount: "1",
      "supplier-0-name": "Short Lived Ltd",
      "supplier-0-scheme": "GB-COH",
      "supplier-0-identifier": "03333333",
      "supplier-0-scale": "micro",
    });
    await publishNotice(c, `/publish/${target}/contract`, contractFields());
    await publishNotice(c, `/publish/${target}/termination`, { ...dateParts("terminationDate", daysFromNow(0)), reason: "Ended" });
    const before = await counts();
    const r = await commit(check);
    expect(r.status).toBe(400);
    expectText(r, `${target} is terminated: no award can be added`);
    expect(await counts()).toEqual(before);
  });
});
