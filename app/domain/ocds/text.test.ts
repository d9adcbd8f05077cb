import { describe, expect, it } from "vitest";
import { cleanText, decodeEntities, normaliseName } from "./text";

describe("decodeEntities", () => {
  it("decodes numeric references, decimal and hexadecimal", () => {
    expect(decodeEntities("UK&#039;s national")).toBe("UK's national");
    expect(decodeEntities("&#39;quoted&#x27;")).toBe("'quoted'");
    expect(decodeEntities("&#xA3;100")).toBe("£100");
  });

  it("decodes common named entities", () => {
    expect(decodeEntities("Telford &amp; Wrekin Council")).toBe("Telford & Wrekin Council");
    expect(decodeEntities("caf&eacute;")).toBe("café");
    expect(decodeEntities("&pound;5 &bull; &quot;x&quot; &lt;b&gt; &apos;y&apos;")).toBe("£5 • \"x\" <b> 'y'");
  });

  it("reads 0x80–0x9F references as Windows-1252, as browsers do", () => {
    expect(decodeEntities("Children&#146;s")).toBe("Children’s");
    expect(decodeEntities("&#150;")).toBe("–");
  });

  it("decodes text encoded twice (as Contracts Finder sometimes publishes it)", () => {
    expect(decodeEntities("GEN II Engineering &amp;amp; Technology")).toBe("GEN II Engineering & Technology");
    expect(decodeEntities("People&amp;#039;s")).toBe("People's");
  });

  it("leaves unknown or invalid references alone", () => {
    expect(decodeEntities("&notanentity; & &#0; &#xD800;")).toBe("&notanentity; & &#0; &#xD800;");
    expect(decodeEntities("AT&T")).toBe("AT&T");
  });
});

describe("cleanText", () => {
  it("decodes and trims", () => {
    expect(cleanText("  Telford &amp; Wrekin Council \r\n")).toBe("Telford & Wrekin Council");
  });
  it("gives null for empty text and for anything not a string", () => {
    expect(cleanText("")).toBeNull();
    expect(cleanText("   ")).toBeNull();
    expect(cleanText("&nbsp;")).toBeNull();
    expect(cleanText(null)).toBeNull();
    expect(cleanText(undefined)).toBeNull();
    expect(cleanText(42)).toBeNull();
    expect(cleanText({ en: "x" })).toBeNull();
  });
});

describe("normaliseName", () => {
  it("drops legal forms, case and punctuation", () => {
    expect(normaliseName("ACME Widgets Ltd.")).toBe("acme widgets");
    expect(normaliseName("Acme Widgets Limited")).toBe("acme widgets");
    expect(normaliseName("ACME WIDGETS PLC")).toBe("acme widgets");
    expect(normaliseName("Mazars LLP")).toBe("mazars");
    expect(normaliseName("ARCADIS (UK) LIMITED")).toBe("arcadis uk");
  });

  it("drops what follows t/a or trading as", () => {
    expect(normaliseName("PETER DISPLAYS LTD T/A LIMELIGHT")).toBe("peter displays");
    expect(normaliseName("DENNIS EAGLE LIMITED (t/a Terberg Matec UK)")).toBe(normaliseName("DENNIS EAGLE LIMITED"));
    expect(normaliseName("J Smith trading as Smith Plumbing")).toBe("j smith");
    // ...but not letters that merely contain "t/a"
    expect(normaliseName("Cat/Art Studio Ltd")).toBe("cat art studio");
  });

  it("decodes entities, reads & as and, folds accents, drops apostrophes and a leading 'the'", () => {
    expect(normaliseName("Bristow &amp; Sutor")).toBe("bristow and sutor");
    expect(normaliseName("Bristow and Sutor")).toBe("bristow and sutor");
    expect(normaliseName("Young People&#039;s Counselling")).toBe("young peoples counselling");
    expect(normaliseName("Café Société Ltd")).toBe("cafe societe");
    expect(normaliseName("The Environment Partnership (TEP) Limited")).toBe("environment partnership tep");
    expect(normaliseName("Smith & Co Ltd")).toBe("smith");
    expect(normaliseName("  T. H.   WHITE  LIMITED ")).toBe("t h white");
  });

  it("never reduces a name to nothing", () => {
    expect(normaliseName("Limited")).toBe("limited");
    expect(normaliseName("The")).toBe("the");
    expect(normaliseName("T/A Something")).toBe("t a something");
    expect(normaliseName("")).toBe("");
  });
});
