/**
 * Award notice (tag `award`): suppliers picked from the register or added
 * with their identifier (scheme and id) and scale, the value, the award date
 * and the number of bids received (`tender.numberOfTenderers`).
 */
import type { OcdsRelease, Scale } from "../types";
import {
  ORG_SCHEMES,
  type OcdsPartyOut,
  type OrgInfo,
  type OrgScheme,
  type ProcessContext,
  type PublishMeta,
  SCALE_CHOICES,
  type ScaleChoice,
  closedReason,
  identifierProblem,
  money,
  nextId,
  normaliseIdentifier,
  partyOf,
  releaseFrame,
} from "./common";
import {
  type FieldError,
  type FormValues,
  LIMITS,
  type Validation,
  choiceField,
  cleanInput,
  dateField,
  dayStart,
  formatPoundsPlain,
  formatYmd,
  integerField,
  moneyField,
  parseFields,
  textField,
} from "./form";

export type SupplierInput =
  | { kind: "register"; orgId: bigint }
  | { kind: "new"; name: string; scheme: OrgScheme; identifier: string; scale: ScaleChoice };

export interface AwardNotice {
  title: string | null;
  /** "YYYY-MM-DD" */
  awardDate: string;
  valuePence: bigint;
  bids: number;
  lotId: string | null;
  suppliers: SupplierInput[];
}

export interface AwardParseOptions {
  process: ProcessContext;
  /** Register organisations the form names (by id), looked up by the caller. */
  registerOrgs: ReadonlyMap<string, OrgInfo>;
  today: string;
}

const fields = {
  title: { schema: textField("Award title", LIMITS.title, { required: false }) },
  awardDate: { schema: dateField("Award date", { required: true }), kind: "date" as const },
  value: { schema: moneyField("Award value", { required: true }) },
  bids: { schema: integerField("Number of bids received", 1, LIMITS.maxBids, { required: true }) },
  lotId: { schema: textField("Lot", 50, { required: false }) },
};

export const supplierCountOf = (values: FormValues) => Math.min(LIMITS.maxSuppliers, Math.max(0, Number(values.supplierCount) || 0));

/** The supplier rows a form holds (register ids or new organisations), with their problems. */
export function parseSupplierRows(values: FormValues, registerOrgs: ReadonlyMap<string, OrgInfo>, errors: FieldError[]): SupplierInput[] {
  const out: SupplierInput[] = [];
  const seen = new Set<string>();
  const count = supplierCountOf(values);
  for (let i = 0; i < count; i++) {
    const p = `supplier-${i}`;
    const orgId = cleanInput(values[`${p}-orgId`]);
    if (orgId) {
      const org = /^\d{1,18}$/.test(orgId) ? registerOrgs.get(orgId) : undefined;
      if (!org) {
        errors.push({ field: `${p}-remove`, message: `Supplier ${i + 1} is not on the register any more: remove it and search again` });
        continue;
      }
      const key = org.scheme && org.identifier ? `${org.scheme}:${org.identifier}` : `org:${org.id}`;
      if (seen.has(key)) errors.push({ field: `${p}-remove`, message: `Supplier ${i + 1} (${org.name}) is named twice` });
      seen.add(key);
      out.push({ kind: "register", orgId: org.id });
      continue;
    }
    const raw = ["name", "scheme", "identifier", "scale"].map((k) => cleanInput(values[`${p}-${k}`]));
    if (raw.every((v) => v === "")) continue;
    const r = parseFields(
      {
        name: { schema: textField(`Supplier ${i + 1} name`, LIMITS.name, { required: true, enter: `Enter the name of supplier ${i + 1}` }) },
        scheme: {
          schema: choiceField(`Supplier ${i + 1} identifier scheme`, Object.keys(ORG_SCHEMES) as OrgScheme[], {
            required: true,
            select: `Select the register that identifies supplier ${i + 1}`,
          }),
        },
        identifier: {
          schema: textField(`Supplier ${i + 1} identifier`, LIMITS.identifier, { required: true, enter: `Enter the identifier of supplier ${i + 1}` }),
        },
        scale: {
          schema: choiceField(`Supplier ${i + 1} size`, Object.keys(SCALE_CHOICES) as ScaleChoice[], {
            required: true,
            select: `Select the size of supplier ${i + 1}`,
          }),
        },
      },
      values,
      (k) => `${p}-${k}`,
    );
    errors.push(...r.errors);
    const { name, scheme, identifier, scale } = r.data;
    if (scheme && identifier) {
      const problem = identifierProblem(scheme, identifier);
      if (problem) {
        errors.push({ field: `${p}-identifier`, message: `Supplier ${i + 1}: ${problem}` });
        continue;
      }
      const key = `${scheme}:${normaliseIdentifier(identifier)}`;
      if (seen.has(key)) errors.push({ field: `${p}-identifier`, message: `Supplier ${i + 1} is named twice` });
      seen.add(key);
    }
    if (name && scheme && identifier && scale) out.push({ kind: "new", name, scheme, identifier: normaliseIdentifier(identifier), scale });
  }
  return out;
}

