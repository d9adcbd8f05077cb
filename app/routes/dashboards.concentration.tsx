import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ChartFigure } from "../components/charts/ChartFigure";
import { withSvg } from "../components/charts/render.server";
import { CoverageNote } from "../components/charts/CoverageNote";
import { DashboardFilters } from "../components/charts/DashboardFilters";
import { formatPounds, formatShare } from "../domain/money";
import { formatCount } from "../lib/format";
import { BadRequest, badRequestResponse } from "../services/register.server";
import { metricsConfigOf } from "../services/metrics-config.server";
import { concentrationDashboard, filterOptions } from "../services/stats.server";

export const meta: MetaFunction = () => [{ title: "Supplier concentration – Public Tech Procurement Register" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const sp = new URL(request.url).searchParams;
  try {
    const d = await concentrationDashboard(context.readDb, sp, { config: metricsConfigOf(context), now: context.now() });
    const options = await filterOptions(context.readDb, d.view, d.resolved.buyer);
    return { ...d, charts: withSvg(d.charts), options };
  } catch (e) {
    if (e instanceof BadRequest) throw badRequestResponse(e);
    throw e;
  }
}

const hhiText = (n: number) => n.toLocaleString("en-GB", { maximumFractionDigits: 1 });

export default function ConcentrationDashboard() {
  const d = useLoaderData<typeof loader>();
  const r = d.resolved;
  return (
    <>
      <h1 className="govuk-heading-xl">Supplier concentration</h1>
      <p className="govuk-body-l">How much of the value goes to the largest suppliers, and how concentrated the market is.</p>
      <DashboardFilters action="/dashboards/concentration" values={r.params} years={d.options.years} buyers={d.options.buyers} defaultView="awarded" offerBy />
      {d.totalPence === 0n ? (
        <div className="govuk-inset-text" data-testid="empty-state">
          <h2 className="govuk-heading-m">No contracts match</h2>
          <p className="govuk-body">
            {r.buyer ? `${r.buyer.name} has no contracts with a value in the register for these filters.` : "No contracts with a value match these filters."}{" "}
            <Link className="govuk-link" to="/dashboards/concentration">
              Show every buyer and year
            </Link>
          </p>
        </div>
      ) : (
        <>
          <div className="app-figures" data-testid="concentration-summary">
            <div className="app-headline">
              <span className="app-headline__value" data-testid="top-share">
                {formatShare(d.topShare)}
              </span>
              <span className="govuk-body">of {formatPounds(d.totalPence)} went to the {d.top.length} largest</span>
            </div>
            <div className="app-headline">
              <span className="app-headline__value" data-testid="hhi">
                {hhiText(d.hhi)}
              </span>
              <span className="govuk-body">
                HHI{" "}
                {d.highlyConcentrated ? (
                  <strong className="govuk-tag govuk-tag--red">Highly concentrated</strong>
                ) : (
                  <strong className="govuk-tag govuk-tag--grey">Not highly concentrated</strong>
                )}
              </span>
            </div>
            <div className="app-headline">
              <span className="app-headline__value">{formatCount(d.suppliers)}</span>
              <span className="govuk-body">{d.by === "group" ? "suppliers and groups" : "suppliers"} with a share</span>
            </div>
          </div>
          <CoverageNote text={d.coverageText} />
          {d.charts.map((c) => (
            <ChartFigure key={c.id} chart={c} />
          ))}
        </>
      )}
      <p className="govuk-body">
        The same figures as JSON:{" "}
        <a className="govuk-link" href={`/api/v1/stats/concentration${r.query ? `?${r.query}` : ""}`}>
          /api/v1/stats/concentration
        </a>
        . <Link className="govuk-link" to="/methodology#concentration">How concentration is measured</Link>.
      </p>
    </>
  );
}
