import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { cacheNoLaterThan } from "../server/page-cache.server";
import { SelectField, TextField } from "../components/fields";
import { Pagination } from "../components/Pagination";
import { cpvLabel } from "../domain/cpv-labels";
import { formatPounds } from "../domain/money";
import { ITL1_REGIONS } from "../domain/types";
import { CPV_CATEGORIES, formatCount, formatDateTime, regionLabel } from "../lib/format";
import { findOpportunities } from "../services/opportunities.server";
import { OPPORTUNITY_SORTS, STAGES, daysLeft, daysLeftText, feedTitle, opportunityQueryString } from "../services/opportunity-filters";
import { BadRequest, badRequestResponse } from "../services/register.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: "Opportunities – Public Tech Procurement Register" },
  {
    name: "description",
    content: "Open and upcoming public-sector technology tenders, with deadlines, values and whether the buyer marked them suitable for SMEs.",
  },
  ...(data
    ? [
        {
          tagName: "link",
          rel: "alternate",
          type: "application/atom+xml",
          title: data.feedTitle,
          href: `/opportunities/feed.atom${data.base}`,
        },
      ]
    : []),
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const now = context.now();
  try {
    const result = await findOpportunities(context.readDb, url.searchParams, now);
    cacheNoLaterThan(context.pageCache, result.validUntil);
    const base = opportunityQueryString({ ...result.filters, cursor: undefined });
    return {
      ...result,
      base,
      feedTitle: feedTitle(result.filters),
      now: now.toISOString(),
      query: url.search,
    };
  } catch (e) {
    if (e instanceof BadRequest) throw badRequestResponse(e);
    throw e;
  }
}

function Checkbox({ id, label, checked, hint }: { id: string; label: string; checked: boolean; hint?: string }) {
  return (
    <div className="govuk-checkboxes__item">
      <input
        className="govuk-checkboxes__input"
        id={id}
        name={id}
        type="checkbox"
        value="yes"
        defaultChecked={checked}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      <label className="govuk-label govuk-checkboxes__label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <div id={`${id}-hint`} className="govuk-hint govuk-checkboxes__hint">
          {hint}
        </div>
      ) : null}
    </div>
  );
}

