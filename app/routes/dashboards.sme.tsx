import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ChartFigure } from "../components/charts/ChartFigure";
import { withSvg } from "../components/charts/render.server";
import { CoverageNote } from "../components/charts/CoverageNote";
import { DashboardFilters } from "../components/charts/DashboardFilters";
import { percent } from "../domain/metrics/definitions";
import { formatPounds, formatShare } from "../domain/money";
import { buyerTypeLabel, formatCount } from "../lib/format";
import { BadRequest, badRequestResponse } from "../services/register.server";
import { metricsConfigOf } from "../services/metrics-config.server";
import { filterOptions, smeDashboard } from "../services/stats.server";

export const meta: MetaFunction = () => [{ title: "SME share – Public Tech Procurement Register" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const sp = new URL(request.url).searchParams;
  try {
    const d = await smeDashboard(context.readDb, sp, { config: metricsConfigOf(context), now: context.now() });
    const options = await filterOptions(context.readDb, d.view, d.resolved.buyer);
    const { years: _years, ...page } = d;
    return { ...page, charts: withSvg(d.charts), options };
  } catch (e) {
    if (e instanceof BadRequest) throw badRequestResponse(e);
    throw e;
  }
}

export default function SmeDashboard() {
  const d = useLoaderData<typeof loader>();
  const r = d.resolved;
  const t = d.total;
  return (
    <>
      <h1 className="govuk-heading-xl">SME share</h1>
      <p className="govuk-body-l">
        How much of the value of technology contracts goes to small and medium-sized enterprises (SMEs), against the target of{" "}
        {percent(d.target)}.
      </p>
      <DashboardFilters action="/dashboards/sme" values={r.params} years={d.options.years} buyers={d.options.buyers} defaultView="awarded" />
      {t.contracts === 0 && t.nonGbpContracts === 0 ? (
        <div className="govuk-inset-text" data-testid="empty-state">
          <h2 className="govuk-heading-m">No contracts match</h2>
          <p className="govuk-body">
            {r.buyer ? `${r.buyer.name} has no contracts with a named supplier in the register for these filters.` : "No contracts match these filters."}{" "}
            <Link className="govuk-link" to="/dashboards/sme">
              Show every buyer and year
            </Link>
          </p>
        </div>
      ) : (
        <>
          <div className="app-figures" data-testid="sme-summary">
            <div className="app-headline">
              <span className="app-headline__value" data-testid="sme-share-total">
                {formatShare(t.share)}
              </span>
              <span className="govuk-body">
                SME share{r.buyer ? ` for ${r.buyer.name}` : ""}, all measured years shown, to {d.currentFy} (target {percent(d.target)})
                {t.uncertain ? <strong className="govuk-tag govuk-tag--yellow app-flag">Uncertain: low coverage</strong> : null}
              </span>
            </div>
            <div className="app-headline">
              <span className="app-headline__value">{formatShare(t.coverage)}</span>
              <span className="govuk-body">coverage: share of value to suppliers of known size</span>
            </div>
            <div className="app-headline">
              <span className="app-headline__value">{formatCount(t.contracts)}</span>
              <span className="govuk-body">
                contracts, {formatPounds(t.knownValuePence + t.unknownValuePence)}
                {t.nonGbpContracts > 0 ? `; ${formatCount(t.nonGbpContracts)} more in other currencies, not in GBP totals` : ""}
              </span>
            </div>
          </div>
          <CoverageNote text={d.coverageText} />
          {d.charts.map((c) => (
            <ChartFigure key={c.id} chart={c} />
          ))}
          {d.committedYears.length > 0 ? (
            <section aria-labelledby="committed-title">
              <h2 className="govuk-heading-m" id="committed-title">
                Committed for later years, not yet spent
              </h2>
              <p className="govuk-body">
                Contracts already signed spread part of their value over years after {d.currentFy}. That value is not yet spent, so it is not in
                the figures above; it is shown here for what it says about where the money is committed.
              </p>
              <div className="app-table-wrap">
                <table className="govuk-table app-table--compact" data-testid="sme-committed">
                  <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">Value committed for later years</caption>
                  <thead className="govuk-table__head">
                    <tr className="govuk-table__row">
                      <th scope="col" className="govuk-table__header">
                        Financial year
                      </th>
                      <th scope="col" className="govuk-table__header app-num">
                        Committed to SMEs
                      </th>
                      <th scope="col" className="govuk-table__header app-num">
                        Committed to suppliers of known size
                      </th>
                      <th scope="col" className="govuk-table__header app-num">
                        SME share of it
                      </th>
                      <th scope="col" className="govuk-table__header app-num">
                        Contracts
                      </th>
                    </tr>
                  </thead>
                  <tbody className="govuk-table__body">
                    {d.committedYears.map((y) => (
                      <tr key={y.fy} className="govuk-table__row" data-x={y.fy}>
                        <th scope="row" className="govuk-table__header">
                          {y.fy}
                        </th>
                        <td className="govuk-table__cell app-num">{formatPounds(y.smeValuePence)}</td>
                        <td className="govuk-table__cell app-num">{formatPounds(y.knownValuePence)}</td>
                        <td className="govuk-table__cell app-num">{formatShare(y.share)}</td>
                        <td className="govuk-table__cell app-num">{formatCount(y.contracts)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ) : null}
          {d.byBuyer ? (
            <section aria-labelledby="by-buyer-title">
              <h2 className="govuk-heading-m" id="by-buyer-title">
                By buyer
              </h2>
              <p className="govuk-body">
                The {d.byBuyer.length} buyers with the most value{d.buyersTotal > d.byBuyer.length ? ` (of ${formatCount(d.buyersTotal)})` : ""}, for the
                years and filters above. Each buyer's own target applies where one is configured.
              </p>
              <div className="app-table-wrap">
                <table className="govuk-table app-table--compact" data-testid="sme-by-buyer">
                  <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">SME share by buyer</caption>
                  <thead className="govuk-table__head">
                    <tr className="govuk-table__row">
                      <th scope="col" className="govuk-table__header">
                        Buyer
                      </th>
                      <th scope="col" className="govuk-table__header">
                        Type
                      </th>
                      <th scope="col" className="govuk-table__header app-num">
                        Value
                      </th>
                      <th scope="col" className="govuk-table__header app-num">
                        SME share
                      </th>
                      <th scope="col" className="govuk-table__header app-num">
                        Target
                      </th>
                      <th scope="col" className="govuk-table__header app-num">
                        Coverage
                      </th>
                      <th scope="col" className="govuk-table__header app-num">
                        Contracts
                      </th>
                    </tr>
                  </thead>
                  <tbody className="govuk-table__body">
                    {d.byBuyer.map((b) => (
                      <tr key={b.buyerId.toString()} className="govuk-table__row">
                        <td className="govuk-table__cell">
                          <Link className="govuk-link" to={b.href}>
                            {b.name}
                          </Link>
                        </td>
                        <td className="govuk-table__cell">{buyerTypeLabel(b.buyerType)}</td>
                        <td className="govuk-table__cell app-num">{formatPounds(b.valuePence)}</td>
                        <td className="govuk-table__cell app-num">
                          {formatShare(b.share)}
                          {b.uncertain ? " (uncertain)" : ""}
                        </td>
                        <td className="govuk-table__cell app-num">{percent(b.target)}</td>
                        <td className="govuk-table__cell app-num">{formatShare(b.coverage)}</td>
                        <td className="govuk-table__cell app-num">{formatCount(b.contracts)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ) : null}
        </>
      )}
      <p className="govuk-body">
        The same figures as JSON:{" "}
        <a className="govuk-link" href={`/api/v1/stats/sme-share${r.query ? `?${r.query}` : ""}`}>
          /api/v1/stats/sme-share
        </a>
        . <Link className="govuk-link" to="/methodology#sme-share">How SME share is calculated</Link>.
      </p>
    </>
  );
}
