import { type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { SupplierChoices } from "../components/SupplierChoices";
import { withParams } from "../lib/params";
import { ErrorSummary, errorTitle } from "../components/ErrorSummary";
import { SelectField, TextField } from "../components/fields";
import { Pagination } from "../components/Pagination";
import { FLAG_CODES, FLAG_DISCLAIMER, type FlagCode, getRule, isFlagCode } from "../domain/flags";
import { fyLabel, fyOf } from "../domain/metrics/fy";
import { formatHeadline, formatPounds, formatShare } from "../domain/money";
import { BUYER_TYPES } from "../domain/types";
import { BUYER_TYPE_LABELS, buyerTypeLabel, formatCount, formatDate } from "../lib/format";
import { WATCH_BUYER_OPTIONS, parseWatchFilters, watchBuyerOptions, watchPage } from "../services/flags.server";
import { type SupplierNameLookup, lookupSupplierName } from "../services/register-form.server";
import { WATCH_SORTS, WATCH_STATUSES, registerQueryString, watchQueryString } from "../services/watch-filters";
import { BadRequest, badRequestResponse } from "../services/register.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: errorTitle("Red flags – Public Tech Procurement Register", Boolean(data?.supplierLookup.noMatch)) },
  { name: "description", content: "Contracts that deserve a second look: red flags computed from published data, with their evidence." },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  try {
    const db = context.readDb;
    // A supplier typed by name (the form, without JavaScript): one match → the same view filtered by that supplier's id.
    const { supplierName } = parseWatchFilters(url.searchParams);
    let lookup: SupplierNameLookup | null = null;
    let sp = url.searchParams;
    if (supplierName) {
      lookup = await lookupSupplierName(db, supplierName);
      if (lookup.kind === "one") throw redirect(withParams("/watch", url.searchParams, { supplierName: undefined, supplier: lookup.id }));
      sp = new URLSearchParams(url.searchParams);
      sp.delete("supplierName");
    }
    const [result, buyerOptions] = await Promise.all([watchPage(db, sp), watchBuyerOptions(db)]);
    const choices =
      lookup?.kind === "many"
        ? { ...lookup, matches: lookup.matches.map((m) => ({ ...m, href: withParams("/watch", sp, { supplier: m.id }) })) }
        : null;
    const buyerList =
      result.buyer && !buyerOptions.buyers.some((b) => b.id === String(result.buyer!.id))
        ? [...buyerOptions.buyers, { id: String(result.buyer.id), name: result.buyer.name }]
        : buyerOptions.buyers;
    const nowFy = fyOf(context.now());
    const fys: string[] = [];
    for (let y = nowFy + 1; y >= 2014; y--) fys.push(fyLabel(y));
    // Only the buyers shown travel to the page (there can be thousands).
    const { buyers, ...figures } = result.summary;
    const shown = result.filters.buyers === "all" ? buyers : buyers.slice(0, BUYERS_SHOWN);
    return {
      ...result,
      summary: { ...figures, buyers: shown, buyerCount: buyers.length },
      fys,
      query: url.search,
      buyerOptions: { buyers: buyerList, total: buyerOptions.total },
      supplierLookup: { noMatch: lookup?.kind === "none" ? lookup.query : null, choices },
    };
  } catch (e) {
    if (e instanceof BadRequest) throw badRequestResponse(e);
    throw e;
  }
}

const title = (code: string) => (isFlagCode(code) ? getRule(code).title : code);
const noMatchText = (name: string) => `No supplier's name matches “${name}”: check the spelling, or type less of the name`;
const BUYERS_SHOWN = 25;

