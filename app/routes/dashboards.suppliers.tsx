import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ChartFigure } from "../components/charts/ChartFigure";
import { Headline, NoMatches, PolicyFilters } from "../components/charts/PolicyFilters";
import { withSvg } from "../components/charts/render.server";
import { COUNTRY_CLASS_LABELS, COUNTRY_CLASSES } from "../domain/metrics/policy";
import { formatPounds, formatShare } from "../domain/money";
import { SelectField } from "../components/fields";
import { BadRequest, badRequestResponse } from "../services/register.server";
import { policyYears, supplierCountriesDashboard } from "../services/stats-policy.server";

export const meta: MetaFunction = () => [{ title: "Where the money goes – Public Tech Procurement Register" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const sp = new URL(request.url).searchParams;
  try {
    const d = await supplierCountriesDashboard(context.readDb, sp);
    const years = await policyYears(context.readDb);
    return {
      params: d.resolved.params,
      query: d.resolved.query,
      focus: d.focus,
      total: d.total,
      groups: d.groups,
      coverage: d.coverage,
      charts: withSvg(d.charts),
      years,
    };
  } catch (e) {
    if (e instanceof BadRequest) throw badRequestResponse(e);
    throw e;
  }
}

export default function SuppliersDashboard() {
  const d = useLoaderData<typeof loader>();
  const t = d.total;
  return (
    <>
      <h1 className="govuk-heading-xl">Where the money goes</h1>
      <p className="govuk-body-l">
        How much of the value of technology contracts goes to suppliers registered in the UK, registered overseas, or of unknown country, and to
        suppliers whose parent group is overseas; and which overseas groups win the most cloud and software work.
      </p>
      <PolicyFilters action="/dashboards/suppliers" values={d.params} years={d.years} shown={["country"]}>
        <SelectField
          id="country"
          label="Highlight suppliers"
          value={d.params.country}
          options={COUNTRY_CLASSES.map((c) => [c, COUNTRY_CLASS_LABELS[c]])}
          anyLabel="Registered overseas (default)"
        />
      </PolicyFilters>
      {t.totalPence === 0n && t.awards === 0 ? (
        <NoMatches resetHref="/dashboards/suppliers" />
      ) : (
        <>
          <div className="app-figures" data-testid="suppliers-summary">
            <Headline value={formatShare(t.byKey.overseas.share)} testId="overseas-share">
              of value to suppliers registered overseas ({formatPounds(t.byKey.overseas.valuePence)})
            </Headline>
            <Headline value={formatShare(d.groups.byKey.overseas.share)}>
              of value to suppliers whose parent group is overseas ({formatPounds(d.groups.byKey.overseas.valuePence)})
            </Headline>
            <Headline value={formatShare(d.coverage.known)} testId="country-coverage">
              coverage: share of value to suppliers of known country; {formatPounds(d.coverage.unknownPence)} to suppliers with no country
              (counted as unknown, never as UK)
            </Headline>
          </div>
          {d.charts.map((c) => (
            <ChartFigure key={c.id} chart={c} />
          ))}
        </>
      )}
      <p className="govuk-body">
        The same figures as JSON:{" "}
        <a className="govuk-link" href={`/api/v1/stats/supplier-countries${d.query ? `?${d.query}` : ""}`}>
          /api/v1/stats/supplier-countries
        </a>
        . <Link className="govuk-link" to="/methodology#supplier-country">How country of registration is counted</Link> and{" "}
        <Link className="govuk-link" to="/methodology#cpv-families">which CPV codes are cloud and software</Link>.
      </p>
    </>
  );
}
