/**
 * The inputs behind a set of figures, in one sentence (app/domain/metrics/coverage.ts):
 * how many contracts, and how many of them have no value or no dates.
 */
export function CoverageNote({ text, testId = "coverage-note" }: { text: string; testId?: string }) {
  return (
    <p className="govuk-body-s" data-testid={testId}>
      <strong>Coverage:</strong> {text}
    </p>
  );
}
