import type { ReactNode } from "react";

export interface PairsTableProps {
  caption: ReactNode;
  /** The two column headings. */
  headings: [string, string];
  /** One row per pair: a unique key and the two cells. */
  rows: Array<{ key: string; cells: [ReactNode, ReactNode] }>;
  /** The first cell heads its row (a <th scope="row">). */
  rowHeaders?: boolean;
  /** The second column is a number (right-aligned). */
  numeric?: boolean;
  testId?: string;
}

/** A compact two-column GOV.UK table: a rule's pairs (prefix and label, region and postcode areas, …). */
export function PairsTable({ caption, headings, rows, rowHeaders = false, numeric = false, testId }: PairsTableProps) {
  const second = numeric ? " app-num" : "";
  return (
    <table className="govuk-table app-table--compact" data-testid={testId}>
      <caption className="govuk-table__caption govuk-table__caption--s">{caption}</caption>
      <thead className="govuk-table__head">
        <tr className="govuk-table__row">
          <th scope="col" className="govuk-table__header">
            {headings[0]}
          </th>
          <th scope="col" className={`govuk-table__header${second}`}>
            {headings[1]}
          </th>
        </tr>
      </thead>
      <tbody className="govuk-table__body">
        {rows.map(({ key, cells: [a, b] }) => (
          <tr key={key} className="govuk-table__row">
            {rowHeaders ? (
              <th scope="row" className="govuk-table__header">
                {a}
              </th>
            ) : (
              <td className="govuk-table__cell">{a}</td>
            )}
            <td className={`govuk-table__cell${second}`}>{b}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
