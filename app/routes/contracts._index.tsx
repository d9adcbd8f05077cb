import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { SelectField, TextField } from "../components/fields";
import { Pagination } from "../components/Pagination";
import { fyLabel, fyOf } from "../domain/metrics/fy";
import { formatPounds } from "../domain/money";
import { ORG_TYPE_LABELS } from "../domain/metrics/policy";
import { BUYER_TYPES, ITL1_REGIONS, MISSIONS, ORG_TYPES, REGISTER_STATUSES, SENSITIVE_SECTORS } from "../domain/types";
import {
  BUYER_TYPE_LABELS,
  CPV_CATEGORIES,
  METHOD_LABELS,
  buyerTypeLabel,
  formatCount,
  formatDate,
  statusLabel,
} from "../lib/format";
import { SCALE_FILTERS, SORTS, SUPPLIER_COUNTRIES, SUPPLIER_REGIONS, filtersToQuery } from "../services/register-filters";
import { BadRequest, badRequestResponse, searchContracts } from "../services/register.server";

export const meta: MetaFunction = () => [{ title: "Contracts – Public Tech Procurement Register" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  try {
    const result = await searchContracts(context.readDb, url.searchParams, context.now());
    const nowFy = fyOf(context.now());
    const fys: string[] = [];
    for (let y = nowFy + 1; y >= 2014; y--) fys.push(fyLabel(y));
    return { ...result, fys, query: url.search };
  } catch (e) {
    if (e instanceof BadRequest) throw badRequestResponse(e);
    throw e;
  }
}

export default function Contracts() {
  const d = useLoaderData<typeof loader>();
  const f = d.filters;
  const base = filtersToQuery({ ...f, cursor: undefined });
  const nextHref = d.next ? `/contracts${filtersToQuery({ ...f, cursor: d.next }, { cursor: true })}` : null;
  const countText = d.count.capped
    ? `More than ${formatCount(d.count.count)} contracts`
    : `${formatCount(d.count.count)} ${d.count.count === 1 ? "contract" : "contracts"}`;
  const hasSupplierFilter = Boolean(f.supplier || f.scale || f.supplierCountry || f.orgType || f.supplierRegion);
  const minPounds = f.minValue !== undefined ? (Number(f.minValue) / 100).toString() : undefined;
  const maxPounds = f.maxValue !== undefined ? (Number(f.maxValue) / 100).toString() : undefined;
  return (
    <>
      <h1 className="govuk-heading-xl">Contracts</h1>
      <p className="govuk-body-l">Search every technology contract in the register: who bought what, from whom, for how much.</p>
      <div className="app-filter-layout">
        <div className="app-filter-layout__filter">
          <Form method="get" className="app-filter" aria-label="Filter contracts">
            <h2 className="govuk-heading-m">Filter</h2>
            <TextField id="q" label="Search" value={f.q} type="search" hint="Words in the title, description, buyer or supplier" />
            {f.buyer ? <input type="hidden" name="buyer" value={f.buyer} /> : null}
            <SelectField id="buyerType" label="Buyer type" value={f.buyerType} options={BUYER_TYPES.map((t) => [t, BUYER_TYPE_LABELS[t]])} />
            {f.supplier ? <input type="hidden" name="supplier" value={f.supplier} /> : null}
            {f.activeFy ? <input type="hidden" name="activeFy" value={f.activeFy} /> : null}
            <SelectField id="scale" label="Supplier size" value={f.scale} options={Object.entries(SCALE_FILTERS)} />
            <SelectField id="supplierCountry" label="Supplier's country" value={f.supplierCountry} options={Object.entries(SUPPLIER_COUNTRIES)} />
            <SelectField id="orgType" label="Supplier type" value={f.orgType} options={ORG_TYPES.map((t) => [t, ORG_TYPE_LABELS[t]])} />
            <SelectField id="supplierRegion" label="Supplier's region" value={f.supplierRegion} options={Object.entries(SUPPLIER_REGIONS)} />
            <SelectField id="cpv" label="Category (CPV)" value={f.cpv} options={CPV_CATEGORIES.map(([c, l]) => [c, `${c} ${l}`])} />
            <SelectField id="consultancy" label="Consultancy" value={f.consultancy} options={[["yes", "Consultancy"], ["no", "Not consultancy"]]} />
            <SelectField id="status" label="Status" value={f.status} options={REGISTER_STATUSES.map((s) => [s, statusLabel(s)])} />
            <SelectField id="method" label="Procedure" value={f.method} options={Object.entries(METHOD_LABELS)} />
            <SelectField id="region" label="Buyer's region" value={f.region} options={Object.entries(ITL1_REGIONS)} />
            <SelectField id="mission" label="Government mission" value={f.mission} options={Object.entries(MISSIONS)} />
            <SelectField id="sector" label="Sensitive sector" value={f.sector} options={Object.entries(SENSITIVE_SECTORS)} />
            <TextField id="minValue" label="Minimum value" value={minPounds} prefix="£" inputMode="decimal" />
            <TextField id="maxValue" label="Maximum value" value={maxPounds} prefix="£" inputMode="decimal" />
            <SelectField id="fy" label="Financial year of award" value={f.fy} options={d.fys.map((y) => [y, y])} />
            <TextField id="from" label="Awarded from" value={f.from} type="date" hint="For example, 2024-04-01" />
            <TextField id="to" label="Awarded to" value={f.to} type="date" />
            <SelectField id="sort" label="Sort by" value={f.sort} options={Object.entries(SORTS)} anyLabel="Default" />
            <button type="submit" className="govuk-button" data-module="govuk-button">
              Apply filters
            </button>
            <p className="govuk-body">
              <Link className="govuk-link" to="/contracts">
                Clear filters
              </Link>
            </p>
          </Form>
        </div>
        <div className="app-filter-layout__content">
          <p className="app-results-count" role="status" data-testid="result-count">
            {countText}
          </p>
          {d.total && d.total.contracts > 0 ? (
            <p className="govuk-body" data-testid="result-total" data-pence={(hasSupplierFilter ? d.total.attributedPence : d.total.valuePence).toString()}>
              {f.activeFy ? `Value in ${f.activeFy} (annualised): ` : hasSupplierFilter ? "Value to the suppliers selected: " : "Total value: "}
              <strong>{formatPounds(hasSupplierFilter ? d.total.attributedPence : d.total.valuePence)}</strong>
              {hasSupplierFilter ? ` of ${formatPounds(d.total.valuePence)}` : ""}
              {d.total.nonGbpContracts > 0
                ? ` (${formatCount(d.total.nonGbpContracts)} ${d.total.nonGbpContracts === 1 ? "contract" : "contracts"} in other currencies not included)`
                : ""}
            </p>
          ) : null}
          {f.activeFy ? (
            <p className="govuk-body">
              Contracts whose period includes financial year <strong>{f.activeFy}</strong>{" "}
              <Link className="govuk-link" to={`/contracts${filtersToQuery({ ...f, activeFy: undefined, cursor: undefined })}`}>
                Remove<span className="govuk-visually-hidden"> financial-year filter</span>
              </Link>
            </p>
          ) : null}
          {d.buyer ? (
            <p className="govuk-body">
              Buyer: <strong>{d.buyer.name}</strong>{" "}
              <Link className="govuk-link" to={`/contracts${filtersToQuery({ ...f, buyer: undefined, cursor: undefined })}`}>
                Remove<span className="govuk-visually-hidden"> buyer filter</span>
              </Link>
            </p>
          ) : null}
          {d.supplier ? (
            <p className="govuk-body">
              Supplier: <strong>{d.supplier.name}</strong>{" "}
              <Link className="govuk-link" to={`/contracts${filtersToQuery({ ...f, supplier: undefined, cursor: undefined })}`}>
                Remove<span className="govuk-visually-hidden"> supplier filter</span>
              </Link>
            </p>
          ) : null}
          <p className="govuk-body">
            <a className="govuk-link" href={`/contracts.csv${base}`}>
              Download these contracts as CSV
            </a>{" "}
            ·{" "}
            <a className="govuk-link" href={`/contracts/feed.atom${base}`}>
              Atom feed of this view
            </a>
          </p>
          {d.rows.length === 0 ? (
            <div data-testid="empty-state">
              <h2 className="govuk-heading-m">No contracts match</h2>
              <p className="govuk-body">
                {d.query.includes("cursor=") ? "You have reached the end of the results." : "Try fewer filters, a broader category or other search words."}
              </p>
              <p className="govuk-body">
                <Link className="govuk-link" to="/contracts">
                  Start again with every contract
                </Link>
              </p>
            </div>
          ) : (
            <div className="app-table-wrap">
              <table className="govuk-table app-table--compact" data-testid="results">
                <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">Contracts, {SORTS[d.sort]}</caption>
                <thead className="govuk-table__head">
                  <tr className="govuk-table__row">
                    <th scope="col" className="govuk-table__header">
                      Contract
                    </th>
                    <th scope="col" className="govuk-table__header">
                      Buyer
                    </th>
                    <th scope="col" className="govuk-table__header">
                      Supplier
                    </th>
                    <th scope="col" className="govuk-table__header app-num">
                      Value
                    </th>
                    <th scope="col" className="govuk-table__header">
                      Date
                    </th>
                    <th scope="col" className="govuk-table__header">
                      Status
                    </th>
                  </tr>
                </thead>
                <tbody className="govuk-table__body">
                  {d.rows.map((r) => (
                    <tr key={r.ocid} className="govuk-table__row">
                      <td className="govuk-table__cell">
                        <Link className="govuk-link" to={`/contracts/${encodeURIComponent(r.ocid)}`}>
                          {r.title}
                        </Link>
                        {r.consultancy ? <strong className="govuk-tag govuk-tag--purple app-flag">Consultancy</strong> : null}
                      </td>
                      <td className="govuk-table__cell">
                        {r.buyer_name ?? "–"}
                        <br />
                        <span className="govuk-body-s app-muted">{buyerTypeLabel(r.buyer_type)}</span>
                      </td>
                      <td className="govuk-table__cell">{r.supplier_names ?? "–"}</td>
                      <td className="govuk-table__cell app-num">
                        {r.current_value_pence !== null ? formatPounds(r.current_value_pence) : "–"}
                        {r.currency && r.currency !== "GBP" ? ` ${r.currency}` : ""}
                      </td>
                      <td className="govuk-table__cell app-nowrap">{formatDate(r.award_date ?? r.sort_date)}</td>
                      <td className="govuk-table__cell">{statusLabel(r.status === "open" && r.tender_deadline && new Date(r.tender_deadline) <= new Date() ? "closed" : r.status)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pagination nextHref={nextHref} firstHref={`/contracts${base}`} onFirstPage={!f.cursor} />
        </div>
      </div>
    </>
  );
}
