/**
 * /methodology shows the rules as the modules that apply them have them: the
 * sensitive-sector technology rule (app/domain/sectors.ts, CPV labels from
 * app/domain/cpv-labels.ts), how regions are derived
 * (app/domain/postcode-regions.ts), late publication (the flag rule's own
 * wording) and the page cache in force (PAGE_CACHE, PAGE_CACHE_SECONDS).
 * Served by the real HTTP server, so the page is checked as a reader gets it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpvLabel } from "../../app/domain/cpv-labels";
import { latePublicationRule } from "../../app/domain/flags/late-publication";
import { areasByRegion, DISTRICT_REGIONS, itl1FromPostcode } from "../../app/domain/postcode-regions";
import { classifySensitiveSector, DEFAULT_SECTOR_BY_CPV, DEFAULT_TECHNOLOGY_CPV, isTechnology } from "../../app/domain/sectors";
import { ITL1_REGIONS, type Itl1 } from "../../app/domain/types";
import { openTestDatabase, type TestDb } from "../setup/test-db";
import { Client, type Page, startServer, type TestServer, textOf } from "./publish-server";

let t: TestDb;
let server: TestServer;
let page: Page;

beforeAll(async () => {
  t = await openTestDatabase("methodology");
  server = await startServer(t.db, { env: { PAGE_CACHE_SECONDS: "17" } });
  page = await new Client(server.base).get("/methodology");
}, 300_000);

afterAll(async () => {
  await server?.close();
  await t?.close();
});

/** The HTML of the element carrying data-testid, up to the end tag given. */
function block(html: string, testId: string, end: string): string {
  const at = html.indexOf(`data-testid="${testId}"`);
  if (at < 0) throw new Error(`no data-testid="${testId}" on the page`);
  return html.slice(at, html.indexOf(end, at) + end.length);
}

/** The body rows of a table, each as the text of its cells. */
function rows(html: string, testId: string): string[][] {
  const table = block(html, testId, "</table>");
  const body = table.slice(table.indexOf("<tbody"));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => textOf(c[1]!)));
}

const regionName = (r: Itl1) => `${ITL1_REGIONS[r]} (${r})`;

