/**
 * Publishing a notice: draft → preview → publish.
 *
 * Publishing builds ONE OCDS release (new id, date = now, the notice's tag,
 * only the sections it changes plus the parties it names) and, in ONE
 * transaction, claims the form's idempotency key with the audit-log row,
 * appends the release through `ingestReleases` (which recompiles the process
 * and everything derived from it) and removes the draft. Nothing published
 * is ever updated or deleted: a correction is a new release with a reason.
 *
 * Concurrency: a notice about an existing process carries the version it was
 * based on (the process's release count when the form was opened). Inside
 * the transaction the process is locked; if it has moved on, nothing is
 * written and the publisher sees what changed, with their entry kept in the
 * draft. A double-submitted form publishes once: its idempotency key is
 * unique in the audit log.
 */
import { randomBytes } from "node:crypto";
import type { Executor } from "../../db/queries/util";
import { findByIdempotencyKey, insertAudit } from "../../db/queries/audit";
import { deleteDraft, getDraft } from "../../db/queries/drafts";
import { type OrgRow, lockProcess, orgsByIds, processReleases, processVersion } from "../../db/queries/publishing";
import type { DB } from "../../db/client";
import { compileReleases, sortReleases } from "../domain/ocds/compile";
import { mapCompiledRelease } from "../domain/ocds/map";
import { idText, isObject } from "../domain/ocds/json";
import {
  type FieldError,
  type FormValues,
  type NoticeEnv,
  type NoticeKind,
  NOTICE_KINDS,
  type OrgInfo,
  type ParsedNotice,
  type ProcessContext,
  buildNoticeRelease,
  isNoticeKind,
  noticeTitle,
  parseNotice,
} from "../domain/notices";
import { supplierOrgIds } from "../domain/notices/award";
import { PUBLISH_OCID_PREFIX } from "../domain/notices/bulk";
import type { BuyerType, Itl1, OcdsRelease, OrgType, Scale } from "../domain/types";
import { type CurrentUser, canActForBuyer } from "./auth.server";
import { ingestReleases } from "./ingest.server";

export function orgInfoOf(r: OrgRow): OrgInfo {
  return {
    id: r.id,
    name: r.name,
    scheme: r.scheme,
    identifier: r.identifier,
    scale: r.scale as Scale,
    orgType: r.org_type as OrgType,
    buyerType: r.buyer_type as BuyerType | null,
    region: r.region as Itl1 | null,
    countryCode: r.country_code,
    postcode: r.postcode,
  };
}

export async function orgInfos(db: Executor, ids: bigint[]): Promise<Map<string, OrgInfo>> {
  const rows = await orgsByIds(db, [...new Set(ids)]);
  return new Map(rows.map((r) => [String(r.id), orgInfoOf(r)]));
}

/** Suppliers named by a form that are on the register (ids of non-suppliers are left out). */
export async function registerSuppliersOf(db: Executor, values: FormValues): Promise<Map<string, OrgInfo>> {
  const rows = await orgsByIds(db, supplierOrgIds(values));
  return new Map(rows.filter((r) => r.is_supplier).map((r) => [String(r.id), orgInfoOf(r)]));
}

/** A contracting process as a notice about it sees it; null when it is not in the register. */
export async function loadProcessContext(db: Executor, ocid: string): Promise<ProcessContext | null> {
  const version = await processVersion(db, ocid);
  if (!version || version.buyer_id === null) return null;
  const rows = await processReleases(db, ocid);
  if (rows.length === 0) return null;
  const raws = rows.map((r) => r.data as unknown as OcdsRelease);
  const compiled = compileReleases(raws);
  const state = mapCompiledRelease(compiled, raws);
  const last = sortReleases(raws).at(-1);
  const buyer = (await orgInfos(db, [version.buyer_id])).get(String(version.buyer_id));
  if (!buyer) return null;
  return {
    ocid,
    buyer,
    releaseCount: version.release_count,
    lastReleaseId: last ? idText(last.id) : null,
    state,
    tenderId: isObject(compiled.tender) ? idText(compiled.tender.id) : null,
  };
}

/** "YYYY-MM-DD" of an instant (UTC). */
export const todayOf = (now: Date) => now.toISOString().slice(0, 10);

