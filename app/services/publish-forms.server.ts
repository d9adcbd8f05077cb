/**
 * The notice forms' loaders and actions (routes stay thin): who may see and
 * post each form, drafts saved on every post, "add another" rows, supplier
 * search, and the hand-over to the preview page.
 *
 * Nothing typed is lost: every post saves the form as the user's draft. When
 * the session has expired mid-form, the post is still saved (for the user of
 * that signed session cookie, if the form's CSRF token matches it) and the
 * user is sent to sign in, then back to the form with their entry.
 */
import { data, redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import { buyersOfUser } from "../../db/queries/accounts";
import { deleteDraft, getDraft, listDrafts, saveDraft, setDraftBase } from "../../db/queries/drafts";
import { orgsByIds, processReleases, processesOfBuyers, searchSupplierOrgs } from "../../db/queries/publishing";
import type { Executor } from "../../db/queries/util";
import { contractChoiceInitial, liveContracts } from "../domain/notices/amendment";
import { awardsWithoutContract, contractInitialValues } from "../domain/notices/contract";
import {
  type FieldError,
  type FormValues,
  NOTICE_KINDS,
  type NoticeKind,
  type ProcessContext,
  buildNoticeRelease,
  closedReason,
  cleanInput,
  dateValues,
  isNoticeKind,
  parseNotice,
  summariseNotice,
} from "../domain/notices";
import { applyRowIntent, parseRowIntent } from "../domain/notices/rows";
import { tenderValuesFromState } from "../domain/notices/tender";
import {
  type CurrentUser,
  assertCanActForBuyer,
  canActForBuyer,
  clientAddress,
  forbiddenForBuyer,
  loginUrl,
  requireUser,
  userAgent,
} from "./auth.server";
import { assertCsrf, tokensMatch } from "./csrf.server";
import {
  type ConflictInfo,
  currentVersion,
  loadProcessContext,
  newIdempotencyKey,
  noticeEnv,
  orgInfoOf,
  publishDraft,
  releaseDateFor,
  todayOf,
} from "./publish.server";
import { lookupSession } from "./session.server";

type Ctx = AppLoadContext;

/** Largest form post accepted (a notice is a few kilobytes; descriptions are capped at 10,000 characters). */
const MAX_FORM_BYTES = 1_000_000;

export function formPath(kind: NoticeKind, ocid: string | null): string {
  if (kind === "tender") return "/publish/tender";
  const slug = kind === "tenderUpdate" ? "tender" : kind;
  return `/publish/${encodeURIComponent(ocid ?? "")}/${slug}`;
}

/** Field values of a posted form (hidden control fields left out; odd names ignored). */
export function formValues(fd: FormData): FormValues {
  const out: FormValues = {};
  for (const [k, v] of fd.entries()) {
    if (typeof v !== "string") continue;
    if (k === "csrf" || k === "intent" || k === "draftId" || k === "basedOn" || k === "idempotencyKey") continue;
    if (!/^[A-Za-z][A-Za-z0-9-]{0,60}$/.test(k)) continue;
    out[k] = v.slice(0, 100_000);
  }
  return out;
}

export async function readForm(request: Request): Promise<FormData> {
  const len = Number(request.headers.get("Content-Length") ?? "0");
  if (len > MAX_FORM_BYTES) throw new Response("The form is too large to accept (more than 1 MB).", { status: 413 });
  return request.formData();
}

const draftIdOf = (v: FormDataEntryValue | string | null | undefined): bigint | null =>
  typeof v === "string" && /^\d{1,18}$/.test(v) ? BigInt(v) : null;

/** What a form shows about its process. */
export function processSummary(ctx: ProcessContext) {
  const s = ctx.state;
  return {
    ocid: ctx.ocid,
    title: s.title,
    buyerId: ctx.buyer.id,
    buyerName: ctx.buyer.name,
    status: s.status,
    releaseCount: ctx.releaseCount,
    currentValuePence: s.currentValuePence,
    endDate: s.endDate,
    closed: closedReason(s),
    lots: s.tender.lots.map((l) => ({ id: l.id, title: l.title ?? `Lot ${l.id}` })),
    awards: s.awards.map((a) => ({ id: a.id, title: a.title ?? a.id, valuePence: a.valuePence, date: a.date, suppliers: a.suppliers.map((x) => x.party.name) })),
    awardsWithoutContract: awardsWithoutContract(ctx).map((a) => a.id),
    contracts: s.contracts.map((c) => ({
      id: c.id,
      title: c.title ?? c.id,
      status: c.status,
      valuePence: c.valuePence,
      startDate: c.startDate,
      endDate: c.endDate,
      dateSigned: c.dateSigned,
    })),
    liveContracts: liveContracts(ctx).map((c) => c.id),
  };
}
export type ProcessSummary = ReturnType<typeof processSummary>;

async function processFor(db: Executor, user: CurrentUser, ocid: string): Promise<ProcessContext> {
  const ctx = await loadProcessContext(db, ocid);
  if (!ctx) throw new Response(`There is no contracting process with the identifier “${ocid.slice(0, 200)}” in the register.`, { status: 404 });
  assertCanActForBuyer(user, ctx.buyer.id);
  return ctx;
}

/** The buyers a user may publish for (admins: every buyer). */
export async function publishableBuyers(db: Executor, user: CurrentUser): Promise<Array<{ id: bigint; name: string }>> {
  if (user.role === "admin") {
    return db.selectFrom("organisations").select(["id", "name"]).where("is_buyer", "=", true).orderBy("name").orderBy("id").execute();
  }
  return buyersOfUser(db, user.id);
}

function initialValues(kind: NoticeKind, ctx: ProcessContext | null, today: string, buyers: Array<{ id: bigint }>): FormValues {
  switch (kind) {
    case "tender":
      return { deadlineTime: "12:00", ...(buyers.length === 1 ? { buyerId: String(buyers[0]!.id) } : {}) };
    case "tenderUpdate":
      return tenderValuesFromState(ctx!);
    case "award":
      return { title: "" };
    case "contract":
      return contractInitialValues(ctx!);
    case "amendment":
      return { ...contractChoiceInitial(ctx!), ...dateValues("amendmentDate", today) };
    case "termination":
      return { ...contractChoiceInitial(ctx!), ...dateValues("terminationDate", today) };
  }
}

/** Register suppliers named in the rows, for showing their names. */
async function rowSuppliers(db: Executor, values: FormValues) {
  const ids: bigint[] = [];
  for (let i = 0; i < 10; i++) {
    const v = cleanInput(values[`supplier-${i}-orgId`]);
    if (/^\d{1,18}$/.test(v)) ids.push(BigInt(v));
  }
  const rows = await orgsByIds(db, ids);
  return rows.filter((r) => r.is_supplier).map((r) => supplierChoice(r));
}

function supplierChoice(r: Awaited<ReturnType<typeof orgsByIds>>[number]) {
  return { id: r.id, name: r.name, scheme: r.scheme, identifier: r.identifier, scale: r.scale, orgType: r.org_type };
}
export type SupplierChoice = ReturnType<typeof supplierChoice>;

export async function noticeFormLoader(kind: NoticeKind, request: Request, context: Ctx, ocidParam: string | undefined) {
  const user = await requireUser(request, context);
  const db = context.db;
  const now = context.now();
  const ctx = kind === "tender" ? null : await processFor(db, user, ocidParam ?? "");
  const buyers = kind === "tender" ? await publishableBuyers(db, user) : [];
  if (kind === "tender" && buyers.length === 0) {
    throw new Response("Your account is not bound to any buyer organisation yet: ask an administrator to add one.", { status: 403 });
  }
  const url = new URL(request.url);
  const draftId = draftIdOf(url.searchParams.get("draft"));
  let values: FormValues;
  let basedOn: number | null = ctx?.releaseCount ?? null;
  let fromDraft: bigint | null = null;
  let errors: FieldError[] = [];
  const draft = draftId !== null ? await getDraft(db, draftId, user.id) : undefined;
  if (draft && draft.kind === kind && (draft.ocid ?? null) === (ctx?.ocid ?? null)) {
    values = draft.fields as FormValues;
    basedOn = draft.based_on;
    fromDraft = draft.id;
    if (url.searchParams.get("check") === "1") {
      const parsed = parseNotice(kind, values, await noticeEnv(db, values, ctx, now));
      if (!parsed.ok) errors = parsed.errors;
    }
  } else {
    values = initialValues(kind, ctx, todayOf(now), buyers);
  }
  return {
    kind,
    csrf: user.csrfToken,
    process: ctx ? processSummary(ctx) : null,
    buyers: buyers.map((b) => ({ id: String(b.id), name: b.name })),
    values,
    errors,
    draftId: fromDraft !== null ? String(fromDraft) : null,
    basedOn,
    suppliers: await rowSuppliers(db, values),
    reason: url.searchParams.get("reason"),
  };
}

export interface FormActionData {
  values: FormValues;
  errors: FieldError[];
  draftId: string;
  searchResults?: SupplierChoice[];
  searched?: string;
  suppliers: SupplierChoice[];
  saved?: boolean;
}

async function saveForm(
  db: Executor,
  user: { id: bigint },
  kind: NoticeKind,
  ctx: ProcessContext | null,
  values: FormValues,
  draftId: bigint | null,
  basedOn: number | null,
): Promise<bigint> {
  const buyerId = ctx?.buyer.id ?? (/^\d{1,18}$/.test(values.buyerId ?? "") ? BigInt(values.buyerId!) : null);
  const title = kind === "tender" || kind === "tenderUpdate" ? cleanInput(values.title) || "Untitled tender" : (ctx?.state.title ?? null);
  return saveDraft(db, { userId: user.id, kind, ocid: ctx?.ocid ?? null, buyerId, title, fields: values, basedOn }, draftId);
}

/**
 * A post to a form whose session has ended: keep the entry as the user's
 * draft when the cookie and CSRF token prove whose it is, then ask them to
 * sign in and come back to it. Anything else: sign in first.
 */
async function signedOutPost(kind: NoticeKind, request: Request, context: Ctx, fd: FormData, ocid: string | null): Promise<never> {
  const path = formPath(kind, ocid);
  const s = await lookupSession(context.db, request, context.env, context.now());
  if (s && s.state === "expired" && tokensMatch(fd.get("csrf"), s.csrfToken)) {
    const ctx = ocid ? await loadProcessContext(context.db, ocid) : null;
    const buyerIds = (await buyersOfUser(context.db, s.user.id)).map((b) => b.id);
    const who = { role: s.user.role, buyerIds };
    const values = formValues(fd);
    const buyerId = ctx?.buyer.id ?? (/^\d{1,18}$/.test(values.buyerId ?? "") ? BigInt(values.buyerId!) : null);
    if ((kind === "tender" && (buyerId === null || canActForBuyer(who, buyerId))) || (ctx && canActForBuyer(who, ctx.buyer.id))) {
      const basedOn = ctx ? (Number.parseInt(String(fd.get("basedOn") ?? ""), 10) || ctx.releaseCount) : null;
      const id = await saveForm(context.db, s.user, kind, ctx, values, draftIdOf(fd.get("draftId")), basedOn);
      throw redirect(loginUrl(`${path}?draft=${id}`, "saved"), 303);
    }
  }
  throw redirect(loginUrl(path, s?.state === "expired" ? "expired" : undefined), 303);
}

export async function noticeFormAction(kind: NoticeKind, request: Request, context: Ctx, ocidParam: string | undefined) {
  const db = context.db;
  const now = context.now();
  const fd = await readForm(request);
  const ocid = kind === "tender" ? null : (ocidParam ?? "");
  const session = await lookupSession(db, request, context.env, now);
  if (session?.state !== "active") return signedOutPost(kind, request, context, fd, ocid);
  const user = await requireUser(request, context);
  assertCsrf(fd, user.csrfToken);

  const ctx = ocid !== null ? await processFor(db, user, ocid) : null;
  let values = formValues(fd);
  // A new tender names its buyer in the form: a buyer the user may not act for is refused outright (a tampered form).
  if (kind === "tender") {
    const b = cleanInput(values.buyerId);
    if (b !== "" && (!/^\d{1,18}$/.test(b) || !canActForBuyer(user, BigInt(b)))) throw forbiddenForBuyer();
  }
  const postedBase = Number.parseInt(String(fd.get("basedOn") ?? ""), 10);
  const basedOn = ctx ? (Number.isFinite(postedBase) && postedBase >= 0 ? postedBase : ctx.releaseCount) : null;
  let draftId = draftIdOf(fd.get("draftId"));
  const intent = String(fd.get("intent") ?? "preview");

  const rowIntent = parseRowIntent(intent);
  if (rowIntent) {
    values = applyRowIntent(values, rowIntent);
    draftId = await saveForm(db, user, kind, ctx, values, draftId, basedOn);
    const out: FormActionData = { values, errors: [], draftId: String(draftId), suppliers: await rowSuppliers(db, values) };
    if (rowIntent.kind === "search-suppliers") {
      const q = cleanInput(values.supplierQuery);
      out.searched = q;
      out.searchResults = (await searchSupplierOrgs(db, q, 10)).map(supplierChoice);
      if (q === "") out.errors = [{ field: "supplierQuery", message: "Enter a name or an identifier to search the register" }];
    }
    return data(out, { status: out.errors.length ? 400 : 200 });
  }

  draftId = await saveForm(db, user, kind, ctx, values, draftId, basedOn);
  if (intent === "save") {
    return data({ values, errors: [], draftId: String(draftId), suppliers: await rowSuppliers(db, values), saved: true } satisfies FormActionData);
  }
  const parsed = parseNotice(kind, values, await noticeEnv(db, values, ctx, now));
  if (!parsed.ok) {
    return data({ values, errors: parsed.errors, draftId: String(draftId), suppliers: await rowSuppliers(db, values) } satisfies FormActionData, {
      status: 400,
    });
  }
  throw redirect(`/publish/drafts/${draftId}`, 303);
}


// ---------------------------------------------------------------------------
// Preview and publish


async function draftFor(db: Executor, user: CurrentUser, idParam: string | undefined) {
  const id = draftIdOf(idParam);
  const draft = id !== null ? await getDraft(db, id, user.id) : undefined;
  if (!draft) throw new Response("There is no such draft: it may have been published or discarded already.", { status: 404 });
  return draft;
}

export async function draftPreviewLoader(request: Request, context: Ctx, idParam: string | undefined) {
  const user = await requireUser(request, context);
  const db = context.db;
  const now = context.now();
  const draft = await draftFor(db, user, idParam);
  if (draft.kind === "bulk") throw redirect(`/publish/bulk?upload=${draft.id}`);
  if (!isNoticeKind(draft.kind)) throw new Response("This draft cannot be shown.", { status: 404 });
  const kind = draft.kind;
  const ctx = kind === "tender" ? null : await processFor(db, user, draft.ocid ?? "");
  const values = draft.fields as FormValues;
  const env = await noticeEnv(db, values, ctx, now);
  const parsed = parseNotice(kind, values, env);
  let rows: Array<[string, string]> = [];
  let releaseJson: string | null = null;
  let buyerName = ctx?.buyer.name ?? "";
  if (parsed.ok) {
    if (!ctx) {
      const buyerId = parsed.value.kind === "tender" ? parsed.value.notice.buyerId : null;
      if (buyerId === null || !canActForBuyer(user, buyerId)) throw forbiddenForBuyer();
      const b = (await orgsByIds(db, [buyerId]))[0];
      buyerName = b?.name ?? String(buyerId);
      if (b) {
        const release = buildNoticeRelease(
          parsed.value,
          { ocid: "(assigned when published)", releaseId: "(assigned when published)", date: releaseDateFor(now, null), today: env.today },
          { ...env, buyer: orgInfoOf(b) },
        );
        releaseJson = JSON.stringify(release, null, 2);
      }
    } else {
      const release = buildNoticeRelease(
        parsed.value,
        { ocid: ctx.ocid, releaseId: "(assigned when published)", date: releaseDateFor(now, ctx), today: env.today },
        { ...env, buyer: ctx.buyer },
      );
      releaseJson = JSON.stringify(release, null, 2);
    }
    rows = summariseNotice(parsed.value, { ...env, buyerName });
  }
  const moved = ctx !== null && draft.based_on !== null && draft.based_on !== ctx.releaseCount;
  return {
    csrf: user.csrfToken,
    draftId: String(draft.id),
    kind,
    kindLabel: NOTICE_KINDS[kind].label,
    tag: NOTICE_KINDS[kind].tag.join(", "),
    process: ctx ? processSummary(ctx) : null,
    rows,
    errors: parsed.ok ? [] : parsed.errors,
    releaseJson,
    editUrl: `${formPath(kind, ctx?.ocid ?? null)}?draft=${draft.id}`,
    idempotencyKey: newIdempotencyKey(),
    moved,
  };
}

export interface PreviewActionData {
  errors: FieldError[];
  conflict: ConflictInfo | null;
}

export async function draftPreviewAction(request: Request, context: Ctx, idParam: string | undefined) {
  const fd = await readForm(request);
  const user = await requireUser(request, context);
  assertCsrf(fd, user.csrfToken);
  const db = context.db;
  const intent = String(fd.get("intent") ?? "");
  const draftId = draftIdOf(idParam);
  if (draftId === null) throw new Response("There is no such draft.", { status: 404 });

  if (intent === "discard") {
    await draftFor(db, user, idParam); // not the user's draft (or gone already): 404, nothing done
    await deleteDraft(db, draftId, user.id);
    throw redirect("/publish?discarded=1", 303);
  }
  if (intent === "rebase") {
    const draft = await draftFor(db, user, idParam);
    if (draft.ocid) await setDraftBase(db, draft.id, user.id, await currentVersion(db, draft.ocid));
    throw redirect(`/publish/drafts/${draft.id}`, 303);
  }
  if (intent !== "publish") throw new Response("Unknown action.", { status: 400 });
  const outcome = await publishDraft(
    db,
    { user, ip: clientAddress(request, context), userAgent: userAgent(request) },
    { draftId, idempotencyKey: String(fd.get("idempotencyKey") ?? ""), now: context.now() },
  );
  switch (outcome.status) {
    case "published":
      throw redirect(`/publish/${encodeURIComponent(outcome.ocid)}?published=${encodeURIComponent(outcome.releaseId)}`, 303);
    case "conflict":
      return data({ errors: [], conflict: outcome.conflict } satisfies PreviewActionData, { status: 409 });
    case "invalid":
      return data({ errors: outcome.errors, conflict: null } satisfies PreviewActionData, { status: 400 });
    case "forbidden":
      throw forbiddenForBuyer();
    case "missing":
      throw new Response("There is no such draft: it may have been published or discarded already.", { status: 404 });
  }
}

// ---------------------------------------------------------------------------
// The publisher's pages: /publish and /publish/:ocid


export async function publishIndexLoader(request: Request, context: Ctx) {
  const user = await requireUser(request, context);
  const db = context.db;
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").slice(0, 200);
  const buyers = user.role === "admin" ? [] : await buyersOfUser(db, user.id);
  const processes = await processesOfBuyers(db, user.role === "admin" ? null : buyers.map((b) => b.id), q, 25);
  const drafts = await listDrafts(db, user.id, 50);
  return {
    user: { email: user.email, name: user.name, role: user.role },
    buyers: buyers.map((b) => ({ id: String(b.id), name: b.name })),
    processes: processes.map((p) => ({ ...p, last_release_at: new Date(p.last_release_at).toISOString() })),
    drafts: drafts.map((d) => ({ ...d, id: String(d.id), updated_at: new Date(d.updated_at).toISOString() })),
    q,
    discarded: url.searchParams.get("discarded") === "1",
  };
}

export async function processPageLoader(request: Request, context: Ctx, ocidParam: string | undefined) {
  const user = await requireUser(request, context);
  const db = context.db;
  const ctx = await processFor(db, user, ocidParam ?? "");
  const releases = await processReleases(db, ctx.ocid);
  const url = new URL(request.url);
  const published = url.searchParams.get("published");
  const summary = processSummary(ctx);
  return {
    process: summary,
    hasTender: ctx.tenderId !== null || ctx.state.tender.status !== null,
    canAward: summary.closed === null,
    canContract: summary.closed === null && summary.awardsWithoutContract.length > 0,
    canAmend: summary.closed === null && summary.liveContracts.length > 0,
    releases: releases.map((r) => ({
      id: r.release_id,
      date: new Date(r.date).toISOString(),
      tags: r.tags,
      source: r.source.startsWith("publish:") ? "Published in this register" : r.source === "demo" ? "Demonstration data" : "Imported",
    })),
    published: published && releases.some((r) => r.release_id === published) ? published : null,
  };
}
