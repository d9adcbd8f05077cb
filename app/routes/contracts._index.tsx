import { type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ErrorSummary, errorTitle } from "../components/ErrorSummary";
import { SelectField, TextField } from "../components/fields";
import { Pagination } from "../components/Pagination";
import { fyLabel, fyOf } from "../domain/metrics/fy";
import { formatPounds } from "../domain/money";
import { ORG_TYPE_LABELS } from "../domain/metrics/policy";
import { BUYER_TYPES, ORG_TYPES, REGISTER_STATUSES, SENSITIVE_SECTORS } from "../domain/types";
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
import { BUYER_REGIONS, MISSION_FILTERS, describePolicyFilters, hiddenRegisterFilters } from "../services/register-filters";
import { buyerOptions, resolveSupplierName } from "../services/register-form.server";
import { BadRequest, badRequestResponse, searchContracts } from "../services/register.server";

export const meta: MetaFunction<typeof loader> = ({ data: d }) => [
  { title: errorTitle("Contracts – Public Tech Procurement Register", d?.supplierName?.kind === "error") },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  try {
    // A supplier typed by name is resolved to its id first: one match goes to that view (a stable URL).
    const { params, outcome } = await resolveSupplierName(context.readDb, url.searchParams);
    if (outcome.kind === "redirect") throw redirect(outcome.location);
    const result = await searchContracts(context.readDb, params, context.now());
    const buyers = await buyerOptions(context.readDb, result.buyer ? { id: result.buyer.id, name: result.buyer.name } : null);
    const nowFy = fyOf(context.now());
    const fys: string[] = [];
    for (let y = nowFy + 1; y >= 2014; y--) fys.push(fyLabel(y));
    const supplierName = outcome.kind === "none" ? null : outcome;
    return data({ ...result, fys, query: url.search, buyers, supplierName }, { status: outcome.kind === "error" ? 400 : 200 });
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
  const hasSupplierFilter = Boolean(f.supplier || f.scale || f.supplierCountry || f.orgType || f.supplierRegion || f.group || f.groupCountry);
  const policyFilters = describePolicyFilters(f);
  const minPounds = f.minValue !== undefined ? (Number(f.minValue) / 100).toString() : undefined;
  const maxPounds = f.maxValue !== undefined ? (Number(f.maxValue) / 100).toString() : undefined;
  const pending = d.supplierName;
  const supplierError = pending?.kind === "error" ? pending.message : undefined;
  return (
    <>
      {supplierError ? <ErrorSummary errors={[{ field: "supplierName", message: supplierError }]} /> : null}
      <h1 className="govuk-heading-xl">Contracts</h1>
      <p className="govuk-body-l">Search every technology contract in the register: who bought what, from whom, for how much.</p>
      <div className="app-filter-layout">
        <div className="app-filter-layout__filter">
          <Form method="get" className="app-filter" aria-label="Filter contracts">
            <h2 className="govuk-heading-m">Filter</h2>
            <TextField id="q" label="Search" value={f.q} type="search" hint="Words in the title, description, buyer or supplier" />
            <SelectField
              id="buyer"
              label="Buyer"
              value={f.buyer}
              options={d.buyers.options}
              hint={
                d.buyers.capped ? (
                  <>
                    The {formatCount(d.buyers.options.length)} buyers with the most contracts, of {formatCount(d.buyers.total)}.{" "}
                    <Link className="govuk-link" to="/buyers">
                      Find any buyer
                    </Link>
                  </>
                ) : undefined
              }
            />
            <SelectField id="buyerType" label="Buyer type" value={f.buyerType} options={BUYER_TYPES.map((t) => [t, BUYER_TYPE_LABELS[t]])} />
            {/* The chosen supplier's id rides along with its name; a changed or cleared name replaces it (app/services/register-form.server.ts). */}
            {f.supplier ? <input type="hidden" name="supplier" value={f.supplier} /> : null}
            <TextField
              id="supplierName"
              label="Supplier name"
              value={pending ? pending.value : (d.supplier?.name ?? undefined)}
              hint="All or part of the name"
              error={supplierError}
            />
            {f.activeFy ? <input type="hidden" name="activeFy" value={f.activeFy} /> : null}
            {hiddenRegisterFilters(f).map(([k, v]) => (
              <input key={k} type="hidden" name={k} value={v} />
            ))}
            <SelectField id="scale" label="Supplier size" value={f.scale} options={Object.entries(SCALE_FILTERS)} />
            <SelectField id="supplierCountry" label="Supplier's country" value={f.supplierCountry} options={Object.entries(SUPPLIER_COUNTRIES)} />
            <SelectField id="orgType" label="Supplier type" value={f.orgType} options={ORG_TYPES.map((t) => [t, ORG_TYPE_LABELS[t]])} />
            <SelectField id="supplierRegion" label="Supplier's region" value={f.supplierRegion} options={Object.entries(SUPPLIER_REGIONS)} />
            <SelectField id="cpv" label="Category (CPV)" value={f.cpv} options={CPV_CATEGORIES.map(([c, l]) => [c, `${c} ${l}`])} />
            <SelectField id="consultancy" label="Consultancy" value={f.consultancy} options={[["yes", "Consultancy"], ["no", "Not consultancy"]]} />
            <SelectField id="status" label="Status" value={f.status} options={REGISTER_STATUSES.map((s) => [s, statusLabel(s)])} />
            <SelectField id="method" label="Procedure" value={f.method} options={Object.entries(METHOD_LABELS)} />
            <SelectField id="region" label="Buyer's region" value={f.region} options={Object.entries(BUYER_REGIONS)} />
            <SelectField id="mission" label="Government mission" value={f.mission} options={Object.entries(MISSION_FILTERS)} />
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
          {pending ? (
            <SupplierChoice pending={pending} />
          ) : (
            <>
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
            {policyFilters ? (
              <p className="govuk-body" data-testid="policy-filters">
                Also filtered: {policyFilters}.{" "}
                <Link className="govuk-link" to={`/contracts${filtersToQuery({ ...f, group: undefined, groupCountry: undefined, cpvFamily: undefined, fromFy: undefined, toFy: undefined, cursor: undefined })}`}>
                  Remove<span className="govuk-visually-hidden"> these filters</span>
                </Link>
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
            </>
          )}
        </div>
      </div>
    </>
  );
}

type Pending = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["supplierName"]>;

/** Instead of results while a typed supplier name is not yet one supplier: its matches to choose from, or what to do. */
function SupplierChoice({ pending }: { pending: Pending }) {
  if (pending.kind === "error") {
    return (
      <p className="govuk-body" data-testid="supplier-name-problem">
        Correct the supplier name, or clear it, and apply the filters again to see contracts.
      </p>
    );
  }
  return (
    <div data-testid="supplier-matches">
      <h2 className="govuk-heading-m">
        {pending.more ? `More than ${formatCount(pending.matches.length)}` : formatCount(pending.matches.length)} suppliers’ names contain “{pending.value}”
      </h2>
      <p className="govuk-body">Choose one to see its contracts{pending.more ? ", or enter more of the name" : ""}:</p>
      <ul className="govuk-list">
        {pending.matches.map((m) => (
          <li key={m.id.toString()}>
            <Link className="govuk-link" to={m.href}>
              {m.name}
            </Link>{" "}
            <span className="app-muted">
              ({formatCount(m.contracts)} {m.contracts === 1 ? "contract" : "contracts"})
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
