import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { deleteDraft } from "../../db/queries/drafts";
import { ErrorSummary, errorTitle } from "../components/ErrorSummary";
import { BULK_COLUMNS, BULK_MAX_ROWS } from "../domain/notices/bulk";
import { formatCount } from "../lib/format";
import { clientAddress, forbiddenForBuyer, requireUser, userAgent } from "../services/auth.server";
import { type BulkReport, checkUpload, commitUpload, loadUpload, parseCsv, readUpload, storeUpload } from "../services/bulk-upload.server";
import { assertCsrf } from "../services/csrf.server";
import { formRefused, trackFormOutcome } from "../services/form-outcome.server";
import { newIdempotencyKey } from "../services/publish.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: errorTitle("Upload awards and contracts – Public Tech Procurement Register", data?.hasErrors) },
];

/** At most this many rows are shown in the row-by-row table (a file may have 10,000); the counts cover every row. */
const ROWS_SHOWN = 1000;

/** One row of the file in the row-by-row report: what will happen to it, or why it is rejected. */
interface ReportLine {
  line: number;
  reference: string;
  outcome: "new" | "update" | "unchanged" | "rejected";
  description: string;
  ocid: string | null;
  problems: Array<{ column: string; message: string }>;
}

interface BulkData {
  report: BulkReport | null;
  uploadId: string | null;
  idempotencyKey: string | null;
  fileError: string | null;
  /** The first ROWS_SHOWN rows of the file, in line order. */
  lines?: ReportLine[];
}

/** Every row of a checked file, accepted and rejected, in line order (the first `limit`). */
function reportLines(report: BulkReport, text: string, limit = ROWS_SHOWN): ReportLine[] {
  if (report.fileErrors.length) return [];
  const out: ReportLine[] = report.accepted.map((r) => ({
    line: r.line,
    reference: r.reference,
    outcome: r.outcome,
    description: r.description,
    ocid: r.ocid,
    problems: [],
  }));
  if (report.rejected.length) {
    const byLine = new Map<number, ReportLine>();
    for (const p of report.rejected) {
      let l = byLine.get(p.line);
      if (!l) {
        l = { line: p.line, reference: "", outcome: "rejected", description: "", ocid: null, problems: [] };
        byLine.set(p.line, l);
      }
      l.problems.push({ column: p.column, message: p.message });
    }
    // The report names rejected rows by line: their references come from the file itself.
    const parsed = parseCsv(text);
    if (parsed.ok) for (const r of parsed.rows) {
      const l = byLine.get(r.line);
      if (l) l.reference = (r.values.reference ?? "").trim().slice(0, 200);
    }
    out.push(...byLine.values());
  }
  return out.sort((a, b) => a.line - b.line).slice(0, limit);
}

const hasProblems = (d: Pick<BulkData, "fileError" | "report">) =>
  d.fileError !== null || (d.report !== null && (d.report.fileErrors.length > 0 || d.report.rejected.length > 0));

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const url = new URL(request.url);
  const upload = /^\d{1,18}$/.test(url.searchParams.get("upload") ?? "") ? BigInt(url.searchParams.get("upload")!) : null;
  let stored: BulkData = { report: null, uploadId: null, idempotencyKey: null, fileError: null };
  if (upload !== null) {
    const u = await loadUpload(context.db, user.id, upload);
    if (u) {
      const { report, plan } = await checkUpload(context.db, user, u.text, u.filename, context.now());
      stored = {
        report,
        uploadId: plan ? String(upload) : null,
        idempotencyKey: plan ? newIdempotencyKey() : null,
        fileError: null,
        lines: reportLines(report, u.text),
      };
    }
  }
  return {
    csrf: user.csrfToken,
    ...stored,
    // A refused upload (this request's action answered 4xx) or a stored one that no longer passes: the title says so.
    hasErrors: hasProblems(stored) || formRefused(context),
    published: url.searchParams.has("published")
      ? { published: Number(url.searchParams.get("published")) || 0, skipped: Number(url.searchParams.get("skipped")) || 0 }
      : null,
  };
}

