import { expect, test } from "@playwright/test";
import { expectAccessible } from "../playwright-utils";

/** Pence from "£1,234.56"; null for anything else. */
function pence(text: string): bigint | null {
  const m = /^£([\d,]+)(?:\.(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  return BigInt(m[1]!.replace(/,/g, "")) * 100n + BigInt(m[2] ?? "0");
}

test.describe("sensitive-sector technology register", () => {
  test("shows the summary, charts with data tables and the contracts, and passes axe", async ({ page }) => {
    const res = await page.goto("/sensitive");
    expect(res?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sensitive-sector technology register");
    const count = Number(((await page.getByTestId("sensitive-contracts").textContent()) ?? "").replace(/,/g, ""));
    expect(count).toBeGreaterThan(0);
    await expect(page.getByTestId("sensitive-coverage")).toContainText("have no CPV code");
    await expect(page.getByTestId("chart-sensitive-value-by-sector").locator("svg").first()).toBeVisible();
    await expect(page.getByTestId("table-sensitive-value-by-sector")).toContainText("Health and care");
    await expect(page.getByTestId("sensitive-results").locator("tbody tr")).toHaveCount(25);
    // The sectors' contracts in the data table add up to the headline count.
    const cells = await page.getByTestId("table-sensitive-value-by-sector").locator('td[data-column="contracts"]').allTextContents();
    expect(cells.reduce((n, c) => n + Number(c.replace(/,/g, "")), 0)).toBe(count);
    await expectAccessible(page);
  });

  test("clicks through from a sector's figure to its contracts, each linking to its contract page", async ({ page }) => {
    await page.goto("/sensitive");
    const row = page.getByTestId("table-sensitive-value-by-sector").locator('tr[data-x="Health and care"]');
    const contracts = Number(((await row.locator('td[data-column="contracts"]').textContent()) ?? "").replace(/,/g, ""));
    await row.getByRole("link").click();
    await expect(page).toHaveURL(/\/sensitive\?sector=health$/);
    await expect(page.getByTestId("sensitive-contracts")).toHaveText(contracts.toLocaleString("en-GB"));
    const sectors = await page.getByTestId("sensitive-results").locator("tbody tr td:nth-child(2)").allTextContents();
    expect(new Set(sectors)).toEqual(new Set(["Health and care"]));
    const first = page.getByTestId("sensitive-results").locator("tbody tr").first();
    const ocid = await first.getAttribute("data-ocid");
    await first.getByRole("link").first().click();
    await expect(page).toHaveURL(new RegExp(`/contracts/${encodeURIComponent(ocid!)}$`));
    await expect(page.getByText("Health and care").first()).toBeVisible();
  });

  test("sorts by value from the column header and pages on", async ({ page }) => {
    await page.goto("/sensitive");
    await page.getByTestId("sensitive-results").getByRole("link", { name: /^Value/ }).click();
    await expect(page).toHaveURL(/sort=value-high/);
    await expect(page.getByTestId("sensitive-results").locator('th[aria-sort="descending"]')).toContainText("Value");
    const values = (await page.getByTestId("sensitive-results").locator("tbody tr td:nth-child(6)").allTextContents()).map(pence).filter((v) => v !== null);
    expect(values.length).toBeGreaterThan(5);
    for (let i = 1; i < values.length; i++) expect(values[i]! <= values[i - 1]!).toBe(true);
    const firstPage = await page.getByTestId("sensitive-results").locator("tbody tr").first().getAttribute("data-ocid");
    await page.getByRole("link", { name: /Next page/ }).click();
    await expect(page).toHaveURL(/sort=value-high.*cursor=|cursor=.*sort=value-high/);
    await expect(page.getByTestId("sensitive-results").locator("tbody tr").first()).not.toHaveAttribute("data-ocid", firstPage!);
    // The second page carries on below the first: its first value is at most the first page's last.
    const lastOfFirst = values[values.length - 1]!;
    const next = (await page.getByTestId("sensitive-results").locator("tbody tr td:nth-child(6)").allTextContents()).map(pence).filter((v) => v !== null);
    expect(next[0]! <= lastOfFirst).toBe(true);
  });

  test("names an unknown sector in a 400 page that passes axe", async ({ page }) => {
    const res = await page.goto("/sensitive?sector=galactic");
    expect(res?.status()).toBe(400);
    await expect(page.locator(".govuk-error-summary")).toContainText("sector");
    await expect(page.locator(".govuk-error-summary")).toContainText("unknown sensitive sector");
    await expectAccessible(page);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("filters by sector and transparency document in the URL, with the CSV and feed of the same view", async ({ page }) => {
    await page.goto("/sensitive");
    await page.getByLabel("Sector", { exact: true }).selectOption("health");
    await page.getByLabel("Transparency document published").selectOption("no");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/sector=health/);
    await expect(page).toHaveURL(/transparency=no/);
    const docs = await page.getByTestId("sensitive-results").getByTestId("transparency-cell").allTextContents();
    expect(docs.length).toBeGreaterThan(0);
    expect(new Set(docs)).toEqual(new Set(["None published"]));
    const csvHref = await page.getByRole("link", { name: "Download these contracts as CSV" }).getAttribute("href");
    expect(csvHref).toBe("/sensitive.csv?sector=health&transparency=no");
    const csv = await page.request.get(csvHref!);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split(/\r\n/);
    expect(lines[0]).toContain("data_protection_document");
    expect(lines.slice(1).every((l) => l.includes(",health,"))).toBe(true);
    const feed = await page.request.get((await page.getByRole("link", { name: "Atom feed of this view" }).getAttribute("href"))!);
    expect(feed.headers()["content-type"]).toContain("application/atom+xml");
    // (axe needs JavaScript in the page, so it runs on the same page in the tests above.)
  });
});

test.describe("filters by supplier, value and dates without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("in the URL, for the page, its CSV and its feed", async ({ page }) => {
    await page.goto("/sensitive");
    await page.getByLabel("Minimum value").fill("10000");
    await page.getByLabel("Maximum value").fill("500000");
    await page.getByLabel("Awarded from").fill("2023-04-01");
    await page.getByLabel("Awarded to").fill("2025-03-31");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/minValue=10000/);
    await expect(page).toHaveURL(/from=2023-04-01/);
    const values = (await page.getByTestId("sensitive-results").locator("tbody tr td:nth-child(6)").allTextContents()).map(pence).filter((v) => v !== null);
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) expect(v! >= 1_000_000n && v! <= 50_000_000n).toBe(true);
    const csvHref = await page.getByRole("link", { name: "Download these contracts as CSV" }).getAttribute("href");
    expect(csvHref).toBe("/sensitive.csv?minValue=10000&maxValue=500000&from=2023-04-01&to=2025-03-31");

    // A supplier of one of them, by name: resolved on the server to its id.
    const supplier = ((await page.getByTestId("sensitive-results").locator("tbody tr td:nth-child(5)").first().textContent()) ?? "").split(" · ")[0]!.trim();
    await page.getByLabel("Supplier", { exact: true }).fill(supplier);
    await page.getByRole("button", { name: "Apply filters" }).click();
    const choices = page.getByTestId("supplier-choices");
    if (await choices.count()) await choices.getByRole("link", { name: supplier, exact: true }).first().click();
    await expect(page).toHaveURL(/supplier=\d+/);
    await expect(page.locator("main")).toContainText(`Supplier: ${supplier}`);
    const rows = await page.getByTestId("sensitive-results").locator("tbody tr td:nth-child(5)").allTextContents();
    for (const r of rows) expect(r).toContain(supplier);
  });

  test("names a bad value in a 400 page", async ({ page }) => {
    const res = await page.goto("/sensitive?minValue=-3&to=2024-13-01");
    expect(res?.status()).toBe(400);
    await expect(page.locator(".govuk-error-summary")).toContainText("minValue");
    await expect(page.locator(".govuk-error-summary")).toContainText("to");
  });
});

test("the methodology page shows the CPV rule and the document types that count", async ({ page }) => {
  await page.goto("/methodology#sensitive-sectors");
  await expect(page.getByTestId("sector-cpv-rule")).toContainText("48814");
  // Technology is a rule of its own, with CPV labels; each table is named by its caption.
  await expect(page.getByRole("table", { name: "CPV prefixes that count as technology" })).toContainText("Telecommunications services");
  await expect(page.getByRole("table", { name: "Postcode areas by ITL1 region" })).toContainText("Scotland (TLM)");
  await expect(page.getByTestId("transparency-document-types")).toContainText("x_algorithmicTransparencyRecord");
  await page.getByRole("link", { name: "sensitive-sector technology register" }).click();
  await expect(page).toHaveURL(/\/sensitive$/);
});
