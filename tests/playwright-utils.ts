import AxeBuilder from "@axe-core/playwright";
import { type Page, expect } from "@playwright/test";

/** Run axe-core (WCAG 2.2 A/AA rules) on the page and require no violations. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}
