import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ChartFigure } from "../components/charts/ChartFigure";
import { Headline, NoMatches, PolicyFilters } from "../components/charts/PolicyFilters";
import { withSvg } from "../components/charts/render.server";
import { SelectField } from "../components/fields";
import { percent } from "../domain/metrics/definitions";
import { fyLabel } from "../domain/metrics/fy";
import { ORG_TYPE_LABELS } from "../domain/metrics/policy";
import { formatPounds, formatShare } from "../domain/money";
import { ORG_TYPES } from "../domain/types";
import { formatCount } from "../lib/format";
import { BadRequest, badRequestResponse } from "../services/register.server";
import { organisationTypesDashboard, policyYears } from "../services/stats-policy.server";

export const meta: MetaFunction = () => [{ title: "Co-operatives, mutuals and VCSEs – Public Tech Procurement Register" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const sp = new URL(request.url).searchParams;
  try {
    const d = await organisationTypesDashboard(context.readDb, sp);
    const years = await policyYears(context.readDb);
    return {
      params: d.resolved.params,
      query: d.resolved.query,
      target: d.target,
      targetTypes: d.targetTypes,
      multiplier: d.multiplier,
      total: d.total,
      coverage: d.coverage,
      suppliers: d.suppliers,
      charts: withSvg(d.charts),
      years,
    };
  } catch (e) {
    if (e instanceof BadRequest) throw badRequestResponse(e);
    throw e;
  }
}

export default function CooperativesDashboard() {
  const d = useLoaderData<typeof loader>();
  const t = d.total;
  const targetNames = d.targetTypes.map((x) => ORG_TYPE_LABELS[x]).join(" and ");
  const typeQuery = (type: string) => {
    const q = new URLSearchParams(d.query);
    q.set("type", type);
    return `/dashboards/cooperatives?${q.toString()}#suppliers-of-type`;
  };
  return (
    <>
      <h1 className="govuk-heading-xl">Co-operatives, mutuals and VCSEs</h1>
      <p className="govuk-body-l">
        How much of the value of technology contracts goes to co-operatives and mutuals, voluntary, community and social enterprises (VCSEs),
        companies and public bodies, against the pledge to double the co-operative and mutual sector.
      </p>
      <PolicyFilters action="/dashboards/cooperatives" values={d.params} years={d.years} shown={["type"]}>
        <SelectField
          id="type"
          label="List suppliers of type"
          value={d.params.type}
          options={ORG_TYPES.map((x) => [x, ORG_TYPE_LABELS[x]])}
          anyLabel="Co-operatives and mutuals (default)"
        />
      </PolicyFilters>
      {t.totalPence === 0n && t.awards === 0 ? (
        <NoMatches resetHref="/dashboards/cooperatives" />
      ) : (
        <>
          <div className="app-figures" data-testid="cooperatives-summary">
            <Headline value={formatShare(t.byKey.cooperative.share)} testId="cooperative-share">
              of value to co-operatives and mutuals ({formatPounds(t.byKey.cooperative.valuePence)}, {formatCount(t.byKey.cooperative.awards)}{" "}
              awards)
            </Headline>
            <Headline value={d.target.targetShare === null ? "Not enough data" : percent(d.target.targetShare)} testId="cooperative-target">
              target for {targetNames.toLowerCase()}: {d.multiplier} × their share in {fyLabel(d.target.baselineFy)} (
              {d.target.baselineShare === null ? "no data in that year" : percent(d.target.baselineShare)})
            </Headline>
            <Headline value={formatShare(d.coverage.known)}>
              coverage: share of value to suppliers of known type; {formatPounds(d.coverage.unknownPence)} to suppliers of unknown type
            </Headline>
          </div>
          {d.charts.map((c) => (
            <ChartFigure key={c.id} chart={c} />
          ))}
          <section aria-labelledby="suppliers-of-type">
            <h2 className="govuk-heading-m" id="suppliers-of-type">
              {ORG_TYPE_LABELS[d.suppliers.type]}: suppliers
            </h2>
            <p className="govuk-body">
              {formatCount(d.suppliers.total)} suppliers of this type have contracts for these filters
              {d.suppliers.total > d.suppliers.rows.length ? `; the ${d.suppliers.rows.length} with the most value are listed` : ""}. Other types:{" "}
              {ORG_TYPES.filter((x) => x !== d.suppliers.type).map((x, i) => (
                <span key={x}>
                  {i > 0 ? ", " : ""}
                  <a className="govuk-link" href={typeQuery(x)}>
                    {ORG_TYPE_LABELS[x].toLowerCase()}
                  </a>
                </span>
              ))}
              .
            </p>
            {d.suppliers.rows.length === 0 ? (
              <p className="govuk-body" data-testid="no-suppliers-of-type">
                No supplier of this type has contracts for these filters.
              </p>
            ) : (
              <div className="app-table-wrap">
                <table className="govuk-table app-table--compact" data-testid="suppliers-of-type-table">
                  <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">
                    {ORG_TYPE_LABELS[d.suppliers.type]}: suppliers with the most value
                  </caption>
                  <thead className="govuk-table__head">
                    <tr className="govuk-table__row">
                      <th scope="col" className="govuk-table__header">
                        Supplier
                      </th>
                      <th scope="col" className="govuk-table__header app-num">
                        Value
                      </th>
                      <th scope="col" className="govuk-table__header app-num">
                        Awards
                      </th>
                      <th scope="col" className="govuk-table__header">
                        Contracts
                      </th>
                    </tr>
                  </thead>
                  <tbody className="govuk-table__body">
                    {d.suppliers.rows.map((s) => (
                      <tr key={s.id} className="govuk-table__row">
                        <td className="govuk-table__cell">
                          <Link className="govuk-link" to={s.href}>
                            {s.name}
                          </Link>
                        </td>
                        <td className="govuk-table__cell app-num">{formatPounds(s.valuePence)}</td>
                        <td className="govuk-table__cell app-num">{formatCount(s.awards)}</td>
                        <td className="govuk-table__cell">
                          <Link className="govuk-link" to={s.contractsHref}>
                            Contracts<span className="govuk-visually-hidden"> of {s.name}</span>
                          </Link>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
      <p className="govuk-body">
        The same figures as JSON:{" "}
        <a className="govuk-link" href={`/api/v1/stats/organisation-types${d.query ? `?${d.query}` : ""}`}>
          /api/v1/stats/organisation-types
        </a>
        . <Link className="govuk-link" to="/methodology#organisation-types">How organisation types and the target are counted</Link>.
      </p>
    </>
  );
}
