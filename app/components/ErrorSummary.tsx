/**
 * GOV.UK error summary: at the top of a form, each error links to its field.
 *
 * It takes focus when the page loads (GOV.UK pattern: `tabindex="-1"` and
 * focus), so a screen reader announces it and the keyboard starts there:
 * without JavaScript through the HTML `autofocus` attribute (the page's first
 * autofocus candidate), and with JavaScript, after a client-side navigation
 * too, by focusing it once it is mounted. Put it first in the main content.
 */
import { type ReactNode, useEffect, useRef } from "react";

export interface FieldError {
  field: string;
  message: string;
}

/** The document title of a page that shows errors starts with "Error: " (GOV.UK pattern). */
export function errorTitle(title: string, hasErrors: boolean | null | undefined): string {
  return hasErrors ? `Error: ${title}` : title;
}

export function ErrorSummary({
  errors,
  title = "There is a problem",
  children,
  testId,
}: {
  errors: FieldError[];
  title?: string;
  /** Extra content of the summary's body (shown above the list), e.g. a conflict's explanation. */
  children?: ReactNode;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const shown = errors.length > 0 || (children !== undefined && children !== null && children !== false);
  const key = errors.map((e) => `${e.field}:${e.message}`).join("|");
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again only when the errors shown change
  useEffect(() => {
    if (shown && ref.current && document.activeElement !== ref.current) ref.current.focus();
  }, [shown, key]);
  if (!shown) return null;
  return (
    // biome-ignore lint/a11y/noAutofocus: the GOV.UK error summary takes focus on load, by design
    <div className="govuk-error-summary" data-module="govuk-error-summary" tabIndex={-1} autoFocus ref={ref} data-testid={testId}>
      <div role="alert">
        <h2 className="govuk-error-summary__title">{title}</h2>
        <div className="govuk-error-summary__body">
          {children}
          {errors.length ? (
            <ul className="govuk-list govuk-error-summary__list">
              {errors.map((e) => (
                <li key={`${e.field}:${e.message}`}>
                  <a href={`#${e.field}`}>{e.message}</a>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>
    </div>
  );
}
