import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ProcessBriefList } from "../components/publish/NoticeForm";
import { formatDateTime } from "../lib/format";
import { processPageLoader } from "../services/publish-forms.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? data.process.title : "Procurement"} – Publish – Public Tech Procurement Register` },
];

export const loader = ({ request, context, params }: LoaderFunctionArgs) => processPageLoader(request, context, params.ocid);

export default function ProcessPage() {
  const d = useLoaderData<typeof loader>();
  const p = d.process;
  const base = `/publish/${encodeURIComponent(p.ocid)}`;
  const actions: Array<[string, string, boolean]> = [
    [`${base}/tender`, "Correct the tender notice", d.hasTender],
    [`${base}/award`, "Publish an award", d.canAward],
    [`${base}/contract`, "Publish contract details", d.canContract],
    [`${base}/amendment`, "Amend the contract", d.canAmend],
    [`${base}/termination`, "Terminate the contract", d.canAmend],
  ];
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        {d.published ? (
          <div className="govuk-panel govuk-panel--confirmation" data-testid="published">
            <h1 className="govuk-panel__title">Notice published</h1>
            <div className="govuk-panel__body">
              Release <strong>{d.published}</strong>
            </div>
          </div>
        ) : null}
        <span className="govuk-caption-l">{p.buyerName}</span>
        {d.published ? <h2 className="govuk-heading-l">{p.title}</h2> : <h1 className="govuk-heading-l">{p.title}</h1>}
        <ProcessBriefList p={p} />
        <p className="govuk-body">
          <Link className="govuk-link" to={`/contracts/${encodeURIComponent(p.ocid)}`} data-testid="public-page">
            View the public page and its full history
          </Link>
        </p>
        <h2 className="govuk-heading-m">Publish a notice about this procurement</h2>
        <ul className="govuk-list" data-testid="actions">
          {actions.map(([href, label, on]) => (
            <li key={href}>
              {on ? (
                <Link className="govuk-link" to={href}>
                  {label}
                </Link>
              ) : (
                <span className="app-muted">{label} (not possible now)</span>
              )}
            </li>
          ))}
        </ul>
        <h2 className="govuk-heading-m">Releases ({d.releases.length})</h2>
        <ol className="govuk-list govuk-list--number">
          {d.releases.map((r) => (
            <li key={r.id}>
              {formatDateTime(r.date)} – {r.tags.join(", ")} <span className="app-muted">({r.source}; {r.id})</span>
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
