import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageLinks } from "../components/charts/PageLinks";
import { SelectField, TextField } from "../components/fields";
import { formatPounds, formatShare } from "../domain/money";
import { buyerTypeLabel, formatCount } from "../lib/format";
import { BadRequest, badRequestResponse } from "../services/register.server";
import { filterOptions, listBuyers } from "../services/stats.server";

export const meta: MetaFunction = () => [{ title: "Buyers – Public Tech Procurement Register" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const sp = new URL(request.url).searchParams;
  try {
    const [d, options] = await Promise.all([listBuyers(context.readDb, sp), filterOptions(context.readDb, "awarded")]);
    return { ...d, years: options.years };
  } catch (e) {
    if (e instanceof BadRequest) throw badRequestResponse(e);
    throw e;
  }
}

export default function Buyers() {
  const d = useLoaderData<typeof loader>();
  const p = d.params;
  const years = d.years.map((y) => [y, y] as [string, string]);
  const href = (page: number) => {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(p)) if (v && k !== "page") sp.set(k, String(v));
    if (page > 1) sp.set("page", String(page));
    const s = sp.toString();
    return `/buyers${s ? `?${s}` : ""}`;
  };
  return (
    <>
      <h1 className="govuk-heading-xl">Buyers</h1>
      <p className="govuk-body-l">Public bodies that buy technology, with what they spend, how much of it goes to SMEs and how much is consultancy.</p>
      <form method="get" action="/buyers" className="app-filter app-dashboard-filters" aria-label="Find buyers">
        <div className="app-dashboard-filters__fields">
          <TextField id="q" label="Name" value={p.q} type="search" />
          <SelectField id="from" label="From financial year" value={p.from} options={years} anyLabel="First year with data" />
          <SelectField id="to" label="To financial year" value={p.to} options={years} anyLabel="Latest year with data" />
          <SelectField id="sort" label="Sort by" value={p.sort} options={[["value", "Value, highest first"], ["name", "Name"]]} anyLabel="Value (default)" />
        </div>
        <button type="submit" className="govuk-button govuk-!-margin-bottom-0" data-module="govuk-button">
          Apply
        </button>
      </form>
      <p className="app-results-count" role="status" data-testid="result-count">
        {formatCount(d.total)} {d.total === 1 ? "buyer" : "buyers"} with contracts
      </p>
      <p className="govuk-body">
        <a className="govuk-link" href={`/buyers.csv${href(1).slice("/buyers".length)}`} data-testid="csv-link">
          Download these buyers as CSV
        </a>
      </p>
      {d.rows.length === 0 ? (
        <div className="govuk-inset-text" data-testid="empty-state">
          <p className="govuk-body">No buyer with contracts matches. <Link className="govuk-link" to="/buyers">Show every buyer</Link></p>
        </div>
      ) : (
        <div className="app-table-wrap">
          <table className="govuk-table app-table--compact" data-testid="buyers">
            <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">Buyers</caption>
            <thead className="govuk-table__head">
              <tr className="govuk-table__row">
                <th scope="col" className="govuk-table__header">Buyer</th>
                <th scope="col" className="govuk-table__header">Type</th>
                <th scope="col" className="govuk-table__header app-num">Contracts</th>
                <th scope="col" className="govuk-table__header app-num">Value (awarded)</th>
                <th scope="col" className="govuk-table__header app-num">SME share</th>
                <th scope="col" className="govuk-table__header app-num">Consultancy</th>
              </tr>
            </thead>
            <tbody className="govuk-table__body">
              {d.rows.map((b) => (
                <tr key={b.buyerId.toString()} className="govuk-table__row">
                  <td className="govuk-table__cell">
                    <Link className="govuk-link" to={`/buyers/${b.buyerId.toString()}`}>
                      {b.name}
                    </Link>
                  </td>
                  <td className="govuk-table__cell">{buyerTypeLabel(b.buyerType)}</td>
                  <td className="govuk-table__cell app-num">{formatCount(b.contracts)}</td>
                  <td className="govuk-table__cell app-num">{formatPounds(b.valuePence)}</td>
                  <td className="govuk-table__cell app-num">{formatShare(b.share)}</td>
                  <td className="govuk-table__cell app-num">{b.consultancyPence === null ? "–" : formatPounds(b.consultancyPence)}</td>
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
