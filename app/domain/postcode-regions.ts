/**
 * UK postcode → ITL1 region (TLC North East … TLN Northern Ireland), for
 * parties whose publisher gives a postcode but no region (`address.x_itl1`):
 * nearly all real data.
 *
 * The rule, in order:
 *  1. the text must be a whole UK postcode (outward code, then inward code
 *     "9AA"; spaces and case do not matter): anything else is null, never a
 *     guess — so an Irish Eircode such as "D02 X285" or "N37 A1B2" is not read
 *     as a London or Belfast code. An outward code on its own ("PH1") is read
 *     only when the caller knows the country is the UK (`outwardOnly`).
 *  2. the postcode district (area letters and district number, e.g. "KT19")
 *     when it is listed in DISTRICT_REGIONS: areas that straddle a regional
 *     border are listed district by district (outer London, the Welsh and
 *     Scottish borders, Derbyshire's Sheffield and Stockport districts…); a
 *     district that itself straddles the border is listed as null (unknown);
 *  3. else the postcode area (the letters before the digits, e.g. "M", "SW",
 *     "EH") from AREA_REGIONS, which lists all 121 areas of Great Britain and
 *     Northern Ireland; an area split across regions with no single answer for
 *     an unlisted district (SY) is null;
 *  4. Channel Islands (GY, JE), Isle of Man (IM), BFPO and anything unknown → null.
 *
 * An area is given the region where all (or, for a few rural fringes, nearly
 * all) of its addresses lie; the methodology page says so. Pure: no I/O.
 */
import { ITL1_REGIONS, type Itl1 } from "./types";

/** Postcode area → ITL1 region (null: split, see DISTRICT_REGIONS). */
export const AREA_REGIONS: Readonly<Record<string, Itl1 | null>> = {
  // North East
  NE: "TLC", DH: "TLC", SR: "TLC", TS: "TLC", DL: "TLC",
  // North West
  M: "TLD", L: "TLD", WA: "TLD", WN: "TLD", BL: "TLD", BB: "TLD", OL: "TLD", SK: "TLD", PR: "TLD", FY: "TLD", LA: "TLD", CA: "TLD", CW: "TLD", CH: "TLD",
  // Yorkshire and The Humber
  LS: "TLE", BD: "TLE", HX: "TLE", HD: "TLE", WF: "TLE", HG: "TLE", YO: "TLE", HU: "TLE", DN: "TLE", S: "TLE",
  // East Midlands
  DE: "TLF", NG: "TLF", LE: "TLF", LN: "TLF", NN: "TLF",
  // West Midlands
  B: "TLG", CV: "TLG", WS: "TLG", WV: "TLG", DY: "TLG", ST: "TLG", TF: "TLG", WR: "TLG", HR: "TLG",
  // East of England
  CB: "TLH", CM: "TLH", CO: "TLH", IP: "TLH", NR: "TLH", SS: "TLH", SG: "TLH", LU: "TLH", AL: "TLH", WD: "TLH", EN: "TLH", PE: "TLH",
  // London
  E: "TLI", EC: "TLI", N: "TLI", NW: "TLI", SE: "TLI", SW: "TLI", W: "TLI", WC: "TLI",
  HA: "TLI", UB: "TLI", IG: "TLI", RM: "TLI", BR: "TLI", CR: "TLI", SM: "TLI", TW: "TLI",
  // South East
  RG: "TLJ", SL: "TLJ", OX: "TLJ", HP: "TLJ", MK: "TLJ", GU: "TLJ", PO: "TLJ", SO: "TLJ", BN: "TLJ", RH: "TLJ", TN: "TLJ", ME: "TLJ", CT: "TLJ", DA: "TLJ", KT: "TLJ",
  // South West
  BS: "TLK", BA: "TLK", GL: "TLK", SN: "TLK", SP: "TLK", BH: "TLK", DT: "TLK", TA: "TLK", EX: "TLK", TQ: "TLK", PL: "TLK", TR: "TLK",
  // Wales
  CF: "TLL", NP: "TLL", SA: "TLL", LD: "TLL", LL: "TLL", SY: null,
  // Scotland
  AB: "TLM", DD: "TLM", DG: "TLM", EH: "TLM", FK: "TLM", G: "TLM", HS: "TLM", IV: "TLM", KA: "TLM", KW: "TLM", KY: "TLM", ML: "TLM", PA: "TLM", PH: "TLM", TD: "TLM", ZE: "TLM",
  // Northern Ireland
  BT: "TLN",
};

const range = (area: string, from: number, to: number, region: Itl1 | null): Array<[string, Itl1 | null]> => {
  const out: Array<[string, Itl1 | null]> = [];
  for (let n = from; n <= to; n++) out.push([`${area}${n}`, region]);
  return out;
};

/**
 * Districts whose region differs from their area's (null: the district itself
 * straddles a regional border, so its region is unknown).
 */
