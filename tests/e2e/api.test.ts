import { expect, test } from "@playwright/test";
import { expectAccessible } from "../playwright-utils";

test.describe("API and open data", () => {
  test("the API page lists every endpoint from the OpenAPI document and is accessible", async ({ page, request }) => {
    await page.goto("/api");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("API and open data");
    const doc = (await (await request.get("/api/v1/openapi.json")).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    for (const path of Object.keys(doc.paths)) await expect(page.getByText(`GET ${path}`, { exact: true })).toHaveCount(1);
    await expectAccessible(page);
    // An example link answers JSON with money as strings of pence.
    const example = await request.get("/api/v1/contracts?consultancy=yes&limit=5");
    expect(example.status()).toBe(200);
    const body = (await example.json()) as { contracts: Array<{ currentValuePence: string | null }> };
    expect(body.contracts.length).toBeGreaterThan(0);
    expect(body.contracts.every((c) => c.currentValuePence === null || /^\d+$/.test(c.currentValuePence))).toBe(true);
  });

  test("the register's CSV link downloads every row of the view, and its feed is well-formed Atom", async ({ page, request }) => {
    await page.goto("/contracts?consultancy=yes");
    const count = Number(((await page.getByTestId("result-count").textContent()) ?? "").replace(/[^\d]/g, ""));
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download these contracts as CSV" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe("contracts-consultancy.csv");
    const csv = await (await request.get("/contracts.csv?consultancy=yes")).text();
    const lines = csv.trimEnd().split(/\r\n(?=ocds-)/);
    expect(lines[0]).toMatch(/^ocid,title,/);
    expect(lines.length - 1).toBe(count);

    const feedHref = await page.getByRole("link", { name: "Atom feed of this view" }).getAttribute("href");
    const xml = await (await request.get(feedHref!)).text();
    const parsed = await page.evaluate((text) => {
      const d = new DOMParser().parseFromString(text, "application/xml");
      return { error: d.getElementsByTagName("parsererror").length, entries: d.getElementsByTagName("entry").length, root: d.documentElement.namespaceURI };
    }, xml);
    expect(parsed).toEqual({ error: 0, entries: Math.min(50, count), root: "http://www.w3.org/2005/Atom" });
  });
});