export default function Opportunities() {
  const d = useLoaderData<typeof loader>();
  const f = d.filters;
  const now = new Date(d.now);
  const nextHref = d.next ? `/opportunities${opportunityQueryString({ ...f, cursor: d.next }, { cursor: true })}` : null;
  const countText = d.count.capped
    ? `More than ${formatCount(d.count.count)} opportunities`
    : `${formatCount(d.count.count)} ${d.count.count === 1 ? "opportunity" : "opportunities"}`;
  const pounds = (v: bigint | undefined) => (v !== undefined ? (Number(v) / 100).toString() : undefined);
  return (
    <>
      <h1 className="govuk-heading-xl">Opportunities</h1>
      <p className="govuk-body-l">
        Public-sector technology tenders you can bid for now, and those a buyer has announced are coming. A tender leaves this list when
        its deadline passes.
      </p>
      <div className="app-filter-layout">
        <div className="app-filter-layout__filter">
          <Form method="get" className="app-filter" aria-label="Filter opportunities">
            <h2 className="govuk-heading-m">Filter</h2>
            <TextField id="q" label="Search" value={f.q} type="search" hint="Words in the title, description or buyer" />
            {f.buyer ? <input type="hidden" name="buyer" value={f.buyer} /> : null}
            <SelectField id="stage" label="Stage" value={f.stage} options={Object.entries(STAGES)} anyLabel="Open and upcoming" />
            <SelectField id="cpv" label="Category (CPV)" value={f.cpv} options={CPV_CATEGORIES.map(([c, l]) => [c, `${c} ${l}`])} />
            <SelectField id="region" label="Buyer's region" value={f.region} options={Object.entries(ITL1_REGIONS)} />
            <TextField id="minValue" label="Minimum value" value={pounds(f.minValue)} prefix="£" inputMode="decimal" />
            <TextField id="maxValue" label="Maximum value" value={pounds(f.maxValue)} prefix="£" inputMode="decimal" />
            <TextField id="deadlineFrom" label="Deadline from" value={f.deadlineFrom} type="date" hint="For example, 2025-07-01" />
            <TextField id="deadlineTo" label="Deadline by" value={f.deadlineTo} type="date" />
            <div className="govuk-form-group">
              <fieldset className="govuk-fieldset">
                <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">Suitable for</legend>
                <div className="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
                  <Checkbox id="sme" label="SMEs" checked={f.sme === "yes"} />
                  <Checkbox id="vcse" label="VCSEs" checked={f.vcse === "yes"} hint="Voluntary, community and social enterprises" />
                </div>
              </fieldset>
            </div>
            <SelectField id="lots" label="Lots" value={f.lots} options={[["yes", "Divided into lots"], ["no", "Not divided into lots"]]} />
            <SelectField id="sort" label="Sort by" value={f.sort} options={Object.entries(OPPORTUNITY_SORTS)} anyLabel="Closing soonest" />
            <button type="submit" className="govuk-button" data-module="govuk-button">
              Apply filters
            </button>
            <p className="govuk-body">
              <Link className="govuk-link" to="/opportunities">
                Clear filters
              </Link>
            </p>
          </Form>
        </div>
        <div className="app-filter-layout__content">
          <p className="app-results-count" role="status" data-testid="result-count">
            {countText}
          </p>
          {d.buyer ? (
            <p className="govuk-body">
              Buyer: <strong>{d.buyer.name}</strong>{" "}
              <Link className="govuk-link" to={`/opportunities${opportunityQueryString({ ...f, buyer: undefined, cursor: undefined })}`}>
                Remove<span className="govuk-visually-hidden"> buyer filter</span>
              </Link>
            </p>
          ) : null}
          <p className="govuk-body">
            <a className="govuk-link" href={`/opportunities.csv${d.base}`} data-testid="csv-link">
              Download these opportunities as CSV
            </a>{" "}
            ·{" "}
            <a className="govuk-link" href={`/opportunities/feed.atom${d.base}`} data-testid="feed-link">
              Subscribe to this view (Atom feed)
            </a>
          </p>
          {d.rows.length === 0 ? (
            <div data-testid="empty-state">
              <h2 className="govuk-heading-m">No opportunities match</h2>
              <p className="govuk-body">
                {d.query.includes("cursor=") ? "You have reached the end of the list." : "Try fewer filters, a broader category or other search words."}
              </p>
            </div>
          ) : (
            <div className="app-table-wrap">
              <table className="govuk-table app-table--compact" data-testid="results">
                <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">
                  Opportunities, {OPPORTUNITY_SORTS[d.sort]}
                </caption>
                <thead className="govuk-table__head">
                  <tr className="govuk-table__row">
                    <th scope="col" className="govuk-table__header">
                      Opportunity
                    </th>
                    <th scope="col" className="govuk-table__header">
                      Buyer
                    </th>
                    <th scope="col" className="govuk-table__header app-num">
                      Value
                    </th>
                    <th scope="col" className="govuk-table__header">
                      Category
                    </th>
                    <th scope="col" className="govuk-table__header">
                      Deadline
                    </th>
                  </tr>
                </thead>
                <tbody className="govuk-table__body">
                  {d.rows.map((r) => {
                    const left = daysLeft(r.tender_deadline, now);
                    return (
                      <tr key={r.ocid} className="govuk-table__row">
                        <td className="govuk-table__cell">
                          <Link className="govuk-link" to={`/opportunities/${encodeURIComponent(r.ocid)}`}>
                            {r.title}
                          </Link>
                          <br />
                          {r.status === "planned" ? <strong className="govuk-tag govuk-tag--grey app-flag">Upcoming</strong> : null}
                          {r.suitable_sme ? <strong className="govuk-tag govuk-tag--green app-flag">Suitable for SMEs</strong> : null}
                          {r.suitable_vcse ? <strong className="govuk-tag govuk-tag--turquoise app-flag">Suitable for VCSEs</strong> : null}
                          {r.lot_count > 0 ? <span className="govuk-body-s app-muted">{r.lot_count} lots</span> : null}
                        </td>
                        <td className="govuk-table__cell">
                          {r.buyer_id !== null ? (
                            <Link className="govuk-link" to={`/opportunities${opportunityQueryString({ buyer: String(r.buyer_id) })}`}>
                              {r.buyer_name ?? "Unknown buyer"}
                            </Link>
                          ) : (
                            (r.buyer_name ?? "Unknown buyer")
                          )}
                          <br />
                          <span className="govuk-body-s app-muted">{regionLabel(r.buyer_region)}</span>
                        </td>
                        <td className="govuk-table__cell app-num">
                          {r.tender_value_pence !== null ? formatPounds(r.tender_value_pence) : "Not given"}
                          {r.currency && r.currency !== "GBP" ? ` ${r.currency}` : ""}
                        </td>
                        <td className="govuk-table__cell">
                          {r.cpv ? (
                            <>
                              <code>{r.cpv}</code> {cpvLabel(r.cpv) ?? ""}
                            </>
                          ) : (
                            "Not given"
                          )}
                        </td>
                        <td className="govuk-table__cell">
                          {r.tender_deadline ? <span className="app-nowrap">{formatDateTime(r.tender_deadline)}</span> : null}
                          <br />
                          <strong className="govuk-body-s" data-testid="days-left">
                            {daysLeftText(left)}
                          </strong>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <Pagination nextHref={nextHref} firstHref={`/opportunities${d.base}`} onFirstPage={!f.cursor} />
        </div>
      </div>
    </>
  );
}
