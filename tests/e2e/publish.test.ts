import { type Page, expect, test } from "@playwright/test";
import { expectAccessible } from "../playwright-utils";

// Demonstration accounts (seeds/demo-users.ts): they exist only with demonstration data.
const PUBLISHER = { email: "publisher@demo.register.example", password: "demo-publisher-password" };
const ADMIN = { email: "admin@demo.register.example", password: "demo-admin-password" };

async function signIn(page: Page, who: { email: string; password: string }, to = "/publish") {
  await page.goto(`/login?redirectTo=${encodeURIComponent(to)}`);
  await expectAccessible(page);
  await page.getByLabel("Email address").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`${to.replace(/[?]/g, "\\?")}$`));
}

async function fillDate(page: Page, id: string, d: Date) {
  await page.locator(`#${id}-day`).fill(String(d.getUTCDate()));
  await page.locator(`#${id}-month`).fill(String(d.getUTCMonth() + 1));
  await page.locator(`#${id}-year`).fill(String(d.getUTCFullYear()));
}

const days = (n: number) => new Date(Date.now() + n * 86_400_000);
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** The session's CSRF token (the header's sign-out form carries it on every signed-in page). */
const csrfOf = (page: Page) => page.locator('form[action="/logout"] input[name="csrf"]').first().inputValue();

/** How many releases the public API has for a procurement. */
async function publicReleaseCount(page: Page, ocid: string): Promise<number> {
  const res = await page.request.get(`/api/v1/ocds/records/${encodeURIComponent(ocid)}`);
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { records: Array<{ releases: unknown[] }> };
  return body.records[0]!.releases.length;
}

/** A CSV for the bulk upload, in the columns of the downloadable template. */
async function bulkCsv(page: Page, rows: Array<Record<string, string>>): Promise<Buffer> {
  const template = await page.request.get("/publish/bulk/template.csv");
  expect(template.status()).toBe(200);
  const columns = (await template.text()).replace(/^\uFEFF/, "").trim().split(",");
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return Buffer.from(`${columns.join(",")}\r\n${rows.map((r) => columns.map((c) => cell(r[c] ?? "")).join(",")).join("\r\n")}\r\n`);
}

/** The GOV.UK error pattern: "Error: " before the title, and the summary focused on load. */
async function expectErrorPage(page: Page, title: string | RegExp, summary = page.locator(".govuk-error-summary").first()) {
  await expect(page).toHaveTitle(typeof title === "string" ? `Error: ${title} – Public Tech Procurement Register` : title);
  await expect(summary).toBeFocused();
}

