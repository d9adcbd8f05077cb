import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ChartFigure } from "../components/charts/ChartFigure";
import { withSvg } from "../components/charts/render.server";
import { CoverageNote } from "../components/charts/CoverageNote";
import { DashboardFilters } from "../components/charts/DashboardFilters";
import { SelectField } from "../components/fields";
import { fyLabel } from "../domain/metrics/fy";
import { formatHeadline, formatPounds } from "../domain/money";
import { BadRequest, badRequestResponse } from "../services/register.server";
import { metricsConfigOf } from "../services/metrics-config.server";
import { consultancyDashboard, filterOptions } from "../services/stats.server";

export const meta: MetaFunction = () => [{ title: "Consultancy spend and the pledge – Public Tech Procurement Register" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const sp = new URL(request.url).searchParams;
  try {
    const d = await consultancyDashboard(context.readDb, sp, { config: metricsConfigOf(context), now: context.now() });
    const options = await filterOptions(context.readDb, d.view, d.resolved.buyer);
    const pledgeYears: string[] = [];
    for (let y = 2010; y <= 2035; y++) pledgeYears.push(fyLabel(y));
    return { ...d, charts: withSvg(d.charts), options, pledgeYears };
  } catch (e) {
    if (e instanceof BadRequest) throw badRequestResponse(e);
    throw e;
  }
}

function OnTrack({ value }: { value: boolean | null | undefined }) {
  if (value === null || value === undefined) return <>–</>;
  return value ? (
    <strong className="govuk-tag govuk-tag--green">On track</strong>
  ) : (
    <strong className="govuk-tag govuk-tag--red">Not on track</strong>
  );
}

export default function ConsultancyDashboard() {
  const d = useLoaderData<typeof loader>();
  const r = d.resolved;
  const p = d.result;
  const years = d.pledgeYears.map((y) => [y, y] as [string, string]);
  return (
    <>
      <h1 className="govuk-heading-xl">Consultancy spend and the pledge to halve it</h1>
      <p className="govuk-body-l">
        Consultancy spend per year against the pledge: half the {fyLabel(d.pledge.baselineFrom)} to {fyLabel(d.pledge.baselineTo)} average by{" "}
        {fyLabel(d.pledge.targetFy)}, on a straight-line trajectory.
      </p>
      <DashboardFilters action="/dashboards/consultancy" values={r.params} years={d.options.years} buyers={d.options.buyers} defaultView="annualised">
        <SelectField id="baselineFrom" label="Baseline from" value={r.params.baselineFrom} options={years} anyLabel={`${fyLabel(d.pledge.baselineFrom)} (default)`} />
        <SelectField id="baselineTo" label="Baseline to" value={r.params.baselineTo} options={years} anyLabel={`${fyLabel(d.pledge.baselineTo)} (default)`} />
        <SelectField id="targetFy" label="Target year" value={r.params.targetFy} options={years} anyLabel={`${fyLabel(d.pledge.targetFy)} (default)`} />
      </DashboardFilters>
      {!d.chartHasData ? (
        <div className="govuk-inset-text" data-testid="empty-state">
          <h2 className="govuk-heading-m">No consultancy contracts match</h2>
          <p className="govuk-body">
            {r.buyer ? `${r.buyer.name} has no consultancy contracts in the register for these filters.` : "No consultancy contracts match these filters."}{" "}
            <Link className="govuk-link" to="/dashboards/consultancy">
              Show every buyer
            </Link>
          </p>
        </div>
      ) : (
        <>
          <dl className="govuk-summary-list" data-testid="pledge-summary">
            <div className="govuk-summary-list__row">
              <dt className="govuk-summary-list__key">Baseline</dt>
              <dd className="govuk-summary-list__value" data-testid="baseline">
                {p.baselinePence === null ? (
                  "Not enough data"
                ) : (
                  <>
                    {formatPounds(p.baselinePence)} a year ({formatHeadline(p.baselinePence)}), the average of{" "}
                    {p.baselineYearsUsed.map(fyLabel).join(", ")}
                  </>
                )}
                {p.baselineYearsMissing.length > 0 ? (
                  <p className="govuk-body-s govuk-!-margin-bottom-0">
                    Left out for want of contracts in the register: {p.baselineYearsMissing.map(fyLabel).join(", ")}.
                  </p>
                ) : null}
                {p.baselineYearsNotYetSpent.length > 0 ? (
                  <p className="govuk-body-s govuk-!-margin-bottom-0">
                    Left out because they are after {d.currentFy} and not yet spent: {p.baselineYearsNotYetSpent.map(fyLabel).join(", ")}.
                  </p>
                ) : null}
              </dd>
            </div>
            <div className="govuk-summary-list__row">
              <dt className="govuk-summary-list__key">Target</dt>
              <dd className="govuk-summary-list__value" data-testid="target">
                {p.targetPence === null ? "Not enough data" : `${formatPounds(p.targetPence)} a year by ${fyLabel(d.pledge.targetFy)}, half the baseline`}
              </dd>
            </div>
            <div className="govuk-summary-list__row">
              <dt className="govuk-summary-list__key">Status</dt>
              <dd className="govuk-summary-list__value" data-testid="status">
                {d.status ? (
                  <>
                    <OnTrack value={d.status.onTrack} /> in {d.status.fy}
                    {d.status.partial ? " so far (the year is in progress: spend to date)" : ""}: spend {formatPounds(d.status.spendPence)} against a
                    trajectory of {formatPounds(d.status.trajectoryPence)}
                  </>
                ) : (
                  "Not judged yet: no year after the baseline has consultancy contracts and a trajectory."
                )}
              </dd>
            </div>
            <div className="govuk-summary-list__row">
              <dt className="govuk-summary-list__key">Reference figures</dt>
              <dd className="govuk-summary-list__value">
                <ul className="govuk-list">
                  {d.referenceLines.map((ref) => (
                    <li key={ref.id}>
                      {ref.label}. Source: {ref.source}. A reference, not a measured value.
                    </li>
                  ))}
                </ul>
                {d.refs.allBuyers ? (
                  <>
                    {!d.refs.drawn ? (
                      <p className="govuk-body-s" data-testid="refs-note">
                        They are not drawn on the chart: this register's largest year ({formatHeadline(d.refs.measuredMaxPence)}) is far below them, and
                        drawn to the same scale its bars would be too small to read.
                      </p>
                    ) : null}
                    <a className="govuk-link" href={`?${new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(r.query)), refs: d.refs.drawn ? "hide" : "show" }).toString()}`}>
                      {d.refs.drawn ? "Hide the reference lines" : "Draw the reference lines on the chart"}
                    </a>
                  </>
                ) : (
                  <p className="govuk-body-s govuk-!-margin-bottom-0">They describe all of central government, so they are not drawn for one buyer, type of buyer or category.</p>
                )}
              </dd>
            </div>
          </dl>
          <CoverageNote text={d.coverageText} />
          {d.charts.map((c) => (
            <ChartFigure key={c.id} chart={c} />
          ))}
          {d.byBuyer.length > 0 ? (
            <section aria-labelledby="by-buyer-title">
              <h2 className="govuk-heading-m" id="by-buyer-title">
                By buyer
              </h2>
              <p className="govuk-body">The buyers with the most consultancy spend, each against its own baseline and trajectory.</p>
              <div className="app-table-wrap">
                <table className="govuk-table app-table--compact" data-testid="consultancy-by-buyer">
                  <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">Consultancy pledge by buyer</caption>
                  <thead className="govuk-table__head">
                    <tr className="govuk-table__row">
                      <th scope="col" className="govuk-table__header">Buyer</th>
                      <th scope="col" className="govuk-table__header app-num">Consultancy spend, all years</th>
                      <th scope="col" className="govuk-table__header app-num">Baseline</th>
                      <th scope="col" className="govuk-table__header app-num">Target</th>
                      <th scope="col" className="govuk-table__header">Status</th>
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
                        <td className="govuk-table__cell app-num">{formatPounds(b.valuePence)}</td>
                        <td className="govuk-table__cell app-num">{b.baselinePence === null ? "Not enough data" : formatPounds(b.baselinePence)}</td>
                        <td className="govuk-table__cell app-num">{b.targetPence === null ? "–" : formatPounds(b.targetPence)}</td>
                        <td className="govuk-table__cell">
                          {b.status ? (
                            <>
                              <OnTrack value={b.status.onTrack} /> {b.status.fy}
                              {b.status.partial ? " (so far)" : ""}
                            </>
                          ) : (
                            "Not judged"
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ) : null}
          {d.changes ? (
            <section aria-labelledby="changes-title">
              <h2 className="govuk-heading-m" id="changes-title">
                Suppliers whose consultancy value rose or fell most
              </h2>
              <p className="govuk-body">
                From {d.changes.fromFy} to {d.changes.toFy}, the latest two complete years with data ({d.view === "annualised" ? "annualised" : "awarded"} value).
              </p>
              <div className="app-table-wrap">
                <table className="govuk-table app-table--compact" data-testid="consultancy-changes">
                  <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">Largest rises and falls</caption>
                  <thead className="govuk-table__head">
                    <tr className="govuk-table__row">
                      <th scope="col" className="govuk-table__header">Supplier</th>
                      <th scope="col" className="govuk-table__header app-num">{d.changes.fromFy}</th>
                      <th scope="col" className="govuk-table__header app-num">{d.changes.toFy}</th>
                      <th scope="col" className="govuk-table__header app-num">Change</th>
                    </tr>
                  </thead>
                  <tbody className="govuk-table__body">
                    {[...d.changes.rises, ...d.changes.falls].map((c) => (
                      <tr key={`${c.kind}-${c.supplierId.toString()}`} className="govuk-table__row">
                        <td className="govuk-table__cell">
                          <Link className="govuk-link" to={`/suppliers/${c.supplierId.toString()}`}>
                            {c.name}
                          </Link>{" "}
                          <span className="govuk-body-s app-muted">({c.kind === "rise" ? "rose" : "fell"})</span>
                        </td>
                        <td className="govuk-table__cell app-num">{formatPounds(c.beforePence)}</td>
                        <td className="govuk-table__cell app-num">{formatPounds(c.afterPence)}</td>
                        <td className="govuk-table__cell app-num">
                          {c.changePence > 0n ? "+" : ""}
                          {formatPounds(c.changePence)}
                        </td>
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
        <a className="govuk-link" href={`/api/v1/stats/consultancy${r.query ? `?${r.query}` : ""}`}>
          /api/v1/stats/consultancy
        </a>
        . <Link className="govuk-link" to="/methodology#pledge">How the pledge is measured</Link>.
      </p>
    </>
  );
}
