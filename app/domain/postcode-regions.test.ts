import { describe, expect, it } from "vitest";
import { AREA_REGIONS, DISTRICT_REGIONS, NON_ITL_AREAS, areasByRegion, itl1FromPostcode, parsePostcode } from "./postcode-regions";
import { ITL1_REGIONS } from "./types";

describe("itl1FromPostcode", () => {
  // Real postcodes (most of them from the buyers and suppliers of ../shared/data/real), at least one per region.
  it.each([
    ["NE1 7RU", "TLC"], // Newcastle upon Tyne
    ["SR1 3QD", "TLC"], // Sunderland
    ["TS17 6BJ", "TLC"], // Thornaby-on-Tees
    ["M1 3BG", "TLD"], // Manchester
    ["L3 9PP", "TLD"], // Liverpool
    ["CH41 2AB", "TLD"], // Birkenhead (Wirral)
    ["LS1 4PL", "TLE"], // Leeds
    ["HU6 7RX", "TLE"], // Hull
    ["S70 2TA", "TLE"], // Barnsley
    ["NG2 3NG", "TLF"], // Nottingham
    ["LE1 1FZ", "TLF"], // Leicester
    ["S80 2AH", "TLF"], // Worksop (Nottinghamshire) though in the Sheffield area
    ["B4 7DJ", "TLG"], // Birmingham
    ["TF3 4JA", "TLG"], // Telford
    ["SY2 6ND", "TLG"], // Shrewsbury
    ["IP1 2BX", "TLH"], // Ipswich
    ["CB3 0AP", "TLH"], // Cambridge
    ["PE29 3TN", "TLH"], // Huntingdon
    ["SW1A 2AH", "TLI"], // Westminster
    ["EC3N 4DH", "TLI"], // City of London
    ["EN2 9HG", "TLI"], // Enfield
    ["KT1 2DN", "TLI"], // Kingston upon Thames
    ["OX1 1ND", "TLJ"], // Oxford
    ["KT15 2AH", "TLJ"], // Addlestone (Surrey)
    ["TW20 0EX", "TLJ"], // Egham (Surrey)
    ["TR1 3AY", "TLK"], // Truro
    ["GL3 1HW", "TLK"], // Gloucester
    ["SA31 3EZ", "TLL"], // Carmarthen
    ["LD3 8PN", "TLL"], // Brecon
    ["EH1 1HT", "TLM"], // Edinburgh
    ["G2 8LU", "TLM"], // Glasgow
    ["AB24 3FX", "TLM"], // Aberdeen
    ["BT1 5GS", "TLN"], // Belfast
  ])("%s → %s", (postcode, region) => {
    expect(itl1FromPostcode(postcode)).toBe(region);
  });

  it("ignores spaces and case", () => {
    expect(itl1FromPostcode("ne18qh")).toBe("TLC");
    expect(itl1FromPostcode(" e16 2QU ")).toBe("TLI");
    expect(itl1FromPostcode("KT198QT")).toBe("TLJ"); // KT19 8QT, Ewell: not KT1
    expect(itl1FromPostcode("SE16LH")).toBe("TLI"); // SE1 6LH
  });

  it("covers every one of the twelve regions", () => {
    const seen = new Set(
      ["NE1 7RU", "M1 3BG", "LS1 4PL", "NG2 3NG", "B4 7DJ", "IP1 2BX", "SW1A 2AH", "OX1 1ND", "TR1 3AY", "SA31 3EZ", "EH1 1HT", "BT1 5GS"].map((p) =>
        itl1FromPostcode(p),
      ),
    );
    expect([...seen].sort()).toEqual(Object.keys(ITL1_REGIONS).sort());
  });

  it.each([
    [""],
    ["   "],
    ["SW1A"], // an outward code alone, country unknown
    ["12345"], // a US ZIP code
    ["D02 X285"], // an Irish Eircode
    ["N37 A1B2"], // an Eircode whose routing key looks like a London district
    ["XX1 1AA"], // no such area
    ["Q1 1AA"],
    ["JE1 1BY"], // Jersey: not in ITL1 UK
    ["GY1 1AA"], // Guernsey
    ["IM1 1AA"], // Isle of Man
    ["BFPO 123"],
    ["GIR 0AA"],
    ["SW1A 2AHX"],
    ["CH4 8AA"], // Chester/Flintshire: the district straddles England and Wales
    ["SY1"], // outward alone
  ])("%j → null (never guessed)", (postcode) => {
    expect(itl1FromPostcode(postcode)).toBeNull();
  });

  it("is null for what is not text", () => {
    expect(itl1FromPostcode(null)).toBeNull();
    expect(itl1FromPostcode(undefined)).toBeNull();
    expect(itl1FromPostcode(12345)).toBeNull();
  });

  it("reads an outward code alone only when asked (the address is known to be in the UK)", () => {
    expect(itl1FromPostcode("PH1")).toBeNull();
    expect(itl1FromPostcode("PH1", { outwardOnly: true })).toBe("TLM");
    expect(itl1FromPostcode("eh1", { outwardOnly: true })).toBe("TLM");
    expect(itl1FromPostcode("D02", { outwardOnly: true })).toBeNull();
  });

  it("splits border areas district by district", () => {
    expect(itl1FromPostcode("SY14 8AB")).toBe("TLD"); // Malpas, Cheshire
    expect(itl1FromPostcode("SY16 1AA")).toBe("TLL"); // Newtown, Powys
    expect(itl1FromPostcode("SY99 1AA")).toBeNull(); // not a listed district of a split area
    expect(itl1FromPostcode("CH5 2NR")).toBe("TLL"); // Deeside, Flintshire
    expect(itl1FromPostcode("TD15 1AA")).toBe("TLC"); // Berwick-upon-Tweed
    expect(itl1FromPostcode("TD1 1AA")).toBe("TLM"); // Galashiels
    expect(itl1FromPostcode("DE14 1AA")).toBe("TLG"); // Burton upon Trent
    expect(itl1FromPostcode("RM17 5AA")).toBe("TLH"); // Grays, Thurrock
    expect(itl1FromPostcode("DA14 6AA")).toBe("TLI"); // Sidcup, Bexley
    expect(itl1FromPostcode("DA1 1AA")).toBe("TLJ"); // Dartford, Kent
  });
});

