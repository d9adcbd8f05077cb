import { expect, test } from "@playwright/test";
import { expectAccessible } from "../playwright-utils";

const number = (text: string) => Number(text.replace(/[^\d]/g, ""));

test.describe("red flags (/watch)", () => {
  test("shows counts and value by flag, the buyers' flagged shares and the flagged contracts", async ({ page }) => {
    await page.goto("/watch");
    await expect(page.getByRole("heading", { name: "Red flags", level: 1 })).toBeVisible();
    await expect(page.locator("main")).toContainText("A flag is a prompt to look, never a finding of wrongdoing.");
    await expect(page.getByTestId("result-count")).toHaveText(/[\d,]+ of [\d,]+ contracts carry a flag/);
    await expect(page.getByTestId("by-flag").locator("tbody tr")).toHaveCount(8);
    expect(await page.getByTestId("by-buyer").locator("tbody tr").count()).toBeGreaterThan(0);
    expect(await page.getByTestId("results").locator("tbody tr").count()).toBeGreaterThan(0);
    await expectAccessible(page);
  });

  test("each figure links to the contracts behind it", async ({ page }) => {
    await page.goto("/watch");
    const count = page.getByTestId("count-non-competitive");
    const flagged = number((await count.textContent()) ?? "");
    expect(flagged).toBeGreaterThan(0);

    // The count opens /watch filtered to that flag: the same number, every listed contract tagged.
    await count.click();
    await expect(page).toHaveURL(/flag=non-competitive/);
    await expect(page.getByTestId("result-count")).toContainText(`${flagged.toLocaleString("en-GB")} of`);
    const tags = page.getByTestId("results").locator("tbody tr");
    const n = await tags.count();
    for (let i = 0; i < n; i++) await expect(tags.nth(i)).toContainText("Non-competitive award");

    // The value opens the register with the same flag: the same number of contracts.
    await page.goto("/watch");
    await page.locator('[data-code="non-competitive"] a[href^="/contracts?"]').click();
    await expect(page).toHaveURL(/\/contracts\?flag=non-competitive/);
    await expect(page.getByTestId("result-count")).toHaveText(new RegExp(`^${flagged.toLocaleString("en-GB")} contracts?$`));

    // A buyer's figure opens /watch for that buyer.
    await page.goto("/watch?flag=non-competitive");
    const buyerLink = page.getByTestId("by-buyer").locator("tbody tr").first().locator("a").first();
    const buyerFlagged = number(((await buyerLink.textContent()) ?? "").split(" of ")[0]!);
    await buyerLink.click();
    await expect(page).toHaveURL(/buyer=\d+/);
    await expect(page.getByTestId("result-count")).toContainText(`${buyerFlagged.toLocaleString("en-GB")} of`);
    await expectAccessible(page);
  });

  test("filters by flag, buyer type, financial year and value, and downloads them as CSV", async ({ page, request }) => {
    await page.goto("/watch");
    await page.getByLabel("Red flag", { exact: true }).selectOption("short-tender");
    await page.getByLabel("Buyer type", { exact: true }).selectOption("local");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/flag=short-tender/);
    await expect(page).toHaveURL(/buyerType=local/);
    // Auto-retrying: the new page's link replaces the old one once its data has loaded.
    await expect(page.getByTestId("csv-link")).toHaveAttribute("href", "/watch.csv?flag=short-tender&buyerType=local");
    const total = number(((await page.getByTestId("result-count").textContent()) ?? "").split(" of ")[0]!);
    const href = await page.getByTestId("csv-link").getAttribute("href");
    const csv = await request.get(href!);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\n");
    expect(lines[0]).toBe("ocid,title,buyer,buyer_type,suppliers,award_date,financial_year,value_pence,value,currency,flags,url");
    expect(lines.length - 1).toBe(total);
    for (const line of lines.slice(1)) expect(line).toContain("short-tender");
  });

  test("bad input gives a 400 naming the parameter", async ({ page, request }) => {
    const res = await page.goto("/watch?flag=bribery&minValue=-10");
    expect(res?.status()).toBe(400);
    await expect(page.locator("main")).toContainText("flag");
    await expect(page.locator("main")).toContainText("minValue");
    await expectAccessible(page);
    const csv = await request.get("/watch.csv?fy=2024");
    expect(csv.status()).toBe(400);
    expect(((await csv.json()) as { errors: { param: string }[] }).errors[0]!.param).toBe("fy");
    const register = await page.goto("/contracts?flag=bribery");
    expect(register?.status()).toBe(400);
    await expect(page.locator("main")).toContainText("flag");
  });

  test("a buyer's flagged value and share, and the headline value, open the flagged contracts behind them", async ({ page }) => {
    await page.goto("/watch?flag=non-competitive");
    const row = page.getByTestId("by-buyer").locator("tbody tr").first();
    const flaggedValue = row.locator("td").nth(1).locator("a");
    const value = (await flaggedValue.getAttribute("data-pence"))!;
    await expect(row.locator("td").nth(3).locator("a")).toHaveAttribute("href", (await flaggedValue.getAttribute("href"))!);
    await flaggedValue.click();
    await expect(page).toHaveURL(/\/watch\?flag=non-competitive&buyer=\d+#contracts$/);
    // On the buyer's view, the headline flagged value is the figure that was clicked, and links to its list.
    const headline = page.getByTestId("flagged-value-link");
    await expect(headline).toHaveAttribute("data-pence", value);
    expect(await headline.getAttribute("href")).toMatch(/#contracts$/);
    const rows = page.getByTestId("results").locator("tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
    for (let i = 0; i < (await rows.count()); i++) await expect(rows.nth(i)).toContainText("Non-competitive award");
    await expectAccessible(page);
  });

  test("supplier names in the results open the supplier, whose page links back to its red flags", async ({ page }) => {
    await page.goto("/watch");
    const name = page.getByTestId("results").locator('a[href^="/suppliers/"]').first();
    const href = (await name.getAttribute("href"))!;
    await name.click();
    await expect(page).toHaveURL(new RegExp(`${href}$`));
    await page.getByTestId("red-flags-link").click();
    await expect(page).toHaveURL(new RegExp(`/watch\\?supplier=${href.split("/").pop()}$`));
    await expect(page.locator("main")).toContainText("Supplier:");
  });

  test("a supplier name that matches nothing is named in a GOV.UK error summary that passes axe", async ({ page }) => {
    const res = await page.goto("/watch?supplierName=Zzqx%20Nonexistent%20Holdings");
    expect(res?.status()).toBe(200);
    await expect(page).toHaveTitle(/^Error: /);
    await expect(page.locator(".govuk-error-summary")).toContainText("No supplier's name matches “Zzqx Nonexistent Holdings”");
    await expect(page.locator("#supplierName")).toHaveValue("Zzqx Nonexistent Holdings");
    await expectAccessible(page);
  });
});

test.describe("red flags without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("filters by buyer from a list and by supplier name, resolved on the server", async ({ page }) => {
    await page.goto("/watch");
    const buyer = page.getByLabel("Buyer", { exact: true });
    const options = await buyer.locator("option").allTextContents();
    expect(options.length).toBeGreaterThan(2);
    await buyer.selectOption({ label: options[1]! });
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/buyer=\d+/);
    await expect(page.locator("main")).toContainText(`Buyer: ${options[1]}`);

    // A supplier of a listed contract, typed by name: the server turns it into the supplier's id.
    await page.goto("/watch");
    const supplier = page.getByTestId("results").locator('a[href^="/suppliers/"]').first();
    const id = (await supplier.getAttribute("href"))!.split("/").pop()!;
    const name = ((await supplier.textContent()) ?? "").trim();
    await page.getByLabel("Supplier", { exact: true }).fill(name);
    await page.getByRole("button", { name: "Apply filters" }).click();
    // Several suppliers may share part of the name: then the page offers them to choose from.
    const choices = page.getByTestId("supplier-choices");
    if (await choices.count()) await choices.getByRole("link", { name, exact: true }).first().click();
    await expect(page).toHaveURL(new RegExp(`supplier=${id}`));
    await expect(page.locator("main")).toContainText(`Supplier: ${name}`);
    expect(page.url()).not.toContain("supplierName");
  });
});
