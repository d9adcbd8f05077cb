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
    let refused = false;
    for (let i = 0; i < (await others.count()) && !refused; i++) {
      const href = await others.nth(i).getAttribute("href");
      const other = href!.split("/").pop()!;
      const res = await page.goto(`/publish/${other}/award`);
      if (res?.status() === 403) {
        refused = true;
        await expect(page.getByRole("heading", { name: "You cannot do that" })).toBeVisible();
        await expect(page.locator("main")).toContainText("only for the buyer organisations your account is bound to");
        await expectAccessible(page);
      }
      await page.goto("/contracts?sort=newest");
    }
    expect(refused).toBe(true);
  });

  test("bulk upload, drafts and administration pages are accessible", async ({ page }) => {
    test.setTimeout(300_000);
    await signIn(page, PUBLISHER, "/publish/bulk");
    await expectAccessible(page);
    await page.locator("#file").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("reference,colour\nA,red\n") });
    await page.getByRole("button", { name: "Check the file" }).click();
    await expect(page.getByTestId("bulk-errors")).toContainText("Unknown column: colour");
    await expectAccessible(page);

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
