import { expect, test } from "@playwright/test";
import { expectAccessible } from "../playwright-utils";

/**
 * The policy dashboards (issue 8) in Chromium on the demonstration data: each
 * page renders its charts with data tables, CSV links and definitions, passes
 * axe, and a bad code is a 400 naming the parameter.
 */
const PAGES = [
  { path: "/dashboards/suppliers", heading: "Where the money goes", charts: ["suppliers-country-by-year", "suppliers-group-country-by-year", "suppliers-country-by-buyer-type", "suppliers-top-cloud", "suppliers-top-software"] },
  { path: "/dashboards/cooperatives", heading: "Co-operatives, mutuals and VCSEs", charts: ["cooperatives-share-by-year", "cooperatives-value-by-year", "cooperatives-awards-by-year"] },
  { path: "/dashboards/regions", heading: "Regions", charts: ["regions-supplier-sme-share", "regions-supplier-value", "regions-buyer-sme-share", "regions-buyer-value"] },
  { path: "/dashboards/missions", heading: "Government missions", charts: ["missions-value", "missions-sme-share", "missions-by-year"] },
];

for (const p of PAGES) {
  test(`${p.path}: charts, tables, CSV and definitions, accessible`, async ({ page, request }) => {
    const res = await page.goto(p.path);
    expect(res?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    for (const id of p.charts) {
      const table = page.getByTestId(`table-${id}`);
      await expect(table).toBeVisible();
      expect(await table.locator("tbody tr").count()).toBeGreaterThan(0);
    }
    // Every chart has a CSV of its numbers and a definition linking to the methodology.
    const csvLinks = page.locator('a[href^="/charts/"][download]');
    expect(await csvLinks.count()).toBe(p.charts.length);
    const href = await csvLinks.first().getAttribute("href");
    const csv = await request.get(href as string);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    expect((await csv.text()).split("\n").length).toBeGreaterThan(1);
    expect(await page.locator('a[href^="/methodology#"]').count()).toBeGreaterThan(0);
    await expectAccessible(page);
  });
}

test("the suppliers page highlights the country class chosen in the form, and its top tables follow", async ({ page }) => {
  await page.goto("/dashboards/suppliers");
  await page.getByLabel("Highlight suppliers").selectOption("uk");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/country=uk/);
  await expect(page.getByRole("heading", { name: /UK-registered share by type of buyer/ })).toBeVisible();
  await expectAccessible(page);
});

test("the co-operatives page lists suppliers of another type and links to their contracts", async ({ page }) => {
  await page.goto("/dashboards/cooperatives?type=vcse");
  await expect(page.getByRole("heading", { name: /VCSEs\): suppliers/ })).toBeVisible();
  const first = page.getByTestId("suppliers-of-type-table").locator("tbody tr").first().getByRole("link").last();
  await first.click();
  await expect(page).toHaveURL(/\/contracts\?supplier=\d+/);
});

test("a bar on the buyer-region chart opens the register filtered to that region", async ({ page }) => {
  await page.goto("/dashboards/regions?fy=2024-25");
  const link = page.getByTestId("table-regions-buyer-sme-share").locator('a[href*="region=TL"]').first();
  const href = (await link.getAttribute("href")) as string;
  expect(href).toContain("fy=2024-25");
  await page.goto(href);
  await expect(page.getByTestId("results")).toBeVisible();
});

test("unknown codes are a 400 naming the parameter", async ({ page }) => {
  for (const [path, param] of [
    ["/dashboards/suppliers?country=mars", "country"],
    ["/dashboards/cooperatives?type=guild", "type"],
    ["/dashboards/regions?region=TLZ", "region"],
    ["/dashboards/missions?mission=moon", "mission"],
  ] as const) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(400);
    await expect(page.locator("main")).toContainText(param);
    await expectAccessible(page);
  }
});

test("an unknown parameter is a 400 naming it, on the page and the API", async ({ page, request }) => {
  const res = await page.goto("/dashboards/regions?regoin=TLD");
  expect(res?.status()).toBe(400);
  await expect(page.locator("main")).toContainText("regoin");
  await expectAccessible(page);
  const api = await request.get("/api/v1/stats/regions?regoin=TLD");
  expect(api.status()).toBe(400);
  expect(api.headers()["content-type"]).toContain("application/problem+json");
  expect(((await api.json()) as { errors: Array<{ param: string }> }).errors.map((e) => e.param)).toEqual(["regoin"]);
});

test("a top overseas group's bar opens its contracts in that CPV family, the register stating the bar's value", async ({ page }) => {
  await page.goto("/dashboards/suppliers");
  const row = page.getByTestId("table-suppliers-top-software").locator("tbody tr").first();
  if ((await row.count()) === 0) return; // no overseas software group in this data
  const href = (await row.locator('a[href^="/contracts?"]').getAttribute("href")) as string;
  expect(href).toContain("cpvFamily=software");
  const m = /£([\d,]+)(?:\.(\d{2}))?/.exec((await row.locator('td[data-series="value"]').textContent()) ?? "")!;
  const pence = BigInt(m[1]!.replace(/,/g, "")) * 100n + BigInt(m[2] ?? "0");
  await page.goto(href);
  await expect(page.getByTestId("result-total")).toHaveAttribute("data-pence", pence.toString());
  await expect(page.getByTestId("policy-filters")).toContainText("software");
});
