import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countAudit } from "../../db/queries/audit";
import { countDrafts } from "../../db/queries/drafts";
import { countReleases } from "../../db/queries/publishing";
import { BULK_COLUMN_NAMES } from "../../app/domain/notices/bulk";
import { fyLabel, fyOf } from "../../app/domain/metrics/fy";
import { hashSessionId, sessionCookie } from "../../app/services/session.server";
import { DEMO_ACCOUNTS } from "../../seeds/demo-users";
import { loadDemo } from "../../seeds/load";
import { openTestDatabase, type TestDb } from "../setup/test-db";
import {
  Client,
  TEST_SECRET,
  dateParts,
  daysFromNow,
  expectText,
  fill,
  formFields,
  inputValue,
  publishDraft,
  startServer,
  tenderFields,
  textOf,
  type TestServer,
} from "./publish-server";

let t: TestDb;
let server: TestServer;
let buyerA: bigint;

beforeAll(async () => {
  t = await openTestDatabase("publish");
  await loadDemo(t.db, { contracts: 120, seed: 5 });
  const pub = await t.db
    .selectFrom("user_buyers as ub")
    .innerJoin("users as u", "u.id", "ub.user_id")
    .select("ub.buyer_id")
    .where("u.email", "=", DEMO_ACCOUNTS.publisher2.email)
    .executeTakeFirstOrThrow();
  buyerA = pub.buyer_id; // both demonstration publishers act for this buyer
  server = await startServer(t.db);
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

const counts = async () => ({ releases: await countReleases(t.db), audit: await countAudit(t.db), drafts: await countDrafts(t.db) });

async function signedIn(account: { email: string; password: string }): Promise<Client> {
  const c = new Client(server.base);
  const r = await c.signIn(account.email, account.password);
  expect(r.status).toBe(303);
  return c;
}

const TENDER = (title: string) => tenderFields(buyerA, title);

/** The document title of a server-rendered page. */
function titleOf(html: string): string {
  return textOf(/<title>([\s\S]*?)<\/title>/.exec(html)?.[1] ?? "");
}

/** The error summary is the first thing in <main> (nothing visible before it), focusable by script and focused on load. */
function expectSummaryFirst(html: string): void {
  const main = html.indexOf('<main class="govuk-main-wrapper" id="main-content">');
  const summary = html.indexOf('class="govuk-error-summary"', main);
  expect(main).toBeGreaterThan(0);
  expect(summary).toBeGreaterThan(main);
  const open = html.lastIndexOf("<div", summary);
  expect(textOf(html.slice(main, open))).toBe("");
  const tag = html.slice(open, html.indexOf(">", summary) + 1);
  expect(tag).toContain('tabindex="-1"');
  expect(tag).toContain('autofocus=""');
  expect(html.match(/autofocus=""/g)?.length).toBe(1);
}

/** A public stats API answer as JSON (pence as strings). */
async function stats(path: string): Promise<{ years: Array<Record<string, string | number | null>> }> {
  const res = await new Client(server.base).get(path);
  expect(res.status, path).toBe(200);
  return JSON.parse(res.html) as { years: Array<Record<string, string | number | null>> };
}
const yearOf = (body: { years: Array<Record<string, string | number | null>> }, fy: string) => body.years.find((y) => y.fy === fy);
const pence = (y: Record<string, string | number | null> | undefined, k: string) => BigInt((y?.[k] as string | undefined) ?? "0");

async function publishTender(c: Client, title: string): Promise<string> {
  const r = await fill(c, "/publish/tender", TENDER(title));
  expect(r.status, textOf(r.html).slice(0, 800)).toBe(303);
  const pub = await publishDraft(c, r.location!);
  expect(pub.status).toBe(303);
  const m = /^\/publish\/(ocds-ptpr01-[0-9a-f]+)\?published=/.exec(pub.location ?? "");
  expect(m, pub.location ?? "").not.toBeNull();
  return m![1]!;
}

describe(`publishing over HTTP (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("a publisher publishes a tender, an award, a contract and an amendment; the public pages show them and their history", async () => {
    const c = await signedIn(DEMO_ACCOUNTS.publisher);
    const title = "Case management <script>alert('x')</script> platform";
    const before = await counts();
    const ocid = await publishTender(c, title);
    const after = await counts();
    expect(after.releases).toBe(before.releases + 1);
    expect(after.audit).toBe(before.audit + 1);
    expect(after.drafts).toBe(before.drafts); // the draft is gone once published

    // The public page shows it at once, with script shown as text.
    const pub = await new Client(server.base).get(`/contracts/${ocid}`);
    expect(pub.status).toBe(200);
    expect(pub.html).not.toContain("<script>alert('x')</script>");
    expect(pub.html).toContain("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;");
    expectText(pub, title);
    expectText(pub, "History: 1 release");
    expectText(pub, "Published in this register");
    // …and the register's search finds it.
    expectText(await new Client(server.base).get("/contracts?q=case+management"), title);

    // Award: one supplier found in the register (no JavaScript: search, then "Add"), one added with its identifier.
    const supplier = await t.db.selectFrom("organisations").select(["id", "name"]).where("is_supplier", "=", true).where("scheme", "=", "GB-COH").orderBy("id").executeTakeFirstOrThrow();
    const awardPath = `/publish/${ocid}/award`;
    let page = await fill(c, awardPath, { supplierQuery: supplier.name.split(" ").slice(0, 2).join(" ") }, "search-suppliers");
    expect(page.status).toBe(200);
    expect(page.html).toContain(`value="add-supplier-${supplier.id}"`);
    page = await c.post(awardPath, { ...formFields(page.html, "notice-form"), intent: `add-supplier-${supplier.id}` });
    expect(inputValue(page.html, "supplier-0-orgId")).toBe(String(supplier.id));
    page = await c.post(awardPath, { ...formFields(page.html, "notice-form"), intent: "add-new-supplier" });
    expect(inputValue(page.html, "supplierCount")).toBe("2");
    const award = await c.post(awardPath, {
      ...formFields(page.html, "notice-form"),
      ...dateParts("awardDate", daysFromNow(0)),
      value: "240000",
      bids: "5",
      "supplier-1-name": "Northern Digital Co-operative",
      "supplier-1-scheme": "GB-MPR",
      "supplier-1-identifier": "RS009876",
      "supplier-1-scale": "micro",
      intent: "preview",
    });
    expect(award.status, textOf(award.html).slice(0, 1200)).toBe(303);
    const preview = await c.get(award.location!);
    expectText(preview, "Northern Digital Co-operative (GB-MPR RS009876, Micro (fewer than 10 staff))");
    expectText(preview, supplier.name);
    expect((await publishDraft(c, award.location!)).status).toBe(303);

    // Contract details, then an amendment.
    const contract = await fill(c, `/publish/${ocid}/contract`, {
      ...dateParts("dateSigned", daysFromNow(0)),
      ...dateParts("startDate", daysFromNow(1)),
      ...dateParts("endDate", daysFromNow(731)),
      value: "240000",
    });
    expect(contract.status, textOf(contract.html).slice(0, 1200)).toBe(303);
    expect((await publishDraft(c, contract.location!)).status).toBe(303);
    const amendment = await fill(c, `/publish/${ocid}/amendment`, {
      newValue: "300,000",
      ...dateParts("newEndDate", daysFromNow(900)),
      reason: "Additional integration work agreed with the supplier",
    });
    expect(amendment.status, textOf(amendment.html).slice(0, 1200)).toBe(303);
    const done = await publishDraft(c, amendment.location!);
    expect(done.status).toBe(303);
    expectText(await c.get(done.location!), "Notice published");

    const state = await t.db.selectFrom("processes").selectAll().where("ocid", "=", ocid).executeTakeFirstOrThrow();
    expect(state.status).toBe("active");
    expect(state.original_value_pence).toBe(24_000_000n);
    expect(state.current_value_pence).toBe(30_000_000n);
    expect(state.release_count).toBe(4);
    expect(state.supplier_names).toContain("Northern Digital Co-operative");
    const tags = await t.db.selectFrom("releases").select("tags").where("ocid", "=", ocid).orderBy("id").execute();
    expect(tags.map((r) => r.tags)).toEqual([["tender"], ["award"], ["contract"], ["contractAmendment"]]);

    const publicPage = await new Client(server.base).get(`/contracts/${ocid}`);
    expectText(publicPage, "History: 4 releases");
    expectText(publicPage, "contractAmendment");
    expectText(publicPage, "Additional integration work agreed with the supplier");
    expectText(publicPage, "£300,000");
  });

  it("bad input gets a message on each field, keeps what was typed, and publishes nothing", async () => {
    const c = await signedIn(DEMO_ACCOUNTS.publisher);
    const before = await counts();
    const long = "x".repeat(301);
    const r = await fill(c, "/publish/tender", {
      ...TENDER(long),
      description: "<img src=x onerror=alert(1)>",
      cpvCodes: "45000000, 72000000",
      estimatedValue: "-5",
      ...dateParts("deadline", daysFromNow(-3)),
    });
    expect(r.status).toBe(400);
    expectText(r, "There is a problem");
    expectText(r, "Title must be 300 characters or fewer (it has 301)");
    // GOV.UK pattern: the title starts "Error: ", and the summary is first in the main content and takes focus (tabindex -1, autofocus).
    expect(titleOf(r.html)).toBe("Error: Publish a tender notice – Public Tech Procurement Register");
    expectSummaryFirst(r.html);
    expectText(r, "“45000000” is not a code this register accepts");
    expectText(r, "Estimated value must be more than £0");
    expectText(r, "The submission deadline must be in the future");
    expect(r.html).toContain('href="#title"');
    expect(r.html).toContain('href="#deadline-day"');
    // Values kept, HTML inert.
    expect(inputValue(r.html, "title")).toBe(long);
    expect(inputValue(r.html, "estimatedValue")).toBe("-5");
    expect(r.html).not.toContain("<img src=x");
    expect(formFields(r.html, "notice-form").description).toBe("<img src=x onerror=alert(1)>");
    const absurd = await fill(c, "/publish/tender", { ...TENDER("Fine title"), estimatedValue: "999999999999" });
    expect(absurd.status).toBe(400);
    expectText(absurd, "Estimated value must be £10,000,000,000 or less");
    const after = await counts();
    expect(after.releases).toBe(before.releases);
    expect(after.audit).toBe(before.audit);

    // End before start on a contract.
    const ocid = await publishTender(c, "Hosting for the records service");
    const award = await fill(c, `/publish/${ocid}/award`, {
      ...dateParts("awardDate", daysFromNow(0)),
      value: "1000",
      bids: "2",
      supplierCount: "1",
      "supplier-0-name": "Records Hosting Ltd",
      "supplier-0-scheme": "GB-COH",
      "supplier-0-identifier": "09999999",
      "supplier-0-scale": "small",
    });
    expect(award.status, textOf(award.html).slice(0, 800)).toBe(303);
    await publishDraft(c, award.location!);
    const n = await countReleases(t.db);
    const backwards = await fill(c, `/publish/${ocid}/contract`, {
      ...dateParts("dateSigned", daysFromNow(0)),
      ...dateParts("startDate", daysFromNow(10)),
      ...dateParts("endDate", daysFromNow(5)),
      value: "1000",
    });
    expect(backwards.status).toBe(400);
    expectText(backwards, "The end date must be the same as or after the start date");
    expect(await countReleases(t.db)).toBe(n);
  });

  it("a tampered buyer id is refused with 403 and nothing is written", async () => {
    const c = await signedIn(DEMO_ACCOUNTS.publisher);
    const other = await t.db
      .selectFrom("organisations")
      .select("id")
      .where("is_buyer", "=", true)
      .where("id", "not in", t.db.selectFrom("user_buyers").select("buyer_id"))
      .executeTakeFirstOrThrow();
    const before = await counts();
    const r = await fill(c, "/publish/tender", { ...TENDER("Tampered"), buyerId: String(other.id) });
    expect(r.status).toBe(403);
    expectText(r, "You can publish only for the buyer organisations your account is bound to");
    expect(await counts()).toEqual(before);
  });

  it("a session that expires mid-form loses nothing: after signing in the publisher is back in the form with their entry", async () => {
    const c = await signedIn(DEMO_ACCOUNTS.publisher);
    const form = await c.get("/publish/tender");
    const raw = (await sessionCookie({ SESSION_SECRET: TEST_SECRET, NODE_ENV: "test" }).parse(`register_session=${c.jar.get("register_session")}`)) as string;
    await t.db.updateTable("sessions").set({ expires_at: new Date(Date.now() - 60_000) }).where("id", "=", hashSessionId(raw)).execute();
    const before = await countReleases(t.db);
    const r = await fill(c, "/publish/tender", TENDER("Typed before the session ended"), "preview", form);
    expect(r.status).toBe(303);
    const m = /^\/login\?redirectTo=(%2Fpublish%2Ftender%3Fdraft%3D\d+)&reason=saved$/.exec(r.location ?? "");
    expect(m, r.location ?? "").not.toBeNull();
    expectText(await c.get(r.location!), "Your session has ended. Sign in again: what you entered was saved");
    const back = await c.signIn(DEMO_ACCOUNTS.publisher.email, DEMO_ACCOUNTS.publisher.password, decodeURIComponent(m![1]!));
    expect(back.status).toBe(303);
    const restored = await c.get(back.location!);
    expect(restored.status).toBe(200);
    expect(inputValue(restored.html, "title")).toBe("Typed before the session ended");
    expect(inputValue(restored.html, "estimatedValue")).toBe("250,000");
    expect(await countReleases(t.db)).toBe(before);
    // …and it publishes from there.
    const go = await c.post("/publish/tender", { ...formFields(restored.html, "notice-form"), intent: "preview" });
    expect(go.status).toBe(303);
    expect((await publishDraft(c, go.location!)).status).toBe(303);

    // A forged post with an expired cookie but a wrong token saves nothing.
    const drafts = await countDrafts(t.db);
    await t.db.updateTable("sessions").set({ expires_at: new Date(Date.now() - 60_000) }).where("user_id", "in", t.db.selectFrom("users").select("id").where("email", "=", DEMO_ACCOUNTS.publisher.email)).execute();
    const forged = await c.post("/publish/tender", { ...TENDER("Forged"), csrf: "not-the-token-not-the-token-not-the", intent: "preview" });
    expect(forged.status).toBe(303);
    expect(forged.location).toBe("/login?redirectTo=%2Fpublish%2Ftender&reason=expired");
    expect(await countDrafts(t.db)).toBe(drafts);
  });

  it("a form without the session's CSRF token is refused", async () => {
    const c = await signedIn(DEMO_ACCOUNTS.publisher);
    const before = await counts();
    const r = await c.post("/publish/tender", { ...TENDER("No token"), csrf: "wrong-wrong-wrong-wrong-wrong-wrong-wrong", intent: "preview" });
    expect(r.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it("two officials amending the same contract: the second gets a conflict with the current state, keeps the entry, and can publish after checking", async () => {
    const a = await signedIn(DEMO_ACCOUNTS.publisher);
    const b = await signedIn(DEMO_ACCOUNTS.publisher2);
    const ocid = await publishTender(a, "Payroll system support");
    const award = await fill(a, `/publish/${ocid}/award`, {
      ...dateParts("awardDate", daysFromNow(0)),
      value: "50000",
      bids: "3",
      supplierCount: "1",
      "supplier-0-name": "Payroll Experts Ltd",
      "supplier-0-scheme": "GB-COH",
      "supplier-0-identifier": "08888888",
      "supplier-0-scale": "medium",
    });
    await publishDraft(a, award.location!);
    const contract = await fill(a, `/publish/${ocid}/contract`, {
      ...dateParts("dateSigned", daysFromNow(0)),
      ...dateParts("startDate", daysFromNow(0)),
      ...dateParts("endDate", daysFromNow(365)),
      value: "50000",
    });
    await publishDraft(a, contract.location!);

    // Both open the amendment form on the same version.
    const formA = await a.get(`/publish/${ocid}/amendment`);
    const formB = await b.get(`/publish/${ocid}/amendment`);
    expect(inputValue(formA.html, "basedOn")).toBe("3");
    expect(inputValue(formB.html, "basedOn")).toBe("3");
    const ra = await fill(a, `/publish/${ocid}/amendment`, { newValue: "60000", reason: "More users" }, "preview", formA);
    const rb = await fill(b, `/publish/${ocid}/amendment`, { ...dateParts("newEndDate", daysFromNow(500)), reason: "Extension agreed" }, "preview", formB);
    expect([ra.status, rb.status]).toEqual([303, 303]);
    expect((await publishDraft(a, ra.location!)).status).toBe(303);

    const before = await counts();
    const conflict = await publishDraft(b, rb.location!);
    expect(conflict.status).toBe(409);
    expectText(conflict, "Someone else changed this procurement while you were working on it");
    expect(titleOf(conflict.html)).toBe("Error: Check your notice – Public Tech Procurement Register");
    expectSummaryFirst(conflict.html);
    expectText(conflict, "Nothing was published");
    expectText(conflict, "contractAmendment");
    expectText(conflict, "current value £60,000");
    expectText(conflict, "Extension agreed"); // the entry is kept
    expect(await counts()).toEqual(before);

    // After checking, B publishes against the current state.
    const rebase = await b.post(rb.location!, { csrf: inputValue(conflict.html, "csrf")!, intent: "rebase" });
    expect(rebase.status).toBe(303);
    const ok = await publishDraft(b, rb.location!);
    expect(ok.status).toBe(303);
    const p = await t.db.selectFrom("processes").select(["current_value_pence", "end_date", "release_count"]).where("ocid", "=", ocid).executeTakeFirstOrThrow();
    expect(p.current_value_pence).toBe(6_000_000n); // A's value kept
    expect(p.release_count).toBe(5);
    expect(new Date(p.end_date!).getTime()).toBeGreaterThan(daysFromNow(499).getTime() - 86_400_000); // B's end date
  });

  it("a double-clicked submit publishes once", async () => {
    const c = await signedIn(DEMO_ACCOUNTS.publisher);
    const r = await fill(c, "/publish/tender", TENDER("Double click"));
    const preview = await c.get(r.location!);
    const form = { csrf: inputValue(preview.html, "csrf")!, idempotencyKey: inputValue(preview.html, "idempotencyKey")!, intent: "publish" };
    const before = await counts();
    const [x, y] = await Promise.all([c.post(r.location!, form), c.post(r.location!, form)]);
    expect([x.status, y.status]).toEqual([303, 303]);
    expect(x.location).toBe(y.location);
    const after = await counts();
    expect(after.releases).toBe(before.releases + 1);
    expect(after.audit).toBe(before.audit + 1);
    // A third click, later, still lands on the same publication.
    const z = await c.post(r.location!, form);
    expect(z.location).toBe(x.location);
    expect(await countReleases(t.db)).toBe(before.releases + 1);

    // Same for an amendment (the process is locked while publishing).
    const ocid = /\/publish\/([^?]+)/.exec(x.location!)![1]!;
    const award = await fill(c, `/publish/${ocid}/award`, {
      ...dateParts("awardDate", daysFromNow(0)),
      value: "1000",
      bids: "1",
      supplierCount: "1",
      "supplier-0-name": "Click Ltd",
      "supplier-0-scheme": "GB-COH",
      "supplier-0-identifier": "07777777",
      "supplier-0-scale": "small",
    });
    const ap = await c.get(award.location!);
    const aform = { csrf: inputValue(ap.html, "csrf")!, idempotencyKey: inputValue(ap.html, "idempotencyKey")!, intent: "publish" };
    const n = await countReleases(t.db);
    const results = await Promise.all([c.post(award.location!, aform), c.post(award.location!, aform), c.post(award.location!, aform)]);
    expect(results.map((q) => q.status)).toEqual([303, 303, 303]);
    expect(new Set(results.map((q) => q.location)).size).toBe(1);
    expect(await countReleases(t.db)).toBe(n + 1);
  });

  it("a correction is a new release with its reason; nothing published is edited", async () => {
    const c = await signedIn(DEMO_ACCOUNTS.publisher);
    const ocid = await publishTender(c, "Corection of a titel");
    const first = await t.db.selectFrom("releases").select(["release_id", "hash"]).where("ocid", "=", ocid).executeTakeFirstOrThrow();
    const form = await c.get(`/publish/${ocid}/tender`);
    expect(inputValue(form.html, "title")).toBe("Corection of a titel");
    const noReason = await fill(c, `/publish/${ocid}/tender`, { title: "Correction of a title" }, "preview", form);
    expect(noReason.status).toBe(400);
    expectText(noReason, "Enter the reason for the correction");
    const r = await fill(c, `/publish/${ocid}/tender`, { title: "Correction of a title", reason: "Spelling of the title" }, "preview", form);
    expect(r.status, textOf(r.html).slice(0, 800)).toBe(303);
    expect((await publishDraft(c, r.location!)).status).toBe(303);
    const rows = await t.db.selectFrom("releases").select(["release_id", "hash", "tags"]).where("ocid", "=", ocid).orderBy("id").execute();
    expect(rows.map((x) => x.tags)).toEqual([["tender"], ["tenderUpdate"]]);
    expect(rows[0]).toEqual({ ...first, tags: ["tender"] });
    const page = await new Client(server.base).get(`/contracts/${ocid}`);
    expectText(page, "Correction of a title");
    expectText(page, "Spelling of the title");
  });

  it("dashboards reflect a publication at once: SME share and consultancy for the award's year move by exactly its value", async () => {
    const c = await signedIn(DEMO_ACCOUNTS.publisher);
    const fy = fyLabel(fyOf(new Date()));
    const SME = "/api/v1/stats/sme-share";
    const CONS_AWARDED = "/api/v1/stats/consultancy?view=awarded";
    const CONS = "/api/v1/stats/consultancy";
    // The tender says it is consultancy (an explicit yes wins over the CPV codes).
    const r = await fill(c, "/publish/tender", { ...TENDER("Strategy review of the digital estate"), consultancy: "yes" });
    expect(r.status, textOf(r.html).slice(0, 800)).toBe(303);
    const pub = await publishDraft(c, r.location!);
    const ocid = /^\/publish\/([^?]+)\?published=/.exec(pub.location ?? "")![1]!;

    const [sme0, cons0, annual0] = [await stats(SME), await stats(CONS_AWARDED), await stats(CONS)];
    const award = await fill(c, `/publish/${ocid}/award`, {
      ...dateParts("awardDate", daysFromNow(0)),
      value: "87,654.32",
      bids: "4",
      supplierCount: "1",
      "supplier-0-name": "Small Strategy Partners Ltd",
      "supplier-0-scheme": "GB-COH",
      "supplier-0-identifier": "05050505",
      "supplier-0-scale": "small",
    });
    expect(award.status, textOf(award.html).slice(0, 800)).toBe(303);
    expect((await publishDraft(c, award.location!)).status).toBe(303);
    const VALUE = 8_765_432n;

    // No refresh, no wait: the next request sees it.
    const [sme1, cons1, annual1] = [await stats(SME), await stats(CONS_AWARDED), await stats(CONS)];
    const [a, b] = [yearOf(sme0, fy), yearOf(sme1, fy)];
    expect(pence(b, "smeValuePence") - pence(a, "smeValuePence")).toBe(VALUE);
    expect(pence(b, "knownValuePence") - pence(a, "knownValuePence")).toBe(VALUE);
    expect(pence(b, "unknownValuePence")).toBe(pence(a, "unknownValuePence"));
    expect(Number(b?.contracts ?? 0) - Number(a?.contracts ?? 0)).toBe(1);
    expect(pence(yearOf(cons1, fy), "spendPence") - pence(yearOf(cons0, fy), "spendPence")).toBe(VALUE);
    // An award without contract dates counts wholly in its year in the annualised view too.
    expect(pence(yearOf(annual1, fy), "spendPence") - pence(yearOf(annual0, fy), "spendPence")).toBe(VALUE);
    // Every other year is unchanged.
    for (const [before, after, key] of [
      [sme0, sme1, "smeValuePence"],
      [sme0, sme1, "knownValuePence"],
      [cons0, cons1, "spendPence"],
    ] as const) {
      for (const y of after.years.filter((x) => x.fy !== fy)) expect(pence(y, key), `${y.fy} ${key}`).toBe(pence(yearOf(before, String(y.fy)), key));
    }
  });

  it("the bulk check reports every row with its outcome (new, correction, unchanged or rejected with the reason), and says so in the title", async () => {
    const c = await signedIn(DEMO_ACCOUNTS.publisher);
    const today = new Date().toISOString().slice(0, 10);
    const row = (reference: string, extra: Record<string, string> = {}) => ({
      reference,
      buyer_id: String(buyerA),
      title: `Row report ${reference}`,
      cpv_codes: "72000000",
      procedure: "open",
      award_date: today,
      award_value: "2500",
      bids_received: "2",
      supplier_name: `Row Supplier ${reference} Ltd`,
      supplier_scheme: "GB-COH",
      supplier_identifier: "04040404",
      supplier_scale: "micro",
      ...extra,
    });
    const csv = (rows: Array<Record<string, string>>) =>
      `${BULK_COLUMN_NAMES.join(",")}\n${rows.map((r) => BULK_COLUMN_NAMES.map((k) => r[k] ?? "").join(",")).join("\n")}\n`;
    const upload = async (content: string) => {
      const page = await c.get("/publish/bulk");
      expect(titleOf(page.html)).toBe("Upload awards and contracts – Public Tech Procurement Register");
      const fd = new FormData();
      fd.append("csrf", inputValue(page.html, "csrf")!);
      fd.append("intent", "check");
      fd.append("file", new Blob([content], { type: "text/csv" }), "rows.csv");
      return c.post("/publish/bulk", fd);
    };
    const rowsOf = (html: string) => {
      const start = html.indexOf('data-testid="bulk-rows"');
      expect(start).toBeGreaterThan(0);
      const table = html.slice(start, html.indexOf("</table>", start));
      return [...table.matchAll(/<tr class="govuk-table__row" data-outcome="(\w+)">([\s\S]*?)<\/tr>/g)].map((m) => ({ outcome: m[1]!, text: textOf(m[2]!) }));
    };

    // First: publish two rows.
    const first = await upload(csv([row("RR-1"), row("RR-2")]));
    expect(first.status).toBe(200);
    expect(rowsOf(first.html).map((r) => r.outcome)).toEqual(["new", "new"]);
    expect(rowsOf(first.html)[0]!.text).toMatch(/^2 RR-1 New Row Supplier RR-1 Ltd, £2,500 ocds-ptpr01-/);
    const done = await c.post("/publish/bulk", {
      csrf: inputValue(first.html, "csrf")!,
      uploadId: inputValue(first.html, "uploadId")!,
      idempotencyKey: inputValue(first.html, "idempotencyKey")!,
      intent: "commit",
    });
    expect(done.status).toBe(303);
    const published = await c.get(done.location!);
    expectText(published, "Upload published");
    expect(titleOf(published.html)).toBe("Upload awards and contracts – Public Tech Procurement Register");

    // Then: one unchanged, one corrected, one new, two rejected — every row listed in line order, nothing written.
    const before = await counts();
    const mixed = await upload(
      csv([row("RR-1"), row("RR-2", { award_value: "2600" }), row("RR-3"), row("RR-4", { award_value: "-1" }), row("RR-5", { buyer_id: "999999999" })]),
    );
    expect(mixed.status).toBe(400);
    expect(titleOf(mixed.html)).toBe("Error: Upload awards and contracts – Public Tech Procurement Register");
    expectSummaryFirst(mixed.html);
    const lines = rowsOf(mixed.html);
    expect(lines.map((r) => r.outcome)).toEqual(["unchanged", "update", "new", "rejected", "rejected"]);
    expect(lines[0]!.text).toMatch(/^2 RR-1 Unchanged \(skipped\)/);
    expect(lines[1]!.text).toMatch(/^3 RR-2 Correction Row Supplier RR-2 Ltd, £2,600/);
    expect(lines[2]!.text).toMatch(/^4 RR-3 New/);
    expect(lines[3]!.text).toBe("5 RR-4 Rejected award_value : Award value must be more than £0");
    expect(lines[4]!.text).toBe("6 RR-5 Rejected buyer_id : no buyer organisation has the register id 999999999");
    expect(mixed.html).not.toContain('data-testid="bulk-rows-capped"');
    expect(await counts()).toEqual(before);

    // A large file: the table is capped at 1,000 rows with a note; the counts cover every row.
    const many = Array.from({ length: 1200 }, (_, i) => row(`BIG-${i}`, i === 1100 ? { award_value: "0" } : {}));
    const big = await upload(csv(many));
    expect(big.status).toBe(400);
    expect(rowsOf(big.html).length).toBe(1000);
    expectText(big, "This table shows the first 1,000 of 1,200 rows (lines 2 to 1001)");
    expectText(big, "every problem is listed under “Rejected rows”");
    expectText(big, "1,200 rows checked");
    expectText(big, "1102 award_value Award value must be more than £0");
  });
});