export const action = (args: ActionFunctionArgs) => trackFormOutcome(args.context, () => bulkAction(args));

async function bulkAction({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const now = context.now();
  const multipart = (request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data");
  if (multipart) {
    const { fields, file } = await readUpload(request);
    // The CSRF token travels in the multipart form; when the upload could not be read at all, nothing is done with it.
    if (fields) assertCsrf(fields, user.csrfToken);
    if (!file.ok) return data({ report: null, uploadId: null, idempotencyKey: null, fileError: file.message } satisfies BulkData, { status: 400 });
    const { report, plan } = await checkUpload(context.db, user, file.text, file.filename, now);
    const lines = reportLines(report, file.text);
    if (!plan) {
      if (report.forbidden > 0) {
        return data({ report, uploadId: null, idempotencyKey: null, fileError: null, lines } satisfies BulkData, { status: 403 });
      }
      return data({ report, uploadId: null, idempotencyKey: null, fileError: null, lines } satisfies BulkData, { status: 400 });
    }
    const id = await storeUpload(context.db, user.id, file.text, file.filename);
    return data({ report, uploadId: String(id), idempotencyKey: newIdempotencyKey(), fileError: null, lines } satisfies BulkData);
  }
  const fd = await request.formData();
  assertCsrf(fd, user.csrfToken);
  const uploadRaw = String(fd.get("uploadId") ?? "");
  if (!/^\d{1,18}$/.test(uploadRaw)) throw new Response("There is no such upload.", { status: 404 });
  const uploadId = BigInt(uploadRaw);
  if (fd.get("intent") === "discard") {
    await deleteDraft(context.db, uploadId, user.id);
    throw redirect("/publish/bulk", 303);
  }
  const outcome = await commitUpload(
    context.db,
    { user, ip: clientAddress(request, context), userAgent: userAgent(request) },
    { uploadId, idempotencyKey: String(fd.get("idempotencyKey") ?? ""), now },
  );
  switch (outcome.status) {
    case "published":
      throw redirect(`/publish/bulk?published=${outcome.published}&skipped=${outcome.skipped}`, 303);
    case "missing":
      throw new Response("There is no such upload: it may have been published or discarded already.", { status: 404 });
    case "invalid": {
      if (outcome.report.forbidden > 0) throw forbiddenForBuyer();
      // Nothing was written (the upload is still the user's draft): show the fresh check row by row.
      const u = await loadUpload(context.db, user.id, uploadId);
      const lines = u ? reportLines(outcome.report, u.text) : [];
      return data({ report: outcome.report, uploadId: null, idempotencyKey: null, fileError: null, lines } satisfies BulkData, { status: 400 });
    }
  }
}

const MAX_SHOWN = 1000;

const OUTCOMES: Record<ReportLine["outcome"], { label: string; tag: string }> = {
  new: { label: "New", tag: "govuk-tag--green" },
  update: { label: "Correction", tag: "govuk-tag--blue" },
  unchanged: { label: "Unchanged (skipped)", tag: "govuk-tag--grey" },
  rejected: { label: "Rejected", tag: "govuk-tag--red" },
};

function RowByRow({ report, lines }: { report: BulkReport; lines: ReportLine[] }) {
  if (lines.length === 0) return null;
  const rows = report.rowCount;
  const capped = lines.length < rows;
  return (
    <>
      <h3 className="govuk-heading-s">Row by row</h3>
      {capped ? (
        <p className="govuk-body" data-testid="bulk-rows-capped">
          This table shows the first {formatCount(lines.length)} of {formatCount(rows)} rows (lines {lines[0]!.line} to{" "}
          {lines[lines.length - 1]!.line}). The counts above cover every row of the file
          {report.rejected.length ? ", and every problem is listed under “Rejected rows”" : ""}.
        </p>
      ) : null}
      <div className="app-table-wrap">
        <table className="govuk-table app-table--compact" data-testid="bulk-rows">
          <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">
            Every row of {report.filename} and what publishing it would do
          </caption>
          <thead className="govuk-table__head">
            <tr className="govuk-table__row">
              <th scope="col" className="govuk-table__header app-num">Line</th>
              <th scope="col" className="govuk-table__header">Reference</th>
              <th scope="col" className="govuk-table__header">Outcome</th>
              <th scope="col" className="govuk-table__header">Award, or why the row is rejected</th>
            </tr>
          </thead>
          <tbody className="govuk-table__body">
            {lines.map((l) => (
              <tr className="govuk-table__row" key={l.line} data-outcome={l.outcome}>
                <td className="govuk-table__cell app-num">{l.line}</td>
                <td className="govuk-table__cell">{l.reference ? <code>{l.reference}</code> : <span className="app-muted">none</span>}</td>
                <td className="govuk-table__cell">
                  <strong className={`govuk-tag ${OUTCOMES[l.outcome].tag}`}>{OUTCOMES[l.outcome].label}</strong>
                </td>
                <td className="govuk-table__cell">
                  {l.outcome === "rejected" ? (
                    <ul className="govuk-list">
                      {l.problems.map((p, i) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: a column may have several problems
                        <li key={i}>
                          <code>{p.column}</code>: {p.message}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <>
                      {l.description}
                      <br />
                      <span className="app-muted">
                        <code>{l.ocid}</code>
                      </span>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function Report({ report, lines }: { report: BulkReport; lines: ReportLine[] }) {
  if (report.fileErrors.length) return null;
  const counts = { new: 0, update: 0, unchanged: 0 };
  for (const r of report.accepted) counts[r.outcome]++;
  return (
    <>
      <h2 className="govuk-heading-m">Check of {report.filename}</h2>
      <ul className="govuk-list govuk-list--bullet" data-testid="bulk-summary">
        <li>{formatCount(report.rowCount)} rows checked</li>
        <li>{formatCount(report.accepted.length)} rows acceptable</li>
        {counts.new ? <li>{formatCount(counts.new)} rows are new awards</li> : null}
        <li>
          {formatCount(counts.unchanged)} already published with the same content (they will be skipped)
        </li>
        {counts.update ? <li>{formatCount(counts.update)} rows correct an award published before</li> : null}
        <li>{formatCount(new Set(report.rejected.map((r) => r.line)).size)} rows rejected</li>
      </ul>
      {report.rejected.length ? (
        <>
          <h3 className="govuk-heading-s">Rejected rows</h3>
          <p className="govuk-body">Nothing has been published. Correct these rows and upload the file again.</p>
          <table className="govuk-table app-table--compact" data-testid="bulk-rejected">
            <thead className="govuk-table__head">
              <tr className="govuk-table__row">
                <th scope="col" className="govuk-table__header app-num">Line</th>
                <th scope="col" className="govuk-table__header">Column</th>
                <th scope="col" className="govuk-table__header">Problem</th>
              </tr>
            </thead>
            <tbody className="govuk-table__body">
              {report.rejected.slice(0, MAX_SHOWN).map((r, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a line may have several problems
                <tr className="govuk-table__row" key={i}>
                  <td className="govuk-table__cell app-num">{r.line}</td>
                  <td className="govuk-table__cell">
                    <code>{r.column}</code>
                  </td>
                  <td className="govuk-table__cell">{r.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.rejected.length > MAX_SHOWN ? (
            <p className="govuk-body">…and {formatCount(report.rejected.length - MAX_SHOWN)} more problems.</p>
          ) : null}
        </>
      ) : null}
      <RowByRow report={report} lines={lines} />
    </>
  );
}

export default function BulkPage() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<BulkData>();
  const cur: BulkData = a ?? d;
  const errors = cur.fileError
    ? [cur.fileError]
    : (cur.report?.fileErrors ?? []).concat(cur.report?.rejected.length ? [`${new Set(cur.report.rejected.map((r) => r.line)).size} rows have problems: nothing has been published`] : []);
  // The confirmation belongs to the page shown after publishing, not to a later upload posted from it.
  const published = a ? null : d.published;
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-full">
        <ErrorSummary errors={errors.map((message) => ({ field: "file", message }))} testId="bulk-errors" />
        {published ? (
          <div className="govuk-panel govuk-panel--confirmation" data-testid="bulk-published">
            <h1 className="govuk-panel__title">Upload published</h1>
            <div className="govuk-panel__body">
              {formatCount(published.published)} {published.published === 1 ? "release" : "releases"} published
              {published.skipped ? `, ${formatCount(published.skipped)} unchanged rows skipped` : ""}
            </div>
          </div>
        ) : null}
        {published ? <h2 className="govuk-heading-l">Upload awards and contracts</h2> : <h1 className="govuk-heading-l">Upload awards and contracts</h1>}
        <p className="govuk-body">
          Publish many awards (and their contracts) at once from a CSV file: one row per award to one supplier. Every row is checked
          before anything is published; if any row has a problem, nothing is published. Uploading the same file again publishes nothing
          twice. At most {formatCount(BULK_MAX_ROWS)} rows per file, UTF-8 encoded.
        </p>
        <p className="govuk-body">
          <a className="govuk-link" href="/publish/bulk/template.csv" download data-testid="template-link">
            Download the CSV template
          </a>
        </p>
        {cur.report ? <Report report={cur.report} lines={cur.lines ?? []} /> : null}
        {cur.uploadId && cur.idempotencyKey && cur.report ? (
          <form method="post" noValidate data-testid="bulk-commit">
            <input type="hidden" name="csrf" value={d.csrf} />
            <input type="hidden" name="uploadId" value={cur.uploadId} />
            <input type="hidden" name="idempotencyKey" value={cur.idempotencyKey} />
            <div className="govuk-button-group">
              <button type="submit" className="govuk-button" name="intent" value="commit">
                Publish {formatCount(cur.report.accepted.filter((r) => r.outcome !== "unchanged").length)} rows
              </button>
              <button type="submit" className="govuk-button govuk-button--secondary" name="intent" value="discard">
                Discard this upload
              </button>
            </div>
          </form>
        ) : null}
        <form method="post" encType="multipart/form-data" noValidate data-testid="bulk-upload">
          <input type="hidden" name="csrf" value={d.csrf} />
          <div className={`govuk-form-group${errors.length ? " govuk-form-group--error" : ""}`}>
            <label className="govuk-label govuk-label--m" htmlFor="file">
              Upload a file
            </label>
            <div id="file-hint" className="govuk-hint">
              A CSV file with the template's columns.
            </div>
            <input className="govuk-file-upload" id="file" name="file" type="file" accept=".csv,text/csv" aria-describedby="file-hint" />
          </div>
          <button type="submit" className="govuk-button govuk-button--secondary" name="intent" value="check">
            Check the file
          </button>
        </form>
        <details className="govuk-details">
          <summary className="govuk-details__summary">
            <span className="govuk-details__summary-text">The template's columns</span>
          </summary>
          <div className="govuk-details__text">
            <table className="govuk-table app-table--compact">
              <thead className="govuk-table__head">
                <tr className="govuk-table__row">
                  <th scope="col" className="govuk-table__header">Column</th>
                  <th scope="col" className="govuk-table__header">What it holds</th>
                </tr>
              </thead>
              <tbody className="govuk-table__body">
                {BULK_COLUMNS.map(([c, what]) => (
                  <tr className="govuk-table__row" key={c}>
                    <td className="govuk-table__cell">
                      <code>{c}</code>
                    </td>
                    <td className="govuk-table__cell">{what}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
        <p className="govuk-body">
          <Link className="govuk-link" to="/publish">
            Back to Publish
          </Link>
        </p>
      </div>
    </div>
  );
}
