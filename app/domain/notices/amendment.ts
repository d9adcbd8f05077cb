/**
 * Contract amendment (tag `contractAmendment`): a new value and/or a new end
 * date, with the reason; and contract termination (tag `contractTermination`):
 * the date and the reason. Both name the contract they change; an amendment
 * records the release it amends (`amendsReleaseID`).
 */
import type { ContractItemState, OcdsRelease } from "../types";
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

/** Contracts that can still be amended or terminated. */
export function liveContracts(ctx: ProcessContext): ContractItemState[] {
  return ctx.state.contracts.filter((c) => c.status === "active" || c.status === null || c.status === "pending");
}

/**
 * An OCDS contract names the award it implements (`awardID`, required by the
 * schema), in every release that mentions it. A contract published elsewhere
 * without one cannot be the subject of a valid amendment or termination.
 */
function withoutAward(what: "an amendment" | "a termination") {
  return {
    field: "contractId",
    message: `This contract does not say which award it is for (it was published without an award id), so ${what} cannot be published for it`,
  };
}

/** The contract as an amendment or termination names it: its id and its award. */
function contractRef(c: ContractItemState): { id: string; awardID: string } {
  if (c.awardId === null) throw new Error(`contract ${c.id} has no awardID`);
  return { id: c.id, awardID: c.awardId };
}

// ---------------------------------------------------------------------------
// Amendment

export interface AmendmentNotice {
  contractId: string;
  /** "YYYY-MM-DD": when the change was agreed. */
  date: string;
  newValuePence: bigint | null;
  newEndDate: string | null;
  reason: string;
}

const amendmentFields = {
  contractId: { schema: textField("Contract", 300, { required: true, enter: "Select the contract to amend" }) },
  amendmentDate: { schema: dateField("Date of the amendment", { required: true }), kind: "date" as const },
  newValue: { schema: moneyField("New contract value", { required: false }) },
  newEndDate: { schema: dateField("New end date", { required: false }), kind: "date" as const },
  reason: { schema: textField("Reason for the amendment", LIMITS.reason, { required: true }) },
};

export function parseAmendment(values: FormValues, opts: { process: ProcessContext; today: string }): Validation<AmendmentNotice> {
  const { data, errors } = parseFields(amendmentFields, values);
  const closed = closedReason(opts.process.state);
  if (closed) errors.unshift({ field: "contractId", message: `${closed} It cannot be amended.` });
  const contract = data.contractId ? opts.process.state.contracts.find((c) => c.id === data.contractId) : undefined;
  if (data.contractId && !contract) errors.push({ field: "contractId", message: "Select a contract from the list" });
  else if (contract && !liveContracts(opts.process).includes(contract)) {
    errors.push({ field: "contractId", message: `This contract is ${contract.status ?? "closed"} and cannot be amended` });
  } else if (contract && contract.awardId === null) errors.push(withoutAward("an amendment"));
  const valueGiven = data.newValue !== null && data.newValue !== undefined;
  const endGiven = data.newEndDate !== null && data.newEndDate !== undefined;
  const fieldFailed = errors.some((e) => e.field === "newValue" || e.field === "newEndDate-day");
  if (!valueGiven && !endGiven && !fieldFailed) errors.push({ field: "newValue", message: "Enter a new contract value, a new end date, or both" });
  if (contract) {
    const start = ymdOf(contract.startDate);
    const signed = ymdOf(contract.dateSigned);
    if (endGiven && start && data.newEndDate! < start) {
      errors.push({ field: "newEndDate-day", message: `The new end date must be on or after the contract's start date (${formatYmd(start)})` });
    }
    if (data.amendmentDate && signed && data.amendmentDate < signed) {
      errors.push({ field: "amendmentDate-day", message: `The date of the amendment must be on or after the date the contract was signed (${formatYmd(signed)})` });
    }
    const sameValue = !valueGiven || data.newValue === contract.valuePence;
    const sameEnd = !endGiven || data.newEndDate === ymdOf(contract.endDate);
    if ((valueGiven || endGiven) && sameValue && sameEnd) {
      errors.push({ field: "newValue", message: "The new value and end date are the same as now: nothing would change" });
    }
  }
  if (data.amendmentDate && data.amendmentDate > opts.today) {
    errors.push({ field: "amendmentDate-day", message: "The date of the amendment must be today or in the past" });
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      contractId: data.contractId!,
      date: data.amendmentDate!,
      newValuePence: data.newValue ?? null,
      newEndDate: data.newEndDate ?? null,
      reason: data.reason!,
    },
  };
}

function describeChange(n: AmendmentNotice, c: ContractItemState): string {
  const parts: string[] = [];
  if (n.newValuePence !== null && n.newValuePence !== c.valuePence) {
    parts.push(`Value changed from ${c.valuePence !== null ? formatPoundsPlain(c.valuePence) : "not given"} to ${formatPoundsPlain(n.newValuePence)}.`);
  }
  const end = ymdOf(c.endDate);
  if (n.newEndDate !== null && n.newEndDate !== end) {
    parts.push(`End date changed from ${end ? formatYmd(end) : "not given"} to ${formatYmd(n.newEndDate)}.`);
  }
  return parts.join(" ");
}

