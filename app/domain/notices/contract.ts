/**
 * Contract details notice (tag `contract`): signature date, start and end,
 * value, for an award already published.
 */
import type { OcdsRelease } from "../types";
import { type ProcessContext, type PublishMeta, closedReason, money, nextId, releaseFrame } from "./common";
import {
  type FormValues,
  LIMITS,
  type Validation,
  dateField,
  dayStart,
  formatPoundsPlain,
  formatYmd,
  moneyField,
  parseFields,
  textField,
  ymdOf,
} from "./form";

export interface ContractNotice {
  awardId: string;
  title: string | null;
  dateSigned: string;
  startDate: string;
  endDate: string;
  valuePence: bigint;
}

const fields = {
  awardId: { schema: textField("Award", 300, { required: true, enter: "Select the award this contract is for" }) },
  title: { schema: textField("Contract title", LIMITS.title, { required: false }) },
  dateSigned: { schema: dateField("Date signed", { required: true }), kind: "date" as const },
  startDate: { schema: dateField("Start date", { required: true }), kind: "date" as const },
  endDate: { schema: dateField("End date", { required: true }), kind: "date" as const },
  value: { schema: moneyField("Contract value", { required: true }) },
};

const DEAD = new Set(["cancelled", "unsuccessful"]);

/** Awards a contract can be published for: live, and without a contract yet. */
export function awardsWithoutContract(ctx: ProcessContext) {
  const s = ctx.state;
  return s.awards.filter((a) => !DEAD.has(a.status ?? "") && !s.contracts.some((c) => c.awardId === a.id && c.status !== "cancelled"));
}

export function parseContract(values: FormValues, opts: { process: ProcessContext; today: string }): Validation<ContractNotice> {
  const { data, errors } = parseFields(fields, values);
  const s = opts.process.state;
  const closed = closedReason(s);
  if (closed) errors.unshift({ field: "awardId", message: `${closed} No contract can be published for it.` });
  const award = data.awardId ? s.awards.find((a) => a.id === data.awardId) : undefined;
  if (data.awardId && !award) errors.push({ field: "awardId", message: "Select an award from the list" });
  if (award && !awardsWithoutContract(opts.process).some((a) => a.id === award.id)) {
    errors.push({ field: "awardId", message: "A contract for this award is already published: amend that contract instead" });
  }
  if (data.dateSigned && data.dateSigned > opts.today) errors.push({ field: "dateSigned-day", message: "The date signed must be today or in the past" });
  const awardDay = ymdOf(award?.date);
  if (data.dateSigned && awardDay && data.dateSigned < awardDay) {
    errors.push({ field: "dateSigned-day", message: `The date signed must be on or after the award date (${formatYmd(awardDay)})` });
  }
  if (data.startDate && data.endDate && data.endDate < data.startDate) {
    errors.push({ field: "endDate-day", message: "The end date must be the same as or after the start date" });
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      awardId: data.awardId!,
      title: data.title ?? null,
      dateSigned: data.dateSigned!,
      startDate: data.startDate!,
      endDate: data.endDate!,
      valuePence: data.value!,
    },
  };
}

export function buildContractRelease(n: ContractNotice, meta: PublishMeta, ctx: ProcessContext): OcdsRelease {
  const award = ctx.state.awards.find((a) => a.id === n.awardId);
  return {
    ...releaseFrame("contract", meta, ctx.buyer),
    contracts: [
      {
        id: nextId(`${meta.ocid}-contract-`, ctx.state.contracts.map((c) => c.id)),
        awardID: n.awardId,
        title: n.title ?? award?.title ?? ctx.state.title,
        status: "active",
        dateSigned: dayStart(n.dateSigned),
        period: { startDate: dayStart(n.startDate), endDate: dayStart(n.endDate) },
        value: money(n.valuePence),
      },
    ],
  };
}

export function contractSummary(n: ContractNotice, ctx: ProcessContext): Array<[string, string]> {
  const award = ctx.state.awards.find((a) => a.id === n.awardId);
  return [
    ["Contract", ctx.state.title],
    ["Award", award?.title ?? n.awardId],
    ["Contract title", n.title ?? award?.title ?? ctx.state.title],
    ["Date signed", formatYmd(n.dateSigned)],
    ["Contract period", `${formatYmd(n.startDate)} to ${formatYmd(n.endDate)}`],
    ["Contract value", formatPoundsPlain(n.valuePence)],
  ];
}

/** Prefill: the only award without a contract, its value and period. */
export function contractInitialValues(ctx: ProcessContext): FormValues {
  const open = awardsWithoutContract(ctx);
  const a = open.length === 1 ? open[0] : undefined;
  if (!a) return {};
  return {
    awardId: a.id,
    value: a.valuePence !== null ? (Number(a.valuePence) / 100).toFixed(2).replace(/\.00$/, "") : "",
  };
}
