/** The latest contracts of a buyer or supplier, with a link to all of them in the register. */
import { Link } from "@remix-run/react";
import { formatPounds } from "../../domain/money";
import { formatDate, statusLabel } from "../../lib/format";

export function RecentContracts({
  rows,
  href,
}: {
  rows: Array<{ ocid: string; title: string; supplier_names?: string | null; buyer_name?: string | null; current_value_pence: bigint | null; currency: string | null; award_date: Date | string | null; sort_date: Date | string; status: string }>;
  href: string;
}) {
  if (rows.length === 0) return null;
  return (
    <section aria-labelledby="recent-title">
      <h2 className="govuk-heading-m" id="recent-title">
        Latest contracts
      </h2>
      <table className="govuk-table app-table--compact" data-testid="recent-contracts">
        <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">Latest contracts</caption>
        <thead className="govuk-table__head">
          <tr className="govuk-table__row">
            <th scope="col" className="govuk-table__header">Contract</th>
            <th scope="col" className="govuk-table__header app-num">Value</th>
            <th scope="col" className="govuk-table__header">Date</th>
            <th scope="col" className="govuk-table__header">Status</th>
          </tr>
        </thead>
        <tbody className="govuk-table__body">
          {rows.map((r) => (
            <tr key={r.ocid} className="govuk-table__row">
              <td className="govuk-table__cell">
                <Link className="govuk-link" to={`/contracts/${encodeURIComponent(r.ocid)}`}>
                  {r.title}
                </Link>
              </td>
              <td className="govuk-table__cell app-num">
                {r.current_value_pence !== null ? formatPounds(r.current_value_pence) : "–"}
                {r.currency && r.currency !== "GBP" ? ` ${r.currency}` : ""}
              </td>
              <td className="govuk-table__cell app-nowrap">{formatDate(r.award_date ?? r.sort_date)}</td>
              <td className="govuk-table__cell">{statusLabel(r.status)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="govuk-body">
        <Link className="govuk-link" to={href}>
          Every contract in the register
        </Link>
      </p>
    </section>
  );
}