/**
 * The release date: now — or, when the process's latest release is dated
 * later (demonstration data runs into the future), one second after it, so
 * the new release is always the latest when the register compiles the
 * process in date order.
 */
export function releaseDateFor(now: Date, ctx: ProcessContext | null): string {
  const last = ctx ? Date.parse(ctx.state.lastReleaseDate) : Number.NaN;
  const ms = Number.isFinite(last) && last >= now.getTime() ? last + 1000 : now.getTime();
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

const KIND_SLUG: Record<NoticeKind, string> = {
  tender: "tender",
  tenderUpdate: "tender-correction",
  award: "award",
  contract: "contract",
  amendment: "amendment",
  termination: "termination",
};

export function newReleaseId(kind: NoticeKind, date: string): string {
  return `${KIND_SLUG[kind]}-${date.replace(/\D/g, "").slice(0, 14)}-${randomBytes(3).toString("hex")}`;
}

export function newOcid(): string {
  return `${PUBLISH_OCID_PREFIX}${randomBytes(6).toString("hex")}`;
}

export function newIdempotencyKey(): string {
  return randomBytes(18).toString("base64url");
}

export interface Requester {
  user: CurrentUser;
  ip: string;
  userAgent: string | null;
}

/** Who may publish a kind of notice for a process or a new tender for a buyer. */
export function mayPublish(user: CurrentUser, buyerId: bigint | null): boolean {
  return canActForBuyer(user, buyerId);
}

export interface ConflictInfo {
  basedOn: number;
  releaseCount: number;
  /** Releases published since the form was opened. */
  since: Array<{ releaseId: string; date: string; tags: string[]; byThisRegister: boolean }>;
  status: string;
  currentValuePence: bigint | null;
  endDate: string | null;
  title: string;
}

export type PublishOutcome =
  | { status: "published"; ocid: string; releaseId: string; duplicate: boolean }
  | { status: "conflict"; conflict: ConflictInfo }
  | { status: "invalid"; errors: FieldError[] }
  | { status: "forbidden" }
  | { status: "missing" };

class Abort extends Error {
  constructor(readonly outcome: PublishOutcome) {
    super(outcome.status);
  }
}

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === "23505" || /duplicate key value|unique constraint/i.test(String((e as Error)?.message ?? ""));
}

async function conflictInfo(db: Executor, ctx: ProcessContext, basedOn: number): Promise<ConflictInfo> {
  const rows = await processReleases(db, ctx.ocid);
  const since = rows.slice(Math.max(0, basedOn)).map((r) => ({
    releaseId: r.release_id,
    date: new Date(r.date).toISOString(),
    tags: r.tags,
    byThisRegister: r.source.startsWith("publish:"),
  }));
  return {
    basedOn,
    releaseCount: ctx.releaseCount,
    since,
    status: ctx.state.status,
    currentValuePence: ctx.state.currentValuePence,
    endDate: ctx.state.endDate,
    title: ctx.state.title,
  };
}

/** The environment a notice is read in: the process (if any), register suppliers, and the clock. */
export async function noticeEnv(db: Executor, values: FormValues, process: ProcessContext | null, now: Date): Promise<NoticeEnv> {
  return { process, registerOrgs: await registerSuppliersOf(db, values), now: now.toISOString(), today: todayOf(now) };
}

/**
 * Publish a user's draft. Returns what happened; writes nothing unless the
 * notice is valid, the user may publish for its buyer, the process has not
 * moved on since the form was opened, and the key was not used before.
 */