export function parseAward(values: FormValues, opts: AwardParseOptions): Validation<AwardNotice> {
  const { data, errors } = parseFields(fields, values);
  const suppliers = parseSupplierRows(values, opts.registerOrgs, errors);
  const s = opts.process.state;
  const closed = closedReason(s);
  if (closed) errors.unshift({ field: "awardDate-day", message: `${closed} No award can be published for it.` });
  if (suppliers.length === 0 && !errors.some((e) => e.field.startsWith("supplier-"))) {
    errors.push({ field: "supplierQuery", message: "Add at least one supplier: search the register, or add a supplier that is not on it" });
  }
  if (data.awardDate && data.awardDate > opts.today) errors.push({ field: "awardDate-day", message: "The award date must be today or in the past" });
  const lots = s.tender.lots;
  if (data.lotId && !lots.some((l) => l.id === data.lotId)) errors.push({ field: "lotId", message: "Select a lot from the list" });
  if (!data.lotId && lots.length > 0 && !errors.some((e) => e.field === "lotId")) errors.push({ field: "lotId", message: "Select the lot this award is for" });
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: { title: data.title ?? null, awardDate: data.awardDate!, valuePence: data.value!, bids: data.bids!, lotId: data.lotId ?? null, suppliers },
  };
}

/** The OCDS party of a supplier. */
export function supplierParty(sup: SupplierInput, registerOrgs: ReadonlyMap<string, OrgInfo>): OcdsPartyOut {
  if (sup.kind === "register") {
    const org = registerOrgs.get(String(sup.orgId));
    if (!org) throw new Error(`supplier ${sup.orgId} not looked up`);
    return partyOf(org, "supplier");
  }
  return partyOf(
    {
      id: null,
      name: sup.name,
      scheme: sup.scheme,
      identifier: sup.identifier,
      scale: sup.scale as Scale,
      orgType: null,
      buyerType: null,
      region: null,
      countryCode: sup.scheme.startsWith("GB-") ? "GB" : null,
      postcode: null,
    },
    "supplier",
  );
}

export function buildAwardRelease(n: AwardNotice, meta: PublishMeta, ctx: ProcessContext, registerOrgs: ReadonlyMap<string, OrgInfo>): OcdsRelease {
  const s = ctx.state;
  const parties = n.suppliers.map((sup) => supplierParty(sup, registerOrgs));
  const lot = n.lotId ? s.tender.lots.find((l) => l.id === n.lotId) : undefined;
  const award: Record<string, unknown> = {
    id: nextId(`${meta.ocid}-award-`, s.awards.map((a) => a.id)),
    title: n.title ?? lot?.title ?? s.title,
    status: "active",
    date: dayStart(n.awardDate),
    datePublished: meta.date,
    value: money(n.valuePence),
    suppliers: parties.map((p) => ({ id: p.id, name: p.name })),
  };
  if (lot) award.relatedLots = [lot.id];
  const tender: Record<string, unknown> = { id: ctx.tenderId ?? `${meta.ocid}-tender`, numberOfTenderers: n.bids };
  if (s.tender.lots.length === 0 && (s.tender.status === "active" || s.tender.status === null)) tender.status = "complete";
  return { ...releaseFrame("award", meta, ctx.buyer, parties), tender, awards: [award] };
}

export function awardSummary(n: AwardNotice, ctx: ProcessContext, registerOrgs: ReadonlyMap<string, OrgInfo>): Array<[string, string]> {
  const names = n.suppliers.map((sup) => {
    if (sup.kind === "register") {
      const o = registerOrgs.get(String(sup.orgId));
      return `${o?.name ?? sup.orgId} (on the register${o?.scheme && o.identifier ? `, ${o.scheme} ${o.identifier}` : ""})`;
    }
    return `${sup.name} (${sup.scheme} ${sup.identifier}, ${SCALE_CHOICES[sup.scale]})`;
  });
  const lot = n.lotId ? ctx.state.tender.lots.find((l) => l.id === n.lotId) : undefined;
  const rows: Array<[string, string]> = [
    ["Contract", ctx.state.title],
    ["Award title", n.title ?? lot?.title ?? ctx.state.title],
  ];
  if (lot) rows.push(["Lot", lot.title ?? lot.id]);
  rows.push(
    ["Suppliers", names.join("\n")],
    ["Award value", formatPoundsPlain(n.valuePence)],
    ["Award date", formatYmd(n.awardDate)],
    ["Bids received", String(n.bids)],
  );
  return rows;
}

/** Register ids named in a form's supplier rows (for the caller to look up). */
export function supplierOrgIds(values: FormValues): bigint[] {
  const ids: bigint[] = [];
  for (let i = 0; i < supplierCountOf(values); i++) {
    const v = cleanInput(values[`supplier-${i}-orgId`]);
    if (/^\d{1,18}$/.test(v)) ids.push(BigInt(v));
  }
  return ids;
}
