import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatPounds } from "../domain/money";
import { formatDateTime, statusLabel } from "../lib/format";
import { publishIndexLoader } from "../services/publish-forms.server";

export const meta: MetaFunction = () => [{ title: "Publish – Public Tech Procurement Register" }];

export const loader = ({ request, context }: LoaderFunctionArgs) => publishIndexLoader(request, context);

const KIND_LABELS: Record<string, string> = {
  tender: "Tender notice",
  tenderUpdate: "Tender correction",
  award: "Award",
  contract: "Contract details",
  amendment: "Amendment",
  termination: "Termination",
  bulk: "Bulk upload",
};

export default function PublishIndex() {
  const d = useLoaderData<typeof loader>();
  const admin = d.user.role === "admin";
  return (
    <>
      {d.discarded ? (
        <div className="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="discarded-title">
          <div className="govuk-notification-banner__header">
            <h2 className="govuk-notification-banner__title" id="discarded-title">
              Success
            </h2>
          </div>
          <div className="govuk-notification-banner__content">
            <p className="govuk-notification-banner__heading">Draft discarded.</p>
          </div>
        </div>
      ) : null}
      <span className="govuk-caption-l">Signed in as {d.user.email}</span>
      <h1 className="govuk-heading-l">Publish</h1>
      {admin ? (
        <p className="govuk-body">
          You are an administrator: you may publish for any buyer, and manage{" "}
          <Link className="govuk-link" to="/admin/users">
            users
          </Link>
          ,{" "}
          <Link className="govuk-link" to="/admin/buyers">
            buyers
          </Link>{" "}
          and read the{" "}
          <Link className="govuk-link" to="/admin/audit">
            audit log
          </Link>
          .
        </p>
      ) : d.buyers.length ? (
        <>
          <p className="govuk-body">You publish for:</p>
          <ul className="govuk-list govuk-list--bullet" data-testid="my-buyers">
            {d.buyers.map((b) => (
              <li key={b.id}>
                {b.name} <span className="app-muted">{`(register id ${b.id})`}</span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="govuk-body">Your account is not bound to any buyer yet: ask an administrator to add one.</p>
      )}
      <div className="govuk-button-group">
        <Link className="govuk-button" to="/publish/tender">
          Publish a tender notice
        </Link>
        <Link className="govuk-button govuk-button--secondary" to="/publish/bulk">
          Upload awards and contracts (CSV)
        </Link>
      </div>

      <h2 className="govuk-heading-m">Your drafts</h2>
      {d.drafts.length === 0 ? (
        <p className="govuk-body">No drafts.</p>
      ) : (
        <table className="govuk-table" data-testid="drafts">
          <thead className="govuk-table__head">
            <tr className="govuk-table__row">
              <th scope="col" className="govuk-table__header">Draft</th>
              <th scope="col" className="govuk-table__header">Kind</th>
              <th scope="col" className="govuk-table__header">Last saved</th>
            </tr>
          </thead>
          <tbody className="govuk-table__body">
            {d.drafts.map((x) => (
              <tr className="govuk-table__row" key={x.id}>
                <td className="govuk-table__cell">
                  <Link className="govuk-link" to={x.kind === "bulk" ? `/publish/bulk?upload=${x.id}` : `/publish/drafts/${x.id}`}>
                    {x.title || "Untitled"}
                  </Link>
                </td>
                <td className="govuk-table__cell">{KIND_LABELS[x.kind] ?? x.kind}</td>
                <td className="govuk-table__cell">{formatDateTime(x.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 className="govuk-heading-m">{admin ? "Procurements" : "Your procurements"}</h2>
      <form method="get" className="govuk-!-margin-bottom-4">
        <div className="govuk-form-group">
          <label className="govuk-label" htmlFor="q">
            Find by title or Open Contracting ID
          </label>
          <input className="govuk-input govuk-!-width-two-thirds" id="q" name="q" type="search" defaultValue={d.q} />{" "}
          <button type="submit" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
            Search
          </button>
        </div>
      </form>
      {d.processes.length === 0 ? (
        <p className="govuk-body">No procurements found.</p>
      ) : (
        <table className="govuk-table" data-testid="my-processes">
          <caption className="govuk-table__caption govuk-table__caption--s">Most recently changed first</caption>
          <thead className="govuk-table__head">
            <tr className="govuk-table__row">
              <th scope="col" className="govuk-table__header">Procurement</th>
              <th scope="col" className="govuk-table__header">Status</th>
              <th scope="col" className="govuk-table__header app-num">Current value</th>
              <th scope="col" className="govuk-table__header">Last change</th>
            </tr>
          </thead>
          <tbody className="govuk-table__body">
            {d.processes.map((p) => (
              <tr className="govuk-table__row" key={p.ocid}>
                <td className="govuk-table__cell">
                  <Link className="govuk-link" to={`/publish/${encodeURIComponent(p.ocid)}`}>
                    {p.title}
                  </Link>
                  <br />
                  <span className="app-muted">{p.buyer_name}</span>
                </td>
                <td className="govuk-table__cell">{statusLabel(p.status)}</td>
                <td className="govuk-table__cell app-num">{formatPounds(p.current_value_pence)}</td>
                <td className="govuk-table__cell">{formatDateTime(p.last_release_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
