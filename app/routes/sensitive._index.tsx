import { type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ChartFigure } from "../components/charts/ChartFigure";
import { ErrorSummary, errorTitle } from "../components/ErrorSummary";
import { SupplierChoices } from "../components/SupplierChoices";
import { withParams } from "../lib/params";
import { withSvg } from "../components/charts/render.server";
import { SelectField, TextField } from "../components/fields";
import { Pagination } from "../components/Pagination";
import { fyLabel, fyOf } from "../domain/metrics/fy";
import { formatPounds, formatShare } from "../domain/money";
import { SENSITIVE_SORTS, type SensitiveSort } from "../domain/sensitive";
import { BUYER_TYPES, SENSITIVE_SECTORS } from "../domain/types";
import { BUYER_TYPE_LABELS, buyerTypeLabel, formatCount, formatDate, statusLabel } from "../lib/format";
import { BadRequest, badRequestResponse } from "../services/register.server";
import { type SupplierNameLookup, lookupSupplierName } from "../services/register-form.server";
import { sensitivePage } from "../services/sensitive.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: errorTitle("Sensitive-sector technology register – Public Tech Procurement Register", Boolean(data?.supplierLookup.noMatch)) },
];

const noMatchText = (name: string) => `No supplier's name matches “${name}”: check the spelling, or type less of the name`;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  try {
    // A supplier typed by name (the form, without JavaScript): one match → the same view filtered by that supplier's id.
    const supplierName = url.searchParams.get("supplierName")?.replace(/\s+/g, " ").trim().slice(0, 200) ?? "";
    let sp = url.searchParams;
    let lookup: SupplierNameLookup | null = null;
    if (url.searchParams.has("supplierName")) {
      sp = new URLSearchParams(url.searchParams);
      sp.delete("supplierName");
      if (supplierName) {
        lookup = await lookupSupplierName(context.readDb, supplierName);
        if (lookup.kind === "one") throw redirect(withParams("/sensitive", sp, { supplier: lookup.id }));
      }
    }
    const d = await sensitivePage(context.readDb, sp);
    const nowFy = fyOf(context.now());
    const fys: string[] = [];
    for (let y = nowFy + 1; y >= 2014; y--) fys.push(fyLabel(y));
    const choices =
      lookup?.kind === "many" ? { ...lookup, matches: lookup.matches.map((m) => ({ ...m, href: withParams("/sensitive", sp, { supplier: m.id }) })) } : null;
    return {
      ...d,
      summary: { ...d.summary, charts: withSvg(d.summary.charts) },
      fys,
      onFirstPage: !d.filters.cursor,
      supplierLookup: { noMatch: lookup?.kind === "none" ? lookup.query : null, choices },
    };
  } catch (e) {
    if (e instanceof BadRequest) throw badRequestResponse(e);
    throw e;
  }
}

/** A sortable column header: a link to the view sorted by it (the other direction when already sorted so). */
function SortHeader({ label, sort, asc, desc, query }: { label: string; sort: SensitiveSort; asc: SensitiveSort; desc: SensitiveSort; query: string }) {
  const active = sort === asc || sort === desc;
  const nextSort = sort === desc ? asc : desc;
  const sp = new URLSearchParams(query);
  sp.set("sort", nextSort);
  return (
    <th scope="col" className="govuk-table__header" aria-sort={active ? (sort === asc ? "ascending" : "descending") : "none"}>
      <Link className="govuk-link" to={`/sensitive?${sp.toString()}`}>
        {label}
        <span className="govuk-visually-hidden">, sort {nextSort === asc ? "ascending" : "descending"}</span>
      </Link>
      {active ? <span aria-hidden="true">{sort === asc ? " ▲" : " ▼"}</span> : null}
    </th>
  );
}

