import { type APIRequestContext, type Page, expect, test } from "@playwright/test";
import { expectAccessible } from "../playwright-utils";

/** The number in the result count ("1,234 contracts"); the demonstration register here is far below the count's cap. */
async function resultCount(page: Page): Promise<number> {
  const text = (await page.getByTestId("result-count").textContent()) ?? "";
  expect(text).toMatch(/^\d[\d,]* contracts?$/);
  return Number(text.replace(/[^\d]/g, ""));
}

const resultRows = (page: Page) => page.getByTestId("results").locator("tbody tr");

/** Each visible row's cell in a column (0 = contract, 1 = buyer, 2 = supplier). */
async function column(page: Page, index: number): Promise<string[]> {
  return resultRows(page).evaluateAll((rows, i) => rows.map((r) => (r.querySelectorAll("td")[i]?.textContent ?? "").trim()), index);
}

async function ocidsOnPage(page: Page): Promise<string[]> {
  return resultRows(page)
    .locator("td:first-child a")
    .evaluateAll((as) => as.map((a) => decodeURIComponent((a.getAttribute("href") ?? "").replace(/^\/contracts\//, ""))));
}

interface ApiContract {
  ocid: string;
  buyer: { name: string | null } | null;
  suppliers: Array<{ id: string; name: string }>;
  currentValuePence: string | null;
  originalValuePence: string | null;
}
interface Release {
  id: string;
  tag: string[];
  contracts?: Array<{ id: string; value?: { amount: number } }>;
}

/**
 * A contract whose value an amendment changed, found through the API: the
 * release that changed it, and the contract's value before and after.
 */
async function amendedContract(request: APIRequestContext) {
  let url: string | null = "/api/v1/contracts?sort=value-high&limit=100";
  while (url) {
    const body = (await (await request.get(url)).json()) as { contracts: ApiContract[]; links: { next: string | null } };
    for (const c of body.contracts.filter((x) => x.currentValuePence !== null && x.currentValuePence !== x.originalValuePence)) {
      const record = (await (await request.get(`/api/v1/ocds/records/${encodeURIComponent(c.ocid)}`)).json()) as {
        records: Array<{ releases: Release[] }>;
      };
      // Follow each contract's value through the releases, in order (the OCDS merge keys contracts by id).
      const amount = new Map<string, number>();
      for (const r of record.records[0]!.releases) {
        for (const k of r.contracts ?? []) {
          if (k.value === undefined) continue;
          const before = amount.get(k.id);
          amount.set(k.id, k.value.amount);
          if (r.tag.includes("contractAmendment") && before !== undefined && before !== k.value.amount) {
            return { ocid: c.ocid, releaseId: r.id, contractId: k.id, before, after: k.value.amount };
          }
        }
      }
    }
    url = body.links.next ? new URL(body.links.next).pathname + new URL(body.links.next).search : null;
  }
  throw new Error("no contract with a value amendment in the demonstration data");
}

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
    const everything = await resultCount(page);
    expect(everything).toBeGreaterThan(100);
    await expectAccessible(page);

    // Search for a word taken from the first result's title: fewer contracts, the word in the URL.
    const firstTitle = (await resultRows(page).first().locator("a").first().textContent()) ?? "";
    const word = firstTitle.split(/\s+/).find((w) => /^[A-Za-z]{5,}$/.test(w)) ?? firstTitle.split(/\s+/)[0]!;
    await page.getByLabel("Search").fill(word);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(new RegExp(`q=${word}`));
    await expect(resultRows(page).first()).toBeVisible();
    const searched = await resultCount(page);
    expect(searched).toBeGreaterThan(0);
    expect(searched).toBeLessThan(everything);

    // Add a filter: the URL carries both, the count goes down, and every row is a local authority's.
    await page.getByLabel("Buyer type").selectOption("local");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/buyerType=local/);
    await expect(page).toHaveURL(new RegExp(`q=${word}`));
    const local = await resultCount(page);
    expect(local).toBeLessThan(searched);
    if (local > 0) for (const cell of await column(page, 1)) expect(cell).toMatch(/Local authority$/);

    // Choose a buyer from the drop-down: only its contracts.
    await page.goto("/contracts");
    const buyerSelect = page.getByLabel("Buyer", { exact: true });
    const buyerNames = (await buyerSelect.locator("option").allTextContents()).slice(1);
    expect(buyerNames.length).toBeGreaterThan(5);
    const buyerName = buyerNames[Math.floor(buyerNames.length / 2)]!;
    await buyerSelect.selectOption({ label: buyerName });
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/buyer=\d+/);
    const ofBuyer = await resultCount(page);
    expect(ofBuyer).toBeLessThan(everything);
    for (const cell of await column(page, 1)) expect(cell.startsWith(buyerName)).toBe(true);
    await expect(page.getByLabel("Buyer", { exact: true })).toHaveValue(/^\d+$/);
    await expectAccessible(page);

    // Page forward through the unfiltered register, newest first: new rows, none repeated.
    await page.goto("/contracts?sort=newest");
    const page1 = await ocidsOnPage(page);
    await page.getByRole("link", { name: /Next page/ }).click();
    await expect(page).toHaveURL(/cursor=/);
    const page2first = resultRows(page).first().locator("a").first();
    await expect(page2first).toBeVisible();
    const page2 = await ocidsOnPage(page);
    expect(page2.length).toBeGreaterThan(0);
    expect(page2.filter((o) => page1.includes(o))).toEqual([]);

    // Open a contract and check its history.
    await page2first.click();
    await expect(page).toHaveURL(/\/contracts\/ocds-/);
    await expect(page.getByTestId("summary")).toContainText("Buyer");
    const history = page.getByTestId("history").locator("li");
    expect(await history.count()).toBeGreaterThan(0);
    await expect(page.getByRole("heading", { name: /History: \d+ release/ })).toBeVisible();
    await expectAccessible(page);
  });

  test("a supplier chosen by name: one match filters on it, several are listed, none is an error on the field", async ({ page, request }) => {
    const body = (await (await request.get("/api/v1/contracts?limit=100&sort=value-high")).json()) as { contracts: ApiContract[] };
    const supplier = body.contracts.flatMap((c) => c.suppliers)[0]!;
    // Its whole name: straight to its contracts (the id in the URL), the name kept in the field.
    await page.goto("/contracts");
    const everything = await resultCount(page);
    await page.getByLabel("Supplier name").fill(supplier.name);
    await page.getByRole("button", { name: "Apply filters" }).click();
    if (await page.getByTestId("supplier-matches").isVisible()) {
      // Another supplier's name contains this one: choose it from the list.
      await page.getByTestId("supplier-matches").getByRole("link", { name: supplier.name, exact: true }).first().click();
    }
    await expect(page).toHaveURL(/[?&]supplier=\d+/);
    const ofSupplier = await resultCount(page);
    expect(ofSupplier).toBeGreaterThan(0);
    expect(ofSupplier).toBeLessThan(everything);
    for (const cell of await column(page, 2)) expect(cell).toContain(supplier.name);
    await expect(page.getByLabel("Supplier name")).toHaveValue(supplier.name);
    await expect(page.getByText(`Supplier: ${supplier.name}`)).toBeVisible();
    // Applying the filters again keeps the supplier; clearing the name removes it.
    await page.getByLabel("Consultancy").selectOption("no");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/consultancy=no/);
    await expect(page.getByText(`Supplier: ${supplier.name}`)).toBeVisible();
    await page.getByLabel("Supplier name").fill("");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page.getByText(`Supplier: ${supplier.name}`)).toHaveCount(0);
    expect(await resultCount(page)).toBeGreaterThan(ofSupplier);

    // A word many suppliers' names share: a list of links, each to that supplier's contracts.
    const suppliers = (await (await request.get("/api/v1/suppliers?limit=100")).json()) as { suppliers: Array<{ name: string }> };
    const words = new Map<string, number>();
    for (const { name } of suppliers.suppliers) for (const w of new Set(name.split(/[^A-Za-z]+/))) if (w.length > 4) words.set(w, (words.get(w) ?? 0) + 1);
    const [common, sharedBy] = [...words.entries()].sort((x, y) => y[1] - x[1])[0]!;
    expect(sharedBy).toBeGreaterThan(1);
    await page.goto(`/contracts?supplierName=${common}`);
    await expect(page.getByTestId("supplier-matches")).toContainText(`contain “${common}”`);
    const links = page.getByTestId("supplier-matches").getByRole("link");
    expect(await links.count()).toBeGreaterThan(1);
    await expectAccessible(page);
    const chosen = ((await links.first().textContent()) ?? "").trim();
    await links.first().click();
    await expect(page).toHaveURL(/[?&]supplier=\d+/);
    await expect(page.getByText(`Supplier: ${chosen}`)).toBeVisible();

    // Nothing matches: a 400 page with the GOV.UK error summary linking to the field, and the field in error.
    const res = await page.goto("/contracts?supplierName=Zzyzx+Quaternion&buyerType=local");
    expect(res?.status()).toBe(400);
    await expect(page).toHaveTitle(/^Error: /);
    const summary = page.locator(".govuk-error-summary");
    await expect(summary).toContainText("There is a problem");
    await expect(summary.getByRole("link")).toHaveText(/No supplier name in the register contains “Zzyzx Quaternion”/);
    await expect(summary.getByRole("link")).toHaveAttribute("href", "#supplierName");
    await expect(page.locator("#supplierName-error")).toContainText("No supplier name in the register contains");
    await expect(page.getByLabel("Buyer type")).toHaveValue("local");
    await expectAccessible(page);
  });

  test("a contract's history shows what an amendment changed: its value, before and after", async ({ page, request }) => {
    const a = await amendedContract(request);
    await page.goto(`/contracts/${encodeURIComponent(a.ocid)}`);
    const item = page.getByTestId("history").locator("li").filter({ hasText: a.releaseId });
    await expect(item).toHaveCount(1);
    await expect(item.getByRole("heading", { level: 3 })).toContainText("contractAmendment");
    await item.getByText(/What this release changed/).click();
    const row = item.locator("tbody tr").filter({ has: page.locator("td:first-child", { hasText: `contracts[${a.contractId}].value.amount` }) });
    await expect(row).toHaveCount(1);
    await expect(row.locator("td").nth(1)).toHaveText(String(a.before));
    await expect(row.locator("td").nth(2)).toHaveText(String(a.after));
    expect(a.after).toBeGreaterThan(a.before);
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
    await expectAccessible(page);
  });
});

