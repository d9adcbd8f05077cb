import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ChartFigure } from "../components/charts/ChartFigure";
import { withSvg } from "../components/charts/render.server";
import { RecentContracts } from "../components/charts/RecentContracts";
import { SelectField } from "../components/fields";
import { formatPounds } from "../domain/money";
import { formatCount, regionLabel, scaleLabel } from "../lib/format";
import { BadRequest, badRequestResponse } from "../services/register.server";
import { metricsConfigOf } from "../services/metrics-config.server";
import { filterOptions, supplierProfile } from "../services/stats.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.org.name ?? "Supplier"} – Public Tech Procurement Register` },
];

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const sp = new URL(request.url).searchParams;
  try {
    const [d, options] = await Promise.all([supplierProfile(context.readDb, params.id ?? "", sp, { config: metricsConfigOf(context), now: context.now() }), filterOptions(context.readDb, "awarded")]);
    if (!d) throw new Response(`There is no supplier with id ${(params.id ?? "").slice(0, 40)} in the register.`, { status: 404 });
    return { ...d, charts: withSvg(d.charts), years: options.years };
  } catch (e) {
    if (e instanceof BadRequest) throw badRequestResponse(e);
    throw e;
  }
}

const ORG_TYPES: Record<string, string> = {
  company: "Company",
  vcse: "Voluntary, community or social enterprise",
  cooperative: "Co-operative or mutual",
  public: "Public body",
  unknown: "Not known",
};

export default function SupplierProfile() {
  const d = useLoaderData<typeof loader>();
  const o = d.org;
  const years = d.years.map((y) => [y, y] as [string, string]);
  return (
    <>
      <span className="govuk-caption-l">Supplier</span>
      <h1 className="govuk-heading-xl">{o.name}</h1>
      <dl className="govuk-summary-list" data-testid="supplier-summary">
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Size</dt>
          <dd className="govuk-summary-list__value">{scaleLabel(o.scale)}</dd>
        </div>
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Type of organisation</dt>
          <dd className="govuk-summary-list__value">{ORG_TYPES[o.org_type] ?? o.org_type}</dd>
        </div>
        {o.group_name ? (
          <div className="govuk-summary-list__row">
            <dt className="govuk-summary-list__key">Parent group</dt>
            <dd className="govuk-summary-list__value">{o.group_name}</dd>
          </div>
        ) : null}
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Identifier</dt>
          <dd className="govuk-summary-list__value">{o.scheme && o.identifier ? `${o.scheme} ${o.identifier}` : "Not published"}</dd>
        </div>
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Region</dt>
          <dd className="govuk-summary-list__value">{regionLabel(o.region)}</dd>
        </div>
        {d.hasContracts ? (
          <div className="govuk-summary-list__row">
            <dt className="govuk-summary-list__key">Contracts</dt>
            <dd className="govuk-summary-list__value">
              {formatCount(d.contracts)}, its part worth {formatPounds(d.totalPence)} up to {d.currentFy}
              {d.inputs.missingValueContracts > 0 ? ` (${formatCount(d.inputs.missingValueContracts)} with no published value, counted as £0)` : ""}.{" "}
              <Link className="govuk-link" to={d.registerHref}>
                See them in the register
              </Link>{" "}
              ·{" "}
              <Link className="govuk-link" to={`/watch?supplier=${o.id.toString()}`} data-testid="red-flags-link">
                Red flags
              </Link>
              {d.committed ? (
                <p className="govuk-body-s govuk-!-margin-bottom-0" data-testid="supplier-committed">
                  Its contracts also place {formatPounds(d.committed.valuePence)} in {d.committed.from === d.committed.to ? d.committed.from : `${d.committed.from} to ${d.committed.to}`}:
                  committed, not yet earned, and not in these figures.
                </p>
              ) : null}
            </dd>
          </div>
        ) : null}
      </dl>
      {!d.hasContracts ? (
        <div className="govuk-inset-text" data-testid="empty-state">
          <h2 className="govuk-heading-m">No contracts</h2>
          <p className="govuk-body">
            {o.name} has no contracts in the register{d.params.from || d.params.to ? " in these years" : ""}, so there is nothing to chart.
          </p>
        </div>
      ) : (
        <>
          <form method="get" className="app-filter app-dashboard-filters" aria-label="Filter the figures">
            <div className="app-dashboard-filters__fields">
              <SelectField id="from" label="From financial year" value={d.params.from} options={years} anyLabel="First year with data" />
              <SelectField id="to" label="To financial year" value={d.params.to} options={years} anyLabel="Latest year with data" />
              <SelectField
                id="view"
                label="Count value as"
                value={d.params.view}
                options={[["awarded", "Awarded value"], ["annualised", "Annualised value"]]}
                anyLabel="Awarded value (default)"
              />
            </div>
            <button type="submit" className="govuk-button govuk-!-margin-bottom-0" data-module="govuk-button">
              Apply filters
            </button>
          </form>
          {d.charts.map((c) => (
            <ChartFigure key={c.id} chart={c} />
          ))}
          <section aria-labelledby="buyers-title">
            <h2 className="govuk-heading-m" id="buyers-title">
              Largest buyers
            </h2>
            <table className="govuk-table app-table--compact" data-testid="supplier-buyers">
              <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">Largest buyers</caption>
              <thead className="govuk-table__head">
                <tr className="govuk-table__row">
                  <th scope="col" className="govuk-table__header">Buyer</th>
                  <th scope="col" className="govuk-table__header app-num">Contracts</th>
                  <th scope="col" className="govuk-table__header app-num">Value to this supplier</th>
                </tr>
              </thead>
              <tbody className="govuk-table__body">
                {d.buyers.map((b) => (
                  <tr key={b.buyerId?.toString() ?? "none"} className="govuk-table__row">
                    <td className="govuk-table__cell">
                      {b.buyerId !== null ? (
                        <Link className="govuk-link" to={`/buyers/${b.buyerId.toString()}`}>
                          {b.name}
                        </Link>
                      ) : (
                        b.name
                      )}
                    </td>
                    <td className="govuk-table__cell app-num">{formatCount(b.contracts)}</td>
                    <td className="govuk-table__cell app-num">{formatPounds(b.valuePence)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
      <RecentContracts rows={d.recent} href={d.registerHref} />
    </>
  );
}