export const DISTRICT_REGIONS: Readonly<Record<string, Itl1 | null>> = Object.fromEntries<Itl1 | null>([
  // North Yorkshire districts of DL and TS
  ...range("DL", 6, 11, "TLE"),
  ["TS9", "TLE"],
  // Todmorden (Calderdale); Derbyshire's High Peak (SK); Cheshire–Staffordshire and Lancashire–North Yorkshire fringes
  ["OL14", "TLE"],
  ["SK13", "TLF"], ["SK17", "TLF"], ["SK22", "TLF"], ["SK23", "TLF"],
  ["CW3", null], ["LA6", null],
  // Chester: Flintshire districts are Wales
  ["CH4", null], ...range("CH", 5, 8, "TLL"),
  // Sheffield area districts in Derbyshire and Nottinghamshire
  ["S18", "TLF"], ["S21", "TLF"], ["S32", "TLF"], ["S33", "TLF"], ...range("S", 40, 45, "TLF"), ["S80", "TLF"], ["S81", "TLF"],
  // Doncaster area: Gainsborough (Lincolnshire), Retford (Nottinghamshire), Bawtry (both)
  ["DN10", null], ["DN21", "TLF"], ["DN22", "TLF"],
  // Burton upon Trent (Staffordshire)
  ...range("DE", 13, 15, "TLG"),
  // Leicestershire–Warwickshire and Staffordshire–Cheshire fringes
  ["CV13", null], ["ST7", null],
  // Shrewsbury area: Shropshire, Malpas (Cheshire), mid Wales
  ...range("SY", 1, 13, "TLG"), ["SY14", "TLD"], ...range("SY", 15, 25, "TLL"),
  // Lincolnshire and Northamptonshire districts of PE
  ...range("PE", 8, 12, "TLF"), ...range("PE", 20, 25, "TLF"),
  // Enfield and Barnet (London)
  ...range("EN", 1, 5, "TLI"),
  // Essex districts of IG and RM; Kent, Surrey districts of BR, CR, SM, TW; Harefield/Denham
  ["IG7", "TLH"], ["IG9", "TLH"], ["IG10", "TLH"],
  ...range("RM", 15, 20, "TLH"),
  ["BR8", "TLJ"], ["CR3", "TLJ"], ["CR6", "TLJ"], ["SM7", "TLJ"], ...range("TW", 15, 20, "TLJ"),
  ["UB9", null],
  // Kingston upon Thames and Bexley (London) districts of KT and DA
  ...range("KT", 1, 6, "TLI"), ["KT9", "TLI"],
  ...range("DA", 5, 8, "TLI"), ...range("DA", 14, 18, "TLI"),
  // Hertfordshire districts of HP; Bedford districts of MK
  ...range("HP", 1, 4, "TLH"), ["HP23", "TLH"],
  ["MK17", null], ...range("MK", 40, 45, "TLH"),
  // Hampshire and Oxfordshire districts of SP, BH and SN
  ["SP6", "TLJ"], ["SP10", "TLJ"], ["SP11", "TLJ"], ["BH24", "TLJ"], ["BH25", "TLJ"], ["SN7", "TLJ"],
  // Berwick-upon-Tweed (Northumberland)
  ["TD15", "TLC"],
]);

/** Areas that are in the UK postcode system but not in ITL1 UK: Guernsey, Jersey, Isle of Man. */
export const NON_ITL_AREAS: readonly string[] = ["GY", "JE", "IM"];

const FULL = /^([A-Z]{1,2})(\d{1,2}|\d[A-Z])(\d[A-Z]{2})$/;
const OUTWARD = /^([A-Z]{1,2})(\d{1,2}|\d[A-Z])$/;

export interface PostcodeParts {
  /** The postcode area: "SW". */
  area: string;
  /** The district: area and district number without a sub-district letter, "SW1" for SW1A. */
  district: string;
  /** The outward code as written, "SW1A". */
  outward: string;
  /** The inward code, "1AA"; null for an outward code alone. */
  inward: string | null;
}

/** A UK postcode taken apart (spaces and case ignored); null when the text is not one. */
export function parsePostcode(text: unknown, opts: { outwardOnly?: boolean } = {}): PostcodeParts | null {
  if (typeof text !== "string") return null;
  const s = text.toUpperCase().replace(/\s+/g, "");
  if (s.length < 2 || s.length > 7) return null;
  const m = FULL.exec(s) ?? (opts.outwardOnly ? OUTWARD.exec(s) : null);
  if (!m) return null;
  const area = m[1]!;
  const dist = m[2]!;
  const number = /^\d+/.exec(dist)![0];
  return { area, district: `${area}${number}`, outward: `${area}${dist}`, inward: m[3] ?? null };
}

/**
 * The ITL1 region of a UK postcode, or null when it is not a UK postcode, is
 * outside ITL1 UK (Channel Islands, Isle of Man) or lies in a district split
 * between regions. `outwardOnly`: also read an outward code on its own (use it
 * only when the address is known to be in the UK).
 */
export function itl1FromPostcode(postcode: unknown, opts: { outwardOnly?: boolean } = {}): Itl1 | null {
  const p = parsePostcode(postcode, opts);
  if (!p) return null;
  if (Object.hasOwn(DISTRICT_REGIONS, p.district)) return DISTRICT_REGIONS[p.district] ?? null;
  if (!Object.hasOwn(AREA_REGIONS, p.area)) return null;
  return AREA_REGIONS[p.area] ?? null;
}

/** The areas of each region, for the methodology page. */
export function areasByRegion(): Array<{ region: Itl1; name: string; areas: string[] }> {
  return (Object.keys(ITL1_REGIONS) as Itl1[]).map((region) => ({
    region,
    name: ITL1_REGIONS[region],
    areas: Object.entries(AREA_REGIONS)
      .filter(([, r]) => r === region)
      .map(([a]) => a),
  }));
}
