/**
 * Bulk upload of awards and contracts (CSV).
 *
 * 1. Upload (multipart, in memory, at most 8 MB): the file must be UTF-8
 *    text, valid CSV, with exactly the template's columns and at most 10,000
 *    rows. Each problem gets a clear message naming what is wrong.
 * 2. Check: every row is validated (app/domain/notices/bulk.ts) and checked
 *    against the register and the user's buyers BEFORE anything is written;
 *    the report lists each rejected row with its line number and reason.
 *    The file is kept as the user's draft (stateless: no server memory).
 * 3. Commit: the check runs again inside ONE transaction, then every new
 *    release is appended with `ingestReleases` and an audit row; any problem
 *    rolls everything back (all or nothing). Release ids come from each
 *    row's content, so re-uploading the same file publishes nothing twice.
 */
import { createHash } from "node:crypto";
import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { parse } from "csv-parse/sync";
import type { DB } from "../../db/client";
import { findByIdempotencyKey, insertAudit } from "../../db/queries/audit";
import { deleteDraft, getDraft, saveDraft } from "../../db/queries/drafts";
import { lockProcesses, orgsByIds, publishedReleaseKeys } from "../../db/queries/publishing";
import type { Executor } from "../../db/queries/util";
import {
  BULK_COLUMN_NAMES,
  BULK_MAX_BYTES,
  BULK_MAX_ROWS,
  type BulkRow,
  type RowIds,
  type RowProblem,
  buildRowRelease,
  checkRow,
  describeRow,
  headerProblems,
  rowIds,
} from "../domain/notices/bulk";
import { closedReason } from "../domain/notices";
import type { OcdsRelease } from "../domain/types";
import { type CurrentUser, canActForBuyer } from "./auth.server";
import { ingestReleases } from "./ingest.server";
import { loadProcessContext, orgInfoOf, releaseDateFor, todayOf } from "./publish.server";

export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export type ReadResult = { ok: true; text: string; filename: string } | { ok: false; message: string };

const MB = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

/** Bytes of an uploaded file → its text, or why it cannot be read. */
export function decodeCsv(bytes: Uint8Array): { ok: true; text: string } | { ok: false; message: string } {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { ok: false, message: "The file is in UTF-16, not UTF-8. Save it as “CSV UTF-8 (comma delimited)” and upload it again." };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Find the first bad byte's line, to help.
    let line = 1;
    let i = 0;
    for (; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b === 0x0a) line++;
      if (b >= 0x80) {
        try {
          new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(i, Math.min(bytes.length, i + 4)));
        } catch {
          break;
        }
      }
    }
    return {
      ok: false,
      message: `The file is not valid UTF-8 text (first bad character on line ${line}). It may be in another encoding, such as Windows-1252: save it as “CSV UTF-8 (comma delimited)” and upload it again.`,
    };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes("\u0000")) return { ok: false, message: "The file contains binary data (NUL characters): it is not a CSV text file." };
  return { ok: true, text };
}

/** Read the multipart upload (file field `file`) and its other fields. */
export async function readUpload(request: Request): Promise<{ fields: FormData | null; file: ReadResult }> {
  const len = Number(request.headers.get("Content-Length") ?? "0");
  if (len > BULK_MAX_BYTES + 64 * 1024) {
    return {
      fields: null,
      file: {
        ok: false,
        message: `The file is too large (${MB(len)}): the limit is ${MB(BULK_MAX_BYTES)} and ${BULK_MAX_ROWS.toLocaleString("en-GB")} rows. Split it into smaller files.`,
      },
    };
  }
  let fd: FormData;
  try {
    fd = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: BULK_MAX_BYTES }));
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) {
      return {
        fields: null,
        file: { ok: false, message: `The file is too large: the limit is ${MB(BULK_MAX_BYTES)} and ${BULK_MAX_ROWS.toLocaleString("en-GB")} rows. Split it into smaller files.` },
      };
    }
    return { fields: null, file: { ok: false, message: "The upload could not be read. Choose the file again and upload it." } };
  }
  const file = fd.get("file");
  if (!file || typeof file === "string" || file.size === 0) return { fields: fd, file: { ok: false, message: "Choose a CSV file to upload" } };
  const decoded = decodeCsv(new Uint8Array(await file.arrayBuffer()));
  if (!decoded.ok) return { fields: fd, file: decoded };
  return { fields: fd, file: { ok: true, text: decoded.text, filename: (file.name || "upload.csv").slice(0, 200) } };
}