export async function publishDraft(
  db: DB,
  req: Requester,
  input: { draftId: bigint; idempotencyKey: string; now: Date },
): Promise<PublishOutcome> {
  const key = input.idempotencyKey;
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(key)) return { status: "invalid", errors: [{ field: "publish", message: "The form is incomplete: reload the page and publish again" }] };
  const done = async (): Promise<PublishOutcome | null> => {
    const prior = await findByIdempotencyKey(db, key);
    if (!prior || prior.ocid === null) return null;
    if (prior.user_id !== req.user.id) return { status: "forbidden" };
    return { status: "published", ocid: prior.ocid, releaseId: prior.release_ids[0] ?? "", duplicate: true };
  };
  const before = await done();
  if (before) return before;

  try {
    return await db.transaction().execute(async (trx) => {
      const first = await getDraft(trx, input.draftId, req.user.id);
      if (!first || !isNoticeKind(first.kind)) throw new Abort({ status: "missing" });
      if (first.kind !== "tender") {
        if (!first.ocid) throw new Abort({ status: "missing" });
        await lockProcess(trx, first.ocid);
        // Holding the lock: a twin request that published first is visible now.
        const twin = await findByIdempotencyKey(trx, key);
        if (twin?.ocid) {
          throw new Abort(
            twin.user_id === req.user.id
              ? { status: "published", ocid: twin.ocid, releaseId: twin.release_ids[0] ?? "", duplicate: true }
              : { status: "forbidden" },
          );
        }
      }
      const draft = await getDraft(trx, input.draftId, req.user.id);
      if (!draft || draft.kind !== first.kind || draft.ocid !== first.ocid || !isNoticeKind(draft.kind)) throw new Abort({ status: "missing" });
      const kind = draft.kind;
      const values = draft.fields as FormValues;

      let ctx: ProcessContext | null = null;
      if (kind !== "tender") {
        ctx = await loadProcessContext(trx, draft.ocid!);
        if (!ctx) throw new Abort({ status: "invalid", errors: [{ field: "publish", message: "This contracting process is no longer in the register" }] });
        if (!mayPublish(req.user, ctx.buyer.id)) throw new Abort({ status: "forbidden" });
        if (draft.based_on !== null && draft.based_on !== ctx.releaseCount) {
          throw new Abort({ status: "conflict", conflict: await conflictInfo(trx, ctx, draft.based_on) });
        }
      }

      const env = await noticeEnv(trx, values, ctx, input.now);
      const parsed = parseNotice(kind, values, env);
      if (!parsed.ok) throw new Abort({ status: "invalid", errors: parsed.errors });

      let buyer: OrgInfo;
      if (ctx) buyer = ctx.buyer;
      else {
        const buyerId = (parsed.value as Extract<ParsedNotice, { kind: "tender" }>).notice.buyerId;
        if (!mayPublish(req.user, buyerId)) throw new Abort({ status: "forbidden" });
        const found = (await orgInfos(trx, [buyerId])).get(String(buyerId));
        const isBuyer = found ? (await orgsByIds(trx, [buyerId]))[0]?.is_buyer : false;
        if (!found || !isBuyer) throw new Abort({ status: "invalid", errors: [{ field: "buyerId", message: "Select the buyer this notice is for" }] });
        buyer = found;
      }

      const date = releaseDateFor(input.now, ctx);
      const ocid = ctx?.ocid ?? newOcid();
      const releaseId = newReleaseId(kind, date);
      const release = buildNoticeRelease(parsed.value, { ocid, releaseId, date, today: env.today }, { ...env, buyer });

      await insertAudit(trx, {
        userId: req.user.id,
        userEmail: req.user.email,
        action: "publish",
        summary: `${NOTICE_KINDS[kind].label}: ${noticeTitle(parsed.value, ctx).slice(0, 200)}`,
        ocid,
        releaseIds: [releaseId],
        buyerId: buyer.id,
        details: { kind, tag: release.tag, basedOn: draft.based_on, draftId: String(draft.id) },
        ip: req.ip,
        userAgent: req.userAgent,
        idempotencyKey: key,
        at: input.now,
      });
      const result = await ingestReleases(trx, [release], { source: `publish:${req.user.id}` });
      if (result.releasesNew !== 1 || result.conflicts.length > 0) {
        throw new Error(`publishing ${ocid}/${releaseId} did not append exactly one release`);
      }
      await deleteDraft(trx, draft.id, req.user.id);
      return { status: "published", ocid, releaseId, duplicate: false } as const;
    });
  } catch (e) {
    if (e instanceof Abort) return e.outcome;
    if (isUniqueViolation(e)) {
      const after = await done();
      if (after) return after;
    }
    throw e;
  }
}

/** Rebase a draft on the process as it stands now (after a conflict, once the publisher has seen what changed). */
export async function currentVersion(db: Executor, ocid: string): Promise<number | null> {
  return (await processVersion(db, ocid))?.release_count ?? null;
}

