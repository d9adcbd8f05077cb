import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ChartFigure } from "../components/charts/ChartFigure";
import { withSvg } from "../components/charts/render.server";
import { RecentContracts } from "../components/charts/RecentContracts";
import { SelectField } from "../components/fields";
import { percent } from "../domain/metrics/definitions";
import { fyLabel } from "../domain/metrics/fy";
import { formatPounds, formatShare } from "../domain/money";
import { buyerTypeLabel, formatCount, regionLabel } from "../lib/format";
import { BadRequest, badRequestResponse } from "../services/register.server";
import { metricsConfigOf } from "../services/metrics-config.server";
import { buyerProfile, filterOptions } from "../services/stats.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.org.name ?? "Buyer"} – Public Tech Procurement Register` },
];

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const sp = new URL(request.url).searchParams;
  try {
    const [d, options] = await Promise.all([buyerProfile(context.readDb, params.id ?? "", sp, { config: metricsConfigOf(context), now: context.now() }), filterOptions(context.readDb, "awarded")]);
    if (!d) throw new Response(`There is no buyer with id ${(params.id ?? "").slice(0, 40)} in the register.`, { status: 404 });
    return { ...d, charts: withSvg(d.charts), years: options.years };
  } catch (e) {
    if (e instanceof BadRequest) throw badRequestResponse(e);
    throw e;
  }
}

export default function BuyerProfile() {
  const d = useLoaderData<typeof loader>();
  const o = d.org;
  const years = d.years.map((y) => [y, y] as [string, string]);
  const id = o.id.toString();
  return (
    <>
      <span className="govuk-caption-l">Buyer</span>
      <h1 className="govuk-heading-xl">{o.name}</h1>
      <dl className="govuk-summary-list" data-testid="buyer-summary">
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Type</dt>
          <dd className="govuk-summary-list__value">{buyerTypeLabel(o.buyer_type)}</dd>
        </div>
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Region</dt>
          <dd className="govuk-summary-list__value">{regionLabel(o.region)}</dd>
        </div>
        {d.hasContracts ? (
          <>
            <div className="govuk-summary-list__row">
              <dt className="govuk-summary-list__key">Contracts</dt>
              <dd className="govuk-summary-list__value">
                {formatCount(d.total.contracts)}, worth {formatPounds(d.total.knownValuePence + d.total.unknownValuePence)}
                {d.total.nonGbpContracts > 0 ? ` (and ${formatCount(d.total.nonGbpContracts)} in other currencies, not in GBP totals)` : ""}.{" "}
                <Link className="govuk-link" to={d.registerHref}>
                  See them in the register
                </Link>{" "}
                ·{" "}
                <Link className="govuk-link" to={`/watch?buyer=${id}`} data-testid="red-flags-link">
                  Red flags
                </Link>
              </dd>
            </div>
            <div className="govuk-summary-list__row">
              <dt className="govuk-summary-list__key">SME share</dt>
              <dd className="govuk-summary-list__value" data-testid="buyer-sme-share">
                {formatShare(d.total.share)} (target {percent(d.target)}; coverage {formatShare(d.total.coverage)}
                {d.total.uncertain ? ", uncertain" : ""}).{" "}
                <Link className="govuk-link" to={`/dashboards/sme?buyer=${id}`}>
                  SME dashboard for this buyer
                </Link>
              </dd>
            </div>
            <div className="govuk-summary-list__row">
              <dt className="govuk-summary-list__key">Consultancy pledge</dt>
              <dd className="govuk-summary-list__value">
                {d.pledge.baselinePence === null
                  ? "Not enough data for a baseline"
                  : `Baseline ${formatPounds(d.pledge.baselinePence)} a year; target ${formatPounds(d.pledge.targetPence)} by ${fyLabel(d.pledgeConfig.targetFy)}`}
                .{" "}
                <Link className="govuk-link" to={`/dashboards/consultancy?buyer=${id}`}>
                  Consultancy dashboard for this buyer
                </Link>
              </dd>
            </div>
          </>
        ) : null}
      </dl>
      {!d.hasContracts ? (
        <div className="govuk-inset-text" data-testid="empty-state">
          <h2 className="govuk-heading-m">No contracts</h2>
          <p className="govuk-body">
            {o.name} has no contracts with a named supplier in the register
            {d.params.from || d.params.to ? " in these years" : ""}, so there is nothing to chart.
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
          <section aria-labelledby="suppliers-title">
            <h2 className="govuk-heading-m" id="suppliers-title">
              Largest suppliers
            </h2>
            <p className="govuk-body">
              HHI {d.top.hhi.toLocaleString("en-GB", { maximumFractionDigits: 1 })} across {formatCount(d.top.suppliers)} suppliers
              {d.top.highlyConcentrated ? " (highly concentrated)" : ""}.{" "}
              <Link className="govuk-link" to={`/dashboards/concentration?buyer=${id}`}>
                Concentration for this buyer
              </Link>
            </p>
            <table className="govuk-table app-table--compact" data-testid="buyer-suppliers">
              <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">Largest suppliers</caption>
              <thead className="govuk-table__head">
                <tr className="govuk-table__row">
                  <th scope="col" className="govuk-table__header">Supplier</th>
                  <th scope="col" className="govuk-table__header app-num">Value</th>
                  <th scope="col" className="govuk-table__header app-num">Share</th>
                </tr>
              </thead>
              <tbody className="govuk-table__body">
                {d.top.rows.map((t) => (
                  <tr key={t.id} className="govuk-table__row">
                    <td className="govuk-table__cell">
                      <Link className="govuk-link" to={`/suppliers/${t.id}`}>
                        {t.name}
                      </Link>
                    </td>
                    <td className="govuk-table__cell app-num">{formatPounds(t.valuePence)}</td>
                    <td className="govuk-table__cell app-num">{formatShare(t.share)}</td>
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