export default function Watch() {
  const d = useLoaderData<typeof loader>();
  const f = d.filters;
  const s = d.summary;
  const status = f.status ?? "flagged";
  const base = watchQueryString({ ...f, cursor: undefined });
  const nextHref = d.next ? `/watch${watchQueryString({ ...f, cursor: d.next }, { cursor: true })}` : null;
  const pounds = (v: bigint | undefined) => (v !== undefined ? (Number(v) / 100).toString() : undefined);
  const watchLink = (extra: Record<string, string | undefined>) => `/watch${watchQueryString({ ...f, cursor: undefined, buyers: undefined, ...extra })}`;
  const what = f.flag ? `“${title(f.flag)}”` : "a flag";
  const buyers = s.buyers;
  const noMatch = d.supplierLookup.noMatch;
  const choices = d.supplierLookup.choices;
  return (
    <>
      <ErrorSummary errors={noMatch ? [{ field: "supplierName", message: noMatchText(noMatch) }] : []} />
      <h1 className="govuk-heading-xl">Red flags</h1>
      <p className="govuk-body-l">Contracts that deserve a second look, found by the rules on the methodology page, each with the evidence it used.</p>
      <div className="govuk-warning-text">
        <span className="govuk-warning-text__icon" aria-hidden="true">
          !
        </span>
        <strong className="govuk-warning-text__text">
          <span className="govuk-visually-hidden">Warning</span>
          {FLAG_DISCLAIMER}
        </strong>
      </div>
      <div className="app-filter-layout">
        <div className="app-filter-layout__filter">
          <Form method="get" className="app-filter" aria-label="Filter red flags">
            <h2 className="govuk-heading-m">Filter</h2>
            <SelectField id="flag" label="Red flag" value={f.flag} options={FLAG_CODES.map((c) => [c, title(c)])} anyLabel="Any flag" />
            <SelectField id="status" label="Outcome" value={f.status} options={Object.entries(WATCH_STATUSES)} anyLabel="Flagged" />
            <SelectField
              id="buyer"
              label="Buyer"
              value={f.buyer}
              options={d.buyerOptions.buyers.map((b) => [b.id, b.name])}
              anyLabel={d.buyerOptions.total > d.buyerOptions.buyers.length ? `Any buyer (${WATCH_BUYER_OPTIONS} with most flags listed)` : "Any buyer"}
            />
            {f.supplier ? <input type="hidden" name="supplier" value={f.supplier} /> : null}
            <TextField
              id="supplierName"
              label={f.supplier ? "Another supplier" : "Supplier"}
              value={d.supplierLookup.noMatch ?? undefined}
              hint="All or part of the supplier's name"
              error={d.supplierLookup.noMatch ? noMatchText(d.supplierLookup.noMatch) : undefined}
            />
            <SelectField id="buyerType" label="Buyer type" value={f.buyerType} options={BUYER_TYPES.map((t) => [t, BUYER_TYPE_LABELS[t]])} />
            <SelectField id="fy" label="Financial year of award" value={f.fy} options={d.fys.map((y) => [y, y])} />
            <TextField id="minValue" label="Minimum value" value={pounds(f.minValue)} prefix="£" inputMode="decimal" />
            <TextField id="maxValue" label="Maximum value" value={pounds(f.maxValue)} prefix="£" inputMode="decimal" />
            <SelectField id="sort" label="Sort contracts by" value={f.sort} options={Object.entries(WATCH_SORTS)} anyLabel="Newest first" />
            <button type="submit" className="govuk-button" data-module="govuk-button">
              Apply filters
            </button>
            <p className="govuk-body">
              <Link className="govuk-link" to="/watch">
                Clear filters
              </Link>
            </p>
          </Form>
        </div>
        <div className="app-filter-layout__content">
          {choices ? <SupplierChoices {...choices} /> : null}
          {d.buyer ? (
            <p className="govuk-body">
              Buyer: <strong>{d.buyer.name}</strong>{" "}
              <Link className="govuk-link" to={watchLink({ buyer: undefined })}>
                Remove<span className="govuk-visually-hidden"> buyer filter</span>
              </Link>
            </p>
          ) : null}
          {d.supplier ? (
            <p className="govuk-body">
              Supplier: <strong>{d.supplier.name}</strong>{" "}
              <Link className="govuk-link" to={watchLink({ supplier: undefined })}>
                Remove<span className="govuk-visually-hidden"> supplier filter</span>
              </Link>
            </p>
          ) : null}
          <p className="app-results-count" role="status" data-testid="result-count">
            {formatCount(s.flaggedContracts)} of {formatCount(s.contracts)} contracts {status === "unknown" ? "could not be checked for" : "carry"} {what}
          </p>
          <p className="govuk-body" data-testid="flagged-value">
            <Link className="govuk-link" to={`${watchLink({})}#contracts`} data-testid="flagged-value-link" data-pence={s.flaggedValuePence.toString()}>
              {formatHeadline(s.flaggedValuePence)}
              <span className="govuk-visually-hidden"> – the contracts {status === "unknown" ? "that could not be checked" : "flagged"}</span>
            </Link>{" "}
            of {formatHeadline(s.valuePence)} (
            {formatShare(s.valuePence > 0n ? Number((s.flaggedValuePence * 10_000n) / s.valuePence) / 10_000 : null)}) of the value of these
            contracts, in pounds sterling.{" "}
            <Link className="govuk-link" to={`/contracts${registerQueryString(f, { flag: undefined })}`}>
              See all {formatCount(s.contracts)} contracts in the register
            </Link>
          </p>

          <h2 className="govuk-heading-m">By flag</h2>
          <div className="app-table-wrap">
            <table className="govuk-table app-table--compact" data-testid="by-flag">
              <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">Contracts and value by red flag</caption>
              <thead className="govuk-table__head">
                <tr className="govuk-table__row">
                  <th scope="col" className="govuk-table__header">
                    Red flag
                  </th>
                  <th scope="col" className="govuk-table__header app-num">
                    Flagged contracts
                  </th>
                  <th scope="col" className="govuk-table__header app-num">
                    Their value
                  </th>
                  <th scope="col" className="govuk-table__header app-num">
                    Could not be checked
                  </th>
                </tr>
              </thead>
              <tbody className="govuk-table__body">
                {s.byFlag.map((row) => (
                  <tr key={row.code} className="govuk-table__row" data-code={row.code}>
                    <th scope="row" className="govuk-table__header">
                      <Link className="govuk-link" to={`/methodology#flag-${row.code}`}>
                        {title(row.code)}
                      </Link>
                    </th>
                    <td className="govuk-table__cell app-num">
                      <Link className="govuk-link" to={watchLink({ flag: row.code, status: undefined })} data-testid={`count-${row.code}`}>
                        {formatCount(row.flaggedContracts)}
                        <span className="govuk-visually-hidden"> contracts flagged {title(row.code)}</span>
                      </Link>
                    </td>
                    <td className="govuk-table__cell app-num">
                      <Link className="govuk-link" to={`/contracts${registerQueryString(f, { flag: row.code })}`}>
                        {formatPounds(row.flaggedValuePence)}
                        <span className="govuk-visually-hidden"> – these contracts in the register</span>
                      </Link>
                    </td>
                    <td className="govuk-table__cell app-num">
                      {row.unknownContracts > 0 ? (
                        <Link className="govuk-link" to={watchLink({ flag: row.code, status: "unknown" })}>
                          {formatCount(row.unknownContracts)}
                          <span className="govuk-visually-hidden"> contracts that could not be checked for {title(row.code)}</span>
                        </Link>
                      ) : (
                        "0"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="govuk-body-s app-muted">
            A contract can carry several flags, so the rows add up to more than the total. “Could not be checked”: a rule needs a value
            the publisher did not give; that is not a clean bill of health.
          </p>

          <h2 className="govuk-heading-m" id="by-buyer">
            By buyer
          </h2>
          <p className="govuk-body">
            The share of each buyer's contract value (in pounds sterling, with the filters above) that {status === "unknown" ? "could not be checked for" : "carries"} {what}.
          </p>
          {s.buyerCount === 0 ? (
            <p className="govuk-body">No buyer has such a contract.</p>
          ) : (
            <div className="app-table-wrap">
              <table className="govuk-table app-table--compact" data-testid="by-buyer">
                <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">Flagged share of each buyer's contract value</caption>
                <thead className="govuk-table__head">
                  <tr className="govuk-table__row">
                    <th scope="col" className="govuk-table__header">
                      Buyer
                    </th>
                    <th scope="col" className="govuk-table__header app-num">
                      Contracts flagged
                    </th>
                    <th scope="col" className="govuk-table__header app-num">
                      Flagged value
                    </th>
                    <th scope="col" className="govuk-table__header app-num">
                      All contract value
                    </th>
                    <th scope="col" className="govuk-table__header app-num">
                      Share flagged
                    </th>
                  </tr>
                </thead>
                <tbody className="govuk-table__body">
                  {buyers.map((b) => {
                    const id = b.buyerId === null ? undefined : String(b.buyerId);
                    return (
                      <tr key={id ?? "none"} className="govuk-table__row">
                        <th scope="row" className="govuk-table__header">
                          {b.name}
                        </th>
                        <td className="govuk-table__cell app-num">
                          {id ? (
                            <Link className="govuk-link" to={watchLink({ buyer: id })}>
                              {formatCount(b.flaggedContracts)} of {formatCount(b.contracts)}
                              <span className="govuk-visually-hidden"> contracts of {b.name}</span>
                            </Link>
                          ) : (
                            `${formatCount(b.flaggedContracts)} of ${formatCount(b.contracts)}`
                          )}
                        </td>
                        <td className="govuk-table__cell app-num">
                          {id ? (
                            <Link className="govuk-link" to={`${watchLink({ buyer: id })}#contracts`} data-pence={b.flaggedValuePence.toString()}>
                              {formatPounds(b.flaggedValuePence)}
                              <span className="govuk-visually-hidden"> – the flagged contracts of {b.name}</span>
                            </Link>
                          ) : (
                            formatPounds(b.flaggedValuePence)
                          )}
                        </td>
                        <td className="govuk-table__cell app-num">
                          {id ? (
                            <Link className="govuk-link" to={`/contracts${registerQueryString(f, { flag: undefined, buyer: id })}`}>
                              {formatPounds(b.valuePence)}
                              <span className="govuk-visually-hidden"> – all contracts of {b.name}</span>
                            </Link>
                          ) : (
                            formatPounds(b.valuePence)
                          )}
                        </td>
                        <td className="govuk-table__cell app-num">
                          {id ? (
                            <Link className="govuk-link" to={`${watchLink({ buyer: id })}#contracts`}>
                              {formatShare(b.share)}
                              <span className="govuk-visually-hidden"> – the flagged contracts of {b.name}</span>
                            </Link>
                          ) : (
                            formatShare(b.share)
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          {s.buyerCount > BUYERS_SHOWN && f.buyers !== "all" ? (
            <p className="govuk-body">
              Showing the {BUYERS_SHOWN} buyers with the most flagged value.{" "}
              <Link className="govuk-link" to={`/watch${watchQueryString({ ...f, cursor: undefined, buyers: "all" })}#by-buyer`}>
                Show all {formatCount(s.buyerCount)} buyers
              </Link>
            </p>
          ) : null}

          <h2 className="govuk-heading-m" id="contracts">
            Contracts
          </h2>
          <p className="govuk-body">
            <a className="govuk-link" href={`/watch.csv${base}`} data-testid="csv-link">
              Download these contracts as CSV
            </a>
          </p>
          {d.rows.length === 0 ? (
            <div data-testid="empty-state">
              <p className="govuk-body">{d.query.includes("cursor=") ? "You have reached the end of the list." : "No contract matches these filters."}</p>
            </div>
          ) : (
            <div className="app-table-wrap">
              <table className="govuk-table app-table--compact" data-testid="results">
                <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">Contracts, {WATCH_SORTS[d.sort]}</caption>
                <thead className="govuk-table__head">
                  <tr className="govuk-table__row">
                    <th scope="col" className="govuk-table__header">
                      Contract
                    </th>
                    <th scope="col" className="govuk-table__header">
                      Buyer
                    </th>
                    <th scope="col" className="govuk-table__header app-num">
                      Value
                    </th>
                    <th scope="col" className="govuk-table__header">
                      Awarded
                    </th>
                    <th scope="col" className="govuk-table__header">
                      {status === "unknown" ? "Could not be checked" : "Flags"}
                    </th>
                  </tr>
                </thead>
                <tbody className="govuk-table__body">
                  {d.rows.map((r) => (
                    <tr key={r.ocid} className="govuk-table__row">
                      <td className="govuk-table__cell">
                        <Link className="govuk-link" to={`/contracts/${encodeURIComponent(r.ocid)}#flags`}>
                          {r.title}
                        </Link>
                        <br />
                        <span className="govuk-body-s app-muted">
                          {r.suppliers.length === 0
                            ? "No supplier recorded"
                            : r.suppliers.map((sup, i) => (
                                <span key={sup.id}>
                                  {i > 0 ? " · " : null}
                                  <Link className="govuk-link" to={`/suppliers/${sup.id}`}>
                                    {sup.name}
                                  </Link>
                                </span>
                              ))}
                        </span>
                      </td>
                      <td className="govuk-table__cell">
                        {r.buyer_name ?? "–"}
                        <br />
                        <span className="govuk-body-s app-muted">{buyerTypeLabel(r.buyer_type)}</span>
                      </td>
                      <td className="govuk-table__cell app-num">
                        {r.current_value_pence !== null ? formatPounds(r.current_value_pence) : "–"}
                        {r.currency && r.currency !== "GBP" ? ` ${r.currency}` : ""}
                      </td>
                      <td className="govuk-table__cell app-nowrap">{formatDate(r.award_date)}</td>
                      <td className="govuk-table__cell">
                        {r.flags.map((code) => (
                          <strong key={code} className={`govuk-tag ${status === "unknown" ? "govuk-tag--grey" : "govuk-tag--orange"} app-flag`}>
                            {title(code as FlagCode)}
                          </strong>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pagination nextHref={nextHref} firstHref={`/watch${base}#contracts`} onFirstPage={!f.cursor} />
        </div>
      </div>
    </>
  );
}
