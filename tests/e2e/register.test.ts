import { expect, test } from "@playwright/test";
import { expectAccessible } from "../playwright-utils";

test.describe("the register", () => {
  test("home page shows headline figures and the demonstration banner", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByTestId("demo-banner")).toContainText("Demonstration data — not real contracts");
    await expect(page.getByTestId("headline-contracts")).toHaveText(/\d/);
    await expectAccessible(page);
  });

  test("search, filter, page forward, open a contract and read its history", async ({ page }) => {
    await page.goto("/contracts");
    await expect(page.getByTestId("demo-banner")).toBeVisible();
    const total = (await page.getByTestId("result-count").textContent()) ?? "";
    expect(total).toMatch(/contracts/);
    await expectAccessible(page);

    // Search for a word taken from the first result's title.
    const firstTitle = (await page.getByTestId("results").locator("tbody tr").first().locator("a").first().textContent()) ?? "";
    const word = firstTitle.split(/\s+/).find((w) => /^[A-Za-z]{5,}$/.test(w)) ?? firstTitle.split(/\s+/)[0]!;
    await page.getByLabel("Search").fill(word);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(new RegExp(`q=${word}`));
    const rows = page.getByTestId("results").locator("tbody tr");
    await expect(rows.first()).toBeVisible();
    expect(await rows.count()).toBeGreaterThan(0);

    // Add a filter: the URL carries both, and the count is no larger than before.
    await page.getByLabel("Buyer type").selectOption("local");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/buyerType=local/);
    await expect(page).toHaveURL(new RegExp(`q=${word}`));

    // Page forward through the unfiltered register, newest first.
    await page.goto("/contracts?sort=newest");
    const page1 = await page.getByTestId("results").locator("tbody tr a").first().textContent();
    await page.getByRole("link", { name: /Next page/ }).click();
    await expect(page).toHaveURL(/cursor=/);
    const page2first = page.getByTestId("results").locator("tbody tr a").first();
    await expect(page2first).toBeVisible();
    expect(await page2first.textContent()).not.toBe(page1);

    // Open a contract and check its history.
    await page2first.click();
    await expect(page).toHaveURL(/\/contracts\/ocds-/);
    await expect(page.getByTestId("summary")).toContainText("Buyer");
    const history = page.getByTestId("history").locator("li");
    expect(await history.count()).toBeGreaterThan(0);
    await expect(page.getByRole("heading", { name: /History: \d+ release/ })).toBeVisible();
    await expectAccessible(page);
  });

  test("bad filter values give a 400 page naming the parameter", async ({ page }) => {
    const res = await page.goto("/contracts?buyerType=galactic&minValue=-5");
    expect(res?.status()).toBe(400);
    await expect(page.locator("main")).toContainText("buyerType");
    await expect(page.locator("main")).toContainText("minValue");
    await expectAccessible(page);
  });

  test("a missing contract is a 404 page", async ({ page }) => {
    const res = await page.goto("/contracts/ocds-nothing-here");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expectAccessible(page);
  });

  test("odd searches are handled: SQL metacharacters, unicode, 10,000 characters", async ({ page }) => {
    for (const q of ["'; drop table processes; --", "naïve café ☕ 数据", "x".repeat(10_000), '"unterminated OR -'] as const) {
      const res = await page.goto(`/contracts?q=${encodeURIComponent(q)}`);
      expect(res?.status(), q.slice(0, 20)).toBe(200);
      await expect(page.getByTestId("result-count")).toBeVisible();
    }
  });

  test("a page past the end shows the empty state", async ({ page }) => {
    const cursor = Buffer.from(JSON.stringify({ k: "1900-01-01T00:00:00.000Z", o: "" })).toString("base64url");
    const res = await page.goto(`/contracts?sort=newest&cursor=${cursor}`);
    expect(res?.status()).toBe(200);
    await expect(page.getByTestId("empty-state")).toBeVisible();
  });
});