async function previewAndPublish(page: Page) {
  await page.getByRole("button", { name: "Continue to preview" }).click();
  await expect(page).toHaveURL(/\/publish\/drafts\/\d+$/);
  await expect(page.getByRole("heading", { name: "Check your notice before publishing" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByTestId("published")).toContainText("Notice published");
  await expectAccessible(page);
}

test.describe("publishing", () => {
  test("a publisher publishes a tender, an award, a contract and an amendment, and the public sees them with their history", async ({ page }) => {
    test.setTimeout(300_000);
    await page.goto("/publish");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fpublish/);
    await signIn(page, PUBLISHER);
    await expect(page.getByRole("heading", { name: "Publish", exact: true })).toBeVisible();
    await expectAccessible(page);

    // Tender: first with mistakes (messages, values kept), then right.
    await page.getByRole("link", { name: "Publish a tender notice" }).click();
    await expectAccessible(page);
    const buyerSelect = page.getByLabel("Buyer", { exact: true });
    if (await buyerSelect.count()) await buyerSelect.selectOption({ index: 1 });
    const title = `E2E case management ${Date.now()} <script>alert(1)</script>`;
    await page.getByLabel("Title", { exact: true }).fill(title);
    await page.getByLabel("CPV codes").fill("45000000");
    await page.getByLabel("Estimated value (optional)").fill("-10");
    await page.getByRole("button", { name: "Continue to preview" }).click();
    await expect(page.getByRole("alert")).toContainText("There is a problem");
    await expect(page.getByRole("alert")).toContainText("Enter description");
    await expect(page.getByRole("alert")).toContainText("is not a code this register accepts");
    await expect(page.getByLabel("Title", { exact: true })).toHaveValue(title);
    await expectErrorPage(page, "Publish a tender notice");
    await expectAccessible(page);
    await expect(page.getByRole("link", { name: "Enter description" })).toHaveAttribute("href", "#description");

    await page.locator("#description").fill("A case management platform for caseworkers.");
    await page.getByLabel("CPV codes").fill("72000000, 72260000");
    await page.getByLabel("Estimated value (optional)").fill("480,000");
    await page.getByLabel("Open procedure").check();
    await fillDate(page, "deadline", days(40));
    await page.getByLabel("Small and medium-sized enterprises (SMEs)").check();
    await page.getByRole("radio", { name: "No", exact: true }).check();
    await page.getByRole("button", { name: "Divide into lots" }).click();
    await expect(page.locator("#lot-0-title")).toBeVisible();
    await expect(page.getByLabel("Title", { exact: true })).toHaveValue(title);
    await page.locator("#lot-0-title").fill("Software");
    await page.locator("#lot-1-title").fill("Support");
    await expectAccessible(page);
    await previewAndPublish(page);
    const ocid = /\/publish\/([^?]+)\?/.exec(page.url())![1]!;

    // Award: a supplier found in the register.
    await page.getByRole("link", { name: "Publish an award" }).click();
    await expectAccessible(page);
    await page.getByLabel("Lot").selectOption({ label: "Software" });
    await fillDate(page, "awardDate", days(0));
    await page.getByLabel("Award value").fill("300000");
    await page.getByLabel("Number of bids received").fill("6");
    await page.getByLabel("Search the register for a supplier").fill("Ltd");
    await page.getByRole("button", { name: "Search the register" }).click();
    await expect(page.getByTestId("supplier-results")).toBeVisible();
    await expectAccessible(page);
    const supplierName = (await page.getByTestId("supplier-results").locator("tbody tr td").first().textContent())?.trim() ?? "";
    await page.getByTestId("supplier-results").getByRole("button", { name: /^Add/ }).first().click();
    await expect(page.getByTestId("supplier-rows")).toContainText(supplierName);
    await expect(page.getByLabel("Award value")).toHaveValue("300000");
    await previewAndPublish(page);

    // Contract details.
    await page.getByRole("link", { name: "Publish contract details" }).click();
    await fillDate(page, "dateSigned", days(0));
    await fillDate(page, "startDate", days(1));
    await fillDate(page, "endDate", days(2));
    await page.getByLabel("Contract value").fill("300000");
    await expectAccessible(page);
    await previewAndPublish(page);

    // Amendment: a new value and end date, with a reason.
    await page.getByRole("link", { name: "Amend the contract" }).click();
    await page.getByLabel("New contract value").fill("360000");
    await fillDate(page, "newEndDate", days(400));
    await page.getByLabel("Reason for the amendment").fill("More caseworkers onboarded than planned");
    await expectAccessible(page);
    await previewAndPublish(page);

    // The tender correction form, and the termination form with its errors (neither is sent: the history stays at four releases).
    await page.getByRole("link", { name: "Correct the tender notice" }).click();
    await expect(page.getByRole("heading", { name: "Correct the tender notice" })).toBeVisible();
    await expect(page.getByLabel("Title", { exact: true })).toHaveValue(title);
    await expect(page).toHaveTitle("Correct the tender notice – Public Tech Procurement Register");
    await expectAccessible(page);
    await page.goto(`/publish/${ocid}`);
    await page.getByRole("link", { name: "Terminate the contract" }).click();
    await expect(page.getByRole("heading", { name: "Terminate the contract" })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Continue to preview" }).click();
    await expect(page.getByRole("alert")).toContainText("There is a problem");
    await expectErrorPage(page, "Terminate the contract");
    await expectAccessible(page);
    await page.goto(`/publish/${ocid}`);

    // The public page: current state and every release, at once.
    await page.getByTestId("public-page").click();
    await expect(page).toHaveURL(new RegExp(`/contracts/${ocid}$`));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
    await expect(page.getByTestId("summary")).toContainText("£360,000");
    await expect(page.getByTestId("summary")).toContainText(supplierName);
    await expect(page.getByRole("heading", { name: "History: 4 releases" })).toBeVisible();
    const history = page.getByTestId("history");
    await expect(history).toContainText("tender");
    await expect(history).toContainText("award");
    await expect(history).toContainText("contractAmendment");
    await expect(history).toContainText("More caseworkers onboarded than planned");
    await expectAccessible(page);
    // The register lists it.
    await page.goto(`/contracts?q=${encodeURIComponent("E2E case management")}`);
    await expect(page.getByTestId("results")).toContainText("E2E case management");

    // Another buyer's procurement: refused.
    await page.goto("/contracts?sort=newest");
    const others = page.getByTestId("results").locator("tbody tr a[href^='/contracts/ocds-demo01-']");
    let other: string | null = null;
    for (let i = 0; i < (await others.count()) && !other; i++) {
      const href = await others.nth(i).getAttribute("href");
      const candidate = href!.split("/").pop()!;
      const res = await page.goto(`/publish/${candidate}/award`);
      if (res?.status() === 403) {
        other = candidate;
        await expect(page.getByRole("heading", { name: "You cannot do that" })).toBeVisible();
        await expect(page.locator("main")).toContainText("only for the buyer organisations your account is bound to");
        await expectAccessible(page);
      }
      if (!other) await page.goto("/contracts?sort=newest");
    }
    expect(other).not.toBeNull();
    // Posting an award to it, with the session's own token, is refused too, and nothing appears in the public API.
    const releasesBefore = await publicReleaseCount(page, other!);
    const csrf = await csrfOf(page);
    for (const intent of ["preview", "save"]) {
      const post = await page.request.post(`/publish/${other}/award`, {
        form: { csrf, intent, "awardDate-day": "1", "awardDate-month": "4", "awardDate-year": "2025", value: "1000", bids: "1", supplierCount: "1", "supplier-0-name": "Sneaky Ltd", "supplier-0-scheme": "GB-COH", "supplier-0-identifier": "01010101", "supplier-0-scale": "small" },
        maxRedirects: 0,
      });
      expect(post.status()).toBe(403);
    }
    expect(await publicReleaseCount(page, other!)).toBe(releasesBefore);

    // A tender whose buyer id was tampered with in the form, to another buyer's: refused, and nothing is published.
    const contracts = (await (await page.request.get("/api/v1/contracts?sort=newest&limit=100")).json()) as {
      contracts: Array<{ ocid: string; buyer: { id: string | null } | null }>;
    };
    const otherBuyer = contracts.contracts.find((c) => c.ocid === other)?.buyer?.id;
    expect(otherBuyer).toBeTruthy();
    await page.goto("/publish/tender");
    await page.locator('[name="buyerId"]').evaluate((el, id) => {
      if (el instanceof HTMLSelectElement) {
        const o = document.createElement("option");
        o.value = id;
        o.text = "Someone else's buyer";
        el.append(o);
      }
      (el as HTMLInputElement | HTMLSelectElement).value = id;
    }, otherBuyer!);
    const tamperedTitle = `Zqxtampered${Date.now()} platform`;
    await page.getByLabel("Title", { exact: true }).fill(tamperedTitle);
    await page.locator("#description").fill("Published for a buyer this account does not act for.");
    await page.getByLabel("CPV codes").fill("72000000");
    await page.getByRole("button", { name: "Continue to preview" }).click();
    await expect(page.getByRole("heading", { name: "You cannot do that" })).toBeVisible();
    await expect(page.locator("main")).toContainText("Nothing was published");
    await expectAccessible(page);
    const found = (await (await page.request.get(`/api/v1/contracts?q=${encodeURIComponent(tamperedTitle.split(" ")[0]!)}`)).json()) as { contracts: unknown[] };
    expect(found.contracts).toEqual([]);
  });

  test("bulk upload, drafts and administration pages are accessible", async ({ page }) => {
    test.setTimeout(300_000);
    await signIn(page, PUBLISHER, "/publish/bulk");
    await expectAccessible(page);
    await page.locator("#file").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("reference,colour\nA,red\n") });
    await page.getByRole("button", { name: "Check the file" }).click();
    await expect(page.getByTestId("bulk-errors")).toContainText("Unknown column: colour");
    await expectErrorPage(page, "Upload awards and contracts", page.getByTestId("bulk-errors"));
    await expectAccessible(page);

    // A file with acceptable and rejected rows: the row-by-row report, nothing published.
    await page.goto("/publish");
    const buyerId = /register id (\d+)/.exec((await page.getByTestId("my-buyers").textContent()) ?? "")![1]!;
    const ref = `E2E-${Date.now()}`;
    const good = (reference: string) => ({
      reference,
      buyer_id: buyerId,
      title: `Bulk e2e award ${reference}`,
      cpv_codes: "72000000",
      procedure: "open",
      award_date: isoDay(days(0)),
      award_value: "45000",
      bids_received: "3",
      supplier_name: `Bulk E2E Supplier ${reference} Ltd`,
      supplier_scheme: "GB-COH",
      supplier_identifier: "03030303",
      supplier_scale: "small",
      contract_signed: isoDay(days(0)),
      contract_start: isoDay(days(0)),
      contract_end: isoDay(days(365)),
    });
    await page.goto("/publish/bulk");
    await page.locator("#file").setInputFiles({
      name: "mixed.csv",
      mimeType: "text/csv",
      buffer: await bulkCsv(page, [good(`${ref}-A`), { ...good(`${ref}-B`), award_value: "-5" }]),
    });
    await page.getByRole("button", { name: "Check the file" }).click();
    await expect(page.getByTestId("bulk-rows")).toBeVisible();
    await expect(page.getByTestId("bulk-rows").locator("tbody tr")).toHaveCount(2);
    await expect(page.getByTestId("bulk-rows").locator('tr[data-outcome="new"]')).toContainText(`${ref}-A`);
    await expect(page.getByTestId("bulk-rows").locator('tr[data-outcome="rejected"]')).toContainText("Award value must be more than £0");
    await expect(page.getByTestId("bulk-commit")).toHaveCount(0);
    await expectErrorPage(page, "Upload awards and contracts", page.getByTestId("bulk-errors"));
    await expectAccessible(page);

    // The acceptable row alone: checked, published, and the "Upload published" panel.
    await page.locator("#file").setInputFiles({ name: "good.csv", mimeType: "text/csv", buffer: await bulkCsv(page, [good(`${ref}-A`)]) });
    await page.getByRole("button", { name: "Check the file" }).click();
    await expect(page.getByTestId("bulk-rows").locator('tr[data-outcome="new"]')).toHaveCount(1);
    await expect(page).toHaveTitle("Upload awards and contracts – Public Tech Procurement Register");
    await expectAccessible(page);
    const bulkOcid = ((await page.getByTestId("bulk-rows").locator("tbody tr code").last().textContent()) ?? "").trim();
    expect(bulkOcid).toMatch(/^ocds-ptpr01-/);
    await page.getByRole("button", { name: "Publish 1 rows" }).click();
    await expect(page.getByTestId("bulk-published")).toContainText("Upload published");
    await expect(page.getByTestId("bulk-published")).toContainText("1 release published");
    await expectAccessible(page);

    // Two officials amend that contract at once: the second gets the conflict, with the current state.
    await page.goto(`/publish/${bulkOcid}/amendment`);
    await page.getByLabel("New contract value").fill("50000");
    await page.getByLabel("Reason for the amendment").fill("Extra licences");
    await page.getByRole("button", { name: "Continue to preview" }).click();
    await expect(page.getByRole("heading", { name: "Check your notice before publishing" })).toBeVisible();
    const other = await page.context().newPage();
    await other.goto(`/publish/${bulkOcid}/amendment`);
    await other.getByLabel("New contract value").fill("55000");
    await other.getByLabel("Reason for the amendment").fill("More users than planned");
    await previewAndPublish(other);
    await other.close();
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await expect(page.getByTestId("conflict")).toContainText("Someone else changed this procurement while you were working on it");
    await expect(page.getByTestId("conflict")).toContainText("£55,000");
    await expectErrorPage(page, "Check your notice", page.getByTestId("conflict"));
    await expectAccessible(page);
    await page.getByTestId("rebase").click();
    await expect(page.getByRole("heading", { name: "Check your notice before publishing" })).toBeVisible();
    await page.getByRole("button", { name: "Discard draft" }).click();
    await expect(page).toHaveURL(/\/publish\?discarded=1$/);
    expect(await publicReleaseCount(page, bulkOcid)).toBe(2);

    // A saved draft is listed and reopens with its values.
    await page.goto("/publish/tender");
    await page.getByLabel("Title", { exact: true }).fill("Draft kept for later");
    await page.getByRole("button", { name: "Save as draft" }).click();
    await expect(page.getByTestId("draft-saved")).toBeVisible();
    await expectAccessible(page);
    await page.goto("/publish");
    await page.getByTestId("drafts").getByRole("link", { name: "Draft kept for later" }).click();
    await expect(page.getByRole("heading", { name: "Check your notice before publishing" })).toBeVisible();
    await expect(page.getByRole("alert")).toContainText("Enter description");
    await expectAccessible(page);

    await page.goto("/logout");
    await expectAccessible(page);
    await page.getByTestId("sign-out").click();
    await expect(page).toHaveURL(/\/$/);

    // The sign-in page after a session ended mid-form (entry saved) and after it simply expired.
    for (const [reason, text] of [
      ["saved", "what you entered was saved and you will return to it"],
      ["expired", "Sign in again to continue"],
    ] as const) {
      await page.goto(`/login?redirectTo=${encodeURIComponent("/publish/tender")}&reason=${reason}`);
      await expect(page.getByTestId("session-ended")).toContainText(text);
      await expectAccessible(page);
    }

    await signIn(page, ADMIN, "/admin");
    for (const p of ["/admin", "/admin/users", "/admin/buyers", "/admin/audit"]) {
      await page.goto(p);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expectAccessible(page);
    }
    await expect(page.getByTestId("audit")).toContainText("publish");
    await page.goto("/admin/users");
    await page.getByRole("link", { name: PUBLISHER.email }).click();
    await expect(page.getByTestId("user-buyers")).toBeVisible();
    await expectAccessible(page);
  });
});
