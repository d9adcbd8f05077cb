/**
 * What the register's filter form needs beyond the filters themselves: the
 * buyers its drop-down offers, and a supplier typed by name (`supplierName`, a
 * form field only, not an API parameter) resolved on the server to the
 * `supplier` id the register filters on — no JavaScript needed.
 */
import type { DB } from "../../db/client";
import { type SupplierMatch, buyersWithContracts, suppliersByName } from "../../db/queries/register-form";
import { getOrganisation } from "../../db/queries/register";
import { normaliseName } from "../domain/ocds/text";
import { cached } from "./stats.server";

/** A drop-down of thousands of buyers would make every register page heavy; the rest are reachable from /buyers. */
export const BUYER_OPTIONS_MAX = 300;

/**
 * The buyer drop-down: buyers with contracts by name (the BUYER_OPTIONS_MAX
 * with the most contracts when there are more), plus the buyer in force.
 * Cached per data version, as the dashboards' options are.
 */
export async function buyerOptions(db: DB, current: { id: bigint; name: string } | null) {
  const base = await cached(db, `register-form#buyers#${BUYER_OPTIONS_MAX}`, async () => {
    const r = await buyersWithContracts(db, BUYER_OPTIONS_MAX);
    return { options: r.buyers.map((b) => [b.id.toString(), b.name] as [string, string]), total: r.total };
  });
  const capped = base.total > base.options.length;
  if (!current || base.options.some(([id]) => id === current.id.toString())) return { ...base, capped };
  const options = [...base.options, [current.id.toString(), current.name] as [string, string]].sort(
    (a, b) => a[1].localeCompare(b[1], "en-GB") || a[0].localeCompare(b[0]),
  );
  return { options, total: base.total, capped };
}

export const SUPPLIER_MATCHES_SHOWN = 20;
const MAX_NAME = 200;

export type SupplierNameOutcome =
  /** Nothing to resolve (no name, or the name of the supplier already chosen): filter with `params`. */
  | { kind: "none" }
  /** One supplier matches: go to the view filtered on its id. */
  | { kind: "redirect"; location: string }
  /** Nothing matches, or the name cannot match anything: a GOV.UK error on the field. */
  | { kind: "error"; value: string; message: string }
  /** Several match: the person chooses one (each a link to the view filtered on it). */
  | { kind: "choose"; value: string; matches: Array<SupplierMatch & { href: string }>; more: boolean };

/** `/contracts?…` with these parameters, leaving out empty ones (an untouched GET form sends every field). */
function registerHref(sp: URLSearchParams): string {
  const out = new URLSearchParams();
  for (const [k, v] of sp) if (v.trim() !== "") out.append(k, v);
  const s = out.toString();
  return `/contracts${s ? `?${s}` : ""}`;
}

/**
 * Resolve the form's `supplierName` field. Returns the parameters the register
 * should filter on (without `supplierName`; without `supplier` when the field
 * was cleared or names someone else) and what the page should do.
 */
export async function resolveSupplierName(db: DB, sp: URLSearchParams): Promise<{ params: URLSearchParams; outcome: SupplierNameOutcome }> {
  const params = new URLSearchParams(sp);
  params.delete("supplierName");
  const all = sp.getAll("supplierName");
  if (all.length === 0) return { params, outcome: { kind: "none" } };
  const value = all[all.length - 1]!.normalize("NFC").replace(/\s+/g, " ").trim();
  const chosen = sp.get("supplier")?.trim() ?? "";
  if (value === "") {
    // The field was cleared: no supplier filter.
    params.delete("supplier");
    return { params, outcome: { kind: "none" } };
  }
  if (value.length > MAX_NAME) {
    params.delete("supplier");
    return { params, outcome: { kind: "error", value: value.slice(0, MAX_NAME), message: `Supplier name must be ${MAX_NAME} characters or fewer` } };
  }
  const wanted = normaliseName(value);
  if (wanted === "") {
    params.delete("supplier");
    return { params, outcome: { kind: "error", value, message: "Supplier name must include letters or numbers" } };
  }
  // The form shows the chosen supplier's name: sent back unchanged, it keeps that supplier.
  if (/^\d{1,18}$/.test(chosen)) {
    const current = await getOrganisation(db, BigInt(chosen));
    if (current?.is_supplier && normaliseName(current.name) === wanted) return { params, outcome: { kind: "none" } };
  }
  params.delete("supplier");
  params.delete("cursor");
  const matches = await suppliersByName(db, wanted, value, SUPPLIER_MATCHES_SHOWN + 1);
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  if (matches.length === 0) {
    return {
      params,
      outcome: { kind: "error", value, message: `No supplier name in the register contains “${shown}”: check the spelling, or enter part of the name` },
    };
  }
  const hrefFor = (id: bigint) => {
    const to = new URLSearchParams(params);
    to.set("supplier", id.toString());
    return registerHref(to);
  };
  const exact = matches.filter((m) => m.exact);
  const only = matches.length === 1 ? matches[0] : exact.length === 1 ? exact[0] : undefined;
  if (only) return { params, outcome: { kind: "redirect", location: hrefFor(only.id) } };
  return {
    params,
    outcome: {
      kind: "choose",
      value,
      matches: matches.slice(0, SUPPLIER_MATCHES_SHOWN).map((m) => ({ ...m, href: hrefFor(m.id) })),
      more: matches.length > SUPPLIER_MATCHES_SHOWN,
    },
  };
}

export type SupplierNameLookup =
  | { kind: "one"; id: string; name: string }
  | { kind: "none"; query: string }
  | { kind: "many"; query: string; matches: Array<{ id: string; name: string }>; more: boolean };

/** How many suppliers a name that matches several lists (to choose from). */
export const SUPPLIER_CHOICES = 20;

/**
 * A supplier name typed in a filter form, resolved to a supplier: one exact
 * match (by normalised name) or only one match at all is that supplier;
 * otherwise none, or the suppliers to choose from.
 */
export async function lookupSupplierName(db: DB, name: string): Promise<SupplierNameLookup> {
  const normalised = normaliseName(name);
  if (normalised === "") return { kind: "none", query: name };
  const rows = await suppliersByName(db, normalised, name, SUPPLIER_CHOICES + 1);
  const exact = rows.filter((r) => r.exact);
  const one = exact.length === 1 ? exact[0] : rows.length === 1 ? rows[0] : undefined;
  if (one) return { kind: "one", id: one.id.toString(), name: one.name };
  if (rows.length === 0) return { kind: "none", query: name };
  return {
    kind: "many",
    query: name,
    matches: rows.slice(0, SUPPLIER_CHOICES).map((r) => ({ id: r.id.toString(), name: r.name })),
    more: rows.length > SUPPLIER_CHOICES,
  };
}
