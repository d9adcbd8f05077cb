/**
 * Authorisation matrix at the HTTP level, on the real server: every publishing
 * action × admin / publisher of this buyer / publisher of another buyer /
 * anonymous → allowed, or 403 / redirect to sign in, with nothing written
 * when refused (releases, audit rows and drafts counted before and after).
 * Also the draft actions (save, supplier search, discard, rebase) and the
 * administration posts (users, buyers, a user's bindings, state and password),
 * with everything they could write compared before and after.
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
  expectText,
  fill,
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
/** An account the administration rows act on (never one of the signed-in clients). */
let target: bigint;
let buyerB: bigint;

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

/** Everything a draft action or an administration post could write. */
async function fullSnapshot() {
  const drafts = await t.db.selectFrom("drafts").select(["id", "user_id", "ocid", "based_on", "updated_at"]).orderBy("id").execute();
  const users = await t.db.selectFrom("users").select(["id", "email", "role", "password_hash", "disabled_at"]).orderBy("id").execute();
  const bindings = await t.db.selectFrom("user_buyers").select(["user_id", "buyer_id"]).orderBy("user_id").orderBy("buyer_id").execute();
  const orgs = await t.db.selectFrom("organisations").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
  const sessions = await t.db.selectFrom("sessions").select(["id", "expires_at", "revoked_at"]).orderBy("id").execute();
  return {
    ...(await snapshot()),
    drafts: JSON.stringify(drafts, (_k, v) => (typeof v === "bigint" ? String(v) : v)),
    users: JSON.stringify(users, (_k, v) => (typeof v === "bigint" ? String(v) : v)),
    bindings: JSON.stringify(bindings, (_k, v) => (typeof v === "bigint" ? String(v) : v)),
    organisations: String(orgs.n),
    sessions: JSON.stringify(sessions, (_k, v) => (typeof v === "bigint" ? String(v) : v)),
  };
}

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
  buyerB = other.id;
  target = await t.db.transaction().execute((trx) =>
    createUser(
      trx,
      { email: "matrix-target@example.gov.uk", password: "matrix target password", name: "Target", role: "publisher", buyerIds: [] },
      { userId: null, email: null, ip: null, userAgent: null },
    ),
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

  // -------------------------------------------------------------------------
  // Draft actions: save, supplier search (both write the user's draft), discard and rebase.

  /** One of the role's own drafts of an award for buyer A (opened from a stale version, so rebasing changes it). */
  async function ownDraft(c: Client, ocid: string): Promise<bigint> {
    const saved = await fill(c, `/publish/${ocid}/award`, { ...awardFields("Draft Supplier Ltd", "07070707"), basedOn: "0" }, "save");
    expect(saved.status, textOf(saved.html).slice(0, 400)).toBe(200);
    return BigInt(inputValue(saved.html, "draftId")!);
  }

  interface DraftAction {
    name: string;
    /** Do it as `c`; `draft` is the acting role's own draft when allowed, else the admin's. */
    run: (c: Client, ctx: { ocid: string; draft: bigint; csrf: string }) => Promise<Page>;
    allowed: (p: Page, ctx: { ocid: string; draft: bigint }) => Promise<void>;
    /** The status another buyer's publisher gets. */
    refused: number;
  }

  const draftRow = (id: bigint) => t.db.selectFrom("drafts").select(["id", "based_on", "ocid", "fields"]).where("id", "=", id).executeTakeFirst();

  const DRAFT_ACTIONS: DraftAction[] = [
    {
      name: "save a notice as a draft",
      run: (c, x) => c.post(`/publish/${x.ocid}/award`, { ...awardFields("Saved Supplier Ltd", "06060606"), csrf: x.csrf, intent: "save" }),
      allowed: async (p) => {
        expect(p.status).toBe(200);
        expectText(p, "Draft saved");
        const d = await draftRow(BigInt(inputValue(p.html, "draftId")!));
        expect(d?.fields).toMatchObject({ "supplier-0-name": "Saved Supplier Ltd" });
      },
      refused: 403,
    },
    {
      name: "save a new tender for this buyer as a draft",
      run: (c, x) => c.post("/publish/tender", { ...tenderFields(buyerA, "Matrix draft tender"), csrf: x.csrf, intent: "save" }),
      allowed: async (p) => {
        expect(p.status).toBe(200);
        const d = await draftRow(BigInt(inputValue(p.html, "draftId")!));
        expect(d?.fields).toMatchObject({ title: "Matrix draft tender", buyerId: String(buyerA) });
      },
      refused: 403,
    },
    {
      name: "search the register for a supplier",
      run: (c, x) => c.post(`/publish/${x.ocid}/award`, { supplierQuery: "Ltd", supplierCount: "1", csrf: x.csrf, intent: "search-suppliers" }),
      allowed: async (p) => {
        expect(p.status).toBe(200);
        expect(p.html).toMatch(/value="add-supplier-\d+"/);
        expect(await draftRow(BigInt(inputValue(p.html, "draftId")!))).toBeDefined(); // what was typed is kept
      },
      refused: 403,
    },
    {
      name: "discard a draft",
      run: (c, x) => c.post(`/publish/drafts/${x.draft}`, { csrf: x.csrf, intent: "discard" }),
      allowed: async (p, x) => {
        expect(p.status).toBe(303);
        expect(p.location).toBe("/publish?discarded=1");
        expect(await draftRow(x.draft)).toBeUndefined();
      },
      refused: 404, // someone else's draft: not theirs to see, nothing deleted
    },
    {
      name: "check a draft against the current state (rebase)",
      run: (c, x) => c.post(`/publish/drafts/${x.draft}`, { csrf: x.csrf, intent: "rebase" }),
      allowed: async (p, x) => {
        expect(p.status).toBe(303);
        expect(p.location).toBe(`/publish/drafts/${x.draft}`);
        const n = await t.db.selectFrom("processes").select("release_count").where("ocid", "=", (await draftRow(x.draft))!.ocid!).executeTakeFirstOrThrow();
        expect((await draftRow(x.draft))?.based_on).toBe(n.release_count);
      },
      refused: 404,
    },
  ];

  for (const action of DRAFT_ACTIONS) {
    for (const role of ROLES) {
      const allowed = role === "admin" || role === "publisher of this buyer";
      it(`draft: ${action.name} × ${role} → ${allowed ? "allowed" : role === "anonymous" ? "redirect to sign in" : action.refused}`, async () => {
        const c = clients.get(role)!;
        const ocid = await fixture("open");
        if (allowed) {
          const draft = await ownDraft(c, ocid);
          const before = await snapshot();
          const p = await action.run(c, { ocid, draft, csrf: await c.csrf() });
          await action.allowed(p, { ocid, draft });
          const after = await snapshot();
          expect(after.releases).toBe(before.releases); // a draft is never published by these
          expect(after.audit).toBe(before.audit);
          results.push(`draft: ${action.name} | ${role} | allowed`);
          return;
        }
        const draft = await ownDraft(admin, ocid); // someone allowed has a draft of this notice
        const before = await fullSnapshot();
        const csrf = role === "anonymous" ? "none-none-none-none-none-none" : await c.csrf();
        const p = await action.run(c, { ocid, draft, csrf });
        if (role === "anonymous") {
          expect(p.status).toBe(303);
          expect(p.location).toMatch(/^\/login\?redirectTo=/);
        } else {
          expect(p.status).toBe(action.refused);
        }
        expect(await fullSnapshot()).toEqual(before);
        expect(await draftRow(draft)).toBeDefined();
        results.push(`draft: ${action.name} | ${role} | ${role === "anonymous" ? "redirect" : action.refused}, nothing written`);
      });
    }
  }

  // -------------------------------------------------------------------------
  // Administration posts: only admins; publishers of any buyer get 403, anonymous users sign in first.

  let seq = 0;
  interface AdminAction {
    name: string;
    path: () => string;
    fields: () => Record<string, string>;
    allowed: (p: Page) => Promise<void>;
    /** Run before the snapshot (each role). */
    prepare?: () => Promise<void>;
  }
  let targetPassword = "matrix target password";
  const liveSessions = async () =>
    (await t.db.selectFrom("sessions").select("id").where("user_id", "=", target).where("revoked_at", "is", null).where("expires_at", ">", new Date()).execute()).length;
  const userRow = () => t.db.selectFrom("users").select(["password_hash", "disabled_at"]).where("id", "=", target).executeTakeFirstOrThrow();
  const bound = async () => (await t.db.selectFrom("user_buyers").select("buyer_id").where("user_id", "=", target).execute()).map((r) => r.buyer_id);

  const ADMIN_ACTIONS: AdminAction[] = [
    {
      name: "create an account",
      path: () => "/admin/users",
      fields: () => ({ email: `matrix-new-${++seq}@example.gov.uk`, name: "New", role: "publisher", buyerId: String(buyerA), password: "a long enough password" }),
      allowed: async (p) => {
        expect(p.status).toBe(303);
        const id = /^\/admin\/users\/(\d+)\?created=1$/.exec(p.location ?? "")?.[1];
        expect(id).toBeDefined();
        const u = await t.db.selectFrom("users").select(["email", "role"]).where("id", "=", BigInt(id!)).executeTakeFirstOrThrow();
        expect(u.role).toBe("publisher");
      },
    },
    {
      name: "add a buyer organisation",
      path: () => "/admin/buyers",
      fields: () => ({ name: `Matrix Borough Council ${++seq}`, scheme: "GB-GOR", identifier: `MATRIX${seq}`, buyerType: "local", region: "", postcode: "" }),
      allowed: async (p) => {
        expect(p.status).toBe(303);
        const id = /created=(\d+)$/.exec(p.location ?? "")?.[1];
        const o = await t.db.selectFrom("organisations").select(["is_buyer", "name"]).where("id", "=", BigInt(id!)).executeTakeFirstOrThrow();
        expect(o.is_buyer).toBe(true);
      },
    },
    {
      name: "bind a publisher to a buyer",
      path: () => `/admin/users/${target}`,
      fields: () => ({ intent: "add-buyer", buyerId: String(buyerB) }),
      allowed: async (p) => {
        expect(p.status).toBe(303);
        expect(await bound()).toContain(buyerB);
      },
    },
    {
      name: "unbind a publisher from a buyer",
      path: () => `/admin/users/${target}`,
      fields: () => ({ intent: "remove-buyer", buyerId: String(buyerB) }),
      allowed: async (p) => {
        expect(p.status).toBe(303);
        expect(await bound()).not.toContain(buyerB);
      },
    },
    {
      name: "disable an account",
      path: () => `/admin/users/${target}`,
      fields: () => ({ intent: "disable" }),
      allowed: async (p) => {
        expect(p.status).toBe(303);
        expect((await userRow()).disabled_at).not.toBeNull();
      },
    },
    {
      name: "enable an account",
      path: () => `/admin/users/${target}`,
      fields: () => ({ intent: "enable" }),
      allowed: async (p) => {
        expect(p.status).toBe(303);
        expect((await userRow()).disabled_at).toBeNull();
      },
    },
    {
      name: "reset a password",
      path: () => `/admin/users/${target}`,
      fields: () => ({ intent: "reset-password", password: `another long password ${++seq}` }),
      allowed: async (p) => {
        expect(p.status).toBe(303);
        targetPassword = `another long password ${seq}`; // the next row signs in with it
      },
    },
    {
      name: "end an account's sessions",
      path: () => `/admin/users/${target}`,
      fields: () => ({ intent: "revoke-sessions" }),
      prepare: async () => {
        // The account is signed in somewhere (with the password the admin set), so there is a session to end (or to leave alone when refused).
        expect((await new Client(server.base).signIn("matrix-target@example.gov.uk", targetPassword)).status).toBe(303);
        expect(await liveSessions()).toBeGreaterThan(0);
      },
      allowed: async (p) => {
        expect(p.status).toBe(303);
        expect(p.location).toBe(`/admin/users/${target}?done=revoke-sessions`);
        expect(await liveSessions()).toBe(0);
      },
    },
  ];

  for (const action of ADMIN_ACTIONS) {
    for (const role of ROLES) {
      const allowed = role === "admin";
      it(`admin: ${action.name} × ${role} → ${allowed ? "allowed" : role === "anonymous" ? "redirect to sign in" : "403"}`, async () => {
        const c = clients.get(role)!;
        await action.prepare?.();
        const before = await fullSnapshot();
        if (allowed) {
          const hash = (await userRow()).password_hash;
          const p = await c.post(action.path(), { ...action.fields(), csrf: await c.csrf() });
          await action.allowed(p);
          const after = await snapshot();
          expect(after.audit).toBe(before.audit + 1); // every change is in the audit log
          if (action.name === "reset a password") expect((await userRow()).password_hash).not.toBe(hash);
          results.push(`admin: ${action.name} | ${role} | allowed`);
          return;
        }
        const csrf = role === "anonymous" ? "none-none-none-none-none-none" : await c.csrf();
        const page = await c.get(action.path());
        const p = await c.post(action.path(), { ...action.fields(), csrf });
        if (role === "anonymous") {
          expect(page.status).toBe(302);
          expect(p.status).toBe(303);
          expect(p.location).toBe(`/login?redirectTo=${encodeURIComponent(action.path())}`);
        } else {
          expect(page.status).toBe(403);
          expect(p.status).toBe(403);
          expectText(p, "Only administrators can manage users, buyers and the audit log");
        }
        expect(await fullSnapshot()).toEqual(before);
        results.push(`admin: ${action.name} | ${role} | ${role === "anonymous" ? "redirect" : "403"}, nothing written`);
      });
    }
  }

  it("prints the matrix", () => {
    expect(results.length).toBe((ACTIONS.length + 1 + DRAFT_ACTIONS.length) * ROLES.length + ADMIN_ACTIONS.length * ROLES.length);
    console.log(`action | role | outcome\n${results.join("\n")}`);
  });
});
