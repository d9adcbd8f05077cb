/**
 * Notices officials publish: one form per kind, each read with zod into a
 * typed notice, checked against the contracting process as it stands, and
 * turned into ONE OCDS release with the right tag. Pure code.
 */
import type { OcdsRelease } from "../types";
import { type AmendmentNotice, type TerminationNotice, amendmentSummary, buildAmendmentRelease, buildTerminationRelease, parseAmendment, parseTermination, terminationSummary } from "./amendment";
import { type AwardNotice, awardSummary, buildAwardRelease, parseAward } from "./award";
import type { NoticeKind, OrgInfo, ProcessContext, PublishMeta } from "./common";
import { type ContractNotice, buildContractRelease, contractSummary, parseContract } from "./contract";
import type { FormValues, Validation } from "./form";
import { type TenderNotice, buildTenderRelease, parseTender, tenderSummary } from "./tender";

export * from "./common";
export * from "./form";

export type ParsedNotice =
  | { kind: "tender"; notice: TenderNotice }
  | { kind: "tenderUpdate"; notice: TenderNotice }
  | { kind: "award"; notice: AwardNotice }
  | { kind: "contract"; notice: ContractNotice }
  | { kind: "amendment"; notice: AmendmentNotice }
  | { kind: "termination"; notice: TerminationNotice };

export interface NoticeEnv {
  /** The process the notice is about; null for a new tender. */
  process: ProcessContext | null;
  /** Register organisations named by the form (award suppliers), by id. */
  registerOrgs: ReadonlyMap<string, OrgInfo>;
  /** Now (ISO instant) and today ("YYYY-MM-DD", UTC). */
  now: string;
  today: string;
}

function need(env: NoticeEnv, kind: NoticeKind): ProcessContext {
  if (!env.process) throw new Error(`a ${kind} notice needs its contracting process`);
  return env.process;
}

export function parseNotice(kind: NoticeKind, values: FormValues, env: NoticeEnv): Validation<ParsedNotice> {
  const wrap = <K extends ParsedNotice["kind"], N>(k: K, r: Validation<N>): Validation<ParsedNotice> =>
    r.ok ? { ok: true, value: { kind: k, notice: r.value } as ParsedNotice } : r;
  switch (kind) {
    case "tender":
      return wrap("tender", parseTender(values, { correction: null, now: env.now }));
    case "tenderUpdate":
      return wrap("tenderUpdate", parseTender(values, { correction: need(env, kind), now: env.now }));
    case "award":
      return wrap("award", parseAward(values, { process: need(env, kind), registerOrgs: env.registerOrgs, today: env.today }));
    case "contract":
      return wrap("contract", parseContract(values, { process: need(env, kind), today: env.today }));
    case "amendment":
      return wrap("amendment", parseAmendment(values, { process: need(env, kind), today: env.today }));
    case "termination":
      return wrap("termination", parseTermination(values, { process: need(env, kind), today: env.today }));
  }
}

/** The one release a notice publishes. `buyer` is the buyer organisation (for a new tender, the one chosen). */
export function buildNoticeRelease(p: ParsedNotice, meta: PublishMeta, env: NoticeEnv & { buyer: OrgInfo }): OcdsRelease {
  switch (p.kind) {
    case "tender":
      return buildTenderRelease(p.notice, meta, env.buyer, null);
    case "tenderUpdate":
      return buildTenderRelease(p.notice, meta, env.buyer, need(env, p.kind));
    case "award":
      return buildAwardRelease(p.notice, meta, need(env, p.kind), env.registerOrgs);
    case "contract":
      return buildContractRelease(p.notice, meta, need(env, p.kind));
    case "amendment":
      return buildAmendmentRelease(p.notice, meta, need(env, p.kind));
    case "termination":
      return buildTerminationRelease(p.notice, meta, need(env, p.kind));
  }
}

/** The notice in words (label, value) for the preview page. */
export function summariseNotice(p: ParsedNotice, env: NoticeEnv & { buyerName: string }): Array<[string, string]> {
  switch (p.kind) {
    case "tender":
    case "tenderUpdate":
      return tenderSummary(p.notice, env.buyerName);
    case "award":
      return awardSummary(p.notice, need(env, p.kind), env.registerOrgs);
    case "contract":
      return contractSummary(p.notice, need(env, p.kind));
    case "amendment":
      return amendmentSummary(p.notice, need(env, p.kind));
    case "termination":
      return terminationSummary(p.notice, need(env, p.kind));
  }
}

/** The form's title of a notice, for drafts and the audit log. */
export function noticeTitle(p: ParsedNotice, process: ProcessContext | null): string {
  return p.kind === "tender" || p.kind === "tenderUpdate" ? p.notice.title : (process?.state.title ?? "");
}
