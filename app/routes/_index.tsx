import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { percent } from "../domain/metrics/definitions";
import { formatHeadline, formatShare } from "../domain/money";
import { formatCount } from "../lib/format";
import { metricsConfigOf } from "../services/metrics-config.server";
import { headlineFigures } from "../services/stats.server";

export async function loader({ context }: LoaderFunctionArgs) {
  return headlineFigures(context.readDb, context.now(), { config: metricsConfigOf(context) });
}

export default function Index() {
  const d = useLoaderData<typeof loader>();
  const c = d.consultancy;
  return (
    <>
      <h1 className="govuk-heading-xl">Public Tech Procurement Register</h1>
      <p className="govuk-body-l">
        Every UK public-sector technology contract and its suppliers, compiled from open contracting data, so anyone can check
        whether procurement is opening up to small businesses and whether consultancy spending is being halved.
      </p>
      <div className="app-figures" data-testid="headline-figures">
        <div className="app-headline" data-testid="headline-sme">
          <span className="app-headline__value">{formatShare(d.sme.share)}</span>
          <span className="govuk-body">
            of the value awarded in {d.fy} so far went to SMEs, against a target of {percent(d.sme.target)}
            {d.sme.share !== null ? (d.sme.share >= d.sme.target ? " (at or above target)" : " (below target)") : ""}
            {d.sme.uncertain ? ". Uncertain: coverage of supplier size is low" : ""}. From {formatCount(d.sme.contracts)} contracts
            {d.sme.missingValueContracts > 0 ? `, ${formatCount(d.sme.missingValueContracts)} of them with no published value` : ""}.{" "}
            <Link className="govuk-link" to="/dashboards/sme">
              SME share by year
            </Link>
          </span>
        </div>
        <div className="app-headline" data-testid="headline-consultancy">
          <span className="app-headline__value">{c ? formatHeadline(c.spendPence) : "No data"}</span>
          <span className="govuk-body">
            consultancy spend in {d.fy}
            {c?.partial ? " so far (annualised; the year is in progress)" : " (annualised)"}
            {c && c.trajectoryPence !== null && c.onTrack !== null
              ? `, against a trajectory of ${formatHeadline(c.trajectoryPence)}: ${c.onTrack ? "on track" : "not on track"}${c.partial ? " so far" : ""} to halve it`
              : d.baselinePence === null
                ? ": not enough data for a baseline"
                : ""}
            .{" "}
            <Link className="govuk-link" to="/dashboards/consultancy">
              Consultancy and the pledge
            </Link>
          </span>
        </div>
        <div className="app-headline">
          <span className="app-headline__value" data-testid="headline-contracts">
            {formatCount(d.contracts)}
          </span>
          <span className="govuk-body">
            contracts awarded, worth {formatHeadline(d.valuePence)} in pounds sterling
            {d.nonGbpContracts > 0 ? ` (and ${formatCount(d.nonGbpContracts)} in other currencies, not in that total)` : ""}.{" "}
            <Link className="govuk-link" to="/contracts">
              Search the register
            </Link>
          </span>
        </div>
      </div>
      <h2 className="govuk-heading-m">Explore</h2>
      <ul className="govuk-list govuk-list--bullet">
        <li>
          <Link className="govuk-link" to="/dashboards/concentration">
            How concentrated supply is
          </Link>
        </li>
        <li>
          <Link className="govuk-link" to="/dashboards/suppliers">
            Where the money goes: UK and overseas suppliers
          </Link>
        </li>
        <li>
          <Link className="govuk-link" to="/dashboards/cooperatives">
            Co-operatives, mutuals and VCSEs
          </Link>
        </li>
        <li>
          <Link className="govuk-link" to="/dashboards/regions">
            SME share by region
          </Link>
        </li>
        <li>
          <Link className="govuk-link" to="/dashboards/missions">
            Spending by government mission
          </Link>
        </li>
        <li>
          <Link className="govuk-link" to="/sensitive">
            Technology bought for sensitive sectors: schools, health, policing, justice, immigration and welfare
          </Link>
        </li>
        <li>
          <Link className="govuk-link" to="/buyers">
            Buyers
          </Link>{" "}
          and{" "}
          <Link className="govuk-link" to="/suppliers">
            suppliers
          </Link>
        </li>
        <li>
          <Link className="govuk-link" to="/methodology">
            How the figures are calculated
          </Link>
        </li>
      </ul>
    </>
  );
}
