/**
 * Authorisation matrix at the HTTP level, on the real server: every publishing
 * action × admin / publisher of this buyer / publisher of another buyer /
 * anonymous → allowed, or 403 / redirect to sign in, with nothing written
 * when refused (releases, audit rows and drafts counted before and after).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countAudit } from "../../db/queries/audit";
import { countDrafts } from "../../db/queries/drafts";
import { countReleases } from "../../db/queries/publishing";
import { createUser } from "../../app/services/auth.server";
import { BULK_COLUMN_NAMES } from "../../app/domain/notices/bulk";
import { DEMO_ACCOUNTS } from "../../seeds/demo-users";
import { loadDemo } from "../../seeds/load";
import { openTestDatabase, type TestDb } from "../setup/test-db";
import {
  Client,
  awardFields,
  contractFields,
  dateParts,
  daysFromNow,
  fill,
  inputValue,
  publishNotice,
  startServer,
  tenderFields,
  type Page,
  type TestServer,
} from "./publish-server";

let t: TestDb;
let server: TestServer;
let buyerA: bigint;
const OTHER = { email: "other-buyer@example.gov.uk", password: "other buyer password" };

type Role = "admin" | "publisher of this buyer" | "publisher of another buyer" | "anonymous";
const ROLES: Role[] = ["admin", "publisher of this buyer", "publisher of another buyer", "anonymous"];
type Stage = "none" | "open" | "awarded" | "active";

interface Action {
  name: string;
  stage: Stage;
  path: (ocid: string) => string;
  fields: () => Record<string, string>;
  tag: string;
}

const ACTIONS: Action[] = [
  { name: "tender notice", stage: "none", path: () => "/publish/tender", fields: () => tenderFields(buyerA, "Matrix tender"), tag: "tender" },
  {
    name: "tender correction",
    stage: "open",
    path: (o) => `/publish/${o}/tender`,
    fields: () => ({ title: "Matrix tender (corrected)", reason: "Title" }),
    tag: "tenderUpdate",
  },
  { name: "award", stage: "open", path: (o) => `/publish/${o}/award`, fields: () => awardFields("Matrix Supplier Ltd", "06666666"), tag: "award" },
  { name: "contract", stage: "awarded", path: (o) => `/publish/${o}/contract`, fields: () => contractFields(), tag: "contract" },
  {
    name: "amendment",
    stage: "active",
    path: (o) => `/publish/${o}/amendment`,
    fields: () => ({ newValue: "65000", reason: "More work" }),
    tag: "contractAmendment",
  },
  {
    name: "termination",
    stage: "active",
    path: (o) => `/publish/${o}/termination`,
    fields: () => ({ ...dateParts("terminationDate", daysFromNow(0)), reason: "No longer needed" }),
    tag: "contractTermination",
  },
];

let admin: Client;
const clients = new Map<Role, Client>();

/** A process of buyer A at the stage an action needs, published by the admin. */
async function fixture(stage: Stage): Promise<string> {
  if (stage === "none") return "";
  const ocid = await publishNotice(admin, "/publish/tender", tenderFields(buyerA, `Fixture ${stage}`));
  if (stage === "open") return ocid;
  await publishNotice(admin, `/publish/${ocid}/award`, awardFields("Fixture Supplier Ltd", "05555555"));
  if (stage === "awarded") return ocid;
  await publishNotice(admin, `/publish/${ocid}/contract`, contractFields());
  return ocid;
}

const snapshot = async () => ({ releases: await countReleases(t.db), audit: await countAudit(t.db), drafts: await countDrafts(t.db) });

function csvFor(buyerId: bigint, reference: string): string {
  const row: Record<string, string> = {
    reference,
    buyer_id: String(buyerId),
    title: "Matrix bulk award",
    cpv_codes: "72000000",
    procedure: "open",
    award_date: new Date().toISOString().slice(0, 10),
    award_value: "1000",
    bids_received: "2",
    supplier_name: "Bulk Matrix Ltd",
    supplier_scheme: "GB-COH",
    supplier_identifier: "04444444",
    supplier_scale: "small",
  };
  return `${BULK_COLUMN_NAMES.join(",")}\n${BULK_COLUMN_NAMES.map((c) => row[c] ?? "").join(",")}\n`;
}

async function upload(c: Client, csv: string): Promise<Page> {
  const page = await c.get("/publish/bulk");
  const fd = new FormData();
  fd.append("csrf", inputValue(page.html, "csrf") ?? "none");
  fd.append("intent", "check");
  fd.append("file", new Blob([csv], { type: "text/csv" }), "matrix.csv");
  return c.post("/publish/bulk", fd);
}