export interface ReportRow {
  line: number;
  reference: string;
  description: string;
  ocid: string;
  outcome: "new" | "update" | "unchanged";
}

export interface BulkReport {
  filename: string;
  /** Problems with the whole file (encoding, CSV syntax, columns, size): nothing else is checked. */
  fileErrors: string[];
  rowCount: number;
  accepted: ReportRow[];
  rejected: RowProblem[];
  /** Rows rejected because the user may not publish for their buyer (the report is then a 403). */
  forbidden: number;
}

interface Planned {
  row: BulkRow;
  ids: RowIds;
  outcome: ReportRow["outcome"];
}

/** Parse CSV text into rows (values by column) with line numbers, or file-level errors. */
export function parseCsv(text: string): { ok: true; rows: Array<{ line: number; values: Record<string, string> }> } | { ok: false; errors: string[] } {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, max_record_size: 200_000 }) as unknown as Array<{
      record: string[];
      info: { lines: number };
    }>;
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    const msg = (err.message ?? "unreadable").replace(/^Invalid Record Length: /, "").slice(0, 200);
    return { ok: false, errors: [`The file is not valid CSV${err.lines ? ` (near line ${err.lines})` : ""}: ${msg}`] };
  }
  if (records.length === 0) return { ok: false, errors: ["The file is empty: it needs the template's header row and at least one row."] };
  const header = records[0]!.record.map((h) => h.trim().toLowerCase());
  const problems = headerProblems(header);
  if (problems.length) return { ok: false, errors: [...problems, `The columns must be: ${BULK_COLUMN_NAMES.join(", ")} (download the template).`] };
  const data = records.slice(1);
  if (data.length === 0) return { ok: false, errors: ["The file has a header row but no rows to publish."] };
  if (data.length > BULK_MAX_ROWS) {
    return {
      ok: false,
      errors: [
        `The file has ${data.length.toLocaleString("en-GB")} rows: the limit is ${BULK_MAX_ROWS.toLocaleString("en-GB")} rows per upload. Split it into smaller files.`,
      ],
    };
  }
  return {
    ok: true,
    rows: data.map(({ record, info }) => {
      const newlines = record.reduce((n, v) => n + (v.match(/\n/g)?.length ?? 0), 0);
      const values: Record<string, string> = {};
      header.forEach((h, i) => {
        values[h] = record[i] ?? "";
      });
      if (record.length !== header.length) values.__count = String(record.length);
      return { line: info.lines - newlines, values };
    }),
  };
}

/**
 * Check an upload against the register and the user's rights. Writes nothing.
 * Returns the report and, when every row is acceptable, the plan to publish.
 */
