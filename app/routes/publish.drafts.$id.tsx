import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, errorTitle } from "../components/ErrorSummary";
import { ProcessBriefList } from "../components/publish/NoticeForm";
import { formatPounds } from "../domain/money";
import { formatDate, formatDateTime, statusLabel } from "../lib/format";
import { formRefused, trackFormOutcome } from "../services/form-outcome.server";
import { type PreviewActionData, draftPreviewAction, draftPreviewLoader } from "../services/publish-forms.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: errorTitle("Check your notice – Public Tech Procurement Register", data?.hasErrors) },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const d = await draftPreviewLoader(request, context, params.id);
  // A refused publish (409 conflict, 400 invalid) shows its errors: the title says so.
  return { ...d, hasErrors: d.errors.length > 0 || formRefused(context) };
}

export const action = ({ request, context, params }: ActionFunctionArgs) =>
  trackFormOutcome(context, () => draftPreviewAction(request, context, params.id));

export default function PreviewPage() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<PreviewActionData>();
  const errors = a?.errors.length ? a.errors : d.errors;
  const conflict = a?.conflict ?? null;
  const canPublish = errors.length === 0 && d.rows.length > 0;
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        {conflict ? (
          <ErrorSummary errors={[]} title="Someone else changed this procurement while you were working on it" testId="conflict">
            <p className="govuk-body">
              Nothing was published. Your entry is kept below. Since you opened the form,{" "}
              {conflict.since.length === 1 ? "1 release was" : `${conflict.since.length} releases were`} published:
            </p>
            <ul className="govuk-list govuk-list--bullet">
              {conflict.since.map((r) => (
                <li key={r.releaseId}>
                  {formatDateTime(r.date)} – {r.tags.join(", ")} <span className="app-muted">({r.releaseId})</span>
                </li>
              ))}
            </ul>
            <p className="govuk-body">
              It stands now at: {statusLabel(conflict.status)}, current value {formatPounds(conflict.currentValuePence)}, end date{" "}
              {formatDate(conflict.endDate)}.
            </p>
            <p className="govuk-body">Check your entry against this, change it if needed, then publish it against the current state.</p>
          </ErrorSummary>
        ) : null}
        <ErrorSummary errors={errors} title={canPublish ? "There is a problem" : "This notice cannot be published yet"} />
        {d.moved && !conflict ? (
          <div className="govuk-warning-text" data-testid="moved">
            <span className="govuk-warning-text__icon" aria-hidden="true">
              !
            </span>
            <strong className="govuk-warning-text__text">
              <span className="govuk-visually-hidden">Warning</span>
              This procurement has changed since you opened the form. Check the current state before you publish.
            </strong>
          </div>
        ) : null}
        <span className="govuk-caption-l">{d.kindLabel}</span>
        <h1 className="govuk-heading-l">Check your notice before publishing</h1>
        {d.process ? <ProcessBriefList p={d.process} /> : null}
        <h2 className="govuk-heading-m">What will be published</h2>
        <dl className="govuk-summary-list" data-testid="preview">
          {d.rows.map(([k, v]) => (
            <div className="govuk-summary-list__row" key={k}>
              <dt className="govuk-summary-list__key">{k}</dt>
              <dd className="govuk-summary-list__value" style={{ whiteSpace: "pre-line" }}>
                {v}
              </dd>
              <dd className="govuk-summary-list__actions">
                <Link className="govuk-link" to={d.editUrl}>
                  Change<span className="govuk-visually-hidden"> {k.toLowerCase()}</span>
                </Link>
              </dd>
            </div>
          ))}
        </dl>
        {errors.length ? (
          <p className="govuk-body">
            <Link className="govuk-link" to={`${d.editUrl}&check=1`}>
              Change your entry
            </Link>
          </p>
        ) : null}
        {d.releaseJson ? (
          <details className="govuk-details">
            <summary className="govuk-details__summary">
              <span className="govuk-details__summary-text">The Open Contracting release (tag: {d.tag})</span>
            </summary>
            <div className="govuk-details__text">
              <pre className="app-json" data-testid="release-json">
                {d.releaseJson}
              </pre>
            </div>
          </details>
        ) : null}
        <p className="govuk-body">
          Once published, a notice is public at once and is never edited or deleted: a correction is a new notice with its reason, and
          both stay in the procurement's history.
        </p>
        <form method="post" noValidate>
          <input type="hidden" name="csrf" value={d.csrf} />
          <input type="hidden" name="idempotencyKey" value={d.idempotencyKey} />
          <div className="govuk-button-group">
            {conflict ? (
              <button type="submit" className="govuk-button" name="intent" value="rebase" data-testid="rebase">
                Check against the current state
              </button>
            ) : canPublish ? (
              <button type="submit" className="govuk-button" name="intent" value="publish" data-prevent-double-click="true">
                Publish
              </button>
            ) : null}
            <Link className="govuk-button govuk-button--secondary" to={d.editUrl}>
              Change your entry
            </Link>
            <button type="submit" className="govuk-button govuk-button--warning" name="intent" value="discard">
              Discard draft
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