describe("/methodology", () => {
  it("is a page with a contents list whose links all land, and every table has a caption", () => {
    expect(page.status).toBe(200);
    const nav = block(page.html, "contents", "</nav>");
    const targets = [...nav.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
    expect(targets).toEqual(expect.arrayContaining(["sensitive-sectors", "regions", "coverage", "red-flags"]));
    for (const id of targets) expect(page.html, id).toContain(`id="${id}"`);
    const tables = page.html.match(/<table\b[\s\S]*?<\/table>/g) ?? [];
    expect(tables.length).toBeGreaterThanOrEqual(6);
    for (const table of tables) expect(table).toMatch(/<table[^>]*>\s*<caption\b/);
  });

  it("gives the sensitive-sector rule as the module applies it: a sector and technology", () => {
    const text = textOf(page.html);
    expect(text).toContain("when both hold: it has a sensitive sector, and it is technology");
    // The technology table is DEFAULT_TECHNOLOGY_CPV, labelled from the CPV list.
    expect(rows(page.html, "technology-cpv-rule")).toEqual(DEFAULT_TECHNOLOGY_CPV.map((r) => [r.prefix, cpvLabel(r.prefix.padEnd(8, "0")) ?? r.label]));
    expect(rows(page.html, "technology-cpv-rule").find(([p]) => p === "642")?.[1]).toBe("Telecommunications services");
    // Training is not technology, and the page no longer says it is.
    expect(text).not.toContain("Generic technology (cloud, networks, office software, training)");
    const tech = textOf(block(page.html, "technology-summary", "</p>"));
    expect(tech).toContain("805 (training services)");
    expect(tech).toContain("only when its publisher tagged its sector");
    // A sector code that is not technology (851, health services) only names the sector: the module agrees.
    const nonTech = DEFAULT_SECTOR_BY_CPV.filter((r) => !isTechnology([r.prefix])).sort((a, b) => a.prefix.length - b.prefix.length)[0]!;
    expect(nonTech.prefix).toBe("851");
    expect(tech).toContain(`such as ${nonTech.prefix} (${nonTech.label}), only names the sector`);
    expect(classifySensitiveSector({ explicit: null, buyerType: null, cpvCodes: ["85100000"] })).toEqual({ sector: null, rule: "not-technology" });
    expect(classifySensitiveSector({ explicit: null, buyerType: null, cpvCodes: ["85100000", "72000000"] })).toEqual({ sector: "health", rule: "cpv" });
    expect(classifySensitiveSector({ explicit: null, buyerType: "nhs", cpvCodes: [] }).sector).toBeNull();
    expect(classifySensitiveSector({ explicit: "health", buyerType: null, cpvCodes: [] }).sector).toBe("health");
    // The sector table says which sector codes are technology codes too.
    const byCpv = rows(page.html, "sector-cpv-rule");
    expect(byCpv.map((r) => r[0])).toEqual(DEFAULT_SECTOR_BY_CPV.map((r) => r.prefix));
    expect(byCpv.find((r) => r[0] === "851")).toEqual(["851", "Health services", "Health and care", "No"]);
    expect(byCpv.find((r) => r[0] === "48814")?.[3]).toBe("Yes");
    expect(text).toContain("Immigration has no type of buyer or CPV code of its own, so only a publisher's tag puts a contract there.");
  });

  it("says how regions are derived, with every postcode area and district exception of the module", () => {
    const rule = textOf(block(page.html, "region-rule", "</ol>"));
    expect(rule).toContain("address.x_itl1");
    expect(rule).toContain("else unknown");
    const text = textOf(page.html);
    expect(text).toContain("A region is never guessed");
    expect(text).toContain("an outward code on its own (such as PH1) is read only for an organisation registered in the UK");
    expect(itl1FromPostcode("PH1")).toBeNull();
    expect(itl1FromPostcode("PH1", { outwardOnly: true })).toBe("TLM");
    expect(rows(page.html, "postcode-areas")).toEqual(areasByRegion().map((r) => [regionName(r.region), r.areas.join(", ")]));
    expect(text).toContain("An area split between regions (SY) gives a region only through its districts");
    const districts = rows(page.html, "postcode-districts");
    const shown = districts.flatMap((r) => r[1]!.split(", "));
    expect(shown.sort()).toEqual(Object.keys(DISTRICT_REGIONS).sort());
    for (const [region, list] of districts) {
      for (const d of list!.split(", ")) {
        const r = DISTRICT_REGIONS[d]!;
        expect(region, d).toBe(r === null ? "Unknown: the district itself straddles a regional border" : regionName(r));
      }
    }
    expect(districts.find((r) => r[0] === regionName("TLI"))?.[1]).toContain("KT1");
  });

  it("measures late publication to the contract's own publication, in the rule's own words", () => {
    const rules = textOf(block(page.html, "flag-rules", "</dl>"));
    expect(rules).toContain(latePublicationRule.explanation);
    expect(latePublicationRule.explanation).toContain("its own publication date, else the first release that carries it");
  });

  it("states the page cache in force: PAGE_CACHE_SECONDS, deadlines, signed-in officials", () => {
    const cache = textOf(block(page.html, "page-cache-rule", "</p>"));
    expect(cache).toContain("only while nothing has been published, imported or recomputed since it was made, and for at most 17 seconds");
    expect(cache).toContain("a list of open tenders is kept no later than the next deadline in it");
    expect(cache).toContain("Signed-in officials always see fresh pages");
    // Near the coverage text.
    expect(page.html.indexOf('id="freshness"')).toBeGreaterThan(page.html.indexOf('id="coverage"'));
  });

  it("says so when the page cache is off", async () => {
    const off = await startServer(t.db, { env: { PAGE_CACHE: "off" } });
    try {
      const p = await new Client(off.base).get("/methodology");
      const cache = textOf(block(p.html, "page-cache-rule", "</p>"));
      expect(cache).toContain("the page cache is off");
      expect(cache).not.toContain("seconds");
    } finally {
      await off.close();
    }
  });
});