export function buildAmendmentRelease(n: AmendmentNotice, meta: PublishMeta, ctx: ProcessContext): OcdsRelease {
  const c = ctx.state.contracts.find((x) => x.id === n.contractId);
  if (!c) throw new Error(`contract ${n.contractId} not in ${ctx.ocid}`);
  const contract: Record<string, unknown> = contractRef(c);
  if (n.newValuePence !== null) contract.value = money(n.newValuePence, c.currency ?? "GBP");
  if (n.newEndDate !== null) contract.period = { endDate: dayStart(n.newEndDate) };
  contract.amendments = [
    {
      id: nextId(`${c.id}-amendment-`, c.amendments.map((a) => a.id)),
      date: dayStart(n.date),
      rationale: n.reason,
      description: describeChange(n, c),
      amendsReleaseID: ctx.lastReleaseId,
      releaseID: meta.releaseId,
    },
  ];
  return { ...releaseFrame("amendment", meta, ctx.buyer), contracts: [contract] };
}

export function amendmentSummary(n: AmendmentNotice, ctx: ProcessContext): Array<[string, string]> {
  const c = ctx.state.contracts.find((x) => x.id === n.contractId);
  const end = ymdOf(c?.endDate);
  return [
    ["Contract", c?.title ?? ctx.state.title],
    ["Date of the amendment", formatYmd(n.date)],
    [
      "Contract value",
      n.newValuePence !== null ? `${c?.valuePence != null ? formatPoundsPlain(c.valuePence) : "Not given"} → ${formatPoundsPlain(n.newValuePence)}` : "Unchanged",
    ],
    ["End date", n.newEndDate !== null ? `${end ? formatYmd(end) : "Not given"} → ${formatYmd(n.newEndDate)}` : "Unchanged"],
    ["Reason", n.reason],
  ];
}

// ---------------------------------------------------------------------------
// Termination

export interface TerminationNotice {
  contractId: string;
  date: string;
  reason: string;
}

const terminationFields = {
  contractId: { schema: textField("Contract", 300, { required: true, enter: "Select the contract to terminate" }) },
  terminationDate: { schema: dateField("Termination date", { required: true }), kind: "date" as const },
  reason: { schema: textField("Reason for the termination", LIMITS.reason, { required: true }) },
};

export function parseTermination(values: FormValues, opts: { process: ProcessContext; today: string }): Validation<TerminationNotice> {
  const { data, errors } = parseFields(terminationFields, values);
  const contract = data.contractId ? opts.process.state.contracts.find((c) => c.id === data.contractId) : undefined;
  if (data.contractId && !contract) errors.push({ field: "contractId", message: "Select a contract from the list" });
  else if (contract && !liveContracts(opts.process).includes(contract)) {
    errors.push({ field: "contractId", message: `This contract is ${contract.status ?? "closed"} and cannot be terminated` });
  } else if (contract && contract.awardId === null) errors.push(withoutAward("a termination"));
  if (contract && data.terminationDate) {
    const start = ymdOf(contract.startDate) ?? ymdOf(contract.dateSigned);
    const end = ymdOf(contract.endDate);
    if (start && data.terminationDate < start) {
      errors.push({ field: "terminationDate-day", message: `The termination date must be on or after the contract's start date (${formatYmd(start)})` });
    } else if (end && data.terminationDate > end) {
      errors.push({
        field: "terminationDate-day",
        message: `The termination date is after the contract's end date (${formatYmd(end)}): a contract that runs to its end is not terminated early`,
      });
    }
  }
  if (data.terminationDate && data.terminationDate > opts.today) {
    errors.push({ field: "terminationDate-day", message: "The termination date must be today or in the past" });
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { contractId: data.contractId!, date: data.terminationDate!, reason: data.reason! } };
}

export function buildTerminationRelease(n: TerminationNotice, meta: PublishMeta, ctx: ProcessContext): OcdsRelease {
  const c = ctx.state.contracts.find((x) => x.id === n.contractId);
  if (!c) throw new Error(`contract ${n.contractId} not in ${ctx.ocid}`);
  return {
    ...releaseFrame("termination", meta, ctx.buyer),
    contracts: [{ ...contractRef(c), status: "terminated", x_termination: { date: dayStart(n.date), reason: n.reason } }],
  };
}

export function terminationSummary(n: TerminationNotice, ctx: ProcessContext): Array<[string, string]> {
  const c = ctx.state.contracts.find((x) => x.id === n.contractId);
  return [
    ["Contract", c?.title ?? ctx.state.title],
    ["Termination date", formatYmd(n.date)],
    ["Reason", n.reason],
  ];
}

/** Prefill: the only live contract. */
export function contractChoiceInitial(ctx: ProcessContext): FormValues {
  const live = liveContracts(ctx);
  return live.length === 1 ? { contractId: live[0]!.id } : {};
}
