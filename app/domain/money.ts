/**
 * Money is integer pence (`bigint`), never floats. These helpers convert
 * published amounts to pence exactly and format pence for people.
 */

/**
 * Convert a published amount in pounds (number or decimal string, e.g. 1234.5
 * or "1234.50") to integer pence, exactly. Returns null for null, empty,
 * non-finite or non-numeric input. Amounts with more than two decimal places
 * are rounded half away from zero to the nearest penny.
 */
export function penceFromAmount(amount: unknown): bigint | null {
  if (amount === null || amount === undefined) return null;
  let text: string;
  if (typeof amount === "number") {
    if (!Number.isFinite(amount)) return null;
    // Shortest round-trip representation; avoids 0.1+0.2 style artefacts.
    text = numberToPlainString(amount);
  } else if (typeof amount === "string") {
    text = amount.trim().replace(/,/g, "");
    if (text === "") return null;
  } else if (typeof amount === "bigint") {
    return amount * 100n;
  } else {
    return null;
  }
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return null;
  const sign = m[1] === "-" ? -1n : 1n;
  let digits = (m[2] || "0") + (m[3] ?? "");
  let scale = (m[3] ?? "").length - Number(m[4] ?? 0);
  // value = digits × 10^-scale; want round(value × 100)
  scale -= 2;
  if (scale <= 0) {
    return sign * BigInt(digits) * 10n ** BigInt(-scale);
  }
  if (digits.length <= scale) digits = "0".repeat(scale - digits.length + 1) + digits;
  const whole = BigInt(digits.slice(0, digits.length - scale) || "0");
  const rest = digits.slice(digits.length - scale);
  const roundUp = rest[0] !== undefined && rest[0] >= "5";
  return sign * (whole + (roundUp ? 1n : 0n));
}

function numberToPlainString(n: number): string {
  return String(n);
}

/** Pounds as a decimal string for exports ("1234.50"), exact. */
export function amountFromPence(pence: bigint): string {
  const neg = pence < 0n;
  const abs = neg ? -pence : pence;
  const pounds = abs / 100n;
  const p = (abs % 100n).toString().padStart(2, "0");
  return `${neg ? "-" : ""}${pounds}.${p}`;
}

/** Pounds as a JSON number for OCDS `value.amount` (exact for any value below 2^53 pence). */
export function amountNumberFromPence(pence: bigint): number {
  return Number(amountFromPence(pence));
}

const groupThousands = (s: string) => s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** Exact pounds for tables: "£1,234,567" (whole pounds) or "£1,234.50" when there are pence. */
export function formatPounds(pence: bigint | null | undefined, opts: { pence?: boolean } = {}): string {
  if (pence === null || pence === undefined) return "–";
  const neg = pence < 0n;
  const abs = neg ? -pence : pence;
  const pounds = groupThousands((abs / 100n).toString());
  const rem = abs % 100n;
  const tail = opts.pence || (opts.pence === undefined && rem !== 0n) ? `.${rem.toString().padStart(2, "0")}` : "";
  return `${neg ? "-" : ""}£${pounds}${tail}`;
}

/** Headline money: "£1.2m", "£745m", "£1.49bn", "£12k", "£950". */
export function formatHeadline(pence: bigint | null | undefined): string {
  if (pence === null || pence === undefined) return "–";
  const neg = pence < 0n;
  const pounds = Number(neg ? -pence : pence) / 100;
  const sign = neg ? "-" : "";
  const fmt = (v: number, unit: string) => {
    const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
    return `${sign}£${Number(v.toFixed(digits)).toString()}${unit}`;
  };
  if (pounds >= 1e9) return fmt(pounds / 1e9, "bn");
  if (pounds >= 1e6) return fmt(pounds / 1e6, "m");
  if (pounds >= 1e3) return fmt(pounds / 1e3, "k");
  return `${sign}£${Math.round(pounds)}`;
}

/** A share 0–1 as a percentage for people: "26.5%"; "–" for null. */
export function formatShare(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || Number.isNaN(share)) return "–";
  return `${(share * 100).toFixed(digits)}%`;
}
