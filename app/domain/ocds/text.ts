/**
 * Text as published: HTML entities (Contracts Finder writes `Telford &amp;
 * Wrekin Council`, `UK&#039;s`), stray whitespace, nulls where strings are
 * expected; and the normal form of a supplier name used to match suppliers.
 */

/** Common named entities (HTML 5 names); anything not listed is left as written. */
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0",
  pound: "£", euro: "€", cent: "¢", yen: "¥", copy: "©", reg: "®", trade: "™",
  ndash: "–", mdash: "—", hyphen: "‐", lsquo: "‘", rsquo: "’", sbquo: "‚", ldquo: "“", rdquo: "”", bdquo: "„",
  laquo: "«", raquo: "»", lsaquo: "‹", rsaquo: "›", hellip: "…", bull: "•", middot: "·", prime: "′", Prime: "″",
  dagger: "†", Dagger: "‡", permil: "‰", sect: "§", para: "¶", deg: "°", plusmn: "±", times: "×", divide: "÷",
  frac12: "½", frac14: "¼", frac34: "¾", sup1: "¹", sup2: "²", sup3: "³", micro: "µ", ordf: "ª", ordm: "º",
  iexcl: "¡", iquest: "¿", shy: "\u00ad", ensp: "\u2002", emsp: "\u2003", thinsp: "\u2009",
  zwnj: "\u200c", zwj: "\u200d", lrm: "\u200e", rlm: "\u200f", not: "¬", brvbar: "¦", uml: "¨", acute: "´", cedil: "¸",
  szlig: "ß", aelig: "æ", AElig: "Æ", oelig: "œ", OElig: "Œ", oslash: "ø", Oslash: "Ø", eth: "ð", ETH: "Ð",
  thorn: "þ", THORN: "Þ", scaron: "š", Scaron: "Š", zcaron: "ž", Zcaron: "Ž", yuml: "ÿ", Yuml: "Ÿ", fnof: "ƒ",
  aacute: "á", Aacute: "Á", agrave: "à", Agrave: "À", acirc: "â", Acirc: "Â", auml: "ä", Auml: "Ä",
  atilde: "ã", Atilde: "Ã", aring: "å", Aring: "Å", ccedil: "ç", Ccedil: "Ç",
  eacute: "é", Eacute: "É", egrave: "è", Egrave: "È", ecirc: "ê", Ecirc: "Ê", euml: "ë", Euml: "Ë",
  iacute: "í", Iacute: "Í", igrave: "ì", Igrave: "Ì", icirc: "î", Icirc: "Î", iuml: "ï", Iuml: "Ï",
  ntilde: "ñ", Ntilde: "Ñ", oacute: "ó", Oacute: "Ó", ograve: "ò", Ograve: "Ò", ocirc: "ô", Ocirc: "Ô",
  ouml: "ö", Ouml: "Ö", otilde: "õ", Otilde: "Õ", uacute: "ú", Uacute: "Ú", ugrave: "ù", Ugrave: "Ù",
  ucirc: "û", Ucirc: "Û", uuml: "ü", Uuml: "Ü", yacute: "ý", Yacute: "Ý", wcirc: "ŵ", Wcirc: "Ŵ", ycirc: "ŷ", Ycirc: "Ŷ",
};

/**
 * HTML 5 reads numeric references 0x80–0x9F as Windows-1252 (`&#146;` is ’):
 * the characters for 0x80…0x9F in order, a space where Windows-1252 has none.
 */
const WINDOWS_1252 = "€ ‚ƒ„…†‡ˆ‰Š‹Œ Ž  ‘’“”•–—˜™š›œ žŸ";

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;

function fromCodePoint(cp: number, original: string): string {
  const w = cp >= 0x80 && cp <= 0x9f ? WINDOWS_1252.charAt(cp - 0x80) : " ";
  const mapped = w === " " ? cp : w.codePointAt(0) ?? cp;
  if (mapped === 0 || mapped > 0x10ffff || (mapped >= 0xd800 && mapped <= 0xdfff)) return original;
  return String.fromCodePoint(mapped);
}

function decodeOnce(s: string): string {
  return s.replace(ENTITY, (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (dec !== undefined) return fromCodePoint(Number.parseInt(dec, 10), whole);
    if (hex !== undefined) return fromCodePoint(Number.parseInt(hex, 16), whole);
    if (name !== undefined) return NAMED_ENTITIES[name] ?? whole;
    return whole;
  });
}

/**
 * Decode HTML character references: decimal (`&#039;`), hexadecimal
 * (`&#xA3;`) and the common named ones (`&amp;`, `&eacute;`, `&pound;` …).
 * Unknown names and invalid code points are left as written.
 *
 * Contracts Finder sometimes encodes twice (`GEN II Engineering &amp;amp;
 * Technology`), so decoding repeats while it changes something, up to three
 * times. The price: text that really means the characters "&amp;" (written
 * `&amp;amp;`) is read as "&" — acceptable for notices.
 */
export function decodeEntities(s: string): string {
  let out = s;
  for (let pass = 0; pass < 3 && out.includes("&"); pass++) {
    const next = decodeOnce(out);
    if (next === out) break;
    out = next;
  }
  return out;
}

/** A published text value: entities decoded, trimmed; empty or not a string → null. */
export function cleanText(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const t = decodeEntities(v).trim();
  return t === "" ? null : t;
}

/** Legal-form words dropped from the end of a name (after punctuation is removed). */
const LEGAL_SUFFIXES = new Set([
  "ltd", "limited", "plc", "llp", "lp", "llc", "inc", "incorporated", "co", "cic", "cyf", "cyfyngedig", "ccc", "gmbh", "bv",
]);

/**
 * The form of an organisation name used to match suppliers across releases:
 * entities decoded, accents folded, lower case, anything after "t/a" or
 * "trading as" dropped, "&" read as "and", apostrophes and dots removed, other
 * punctuation read as a space, a leading "the" and trailing legal forms (ltd,
 * limited, plc, llp, "& co" …) dropped, spaces collapsed. Never strips a name
 * to nothing: "Limited" alone stays "limited".
 *
 *   normaliseName("PETER DISPLAYS LTD T/A LIMELIGHT") === "peter displays"
 *   normaliseName("Bristow &amp; Sutor") === "bristow and sutor"
 */
export function normaliseName(name: string): string {
  let s = decodeEntities(name).normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
  const trading = s.replace(/(^|[^\p{L}\p{N}])(t\/as?|t\/a\.|trading as)([^\p{L}\p{N}].*|)$/su, "$1");
  if (/[\p{L}\p{N}]/u.test(trading)) s = trading;
  s = s.replace(/&/g, " and ");
  s = s.replace(/['’‘`.]/g, "");
  s = s.replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  const words = s === "" ? [] : s.split(" ");
  const kept = [...words];
  if (kept.length > 1 && kept[0] === "the") kept.shift();
  for (;;) {
    const last = kept[kept.length - 1];
    if (kept.length > 1 && last !== undefined && LEGAL_SUFFIXES.has(last)) {
      kept.pop();
      if (last === "co" && kept.length > 1 && kept[kept.length - 1] === "and") kept.pop();
      continue;
    }
    break;
  }
  return kept.join(" ");
}
