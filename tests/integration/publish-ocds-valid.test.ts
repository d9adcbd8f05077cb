/**
 * What the register publishes is what it exports, and both are valid OCDS
 * 1.1.5: every kind of notice (tender with lots, corrections that remove
 * values, award, contract, amendment, termination) and a bulk upload (a new
 * procurement with its contract, an award added to a procurement already in
 * the register, and a corrected row), published over HTTP on the real server
 * as a publisher without JavaScript would, then the three exports — the
 * release packages (/api/v1/ocds/releases, every page), the record package
 * of each process (/api/v1/ocds/records/:ocid) and the JSON Lines dump
 * (/api/v1/ocds/releases.jsonl, every line) — validated whole with ajv
 * against the official schemas (../shared/data/ocds-schema, draft 4).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BULK_COLUMN_NAMES } from "../../app/domain/notices/bulk";
import { DEMO_ACCOUNTS } from "../../seeds/demo-users";
import { loadDemo } from "../../seeds/load";
import { openTestDatabase, type TestDb } from "../setup/test-db";
import { type Json, SCHEMA_DIR } from "./import-fixtures";
import {
  Client,
  awardFields,
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

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const schema = (name: string) => JSON.parse(readFileSync(path.join(SCHEMA_DIR, name), "utf8")) as { id: string };
const releaseSchema = schema("release-schema.json");
ajv.addSchema(releaseSchema);
ajv.addSchema(schema("versioned-release-validation-schema.json"));
const validators = {
  release: ajv.compile(releaseSchema),
  releasePackage: ajv.compile(schema("release-package-schema.json")),
  recordPackage: ajv.compile(schema("record-package-schema.json")),
};
/** The schema errors of a document ("/pointer message"), [] when valid. */
function schemaErrors(kind: keyof typeof validators, doc: unknown): string[] {
  const v = validators[kind];
  if (v(doc)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`);
}

let t: TestDb;
let server: TestServer;
let buyerA: bigint;
let c: Client;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  t = await openTestDatabase("publish_ocds");
  await loadDemo(t.db, { contracts: 20, seed: 17 });
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
const row = (reference: string, extra: Row = {}): Row => ({
  reference,
  buyer_id: String(buyerA),
  title: `OCDS check bulk ${reference}`,
  cpv_codes: "72000000;72200000",
  procedure: "open",
  award_date: today,
  award_value: "12500.50",
  bids_received: "4",
  supplier_name: `Bulk Supplier ${reference} Ltd`,
  supplier_scheme: "GB-COH",
  supplier_identifier: "07654321",
  supplier_scale: "small",
  consultancy: "no",
  ...extra,
});
const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (rows: Row[]) =>
  `${[BULK_COLUMN_NAMES.join(","), ...rows.map((r) => BULK_COLUMN_NAMES.map((k) => cell(r[k] ?? "")).join(","))].join("\r\n")}\r\n`;

/** Check a CSV, then publish it; returns the page after publishing. */
async function uploadAndCommit(content: string): Promise<void> {
  const page = await c.get("/publish/bulk");
  const fd = new FormData();
  fd.append("csrf", inputValue(page.html, "csrf")!);
  fd.append("intent", "check");
  fd.append("file", new Blob([content], { type: "text/csv" }), "awards.csv");
  const check: Page = await c.post("/publish/bulk", fd);
  expect(check.status, textOf(check.html).slice(0, 1500)).toBe(200);
  const done = await c.post("/publish/bulk", {
    csrf: inputValue(check.html, "csrf")!,
    uploadId: inputValue(check.html, "uploadId")!,
    idempotencyKey: inputValue(check.html, "idempotencyKey")!,
    intent: "commit",
  });
  expect(done.status, textOf(done.html).slice(0, 1500)).toBe(303);
  expectText(await c.get(done.location!), "published");
}

async function getJson(p: string): Promise<Json> {
  const r = await c.get(p);
  expect(r.status, p).toBe(200);
  return JSON.parse(r.html) as Json;
}

const tagsOf = async (ocid: string) =>
  (await t.db.selectFrom("releases").select("tags").where("ocid", "=", ocid).orderBy("id").execute()).map((r) => r.tags.join("+"));

describe(`published notices export as valid OCDS 1.1.5 (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("every kind of notice and a bulk upload, published, then the release packages, record packages and JSON Lines dump validated whole", { timeout: 240_000 }, async () => {
    // A tender in two lots, with an estimated value.
    const ocid = await publishNotice(c, "/publish/tender", {
      ...tenderFields(buyerA, "OCDS check: case management"),
      lotCount: "2",
      "lot-0-title": "Lot A: software",
      "lot-0-value": "100000",
      "lot-1-title": "Lot B: support",
      "lot-1-value": "150000",
    });
    // A correction removing the estimated value, the first lot's value and the consultancy answer (the form is prefilled with the tender as it stands).
    await publishNotice(c, `/publish/${ocid}/tender`, { estimatedValue: "", "lot-0-value": "", consultancy: "", reason: "The estimate was published by mistake" });
    const afterFix = (await getJson(`/api/v1/ocds/records/${encodeURIComponent(ocid)}`)) as { records: Array<{ compiledRelease: Json }> };
    const compiledTender = afterFix.records[0]!.compiledRelease.tender as { value?: Json; lots: Array<{ id: string; value?: Json }>; x_consultancy?: unknown };
    // Removed: the current state has no amount (OCDS merge), and nothing null is left behind.
    expect(compiledTender.value?.amount).toBeUndefined();
    expect(compiledTender.lots[0]!.value?.amount).toBeUndefined();
    expect(compiledTender.lots[1]!.value).toEqual({ amount: 150000, currency: "GBP" });
    expect(compiledTender.x_consultancy).toBeUndefined();
    const proc = await t.db.selectFrom("processes").selectAll().where("ocid", "=", ocid).executeTakeFirstOrThrow();
    expect(proc.tender_value_pence ?? null).toBeNull();

    // An award for the first lot, its contract, an amendment (value and end date) and a termination.
    await publishNotice(c, `/publish/${ocid}/award`, { ...awardFields("OCDS Check Supplier Ltd", "06543210"), lotId: compiledTender.lots[0]!.id });
    await publishNotice(c, `/publish/${ocid}/contract`, contractFields());
    await publishNotice(c, `/publish/${ocid}/amendment`, { newValue: "65000", ...dateParts("newEndDate", daysFromNow(500)), reason: "More work" });
    await publishNotice(c, `/publish/${ocid}/amendment`, { newValue: "", ...dateParts("newEndDate", daysFromNow(600)), reason: "Later end" });
    await publishNotice(c, `/publish/${ocid}/termination`, { ...dateParts("terminationDate", daysFromNow(0)), reason: "No longer needed" });
    expect(await tagsOf(ocid)).toEqual(["tender", "tenderUpdate", "award", "contract", "contractAmendment", "contractAmendment", "contractTermination"]);

    // A bulk upload: a new procurement with its contract, an award added to a procurement already published, then one row corrected.
    const existing = await publishNotice(c, "/publish/tender", tenderFields(buyerA, "OCDS check: tendered before the bulk upload"));
    const rows = [
      row("OCDS-1", { contract_signed: today, contract_start: today, contract_end: "2030-03-31", contract_value: "15000" }),
      row("OCDS-2", { ocid: existing, title: "", cpv_codes: "", procedure: "", consultancy: "" }),
    ];
    await uploadAndCommit(csv(rows));
    await uploadAndCommit(csv([{ ...rows[0]!, award_value: "13000" }, rows[1]!]));
    const bulk = await t.db.selectFrom("processes").select("ocid").where("title", "=", "OCDS check bulk OCDS-1").executeTakeFirstOrThrow();
    expect(await tagsOf(bulk.ocid)).toEqual(["award+contract", "awardUpdate+contractUpdate"]);
    expect(await tagsOf(existing)).toEqual(["tender", "award"]);
    const ours = [ocid, bulk.ocid, existing];
    const ourReleaseIds = new Set((await t.db.selectFrom("releases").select("release_id").where("ocid", "in", ours).execute()).map((r) => r.release_id));
    expect(ourReleaseIds.size).toBe(7 + 2 + 2);

    // 1. Release packages: every page, validated as served.
    const fromPackages = new Set<string>();
    let next: string | null = "/api/v1/ocds/releases?limit=100";
    while (next) {
      const pkg = (await getJson(next)) as Json & { releases: Json[]; links: { next?: string } };
      expect(schemaErrors("releasePackage", pkg), next).toEqual([]);
      for (const r of pkg.releases) fromPackages.add(String(r.id));
      next = pkg.links.next ? `${new URL(pkg.links.next).pathname}${new URL(pkg.links.next).search}` : null;
    }
    expect([...ourReleaseIds].filter((id) => !fromPackages.has(id))).toEqual([]);

    // 2. Record packages: each process's releases and its compiled release.
    for (const o of ours) {
      const pkg = (await getJson(`/api/v1/ocds/records/${encodeURIComponent(o)}`)) as { records: Array<{ releases: Json[]; compiledRelease: Json }> };
      expect(schemaErrors("recordPackage", pkg), o).toEqual([]);
      for (const r of pkg.records[0]!.releases) expect(schemaErrors("release", r), `${o} ${String(r.id)}`).toEqual([]);
      expect(schemaErrors("release", pkg.records[0]!.compiledRelease), `${o} compiled`).toEqual([]);
    }

    // 3. The JSON Lines dump: every line.
    const dump = await c.get("/api/v1/ocds/releases.jsonl");
    expect(dump.status).toBe(200);
    const lines = dump.html.trimEnd().split("\n").map((l) => JSON.parse(l) as Json);
    lines.forEach((r, i) => {
      expect(schemaErrors("release", r), `line ${i + 1} (${String(r.ocid)} ${String(r.id)})`).toEqual([]);
    });
    const dumped = new Set(lines.map((r) => String(r.id)));
    expect([...ourReleaseIds].filter((id) => !dumped.has(id))).toEqual([]);
  });
});
