import { expect, test } from "@playwright/test";
import { expectAccessible } from "../playwright-utils";

test.describe("opportunities", () => {
  test("lists open and upcoming tenders with deadlines, filters them in the URL, and links the feed", async ({ page }) => {
    await page.goto("/opportunities");
    await expect(page.getByRole("heading", { name: "Opportunities", level: 1 })).toBeVisible();
    await expect(page.getByTestId("result-count")).toHaveText(/\d+ opportunit/);
    const rows = page.getByTestId("results").locator("tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
    await expect(rows.first().getByTestId("days-left")).toHaveText(/day|24 hours|not published/);
    await expectAccessible(page);

    // The page advertises its feed.
    const alternate = page.locator('head link[rel="alternate"][type="application/atom+xml"]');
    await expect(alternate).toHaveAttribute("href", "/opportunities/feed.atom");

    // Filter: suitable for SMEs, sorted by value.
    await page.getByLabel("SMEs").check();
    await page.getByLabel("Sort by").selectOption("value");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/sme=yes/);
    await expect(page).toHaveURL(/sort=value/);
    const filtered = page.getByTestId("results").locator("tbody tr");
    const n = await filtered.count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) await expect(filtered.nth(i)).toContainText("Suitable for SMEs");
    await expect(page.getByTestId("feed-link")).toHaveAttribute("href", "/opportunities/feed.atom?sme=yes&sort=value");
    await expect(alternate).toHaveAttribute("href", "/opportunities/feed.atom?sme=yes&sort=value");
  });

  test("works without JavaScript", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/opportunities");
    await page.getByLabel("Stage").selectOption("open");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/stage=open/);
    await expect(page.getByTestId("result-count")).toHaveText(/\d+ opportunit/);
    await context.close();
  });

  test("an opportunity shows its description, lots, documents, key dates, how to respond and the buyer's SME record", async ({ page }) => {
    await page.goto("/opportunities?stage=open");
    const href = await page.getByTestId("results").locator("tbody tr a").first().getAttribute("href");
    expect(href).toMatch(/^\/opportunities\/ocds-/);
    await page.goto(href!);
    await expect(page.getByTestId("stage")).toHaveText("Open for bids");
    for (const name of ["How to respond", "Key dates", "Summary", "Description", "Lots", "Documents", "This buyer's record with SMEs"]) {
      await expect(page.getByRole("heading", { name, level: 2 })).toBeVisible();
    }
    await expect(page.getByTestId("deadline")).toContainText(/day|24 hours/);
    await expect(page.getByTestId("how-to-respond")).toContainText(/Respond on the buyer's tender site|no link for responses/);
    await expect(page.getByTestId("sme-record")).toContainText(/went to small and medium-sized enterprises|Not available/);
    await expectAccessible(page);
  });

  test("the Atom feed of a filtered view is well-formed Atom whose entries link to opportunity pages", async ({ page, request }) => {
    await page.goto("/opportunities?stage=open&sme=yes");
    const count = Number(((await page.getByTestId("result-count").textContent()) ?? "").replace(/\D/g, ""));
    const res = await request.get("/opportunities/feed.atom?stage=open&sme=yes");
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("application/atom+xml");
    const xml = await res.text();
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, "application/xml");
      const ns = "http://www.w3.org/2005/Atom";
      return {
        error: doc.getElementsByTagName("parsererror").length > 0,
        root: doc.documentElement.localName,
        ns: doc.documentElement.namespaceURI,
        id: doc.documentElement.getElementsByTagNameNS(ns, "id")[0]?.textContent ?? null,
        updated: doc.documentElement.getElementsByTagNameNS(ns, "updated")[0]?.textContent ?? null,
        self: doc.querySelector('feed > link[rel="self"]')?.getAttribute("href") ?? null,
        entries: [...doc.getElementsByTagNameNS(ns, "entry")].map((e) => ({
          id: e.getElementsByTagNameNS(ns, "id")[0]?.textContent ?? null,
          title: e.getElementsByTagNameNS(ns, "title")[0]?.textContent ?? null,
          updated: e.getElementsByTagNameNS(ns, "updated")[0]?.textContent ?? null,
          link: e.getElementsByTagNameNS(ns, "link")[0]?.getAttribute("href") ?? null,
        })),
      };
    }, xml);
    expect(parsed.error).toBe(false);
    expect(parsed.root).toBe("feed");
    expect(parsed.ns).toBe("http://www.w3.org/2005/Atom");
    expect(parsed.id).toMatch(/\/opportunities\/feed\.atom\?stage=open&sme=yes$/);
    expect(parsed.self).toBe(parsed.id);
    expect(parsed.updated).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(parsed.entries.length).toBe(Math.min(count, 50));
    for (const e of parsed.entries) {
      expect(e.title).toBeTruthy();
      expect(e.updated).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(e.link).toMatch(/\/opportunities\/ocds-/);
    }
    const entry = await page.goto(new URL(parsed.entries[0]!.link!).pathname);
    expect(entry?.status()).toBe(200);
  });

  test("bad filters give a 400 naming the parameter, on the page and the feed", async ({ page, request }) => {
    const res = await page.goto("/opportunities?deadlineTo=next-week&minValue=-5");
    expect(res?.status()).toBe(400);
    await expect(page.locator("main")).toContainText("deadlineTo");
    await expect(page.locator("main")).toContainText("minValue");
    await expectAccessible(page);
    const feed = await request.get("/opportunities/feed.atom?deadlineFrom=2025-13-45");
    expect(feed.status()).toBe(400);
    expect(feed.headers()["content-type"]).toContain("application/problem+json");
    const body = (await feed.json()) as { errors: { param: string }[] };
    expect(body.errors.map((e) => e.param)).toEqual(["deadlineFrom"]);
  });

  test("an unknown opportunity is a 404 page", async ({ page }) => {
    const res = await page.goto("/opportunities/ocds-nothing-here");
    expect(res?.status()).toBe(404);
  });
});
