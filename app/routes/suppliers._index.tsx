import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageLinks } from "../components/charts/PageLinks";
import { SelectField, TextField } from "../components/fields";
import { formatPounds } from "../domain/money";
import { formatCount, scaleLabel } from "../lib/format";
import { BadRequest, badRequestResponse } from "../services/register.server";
import { filterOptions, listSuppliers } from "../services/stats.server";

export const meta: MetaFunction = () => [{ title: "Suppliers – Public Tech Procurement Register" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const sp = new URL(request.url).searchParams;
  try {
    const [d, options] = await Promise.all([listSuppliers(context.readDb, sp), filterOptions(context.readDb, "awarded")]);
    return { ...d, years: options.years };
  } catch (e) {
    if (e instanceof BadRequest) throw badRequestResponse(e);
    throw e;
  }
}

export default function Suppliers() {
  const d = useLoaderData<typeof loader>();
  const p = d.params;
  const years = d.years.map((y) => [y, y] as [string, string]);
  const href = (page: number) => {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(p)) if (v && k !== "page") sp.set(k, String(v));
    if (page > 1) sp.set("page", String(page));
    const s = sp.toString();
    return `/suppliers${s ? `?${s}` : ""}`;
  };
  return (
    <>
      <h1 className="govuk-heading-xl">{d.group ? `Suppliers in ${d.group.name}` : "Suppliers"}</h1>
      <p className="govuk-body-l">
        Suppliers of technology to the public sector, with the value of their part of each contract (an award to several suppliers is split between them).
      </p>
      <form method="get" action="/suppliers" className="app-filter app-dashboard-filters" aria-label="Find suppliers">
        <div className="app-dashboard-filters__fields">
          <TextField id="q" label="Name" value={p.q} type="search" />
          <SelectField id="from" label="From financial year" value={p.from} options={years} anyLabel="First year with data" />
          <SelectField id="to" label="To financial year" value={p.to} options={years} anyLabel="Latest year with data" />
          <SelectField id="sort" label="Sort by" value={p.sort} options={[["value", "Value, highest first"], ["name", "Name"]]} anyLabel="Value (default)" />
        </div>
        {p.group ? <input type="hidden" name="group" value={p.group} /> : null}
        <button type="submit" className="govuk-button govuk-!-margin-bottom-0" data-module="govuk-button">
          Apply
        </button>
        {d.group ? (
          <a className="govuk-link app-dashboard-filters__clear" href="/suppliers">
            Every supplier, not only this group
          </a>
        ) : null}
      </form>
      <p className="app-results-count" role="status" data-testid="result-count">
        {formatCount(d.total)} {d.total === 1 ? "supplier" : "suppliers"} with contracts
      </p>
      <p className="govuk-body">
        <a className="govuk-link" href={`/suppliers.csv${href(1).slice("/suppliers".length)}`} data-testid="csv-link">
          Download these suppliers as CSV
        </a>
      </p>
      {d.rows.length === 0 ? (
        <div className="govuk-inset-text" data-testid="empty-state">
          <p className="govuk-body">No supplier with contracts matches. <Link className="govuk-link" to="/suppliers">Show every supplier</Link></p>
        </div>
      ) : (
        <div className="app-table-wrap">
          <table className="govuk-table app-table--compact" data-testid="suppliers">
            <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">Suppliers</caption>
            <thead className="govuk-table__head">
              <tr className="govuk-table__row">
                <th scope="col" className="govuk-table__header">Supplier</th>
                <th scope="col" className="govuk-table__header">Size</th>
                <th scope="col" className="govuk-table__header">Group</th>
                <th scope="col" className="govuk-table__header app-num">Contracts</th>
                <th scope="col" className="govuk-table__header app-num">Value (awarded)</th>
              </tr>
            </thead>
            <tbody className="govuk-table__body">
              {d.rows.map((s) => (
                <tr key={s.supplierId.toString()} className="govuk-table__row">
                  <td className="govuk-table__cell">
                    <Link className="govuk-link" to={`/suppliers/${s.supplierId.toString()}`}>
                      {s.name}
                    </Link>
                  </td>
                  <td className="govuk-table__cell">{scaleLabel(s.scale)}</td>
                  <td className="govuk-table__cell">
                    {s.groupId !== null ? (
                      <Link className="govuk-link" to={`/suppliers?group=${s.groupId.toString()}`}>
                        {s.groupName}
                      </Link>
                    ) : (
                      "–"
                    )}
                  </td>
                  <td className="govuk-table__cell app-num">{formatCount(s.contracts)}</td>
                  <td className="govuk-table__cell app-num">{formatPounds(s.valuePence)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <PageLinks page={d.page} pageSize={d.pageSize} total={d.total} href={href} />
    </>
  );
}
