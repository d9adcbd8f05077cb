import { describe, expect, it } from "vitest";
import { atomDate, atomFeed, xmlEscape } from "./atom.server";

describe("atom writer", () => {
  it("escapes markup and drops characters XML 1.0 forbids", () => {
    expect(xmlEscape(`a & b <c> "d" 'e'`)).toBe("a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;");
    expect(xmlEscape("bell\u0007 nul\u0000 tab\t ok\n")).toBe("bell nul tab\t ok\n");
    expect(xmlEscape("lone \uD800 surrogate, pair 😀")).toBe("lone  surrogate, pair 😀");
  });

  it("writes a feed whose updated is the newest entry's, with entries in the order given", () => {
    const xml = atomFeed({
      id: "https://x.test/feed",
      title: "T & U",
      fallbackUpdated: new Date("2020-01-01T00:00:00Z"),
      selfHref: "https://x.test/feed?a=1&b=2",
      entries: [
        { id: "https://x.test/1", title: "One", updated: "2024-05-02T10:00:00.123Z", link: "https://x.test/1", categories: [{ term: "72000000", scheme: "https://ted.europa.eu/cpv" }] },
        { id: "https://x.test/2", title: "Two", updated: new Date("2024-05-01T00:00:00Z"), link: "https://x.test/2", summary: "s" },
      ],
    });
    expect(xml).toContain("<title>T &amp; U</title>");
    expect(xml).toContain('<link rel="self" type="application/atom+xml" href="https://x.test/feed?a=1&amp;b=2"/>');
    expect(xml).toContain("  <updated>2024-05-02T10:00:00Z</updated>");
    expect(xml.indexOf("https://x.test/1</id>")).toBeLessThan(xml.indexOf("https://x.test/2</id>"));
    expect(xml).toContain('<category term="72000000" scheme="https://ted.europa.eu/cpv"/>');
    expect(atomFeed({ id: "i", title: "t", fallbackUpdated: new Date("2020-01-01T00:00:00Z"), selfHref: "s", entries: [] })).toContain("<updated>2020-01-01T00:00:00Z</updated>");
    expect(atomDate("2024-01-01T00:00:00+01:00")).toBe("2023-12-31T23:00:00Z");
  });
});
