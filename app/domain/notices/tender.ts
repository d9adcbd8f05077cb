/**
 * Tender notice (tag `tender`), and its correction (tag `tenderUpdate`, with
 * a reason, recorded as a tender amendment): title, description, CPV codes,
 * estimated value, procedure, submission deadline, suitability for SMEs and
 * VCSEs, lots, and the publisher's consultancy yes/no (`tender.x_consultancy`).
 */
import { cpvLabel } from "../cpv-labels";
import { londonLocalToUtcMs, londonOffsetMinutes } from "../ocds/dates";
import type { OcdsRelease, ProcurementMethod } from "../types";
import {
  type NoticeKind,
  type OrgInfo,
  type ProcessContext,
  type PublishMeta,
  money,
  nextId,
  releaseFrame,
} from "./common";
import {
  type FieldError,
  type FormValues,
  LIMITS,
  type Validation,
  checkboxField,
  choiceField,
  cleanInput,
  cpvDescription,
  cpvField,
  dateField,
  dateValues,
  formatPoundsPlain,
  formatYmd,
  idField,
  moneyField,
  parseFields,
  textField,
  timeField,
  yesNoField,
} from "./form";

export const PROCEDURES = {
  open: "Open procedure",
  selective: "Competitive flexible or restricted procedure (selective)",
  limited: "Limited tendering",
  direct: "Direct award",
} as const satisfies Record<ProcurementMethod, string>;
export const PROCEDURE_KEYS = Object.keys(PROCEDURES) as ProcurementMethod[];

export interface LotInput {
  /** The lot's id when already published (corrections); null for a new lot. */
  id: string | null;
  title: string;
  valuePence: bigint | null;
}

export interface TenderNotice {
  buyerId: bigint;
  title: string;
  description: string | null;
  cpvCodes: string[];
  estimatedValuePence: bigint | null;
  procedure: ProcurementMethod;
  justification: string | null;
  /** Submission deadline, an instant (ISO, UTC). */
  deadline: string | null;
  suitableSme: boolean;
  suitableVcse: boolean;
  consultancy: boolean | null;
  lots: LotInput[];
  /** Why a correction is published (corrections only). */
  reason: string | null;
}

const fields = {
  buyerId: { schema: idField("Buyer", { required: true, select: "Select the buyer this notice is for" }) },
  title: { schema: textField("Title", LIMITS.title, { required: true }) },
  description: { schema: textField("Description", LIMITS.description, { required: true }) },
  cpvCodes: { schema: cpvField("CPV codes", { required: true }) },
  estimatedValue: { schema: moneyField("Estimated value", { required: false }) },
  procedure: { schema: choiceField("Procedure", PROCEDURE_KEYS, { required: true, select: "Select the procedure" }) },
  justification: { schema: textField("Justification", LIMITS.reason, { required: false }) },
  deadline: { schema: dateField("Submission deadline", { required: false }), kind: "date" as const },
  deadlineTime: { schema: timeField("Deadline time") },
  suitableSme: { schema: checkboxField() },
  suitableVcse: { schema: checkboxField() },
  consultancy: { schema: yesNoField("the work is consultancy") },
  reason: { schema: textField("Reason for the correction", LIMITS.reason, { required: false }) },
};

export interface TenderParseOptions {
  /** The process being corrected (tenderUpdate); null for a new tender. */
  correction: ProcessContext | null;
  /** Now, ISO instant: a new deadline must be after it. */
  now: string;
}

export const lotCountOf = (values: FormValues) => Math.min(LIMITS.maxLots, Math.max(0, Number(values.lotCount) || 0));

function parseLots(values: FormValues, errors: FieldError[]): LotInput[] {
  const lots: LotInput[] = [];
  const count = lotCountOf(values);
  for (let i = 0; i < count; i++) {
    const id = cleanInput(values[`lot-${i}-id`]) || null;
    const t = textField(`Lot ${i + 1} title`, LIMITS.title, { required: false }).safeParse(values[`lot-${i}-title`]);
    const v = moneyField(`Lot ${i + 1} estimated value`, { required: false }).safeParse(values[`lot-${i}-value`]);
    if (!t.success) errors.push({ field: `lot-${i}-title`, message: t.error.issues[0]!.message });
    if (!v.success) errors.push({ field: `lot-${i}-value`, message: v.error.issues[0]!.message });
    const title = t.success ? t.data : null;
    const value = v.success ? v.data : null;
    if (title === null && t.success && (value !== null || id !== null)) {
      errors.push({ field: `lot-${i}-title`, message: `Enter a title for lot ${i + 1}` });
    }
    if (title !== null) lots.push({ id, title, valuePence: value });
  }
  return lots;
}

