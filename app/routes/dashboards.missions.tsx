import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ChartFigure } from "../components/charts/ChartFigure";
import { Headline, NoMatches, PolicyFilters } from "../components/charts/PolicyFilters";
import { withSvg } from "../components/charts/render.server";
import { SelectField } from "../components/fields";
import { formatPounds, formatShare } from "../domain/money";
import { MISSIONS } from "../domain/types";
import { BadRequest, badRequestResponse } from "../services/register.server";
import { missionsDashboard, policyYears } from "../services/stats-policy.server";

export const meta: MetaFunction = () => [{ title: "Government missions – Public Tech Procurement Register" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const sp = new URL(request.url).searchParams;
  try {
    const d = await missionsDashboard(context.readDb, sp);
    const years = await policyYears(context.readDb);
    return { params: d.resolved.params, query: d.resolved.query, total: d.total, coverage: d.coverage, charts: withSvg(d.charts), years };
  } catch (e) {
    if (e instanceof BadRequest) throw badRequestResponse(e);
    throw e;
  }
}

export default function MissionsDashboard() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <h1 className="govuk-heading-xl">Government missions</h1>
      <p className="govuk-body-l">Value and SME share of technology contracts by the government mission their publisher tagged them with.</p>
      <PolicyFilters action="/dashboards/missions" values={d.params} years={d.years} shown={["mission"]}>
        <SelectField
          id="mission"
          label="Show by year for mission"
          value={d.params.mission}
          options={Object.entries(MISSIONS).map(([k, v]) => [k, v])}
          anyLabel="All missions together"
        />
      </PolicyFilters>
      {d.total.awards === 0 ? (
        <NoMatches resetHref="/dashboards/missions" />
      ) : (
        <>
          <div className="app-figures" data-testid="missions-summary">
            <Headline value={formatShare(d.coverage.taggedShare)} testId="mission-coverage">
              coverage: share of value in contracts with a mission tag; {formatPounds(d.coverage.untaggedPence)} has none
            </Headline>
            <Headline value={formatPounds(d.total.valuePence)}>total value, each contract counted once</Headline>
          </div>
          {d.charts.map((c) => (
            <ChartFigure key={c.id} chart={c} />
          ))}
        </>
      )}
      <p className="govuk-body">
        The same figures as JSON:{" "}
        <a className="govuk-link" href={`/api/v1/stats/missions${d.query ? `?${d.query}` : ""}`}>
          /api/v1/stats/missions
        </a>
        . <Link className="govuk-link" to="/methodology#missions">How missions are counted</Link>.
      </p>
    </>
  );
}
