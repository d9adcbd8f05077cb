import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { deleteDraft } from "../../db/queries/drafts";
import { BULK_COLUMNS, BULK_MAX_ROWS } from "../domain/notices/bulk";
import { formatCount } from "../lib/format";
import { clientAddress, forbiddenForBuyer, requireUser, userAgent } from "../services/auth.server";
import { type BulkReport, checkUpload, commitUpload, loadUpload, readUpload, storeUpload } from "../services/bulk-upload.server";
import { assertCsrf } from "../services/csrf.server";
import { newIdempotencyKey } from "../services/publish.server";

export const meta: MetaFunction = () => [{ title: "Upload awards and contracts – Public Tech Procurement Register" }];

interface BulkData {
  report: BulkReport | null;
  uploadId: string | null;
  idempotencyKey: string | null;
  fileError: string | null;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const url = new URL(request.url);
  const upload = /^\d{1,18}$/.test(url.searchParams.get("upload") ?? "") ? BigInt(url.searchParams.get("upload")!) : null;
  let stored: BulkData = { report: null, uploadId: null, idempotencyKey: null, fileError: null };
  if (upload !== null) {
    const u = await loadUpload(context.db, user.id, upload);
    if (u) {
      const { report, plan } = await checkUpload(context.db, user, u.text, u.filename, context.now());
      stored = { report, uploadId: plan ? String(upload) : null, idempotencyKey: plan ? newIdempotencyKey() : null, fileError: null };
    }
  }
  return {
    csrf: user.csrfToken,
    ...stored,
    published: url.searchParams.has("published")
      ? { published: Number(url.searchParams.get("published")) || 0, skipped: Number(url.searchParams.get("skipped")) || 0 }
      : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const now = context.now();
  const multipart = (request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data");
  if (multipart) {
    const { fields, file } = await readUpload(request);
    // The CSRF token travels in the multipart form; when the upload could not be read at all, nothing is done with it.
    if (fields) assertCsrf(fields, user.csrfToken);
    if (!file.ok) return data({ report: null, uploadId: null, idempotencyKey: null, fileError: file.message } satisfies BulkData, { status: 400 });
    const { report, plan } = await checkUpload(context.db, user, file.text, file.filename, now);
    if (!plan) {
      if (report.forbidden > 0) {
        return data({ report, uploadId: null, idempotencyKey: null, fileError: null } satisfies BulkData, { status: 403 });
      }
      return data({ report, uploadId: null, idempotencyKey: null, fileError: null } satisfies BulkData, { status: 400 });
    }
    const id = await storeUpload(context.db, user.id, file.text, file.filename);
    return data({ report, uploadId: String(id), idempotencyKey: newIdempotencyKey(), fileError: null } satisfies BulkData);
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
    case "invalid":
      if (outcome.report.forbidden > 0) throw forbiddenForBuyer();
      return data({ report: outcome.report, uploadId: null, idempotencyKey: null, fileError: null } satisfies BulkData, { status: 400 });
  }
}

const MAX_SHOWN = 1000;

function Report({ report }: { report: BulkReport }) {
  if (report.fileErrors.length) return null;
  const counts = { new: 0, update: 0, unchanged: 0 };
  for (const r of report.accepted) counts[r.outcome]++;
  return (
    <>
      <h2 className="govuk-heading-m">Check of {report.filename}</h2>
      <ul className="govuk-list govuk-list--bullet" data-testid="bulk-summary">
        <li>{formatCount(report.rowCount)} rows checked</li>
        <li>{formatCount(report.accepted.length)} rows acceptable</li>
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
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-full">
        {d.published ? (
          <div className="govuk-panel govuk-panel--confirmation" data-testid="bulk-published">
            <h1 className="govuk-panel__title">Upload published</h1>
            <div className="govuk-panel__body">
              {formatCount(d.published.published)} {d.published.published === 1 ? "release" : "releases"} published
              {d.published.skipped ? `, ${formatCount(d.published.skipped)} unchanged rows skipped` : ""}
            </div>
          </div>
        ) : null}
        {errors.length ? (
          <div className="govuk-error-summary" data-module="govuk-error-summary" tabIndex={-1} data-testid="bulk-errors">
            <div role="alert">
              <h2 className="govuk-error-summary__title">There is a problem</h2>
              <div className="govuk-error-summary__body">
                <ul className="govuk-list govuk-error-summary__list">
                  {errors.map((e) => (
                    <li key={e}>
                      <a href="#file">{e}</a>
                    </li>
                  ))}
                </ul>
              </div>
            </div>
          </div>
        ) : null}
        {d.published ? <h2 className="govuk-heading-l">Upload awards and contracts</h2> : <h1 className="govuk-heading-l">Upload awards and contracts</h1>}
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
        {cur.report ? <Report report={cur.report} /> : null}
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