export default function SensitiveRegister() {
  const d = useLoaderData<typeof loader>();
  const f = d.filters;
  const s = d.summary;
  const t = s.total;
  const removeBuyer = new URLSearchParams(d.query);
  removeBuyer.delete("buyer");
  const removeSupplier = new URLSearchParams(d.query);
  removeSupplier.delete("supplier");
  const noMatch = d.supplierLookup.noMatch;
  const choices = d.supplierLookup.choices;
  return (
    <>
      <ErrorSummary errors={noMatch ? [{ field: "supplierName", message: noMatchText(noMatch) }] : []} />
      <h1 className="govuk-heading-xl">Sensitive-sector technology register</h1>
      <p className="govuk-body-l">
        Technology bought for schools and education, health and care, policing, justice, immigration and welfare: who bought it, from whom, for how
        much, and whether the buyer published a data protection impact assessment or an algorithmic transparency record.
      </p>
      <div className="app-filter-layout">
        <div className="app-filter-layout__filter">
          <Form method="get" className="app-filter" aria-label="Filter sensitive-sector contracts">
            <h2 className="govuk-heading-m">Filter</h2>
            <SelectField id="sector" label="Sector" value={f.sector} options={Object.entries(SENSITIVE_SECTORS)} anyLabel="Any sector" />
            {f.buyer ? <input type="hidden" name="buyer" value={f.buyer} /> : null}
            <SelectField id="buyerType" label="Type of buyer" value={f.buyerType} options={BUYER_TYPES.map((b) => [b, BUYER_TYPE_LABELS[b]])} anyLabel="Any type" />
            {f.supplier ? <input type="hidden" name="supplier" value={f.supplier} /> : null}
            <TextField
              id="supplierName"
              label={f.supplier ? "Another supplier" : "Supplier"}
              value={noMatch ?? undefined}
              hint="All or part of the supplier's name"
              error={noMatch ? noMatchText(noMatch) : undefined}
            />
            <TextField id="cpv" label="CPV code or prefix" value={f.cpv} inputMode="numeric" hint="2 to 8 digits, for example 48 (software) or 48814 (medical information systems)" />
            <TextField id="minValue" label="Minimum value" value={f.minValue} prefix="£" inputMode="decimal" />
            <TextField id="maxValue" label="Maximum value" value={f.maxValue} prefix="£" inputMode="decimal" />
            <SelectField id="fy" label="Financial year of award" value={f.fy} options={d.fys.map((y) => [y, y])} anyLabel="Any year" />
            <TextField id="from" label="Awarded from" value={f.from} type="date" hint="For example, 2024-04-01" />
            <TextField id="to" label="Awarded to" value={f.to} type="date" />
            <SelectField
              id="transparency"
              label="Transparency document published"
              value={f.transparency}
              options={[
                ["yes", "Yes"],
                ["no", "No"],
              ]}
            />
            <SelectField id="sort" label="Sort by" value={f.sort} options={Object.entries(SENSITIVE_SORTS)} anyLabel="Default (newest first)" />
            <button type="submit" className="govuk-button" data-module="govuk-button">
              Apply filters
            </button>
            <p className="govuk-body">
              <Link className="govuk-link" to="/sensitive">
                Clear filters
              </Link>
            </p>
          </Form>
        </div>
        <div className="app-filter-layout__content">
          {choices ? <SupplierChoices {...choices} /> : null}
          {d.supplier ? (
            <p className="govuk-body">
              Supplier: <strong>{d.supplier.name}</strong>{" "}
              <Link className="govuk-link" to={`/sensitive${removeSupplier.toString() ? `?${removeSupplier.toString()}` : ""}`}>
                Remove<span className="govuk-visually-hidden"> supplier filter</span>
              </Link>
            </p>
          ) : null}
          {d.buyer ? (
            <p className="govuk-body">
              Buyer: <strong>{d.buyer.name}</strong>{" "}
              <Link className="govuk-link" to={`/sensitive${removeBuyer.toString() ? `?${removeBuyer.toString()}` : ""}`}>
                Remove<span className="govuk-visually-hidden"> buyer filter</span>
              </Link>
            </p>
          ) : null}
          <div className="app-figures" data-testid="sensitive-summary">
            <div className="app-headline">
              <span className="app-headline__value" data-testid="sensitive-contracts">
                {formatCount(t.contracts)}
              </span>
              <span className="govuk-body">contracts in a sensitive sector</span>
            </div>
            <div className="app-headline">
              <span className="app-headline__value" data-testid="sensitive-value" data-pence={t.valuePence.toString()}>
                {formatPounds(t.valuePence)}
              </span>
              <span className="govuk-body">current value in pounds sterling</span>
            </div>
            <div className="app-headline">
              <span className="app-headline__value" data-testid="sensitive-transparency">
                {formatShare(t.contracts ? t.withEither / t.contracts : null)}
              </span>
              <span className="govuk-body">
                with a data protection impact assessment or algorithmic transparency record ({formatCount(t.withEither)})
              </span>
            </div>
          </div>
          <p className="govuk-body" data-testid="sensitive-coverage">
            <strong>Coverage:</strong> {formatCount(t.noCpv)} {t.noCpv === 1 ? "contract" : "contracts"} ({formatPounds(t.noCpvValuePence)}) have no CPV
            code; {formatCount(t.noSupplier)} ({formatPounds(t.noSupplierValuePence)}) have no known supplier, including tenders not yet awarded;{" "}
            {formatCount(t.noValue)} have no value yet
            {t.nonGbp > 0 ? `; ${formatCount(t.nonGbp)} have a value in another currency, not in the pounds-sterling total` : ""}.
          </p>
          <p className="govuk-body">
            <a className="govuk-link" href={`/sensitive.csv${d.query}`}>
              Download these contracts as CSV
            </a>{" "}
            ·{" "}
            <a className="govuk-link" href={`/sensitive/feed.atom${d.query}`}>
              Atom feed of this view
            </a>{" "}
            ·{" "}
            <a className="govuk-link" href={`/api/v1/stats/sensitive${apiQuery(d.query)}`}>
              These figures as JSON
            </a>{" "}
            ·{" "}
            <Link className="govuk-link" to={d.registerHref}>
              Open in the contracts register
            </Link>
          </p>
        </div>
      </div>
      {s.charts.map((c) => (
        <ChartFigure key={c.id} chart={c} />
      ))}
      {s.byBuyer.length > 0 ? (
        <section aria-labelledby="by-buyer-title">
          <h2 className="govuk-heading-m" id="by-buyer-title">
            By buyer
          </h2>
          <p className="govuk-body">
            The {formatCount(s.byBuyer.length)} buyers with the most value{s.buyers > s.byBuyer.length ? ` (of ${formatCount(s.buyers)})` : ""}, for the
            filters above.
          </p>
          <div className="app-table-wrap">
            <table className="govuk-table app-table--compact" data-testid="sensitive-by-buyer">
              <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">Sensitive-sector contracts by buyer</caption>
              <thead className="govuk-table__head">
                <tr className="govuk-table__row">
                  <th scope="col" className="govuk-table__header">
                    Buyer
                  </th>
                  <th scope="col" className="govuk-table__header">
                    Type
                  </th>
                  <th scope="col" className="govuk-table__header app-num">
                    Contracts
                  </th>
                  <th scope="col" className="govuk-table__header app-num">
                    Value
                  </th>
                  <th scope="col" className="govuk-table__header app-num">
                    With a transparency document
                  </th>
                  <th scope="col" className="govuk-table__header">
                    Register
                  </th>
                </tr>
              </thead>
              <tbody className="govuk-table__body">
                {s.byBuyer.map((b) => (
                  <tr key={b.buyerId ?? "none"} className="govuk-table__row">
                    <td className="govuk-table__cell">
                      {b.buyerId ? (
                        <Link className="govuk-link" to={b.href}>
                          {b.name ?? `Buyer ${b.buyerId}`}
                        </Link>
                      ) : (
                        "Unknown buyer"
                      )}
                    </td>
                    <td className="govuk-table__cell">{buyerTypeLabel(b.buyerType)}</td>
                    <td className="govuk-table__cell app-num">{formatCount(b.contracts)}</td>
                    <td className="govuk-table__cell app-num">{formatPounds(b.valuePence)}</td>
                    <td className="govuk-table__cell app-num">
                      {formatCount(b.withEither)} ({formatShare(b.transparencyShare)})
                    </td>
                    <td className="govuk-table__cell">
                      {b.registerHref ? (
                        <Link className="govuk-link" to={b.registerHref}>
                          All contracts<span className="govuk-visually-hidden"> of {b.name ?? "this buyer"} in the register</span>
                        </Link>
                      ) : (
                        "–"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      <section aria-labelledby="contracts-title">
        <h2 className="govuk-heading-m" id="contracts-title">
          Contracts
        </h2>
        {d.rows.length === 0 ? (
          <div data-testid="empty-state">
            <p className="govuk-body">
              {f.cursor ? "You have reached the end of the results." : "No contracts in a sensitive sector match these filters."}{" "}
              <Link className="govuk-link" to="/sensitive">
                Start again with every sector
              </Link>
            </p>
          </div>
        ) : (
          <div className="app-table-wrap">
            <table className="govuk-table app-table--compact" data-testid="sensitive-results">
              <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">
                Sensitive-sector contracts, {SENSITIVE_SORTS[d.sort]}
              </caption>
              <thead className="govuk-table__head">
                <tr className="govuk-table__row">
                  <th scope="col" className="govuk-table__header">
                    Contract
                  </th>
                  <th scope="col" className="govuk-table__header">
                    Sector
                  </th>
                  <th scope="col" className="govuk-table__header">
                    Buyer
                  </th>
                  <th scope="col" className="govuk-table__header">
                    Technology (CPV)
                  </th>
                  <th scope="col" className="govuk-table__header">
                    Supplier
                  </th>
                  <SortHeader label="Value" sort={d.sort} asc="value-low" desc="value-high" query={d.query} />
                  <SortHeader label="Dates" sort={d.sort} asc="oldest" desc="newest" query={d.query} />
                  <th scope="col" className="govuk-table__header">
                    Transparency documents
                  </th>
                </tr>
              </thead>
              <tbody className="govuk-table__body">
                {d.rows.map((r) => (
                  <tr key={r.ocid} className="govuk-table__row" data-ocid={r.ocid}>
                    <td className="govuk-table__cell">
                      <Link className="govuk-link" to={`/contracts/${encodeURIComponent(r.ocid)}`}>
                        {r.title}
                      </Link>
                      <br />
                      <span className="govuk-body-s app-muted">{statusLabel(r.status)}</span>
                    </td>
                    <td className="govuk-table__cell">{r.sectorLabel}</td>
                    <td className="govuk-table__cell">
                      {r.buyerName ?? "–"}
                      <br />
                      <span className="govuk-body-s app-muted">{buyerTypeLabel(r.buyerType)}</span>
                    </td>
                    <td className="govuk-table__cell">
                      {r.cpv ? (
                        <>
                          <span className="app-nowrap">{r.cpv}</span>
                          {r.cpvLabel ? (
                            <>
                              <br />
                              <span className="govuk-body-s">{r.cpvLabel}</span>
                            </>
                          ) : null}
                        </>
                      ) : (
                        "Not given"
                      )}
                    </td>
                    <td className="govuk-table__cell">{r.suppliers ?? "None yet"}</td>
                    <td className="govuk-table__cell app-num">
                      {r.valuePence !== null ? formatPounds(r.valuePence) : r.estimatePence !== null ? `Estimate ${formatPounds(r.estimatePence)}` : "–"}
                      {r.currency && r.currency !== "GBP" && (r.valuePence !== null || r.estimatePence !== null) ? ` ${r.currency}` : ""}
                    </td>
                    <td className="govuk-table__cell">
                      {r.awardDate ? <span className="app-nowrap">Awarded {formatDate(r.awardDate)}</span> : "Not awarded"}
                      {r.startDate || r.endDate ? (
                        <>
                          <br />
                          <span className="govuk-body-s app-muted">
                            {formatDate(r.startDate)} to {formatDate(r.endDate)}
                          </span>
                        </>
                      ) : null}
                    </td>
                    <td className="govuk-table__cell" data-testid="transparency-cell">
                      {r.hasDataProtection || r.hasAlgorithmic ? (
                        <>
                          {r.hasDataProtection ? <strong className="govuk-tag govuk-tag--green app-flag">Data protection impact assessment</strong> : null}
                          {r.hasAlgorithmic ? <strong className="govuk-tag govuk-tag--green app-flag">Algorithmic transparency record</strong> : null}
                        </>
                      ) : (
                        "None published"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pagination nextHref={d.next} firstHref={d.first} onFirstPage={d.onFirstPage} />
      </section>
      <p className="govuk-body">
        <Link className="govuk-link" to="/methodology#sensitive-sectors">
          How a contract is put in a sensitive sector, and which documents count
        </Link>
        .
      </p>
    </>
  );
}

/** The page's query without sort and cursor (the statistics API takes only the filters). */
function apiQuery(query: string): string {
  const sp = new URLSearchParams(query);
  sp.delete("sort");
  sp.delete("cursor");
  const s = sp.toString();
  return s ? `?${s}` : "";
}