export async function checkUpload(
  db: Executor,
  user: Pick<CurrentUser, "role" | "buyerIds">,
  text: string,
  filename: string,
  now: Date,
): Promise<{ report: BulkReport; plan: Planned[] | null }> {
  const report: BulkReport = { filename, fileErrors: [], rowCount: 0, accepted: [], rejected: [], forbidden: 0 };
  const parsed = parseCsv(text);
  if (!parsed.ok) {
    report.fileErrors = parsed.errors;
    return { report, plan: null };
  }
  report.rowCount = parsed.rows.length;
  const today = todayOf(now);
  const good: BulkRow[] = [];
  for (const { line, values } of parsed.rows) {
    if (values.__count !== undefined) {
      report.rejected.push({ line, column: "(row)", message: `has ${values.__count} values; the header has ${BULK_COLUMN_NAMES.length} columns` });
      continue;
    }
    const r = checkRow(values, line, today);
    if (r.ok) good.push(r.row);
    else report.rejected.push(...r.problems);
  }

  // Against the register: buyers, rights, existing processes, duplicates within the file.
  const buyerIds = [...new Set(good.map((r) => r.buyerId))];
  const buyers = new Map((await orgsByIds(db, buyerIds)).filter((o) => o.is_buyer).map((o) => [o.id, o]));
  const givenOcids = [...new Set(good.flatMap((r) => (r.ocid ? [r.ocid] : [])))];
  const existing = givenOcids.length
    ? await db.selectFrom("processes").select(["ocid", "buyer_id", "status"]).where("ocid", "in", givenOcids).execute()
    : [];
  const byOcid = new Map(existing.map((p) => [p.ocid, p]));
  const seen = new Map<string, number>();
  const planned: Planned[] = [];
  for (const r of good) {
    const reject = (column: string, message: string) => report.rejected.push({ line: r.line, column, message });
    if (!buyers.has(r.buyerId)) {
      reject("buyer_id", `no buyer organisation has the register id ${r.buyerId}`);
      continue;
    }
    if (!canActForBuyer(user, r.buyerId)) {
      report.forbidden++;
      reject("buyer_id", `you cannot publish for ${buyers.get(r.buyerId)!.name} (register id ${r.buyerId})`);
      continue;
    }
    if (r.ocid) {
      const p = byOcid.get(r.ocid);
      if (!p) {
        reject("ocid", `there is no procurement ${r.ocid} in the register`);
        continue;
      }
      if (p.buyer_id !== r.buyerId) {
        reject("ocid", `${r.ocid} belongs to another buyer`);
        continue;
      }
      if (p.status === "cancelled" || p.status === "unsuccessful" || p.status === "terminated") {
        reject("ocid", `${r.ocid} is ${p.status}: no award can be added`);
        continue;
      }
    }
    const key = `${r.buyerId}\u0000${r.reference}`;
    const first = seen.get(key);
    if (first !== undefined) {
      reject("reference", `“${r.reference}” is used twice for this buyer (also on line ${first})`);
      continue;
    }
    seen.set(key, r.line);
    planned.push({ row: r, ids: rowIds(r, sha256), outcome: "new" });
  }

  // Already published? Same content → unchanged (skipped); an earlier row for the same reference → an update.
  const published = await publishedReleaseKeys(
    db,
    planned.map((p) => ({ ocid: p.ids.ocid, releaseId: p.ids.releaseId })),
  );
  const knownOcids = new Set(
    planned.length
      ? (
          await db
            .selectFrom("processes")
            .select("ocid")
            .where(
              "ocid",
              "in",
              [...new Set(planned.map((p) => p.ids.ocid))],
            )
            .execute()
        ).map((r) => r.ocid)
      : [],
  );
  for (const p of planned) {
    if (published.has(`${p.ids.ocid}\u0000${p.ids.releaseId}`)) p.outcome = "unchanged";
    else if (p.row.ocid === null && knownOcids.has(p.ids.ocid)) p.outcome = "update";
    report.accepted.push({ line: p.row.line, reference: p.row.reference, description: describeRow(p.row), ocid: p.ids.ocid, outcome: p.outcome });
  }
  report.rejected.sort((a, b) => a.line - b.line);
  return { report, plan: report.rejected.length === 0 ? planned : null };
}

export async function storeUpload(db: Executor, userId: bigint, text: string, filename: string): Promise<bigint> {
  return saveDraft(db, { userId, kind: "bulk", ocid: null, buyerId: null, title: `Upload: ${filename}`, fields: { filename, csv: text }, basedOn: null });
}

export async function loadUpload(db: Executor, userId: bigint, id: bigint): Promise<{ text: string; filename: string } | null> {
  const d = await getDraft(db, id, userId);
  if (d?.kind !== "bulk") return null;
  const f = d.fields as { filename?: unknown; csv?: unknown };
  return typeof f.csv === "string" ? { text: f.csv, filename: typeof f.filename === "string" ? f.filename : "upload.csv" } : null;
}

export type BulkOutcome =
  | { status: "published"; published: number; skipped: number; duplicate: boolean }
  | { status: "invalid"; report: BulkReport }
  | { status: "missing" };

class Abort extends Error {
  constructor(readonly outcome: BulkOutcome) {
    super(outcome.status);
  }
}

