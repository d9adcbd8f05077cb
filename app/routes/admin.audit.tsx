import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { auditActions, listAudit } from "../../db/queries/audit";
import { formatDateTime } from "../lib/format";
import { requireAdmin } from "../services/auth.server";

export const meta: MetaFunction = () => [{ title: "Audit log – Administration – Public Tech Procurement Register" }];

const PAGE = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(request, context);
  const url = new URL(request.url);
  const action = (url.searchParams.get("action") ?? "").slice(0, 60);
  const user = (url.searchParams.get("user") ?? "").slice(0, 320);
  const ocid = (url.searchParams.get("ocid") ?? "").slice(0, 300);
  const beforeRaw = url.searchParams.get("before") ?? "";
  const before = /^\d{1,18}$/.test(beforeRaw) ? BigInt(beforeRaw) : undefined;
  const rows = await listAudit(context.db, { action: action || undefined, user: user || undefined, ocid: ocid || undefined, before, limit: PAGE + 1 });
  const shown = rows.slice(0, PAGE);
  const next = rows.length > PAGE ? String(shown[shown.length - 1]!.id) : null;
  return {
    rows: shown.map((r) => ({ ...r, id: String(r.id), at: new Date(r.at).toISOString() })),
    actions: await auditActions(context.db),
    filters: { action, user, ocid },
    next,
  };
}

export default function Audit() {
  const d = useLoaderData<typeof loader>();
  const sp = (extra: Record<string, string>) =>
    `?${new URLSearchParams(Object.entries({ ...d.filters, ...extra }).filter(([, v]) => v !== "")).toString()}`;
  return (
    <>
      <h1 className="govuk-heading-l">Audit log</h1>
      <p className="govuk-body">
        Every sign-in, publication and administrative change, newest first. The log is append-only: the database refuses to change or
        delete an entry.
      </p>
      <form method="get" className="app-filter govuk-!-margin-bottom-6">
        <div className="govuk-grid-row">
          <div className="govuk-grid-column-one-third">
            <div className="govuk-form-group">
              <label className="govuk-label" htmlFor="action">
                Action
              </label>
              <select className="govuk-select" id="action" name="action" defaultValue={d.filters.action}>
                <option value="">Any</option>
                {d.actions.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="govuk-grid-column-one-third">
            <div className="govuk-form-group">
              <label className="govuk-label" htmlFor="user">
                User (email)
              </label>
              <input className="govuk-input" id="user" name="user" type="text" defaultValue={d.filters.user} spellCheck={false} />
            </div>
          </div>
          <div className="govuk-grid-column-one-third">
            <div className="govuk-form-group">
              <label className="govuk-label" htmlFor="ocid">
                Open Contracting ID
              </label>
              <input className="govuk-input" id="ocid" name="ocid" type="text" defaultValue={d.filters.ocid} spellCheck={false} />
            </div>
          </div>
        </div>
        <button type="submit" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
          Filter
        </button>
      </form>
      <div className="app-table-wrap">
        <table className="govuk-table app-table--compact" data-testid="audit">
          <thead className="govuk-table__head">
            <tr className="govuk-table__row">
              <th scope="col" className="govuk-table__header">When</th>
              <th scope="col" className="govuk-table__header">Who</th>
              <th scope="col" className="govuk-table__header">What</th>
              <th scope="col" className="govuk-table__header">From where</th>
            </tr>
          </thead>
          <tbody className="govuk-table__body">
            {d.rows.map((r) => (
              <tr className="govuk-table__row" key={r.id}>
                <td className="govuk-table__cell app-nowrap">{formatDateTime(r.at)}</td>
                <td className="govuk-table__cell">{r.user_email ?? "–"}</td>
                <td className="govuk-table__cell">
                  <code>{r.action}</code> {r.summary}
                  {r.ocid ? (
                    <>
                      <br />
                      <Link className="govuk-link" to={`/contracts/${encodeURIComponent(r.ocid)}`}>
                        {r.ocid}
                      </Link>
                      {r.release_ids.length ? <span className="app-muted"> · {r.release_ids.slice(0, 3).join(", ")}{r.release_ids.length > 3 ? ` and ${r.release_ids.length - 3} more` : ""}</span> : null}
                    </>
                  ) : null}
                </td>
                <td className="govuk-table__cell">
                  {r.ip ?? "–"}
                  <br />
                  <span className="app-muted">{r.user_agent ? r.user_agent.slice(0, 80) : ""}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {d.next ? (
        <nav className="govuk-pagination govuk-pagination--block" aria-label="Pages of the audit log">
          <div className="govuk-pagination__next">
            <Link className="govuk-link govuk-pagination__link" to={sp({ before: d.next })} rel="next">
              <span className="govuk-pagination__link-title">Older entries</span>
            </Link>
          </div>
        </nav>
      ) : null}
    </>
  );
}