export function parseTender(values: FormValues, opts: TenderParseOptions): Validation<TenderNotice> {
  const published = new Set(opts.correction?.state.cpvCodes.map((c) => c.code) ?? []);
  const defs = opts.correction
    ? {
        ...fields,
        buyerId: { schema: idField("Buyer", { required: false }) },
        // Codes already published stay acceptable in a correction, even outside the register's families.
        cpvCodes: { schema: cpvField("CPV codes", { required: true, allow: published }) },
      }
    : fields;
  const { data, errors } = parseFields(defs, values);
  const lots = parseLots(values, errors);
  const corr = opts.correction;

  // Deadline: date and time, Europe/London wall clock → instant.
  let deadline: string | null = null;
  if (data.deadline && data.deadlineTime) {
    const [y, m, d] = data.deadline.split("-").map(Number) as [number, number, number];
    const [hh, mm] = data.deadlineTime.split(":").map(Number) as [number, number];
    deadline = new Date(londonLocalToUtcMs(y, m, d, hh, mm)).toISOString();
  }
  const competitive = data.procedure === "open" || data.procedure === "selective";
  const deadlineRaw = [values["deadline-day"], values["deadline-month"], values["deadline-year"]].some((v) => cleanInput(v) !== "");
  if (competitive && !deadlineRaw) errors.push({ field: "deadline-day", message: "Enter the submission deadline: an open or selective procedure needs one" });
  const deadlineChanged = corr ? deadline !== (corr.state.tender.deadline ?? null) : true;
  if (deadline !== null && deadlineChanged) {
    const nowMs = Date.parse(opts.now);
    if (Date.parse(deadline) <= nowMs) errors.push({ field: "deadline-day", message: "The submission deadline must be in the future" });
    else if (Date.parse(deadline) > nowMs + 3 * 366 * 86_400_000)
      errors.push({ field: "deadline-day", message: "The submission deadline must be within 3 years" });
  }
  if ((data.procedure === "direct" || data.procedure === "limited") && data.justification === null && !errors.some((e) => e.field === "justification")) {
    errors.push({ field: "justification", message: "Enter the justification for a direct award or limited tendering" });
  }
  if (corr) {
    if (data.reason === null && !errors.some((e) => e.field === "reason")) errors.push({ field: "reason", message: "Enter the reason for the correction" });
    const codes = data.cpvCodes ?? [];
    const dropped = corr.state.cpvCodes.map((c) => c.code).filter((c) => !codes.includes(c));
    if (data.cpvCodes && dropped.length) {
      errors.push({
        field: "cpvCodes",
        message: `CPV codes already published cannot be removed (${dropped.join(", ")}): keep them, add the right code and explain in the reason`,
      });
    }
    const kept = new Set(lots.map((l) => l.id).filter(Boolean));
    const lost = corr.state.tender.lots.filter((l) => !kept.has(l.id));
    if (lost.length) errors.push({ field: "lot-0-title", message: `Lots already published cannot be removed (${lost.map((l) => l.title ?? l.id).join(", ")})` });
  }
  if (lots.length > 0 && lots.length < 2) errors.push({ field: "lot-0-title", message: "A tender divided into lots needs at least 2 lots; leave the lots empty otherwise" });

  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      buyerId: data.buyerId ?? corr?.buyer.id ?? 0n,
      title: data.title!,
      description: data.description!,
      cpvCodes: data.cpvCodes!,
      estimatedValuePence: data.estimatedValue ?? null,
      procedure: data.procedure!,
      justification: data.justification ?? null,
      deadline,
      suitableSme: data.suitableSme ?? false,
      suitableVcse: data.suitableVcse ?? false,
      consultancy: data.consultancy ?? null,
      lots,
      reason: corr ? data.reason : null,
    },
  };
}

const GOODS_PREFIXES = ["30", "32", "48"];

/**
 * A value a correction removes. OCDS has `value` an object (`Value`), never
 * null, so the removal is written inside it: `amount` and `currency` null,
 * which the merge removes (compile.ts), leaving a value without an amount:
 * no value in the current state.
 */
const noValue = () => ({ amount: null, currency: null });

