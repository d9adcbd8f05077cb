import { Link } from "@remix-run/react";

export interface SupplierChoicesProps {
  query: string;
  matches: Array<{ id: string; name: string; href: string }>;
  more: boolean;
}

/** The suppliers whose names match what was typed in a filter form, each a link to the view filtered on it. */
export function SupplierChoices({ query, matches, more }: SupplierChoicesProps) {
  return (
    <div className="govuk-inset-text" data-testid="supplier-choices">
      <h2 className="govuk-heading-s">
        {more ? `More than ${matches.length}` : matches.length} suppliers’ names match “{query}”: choose one
      </h2>
      <ul className="govuk-list">
        {matches.map((m) => (
          <li key={m.id}>
            <Link className="govuk-link" to={m.href}>
              {m.name}
            </Link>
          </li>
        ))}
      </ul>
      {more ? <p className="govuk-body">Type more of the name to narrow the list.</p> : null}
    </div>
  );
}
