import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ChartFigure } from "../components/charts/ChartFigure";
import { Headline, NoMatches, PolicyFilters } from "../components/charts/PolicyFilters";
import { withSvg } from "../components/charts/render.server";
import { SelectField } from "../components/fields";
import { formatPounds } from "../domain/money";
import { ITL1_REGIONS } from "../domain/types";
import { BadRequest, badRequestResponse } from "../services/register.server";
import { policyYears, regionsDashboard } from "../services/stats-policy.server";

export const meta: MetaFunction = () => [{ title: "Regions – Public Tech Procurement Register" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const sp = new URL(request.url).searchParams;
  try {
    const d = await regionsDashboard(context.readDb, sp);
    const years = await policyYears(context.readDb);
    return { params: d.resolved.params, query: d.resolved.query, coverage: d.coverage, charts: withSvg(d.charts), years };
  } catch (e) {
    if (e instanceof BadRequest) throw badRequestResponse(e);
    throw e;
  }
}

export default function RegionsDashboard() {
  const d = useLoaderData<typeof loader>();
  const c = d.coverage;
  return (
    <>
      <h1 className="govuk-heading-xl">Regions</h1>
      <p className="govuk-body-l">
        SME share and value by the UK region (ITL1) of the supplier and of the buyer: whether SMEs across every region share in technology spending.
      </p>
      <PolicyFilters action="/dashboards/regions" values={d.params} years={d.years} shown={["region"]}>
        <SelectField
          id="region"
          label="Buyers in region"
          value={d.params.region}
          options={Object.entries(ITL1_REGIONS).map(([k, v]) => [k, v])}
          anyLabel="Every region"
        />
      </PolicyFilters>
      {c.totalPence === 0n && d.charts.every((x) => x.points.length === 0) ? (
        <NoMatches resetHref="/dashboards/regions" />
      ) : (
        <>
          <div className="app-figures" data-testid="regions-summary">
            <Headline value={formatPounds(c.totalPence)}>total value for these filters</Headline>
            <Headline value={formatPounds(c.supplierUnknownPence)} testId="supplier-region-unknown">
              to suppliers of unknown region, and {formatPounds(c.supplierOverseasPence)} to suppliers outside the UK
            </Headline>
            <Headline value={formatPounds(c.buyerUnknownPence)}>from buyers of unknown region</Headline>
          </div>
          {d.charts.map((x) => (
            <ChartFigure key={x.id} chart={x} />
          ))}
        </>
      )}
      <p className="govuk-body">
        The same figures as JSON:{" "}
        <a className="govuk-link" href={`/api/v1/stats/regions${d.query ? `?${d.query}` : ""}`}>
          /api/v1/stats/regions
        </a>
        . <Link className="govuk-link" to="/methodology#regions">How regions are counted</Link>.
      </p>
    </>
  );
}