/** The tender section of the release. */
function tenderSection(n: TenderNotice, meta: PublishMeta, corr: ProcessContext | null): Record<string, unknown> {
  const usedLotIds = corr ? corr.state.tender.lots.map((l) => l.id) : [];
  const lots = n.lots.map((l) => {
    const id = l.id ?? nextId("", usedLotIds);
    if (!l.id) usedLotIds.push(id);
    const lot: Record<string, unknown> = { id, title: l.title, status: "active" };
    if (l.valuePence !== null) lot.value = money(l.valuePence);
    else if (corr?.state.tender.lots.find((p) => p.id === l.id)?.valuePence != null) lot.value = noValue();
    return lot;
  });
  const t: Record<string, unknown> = {
    id: corr?.tenderId ?? `${meta.ocid}-tender`,
    title: n.title,
    description: n.description,
    items: n.cpvCodes.map((code) => {
      const label = cpvLabel(code) ?? corr?.state.cpvCodes.find((c) => c.code === code)?.label ?? cpvDescription(code);
      return { id: `cpv-${code}`, description: label, classification: { scheme: "CPV", id: code, description: label } };
    }),
    procurementMethod: n.procedure,
    procurementMethodDetails: PROCEDURES[n.procedure],
    mainProcurementCategory: GOODS_PREFIXES.some((p) => n.cpvCodes[0]?.startsWith(p)) ? "goods" : "services",
    suitability: { sme: n.suitableSme, vcse: n.suitableVcse },
  };
  if (!corr) t.status = "active";
  if (n.estimatedValuePence !== null) t.value = money(n.estimatedValuePence);
  else if (corr?.state.tender.valuePence != null) t.value = noValue();
  if (n.justification) t.procurementMethodRationale = n.justification;
  else if (corr?.state.procurementMethodRationale) t.procurementMethodRationale = null;
  if (n.deadline) t.tenderPeriod = { ...(corr ? {} : { startDate: meta.date }), endDate: n.deadline };
  else if (corr?.state.tender.deadline) t.tenderPeriod = { endDate: null };
  if (lots.length) t.lots = lots;
  if (n.consultancy !== null) t.x_consultancy = n.consultancy;
  else if (corr?.state.consultancyExplicit != null) t.x_consultancy = null;
  if (corr) {
    t.amendments = [
      {
        id: `${meta.releaseId}-correction`,
        date: meta.date,
        rationale: n.reason,
        description: "Correction of the tender notice.",
        amendsReleaseID: corr.lastReleaseId,
        releaseID: meta.releaseId,
      },
    ];
  }
  return t;
}

export function buildTenderRelease(n: TenderNotice, meta: PublishMeta, buyer: OrgInfo, corr: ProcessContext | null): OcdsRelease {
  const kind: NoticeKind = corr ? "tenderUpdate" : "tender";
  return { ...releaseFrame(kind, meta, buyer), tender: tenderSection(n, meta, corr) };
}

/** The form's values for a correction: the tender as it stands. */
export function tenderValuesFromState(ctx: ProcessContext): FormValues {
  const s = ctx.state;
  const v: FormValues = {
    title: s.title,
    description: s.description ?? "",
    cpvCodes: s.cpvCodes.map((c) => c.code).join(", "),
    estimatedValue: s.tender.valuePence !== null ? (Number(s.tender.valuePence) / 100).toFixed(2).replace(/\.00$/, "") : "",
    procedure: s.procurementMethod ?? "",
    justification: s.procurementMethodRationale ?? "",
    suitableSme: s.tender.suitableSme ? "yes" : "",
    suitableVcse: s.tender.suitableVcse ? "yes" : "",
    consultancy: s.consultancyExplicit === true ? "yes" : s.consultancyExplicit === false ? "no" : "",
    lotCount: String(s.tender.lots.length),
    ...dateValues("deadline", s.tender.deadline ? londonYmd(s.tender.deadline) : null),
    deadlineTime: s.tender.deadline ? londonTime(s.tender.deadline) : "12:00",
  };
  s.tender.lots.forEach((l, i) => {
    v[`lot-${i}-id`] = l.id;
    v[`lot-${i}-title`] = l.title ?? "";
    v[`lot-${i}-value`] = l.valuePence !== null ? (Number(l.valuePence) / 100).toFixed(2).replace(/\.00$/, "") : "";
  });
  return v;
}

/** The London calendar day and time of an instant. */
function londonParts(iso: string): { ymd: string; time: string } {
  const ms = Date.parse(iso);
  const local = new Date(ms + londonOffsetMinutes(ms) * 60_000).toISOString();
  return { ymd: local.slice(0, 10), time: local.slice(11, 16) };
}
export const londonYmd = (iso: string) => `${londonParts(iso).ymd}T00:00:00Z`;
export const londonTime = (iso: string) => londonParts(iso).time;

/** The notice in words, for the preview. */
export function tenderSummary(n: TenderNotice, buyerName: string): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ["Buyer", buyerName],
    ["Title", n.title],
    ["Description", n.description ?? ""],
    ["CPV codes", n.cpvCodes.map((c) => `${c} ${cpvDescription(c)}`).join("\n")],
    ["Estimated value", n.estimatedValuePence !== null ? formatPoundsPlain(n.estimatedValuePence) : "Not given"],
    ["Procedure", PROCEDURES[n.procedure]],
  ];
  if (n.justification) rows.push(["Justification", n.justification]);
  rows.push(["Submission deadline", n.deadline ? `${formatYmd(londonParts(n.deadline).ymd)}, ${londonParts(n.deadline).time} (UK time)` : "None"]);
  rows.push(["Suitable for", [n.suitableSme ? "SMEs" : null, n.suitableVcse ? "VCSEs" : null].filter(Boolean).join(" and ") || "Not stated"]);
  rows.push(["Consultancy", n.consultancy === null ? "Not stated (decided from the CPV codes)" : n.consultancy ? "Yes" : "No"]);
  if (n.lots.length) rows.push(["Lots", n.lots.map((l, i) => `${i + 1}. ${l.title}${l.valuePence !== null ? ` – ${formatPoundsPlain(l.valuePence)}` : ""}`).join("\n")]);
  if (n.reason) rows.push(["Reason for the correction", n.reason]);
  return rows;
}