/** Publish a checked upload: all rows or none, in one transaction. */
export async function commitUpload(
  db: DB,
  req: { user: CurrentUser; ip: string; userAgent: string | null },
  input: { uploadId: bigint; idempotencyKey: string; now: Date },
): Promise<BulkOutcome> {
  const prior = await findByIdempotencyKey(db, input.idempotencyKey);
  if (prior) {
    const d = (prior.details ?? {}) as { published?: number; skipped?: number };
    return { status: "published", published: d.published ?? 0, skipped: d.skipped ?? 0, duplicate: true };
  }
  try {
    return await db.transaction().execute(async (trx) => {
      const upload = await loadUpload(trx, req.user.id, input.uploadId);
      if (!upload) throw new Abort({ status: "missing" });
      const first = await checkUpload(trx, req.user, upload.text, upload.filename, input.now);
      if (!first.plan) throw new Abort({ status: "invalid", report: first.report });
      // Lock every process the upload touches (in a fixed order), then check again: what was read before the locks may have moved.
      await lockProcesses(
        trx,
        first.plan.map((p) => p.ids.ocid),
      );
      const { report, plan } = await checkUpload(trx, req.user, upload.text, upload.filename, input.now);
      if (!plan) throw new Abort({ status: "invalid", report });

      const todo = plan.filter((p) => p.outcome !== "unchanged");
      const buyers = new Map((await orgsByIds(trx, [...new Set(todo.map((p) => p.row.buyerId))])).map((o) => [o.id, orgInfoOf(o)]));
      const contexts = new Map<string, Awaited<ReturnType<typeof loadProcessContext>>>();
      const releases: OcdsRelease[] = [];
      for (const p of todo) {
        const known = p.row.ocid !== null || p.outcome === "update";
        if (known && !contexts.has(p.ids.ocid)) contexts.set(p.ids.ocid, await loadProcessContext(trx, p.ids.ocid));
        const ctx = known ? (contexts.get(p.ids.ocid) ?? null) : null;
        if (ctx && closedReason(ctx.state)) throw new Abort({ status: "invalid", report: { ...report, rejected: [{ line: p.row.line, column: "ocid", message: closedReason(ctx.state)! }] } });
        releases.push(buildRowRelease(p.row, p.ids, { date: releaseDateFor(input.now, ctx), buyer: buyers.get(p.row.buyerId)!, existing: ctx }));
      }
      const skipped = plan.length - todo.length;
      await insertAudit(trx, {
        userId: req.user.id,
        userEmail: req.user.email,
        action: "bulk-publish",
        summary: `Bulk upload ${upload.filename}: ${releases.length} ${releases.length === 1 ? "release" : "releases"} published, ${skipped} unchanged`,
        releaseIds: releases.map((r) => r.id),
        details: { filename: upload.filename, rows: plan.length, published: releases.length, skipped, ocids: [...new Set(releases.map((r) => r.ocid))].slice(0, 1000) },
        ip: req.ip,
        userAgent: req.userAgent,
        idempotencyKey: input.idempotencyKey,
        at: input.now,
      });
      // Processes new to the register (checked under the locks) take the bulk path; the others are recompiled from all their releases.
      const known = new Set(
        (
          await trx
            .selectFrom("processes")
            .select("ocid")
            .where("ocid", "in", releases.length ? [...new Set(releases.map((r) => r.ocid))] : [""])
            .execute()
        ).map((r) => r.ocid),
      );
      const fresh = releases.filter((r) => !known.has(r.ocid));
      const more = releases.filter((r) => known.has(r.ocid));
      for (const [list, isFresh] of [
        [fresh, true],
        [more, false],
      ] as const) {
        if (list.length === 0) continue;
        const result = await ingestReleases(trx, list, { source: `publish:${req.user.id}`, fresh: isFresh });
        if (result.conflicts.length || result.releasesNew !== list.length) {
          throw new Error(`bulk upload: ${result.conflicts.length} conflicting releases; nothing published`);
        }
      }
      await deleteDraft(trx, input.uploadId, req.user.id);
      return { status: "published", published: releases.length, skipped, duplicate: false } as const;
    });
  } catch (e) {
    if (e instanceof Abort) return e.outcome;
    const code = (e as { code?: unknown })?.code;
    if (code === "23505" || /duplicate key value/i.test(String((e as Error)?.message))) {
      const again = await findByIdempotencyKey(db, input.idempotencyKey);
      if (again) {
        const d = (again.details ?? {}) as { published?: number; skipped?: number };
        return { status: "published", published: d.published ?? 0, skipped: d.skipped ?? 0, duplicate: true };
      }
    }
    throw e;
  }
}
