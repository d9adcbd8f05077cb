/**
 * "Add another" rows without JavaScript: the form posts an intent (add a lot,
 * remove supplier 2, add a supplier from the register …) and is shown again
 * with its rows changed and every value kept.
 */
import { LIMITS, type FormValues } from "./form";

const LOT_FIELDS = ["id", "title", "value"];
const SUPPLIER_FIELDS = ["orgId", "name", "scheme", "identifier", "scale"];

function count(values: FormValues, key: string, max: number): number {
  return Math.min(max, Math.max(0, Number(values[key]) || 0));
}

function removeRow(values: FormValues, prefix: string, countKey: string, fields: string[], index: number, max: number): FormValues {
  const n = count(values, countKey, max);
  if (index < 0 || index >= n) return values;
  const out: FormValues = { ...values };
  for (let i = index; i < n; i++) {
    for (const f of fields) {
      const next = values[`${prefix}-${i + 1}-${f}`];
      if (i + 1 < n && next !== undefined) out[`${prefix}-${i}-${f}`] = next;
      else delete out[`${prefix}-${i}-${f}`];
    }
  }
  out[countKey] = String(n - 1);
  return out;
}

/** Rows that are entirely empty (a new supplier row nobody filled in). */
function isEmptySupplier(values: FormValues, i: number): boolean {
  return SUPPLIER_FIELDS.every((f) => (values[`supplier-${i}-${f}`] ?? "").trim() === "");
}

export type RowIntent =
  | { kind: "add-lot" }
  | { kind: "remove-lot"; index: number }
  | { kind: "add-new-supplier" }
  | { kind: "add-register-supplier"; orgId: string }
  | { kind: "remove-supplier"; index: number }
  | { kind: "search-suppliers" };

export function parseRowIntent(intent: string): RowIntent | null {
  if (intent === "add-lot") return { kind: "add-lot" };
  if (intent === "add-new-supplier") return { kind: "add-new-supplier" };
  if (intent === "search-suppliers") return { kind: "search-suppliers" };
  let m = /^remove-lot-(\d{1,2})$/.exec(intent);
  if (m) return { kind: "remove-lot", index: Number(m[1]) };
  m = /^remove-supplier-(\d{1,2})$/.exec(intent);
  if (m) return { kind: "remove-supplier", index: Number(m[1]) };
  m = /^add-supplier-(\d{1,18})$/.exec(intent);
  if (m) return { kind: "add-register-supplier", orgId: m[1]! };
  return null;
}

/** The form's values after a row intent. Adding beyond the limit leaves the rows as they are. */
export function applyRowIntent(values: FormValues, intent: RowIntent): FormValues {
  switch (intent.kind) {
    case "add-lot": {
      const n = count(values, "lotCount", LIMITS.maxLots);
      // A tender divided into lots has at least two: the first click adds two rows.
      const add = n === 0 ? 2 : 1;
      return { ...values, lotCount: String(Math.min(LIMITS.maxLots, n + add)) };
    }
    case "remove-lot":
      return removeRow(values, "lot", "lotCount", LOT_FIELDS, intent.index, LIMITS.maxLots);
    case "add-new-supplier": {
      const n = count(values, "supplierCount", LIMITS.maxSuppliers);
      if (n >= LIMITS.maxSuppliers) return values;
      return { ...values, supplierCount: String(n + 1) };
    }
    case "add-register-supplier": {
      let out = values;
      let n = count(out, "supplierCount", LIMITS.maxSuppliers);
      // Reuse a trailing empty row rather than leave it dangling.
      while (n > 0 && isEmptySupplier(out, n - 1)) {
        out = removeRow(out, "supplier", "supplierCount", SUPPLIER_FIELDS, n - 1, LIMITS.maxSuppliers);
        n--;
      }
      for (let i = 0; i < n; i++) if (out[`supplier-${i}-orgId`] === intent.orgId) return out;
      if (n >= LIMITS.maxSuppliers) return out;
      return { ...out, supplierCount: String(n + 1), [`supplier-${n}-orgId`]: intent.orgId };
    }
    case "remove-supplier":
      return removeRow(values, "supplier", "supplierCount", SUPPLIER_FIELDS, intent.index, LIMITS.maxSuppliers);
    case "search-suppliers":
      return values;
  }
}