describe("the tables", () => {
  it("list the 121 postcode areas of Great Britain and Northern Ireland, each once, with ITL1 codes only", () => {
    expect(Object.keys(AREA_REGIONS)).toHaveLength(121);
    for (const [area, region] of Object.entries(AREA_REGIONS)) {
      expect(area).toMatch(/^[A-Z]{1,2}$/);
      if (region !== null) expect(Object.keys(ITL1_REGIONS)).toContain(region);
    }
    for (const a of NON_ITL_AREAS) expect(AREA_REGIONS[a]).toBeUndefined();
  });

  it("list districts of known areas only, with ITL1 codes or null", () => {
    for (const [district, region] of Object.entries(DISTRICT_REGIONS)) {
      const p = parsePostcode(`${district} 1AA`);
      expect(p?.district, district).toBe(district);
      expect(Object.hasOwn(AREA_REGIONS, p!.area), district).toBe(true);
      if (region !== null) expect(Object.keys(ITL1_REGIONS)).toContain(region);
    }
  });

  it("group the areas by region for the methodology page", () => {
    const by = areasByRegion();
    expect(by).toHaveLength(12);
    expect(by.find((r) => r.region === "TLN")?.areas).toEqual(["BT"]);
    expect(by.reduce((n, r) => n + r.areas.length, 0)).toBe(120); // SY is split
  });
});

describe("parsePostcode", () => {
  it("takes a postcode apart", () => {
    expect(parsePostcode("sw1a 2aa")).toEqual({ area: "SW", district: "SW1", outward: "SW1A", inward: "2AA" });
    expect(parsePostcode("M11AE")).toEqual({ area: "M", district: "M1", outward: "M1", inward: "1AE" });
    expect(parsePostcode("KT19 8QT")).toEqual({ area: "KT", district: "KT19", outward: "KT19", inward: "8QT" });
    expect(parsePostcode("not a postcode")).toBeNull();
  });
});
