import { Link } from "@remix-run/react";

/** Keyset pagination: "next" carries a cursor; "first page" drops it. */
export function Pagination({ nextHref, firstHref, onFirstPage }: { nextHref: string | null; firstHref: string; onFirstPage: boolean }) {
  if (!nextHref && onFirstPage) return null;
  return (
    <nav className="govuk-pagination govuk-pagination--block" aria-label="Results pages">
      {!onFirstPage ? (
        <div className="govuk-pagination__prev">
          <Link className="govuk-link govuk-pagination__link" to={firstHref} rel="first">
            <span className="govuk-pagination__link-title">First page</span>
          </Link>
        </div>
      ) : null}
      {nextHref ? (
        <div className="govuk-pagination__next">
          <Link className="govuk-link govuk-pagination__link" to={nextHref} rel="next">
            <span className="govuk-pagination__link-title">
              Next page<span className="govuk-visually-hidden"> of results</span>
            </span>
          </Link>
        </div>
      ) : null}
    </nav>
  );
}
