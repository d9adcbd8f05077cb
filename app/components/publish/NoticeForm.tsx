/** The frame every notice form shares: heading, error summary, the process it is about, hidden controls and buttons. */
import type { ReactNode } from "react";
import { Link } from "@remix-run/react";
import { ErrorSummary } from "../ErrorSummary";
import { formatPounds } from "../../domain/money";
import { formatDate, statusLabel } from "../../lib/format";
import { DefaultSubmit, type FieldErrorLike, Hidden } from "./fields";

export interface ProcessBrief {
  ocid: string;
  title: string;
  buyerName: string;
  status: string;
  currentValuePence: bigint | null;
  endDate: string | null;
  releaseCount: number;
}

export function ProcessBriefList({ p }: { p: ProcessBrief }) {
  return (
    <dl className="govuk-summary-list govuk-summary-list--no-border app-process-brief" data-testid="process-brief">
      <div className="govuk-summary-list__row">
        <dt className="govuk-summary-list__key">Procurement</dt>
        <dd className="govuk-summary-list__value">
          <Link className="govuk-link" to={`/contracts/${encodeURIComponent(p.ocid)}`}>
            {p.title}
          </Link>
          <br />
          <span className="app-muted">
            <code>{p.ocid}</code>
          </span>
        </dd>
      </div>
      <div className="govuk-summary-list__row">
        <dt className="govuk-summary-list__key">Buyer</dt>
        <dd className="govuk-summary-list__value">{p.buyerName}</dd>
      </div>
      <div className="govuk-summary-list__row">
        <dt className="govuk-summary-list__key">Status</dt>
        <dd className="govuk-summary-list__value">{statusLabel(p.status)}</dd>
      </div>
      <div className="govuk-summary-list__row">
        <dt className="govuk-summary-list__key">Current value</dt>
        <dd className="govuk-summary-list__value">{formatPounds(p.currentValuePence)}</dd>
      </div>
      <div className="govuk-summary-list__row">
        <dt className="govuk-summary-list__key">End date</dt>
        <dd className="govuk-summary-list__value">{formatDate(p.endDate)}</dd>
      </div>
    </dl>
  );
}

export function NoticeForm(props: {
  caption: string;
  title: string;
  action: string;
  csrf: string;
  draftId: string | null;
  basedOn: number | null;
  errors: readonly FieldErrorLike[];
  process: ProcessBrief | null;
  reason: string | null;
  saved: boolean;
  intro?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        {props.reason === "saved" ? (
          <section className="govuk-notification-banner" aria-labelledby="saved-title" data-testid="restored-banner">
            <div className="govuk-notification-banner__header">
              <h2 className="govuk-notification-banner__title" id="saved-title">
                Important
              </h2>
            </div>
            <div className="govuk-notification-banner__content">
              <p className="govuk-notification-banner__heading">Your session had ended, but what you entered was saved.</p>
              <p className="govuk-body">Check it and continue.</p>
            </div>
          </section>
        ) : null}
        {props.saved ? (
          <div className="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="draft-saved-title" data-testid="draft-saved">
            <div className="govuk-notification-banner__header">
              <h2 className="govuk-notification-banner__title" id="draft-saved-title">
                Success
              </h2>
            </div>
            <div className="govuk-notification-banner__content">
              <p className="govuk-notification-banner__heading">
                Draft saved. You can come back to it from <Link className="govuk-notification-banner__link" to="/publish">Publish</Link>.
              </p>
            </div>
          </div>
        ) : null}
        <ErrorSummary errors={[...props.errors]} />
        <span className="govuk-caption-l">{props.caption}</span>
        <h1 className="govuk-heading-l">{props.title}</h1>
        {props.process ? <ProcessBriefList p={props.process} /> : null}
        {props.intro}
        <form method="post" action={props.action} noValidate data-testid="notice-form">
          <DefaultSubmit />
          <Hidden name="csrf" value={props.csrf} />
          <Hidden name="draftId" value={props.draftId} />
          <Hidden name="basedOn" value={props.basedOn} />
          {props.children}
          <div className="govuk-button-group">
            <button type="submit" className="govuk-button" name="intent" value="preview">
              Continue to preview
            </button>
            <button type="submit" className="govuk-button govuk-button--secondary" name="intent" value="save">
              Save as draft
            </button>
            <Link className="govuk-link" to={props.process ? `/publish/${encodeURIComponent(props.process.ocid)}` : "/publish"}>
              Cancel
            </Link>
          </div>
        </form>
      </div>
    </div>
  );
}