test.describe("the register without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the filter form submits, the count goes down, and the pages go forward", async ({ page }) => {
    await page.goto("/contracts");
    const everything = await resultCount(page);
    await page.getByLabel("Buyer type").selectOption("central");
    await page.getByLabel("Sort by").selectOption("value-high");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/buyerType=central/);
    await expect(page).toHaveURL(/sort=value-high/);
    const central = await resultCount(page);
    expect(central).toBeGreaterThan(25);
    expect(central).toBeLessThan(everything);
    for (const cell of await column(page, 1)) expect(cell).toMatch(/Central government department$/);
    const page1 = await ocidsOnPage(page);
    expect(page1).toHaveLength(25);

    await page.getByRole("link", { name: /Next page/ }).click();
    await expect(page).toHaveURL(/cursor=/);
    await expect(page).toHaveURL(/buyerType=central/);
    expect(await resultCount(page)).toBe(central);
    const page2 = await ocidsOnPage(page);
    expect(page2.length).toBeGreaterThan(0);
    expect(page2.filter((o) => page1.includes(o))).toEqual([]);
    for (const cell of await column(page, 1)) expect(cell).toMatch(/Central government department$/);
    await expect(page.getByLabel("Buyer type")).toHaveValue("central");

    // A supplier typed by name is resolved on the server, no script needed.
    const supplierCell = (await column(page, 2)).find((c) => c !== "–" && !c.includes("·"));
    expect(supplierCell).toBeDefined();
    await page.getByLabel("Supplier name").fill(supplierCell!);
    await page.getByRole("button", { name: "Apply filters" }).click();
    if (await page.getByTestId("supplier-matches").isVisible()) {
      await page.getByTestId("supplier-matches").getByRole("link", { name: supplierCell!, exact: true }).first().click();
    }
    await expect(page).toHaveURL(/[?&]supplier=\d+/);
    await expect(page).toHaveURL(/buyerType=central/);
    await expect(page).not.toHaveURL(/cursor=/);
    for (const cell of await column(page, 2)) expect(cell).toContain(supplierCell!);
    expect(await resultCount(page)).toBeLessThanOrEqual(central);
  });
});