beforeAll(async () => {
  t = await openTestDatabase("matrix");
  await loadDemo(t.db, { contracts: 60, seed: 9 });
  const pub = await t.db
    .selectFrom("user_buyers as ub")
    .innerJoin("users as u", "u.id", "ub.user_id")
    .select("ub.buyer_id")
    .where("u.email", "=", DEMO_ACCOUNTS.publisher.email)
    .orderBy("ub.buyer_id")
    .execute();
  buyerA = pub[0]!.buyer_id;
  const other = await t.db
    .selectFrom("organisations")
    .select("id")
    .where("is_buyer", "=", true)
    .where(
      "id",
      "not in",
      pub.map((p) => p.buyer_id),
    )
    .orderBy("id")
    .executeTakeFirstOrThrow();
  await t.db.transaction().execute((trx) =>
    createUser(trx, { ...OTHER, name: "Other", role: "publisher", buyerIds: [other.id] }, { userId: null, email: null, ip: null, userAgent: null }),
  );
  server = await startServer(t.db);
  admin = new Client(server.base);
  expect((await admin.signIn(DEMO_ACCOUNTS.admin.email, DEMO_ACCOUNTS.admin.password)).status).toBe(303);
  clients.set("admin", admin);
  const own = new Client(server.base);
  expect((await own.signIn(DEMO_ACCOUNTS.publisher.email, DEMO_ACCOUNTS.publisher.password)).status).toBe(303);
  clients.set("publisher of this buyer", own);
  const elsewhere = new Client(server.base);
  expect((await elsewhere.signIn(OTHER.email, OTHER.password)).status).toBe(303);
  clients.set("publisher of another buyer", elsewhere);
  clients.set("anonymous", new Client(server.base));
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

const results: string[] = [];

describe(`authorisation matrix over HTTP (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  for (const action of ACTIONS) {
    for (const role of ROLES) {
      const allowed = role === "admin" || role === "publisher of this buyer";
      it(`${action.name} × ${role} → ${allowed ? "allowed" : role === "anonymous" ? "redirect to sign in" : "403"}`, async () => {
        const c = clients.get(role)!;
        const ocid = await fixture(action.stage);
        const path = action.path(ocid);
        if (allowed) {
          const before = await snapshot();
          const published = await publishNotice(c, path, action.fields());
          if (ocid) expect(published).toBe(ocid);
          const after = await snapshot();
          expect(after.releases).toBe(before.releases + 1);
          expect(after.audit).toBe(before.audit + 1);
          expect(after.drafts).toBe(before.drafts);
          const last = await t.db.selectFrom("releases").select(["tags", "source"]).where("ocid", "=", published).orderBy("id", "desc").executeTakeFirstOrThrow();
          expect(last.tags).toEqual([action.tag]);
          results.push(`${action.name} | ${role} | allowed`);
          return;
        }
        // A draft of this notice, made by someone allowed, that the refused role then tries to publish.
        const theirs = await fill(admin, path, action.fields());
        expect(theirs.status).toBe(303);
        const before = await snapshot();
        // Signed in, the forms carry the session's real CSRF token: the refusal is about the buyer, not the token.
        const csrf = role === "anonymous" ? "none-none-none-none-none-none" : await c.csrf();
        const get = await c.get(path);
        const post = await c.post(path, { ...action.fields(), csrf, intent: "preview" });
        const steal = await c.post(theirs.location!, { csrf, idempotencyKey: "k".repeat(24), intent: "publish" });
        if (role === "anonymous") {
          expect(get.status).toBe(302);
          expect(get.location).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
          expect(post.status).toBe(303);
          expect(post.location).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
          expect(steal.status).toBe(303);
          expect(steal.location).toMatch(/^\/login\?redirectTo=/);
        } else {
          // Another buyer's process: its forms are forbidden. A new tender's form opens (for their own buyers), but posting it for buyer A is refused.
          expect(get.status).toBe(action.stage === "none" ? 200 : 403);
          expect(post.status).toBe(403);
          expect(steal.status).toBe(404); // another user's draft: not theirs to see
        }
        expect(await snapshot()).toEqual(before);
        results.push(`${action.name} | ${role} | ${role === "anonymous" ? "redirect" : "403"}, nothing written`);
      });
    }
  }

  for (const role of ROLES) {
    const allowed = role === "admin" || role === "publisher of this buyer";
    it(`bulk upload × ${role} → ${allowed ? "allowed" : role === "anonymous" ? "redirect to sign in" : "403"}`, async () => {
      const c = clients.get(role)!;
      const csv = csvFor(buyerA, `MATRIX-${role}`);
      const before = await snapshot();
      if (allowed) {
        expect((await c.get("/publish/bulk/template.csv")).status).toBe(200);
        const check = await upload(c, csv);
        expect(check.status).toBe(200);
        const commit = await c.post("/publish/bulk", {
          csrf: inputValue(check.html, "csrf")!,
          uploadId: inputValue(check.html, "uploadId")!,
          idempotencyKey: inputValue(check.html, "idempotencyKey")!,
          intent: "commit",
        });
        expect(commit.status).toBe(303);
        const after = await snapshot();
        expect(after.releases).toBe(before.releases + 1);
        expect(after.audit).toBe(before.audit + 1);
        results.push(`bulk upload | ${role} | allowed`);
        return;
      }
      const theirs = await upload(admin, csvFor(buyerA, `MATRIX-THEIRS-${role}`));
      const uploadId = inputValue(theirs.html, "uploadId")!;
      const mid = await snapshot();
      const template = await c.get("/publish/bulk/template.csv");
      const check = await upload(c, csv);
      const steal = await c.post("/publish/bulk", { csrf: "x".repeat(30), uploadId, idempotencyKey: "q".repeat(24), intent: "commit" });
      if (role === "anonymous") {
        expect(template.status).toBe(302);
        expect(check.status).toBe(303);
        expect(check.location).toBe("/login?redirectTo=%2Fpublish%2Fbulk");
        expect(steal.status).toBe(303);
      } else {
        expect(template.status).toBe(200);
        expect(check.status).toBe(403);
        expect(check.html).toContain("you cannot publish for");
        const own = await c.post("/publish/bulk", { csrf: await c.csrf(), uploadId, idempotencyKey: "q".repeat(24), intent: "commit" });
        expect(own.status).toBe(404); // someone else's upload
        expect(steal.status).toBe(403); // without the session's token
      }
      expect(await snapshot()).toEqual(mid);
      results.push(`bulk upload | ${role} | ${role === "anonymous" ? "redirect" : "403"}, nothing written`);
    });
  }

  it("prints the matrix", () => {
    expect(results.length).toBe((ACTIONS.length + 1) * ROLES.length);
    console.log(`action | role | outcome\n${results.join("\n")}`);
  });
});
