/**
 * The red flags of one contract, for the contract page: each flag with its
 * plain-language explanation, the evidence the rule used and the threshold in
 * force, the rules that could not be checked (and why), and the note that a
 * flag is a prompt to look, not a finding.
 *
 * Props: the stored flags of the contract, as `getContractFlags(db, ocid)`
 * (app/services/flags.server.ts) returns them. A rule with no stored row was
 * checked and raised nothing.
 *
 *   // loader:  flags: await getContractFlags(context.readDb, ocid)
 *   // page:    <FlagList flags={flags} />
 */
import { Link } from "@remix-run/react";
import { ALL_RULES, FLAG_DISCLAIMER, getRule, isFlagCode } from "../domain/flags";
import { formatPounds } from "../domain/money";
import { formatDate } from "../lib/format";

export type FlagEvidenceValue = string | number | boolean | null;

export interface FlagListItem {
  code: string;
  status: "flagged" | "unknown";
  evidence: Record<string, FlagEvidenceValue>;
  threshold: string;
  computed_at?: Date | string | null;
}

const LABELS: Record<string, string> = {
  procurementMethod: "Procedure",
  procurementMethodDetails: "Procedure as published",
  procurementMethodRationale: "Justification published",
  justificationGiven: "Justification given",
  numberOfTenderers: "Bids received",
  tenderStartDate: "Tender period started",
  tenderPublishedAt: "Tender published",
  startUsed: "Start of the period taken from",
  deadline: "Submission deadline",
  days: "Days counted",
  currency: "Currency",
  originalValuePence: "Original value",
  currentValuePence: "Current value",
  increasePence: "Change in value",
  increasePct: "Change in value (%)",
  cumulativeIncreasePence: "Increases across amendments",
  cumulativeIncreasePct: "Increases across amendments (% of original)",
  amendmentsCounted: "Amendments showing values",
  amendmentsWithoutValues: "Amendments without values",
  flaggedBy: "Flagged by",
  dateSigned: "Contract signed",
  dateSignedSource: "Signature date taken from",
  awardPublishedAt: "Award first published",
  publishedAt: "First published",
  publishedSource: "Publication measured from the",
  buyerKey: "Buyer",
  supplierKey: "Supplier",
  awardDate: "Award date",
  nonCompetitive: "Non-competitive",
  count: "Contracts counted in the window",
  windowStart: "Window from",
  windowEnd: "Window to",
  ocidsInWindow: "Contracts in the window",
  uncertainPeers: "Other contracts that could not be placed",
  suppliersChecked: "Suppliers checked",
  valuePence: "This supplier's share of the value",
  thresholdPence: "Threshold",
  sumPence: "Sum of the contracts in the window",
  status: "Contract status",
  terminatedAt: "Terminated",
  scheduledEndDate: "Scheduled end",
  terminationReason: "Reason given",
  daysEarly: "Days before the scheduled end",
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

function EvidenceValue({ name, value }: { name: string; value: FlagEvidenceValue }) {
  if (value === null || value === "") return <span className="app-muted">Not published</span>;
  if (typeof value === "boolean") return <>{value ? "Yes" : "No"}</>;
  if (name.endsWith("Pence") && /^-?\d+$/.test(String(value))) return <>{formatPounds(BigInt(String(value)))}</>;
  if (name.endsWith("Pct")) return <>{value}%</>;
  if (name === "ocidsInWindow" && typeof value === "string") {
    const ocids = value.split(", ").filter(Boolean);
    return (
      <ul className="govuk-list govuk-!-margin-bottom-0">
        {ocids.map((ocid) => (
          <li key={ocid}>
            <Link className="govuk-link" to={`/contracts/${encodeURIComponent(ocid)}`}>
              {ocid}
            </Link>
          </li>
        ))}
      </ul>
    );
  }
  if ((name === "buyerKey" || name === "supplierKey") && /^\d+$/.test(String(value))) {
    const path = name === "buyerKey" ? "buyers" : "suppliers";
    return (
      <Link className="govuk-link" to={`/${path}/${value}`}>
        {name === "buyerKey" ? "The buyer" : "The supplier"} (register id {value})
      </Link>
    );
  }
  if (typeof value === "string" && ISO_DATE.test(value)) return <>{formatDate(value)}</>;
  return <>{String(value)}</>;
}

function Evidence({ evidence }: { evidence: Record<string, FlagEvidenceValue> }) {
  const entries = Object.entries(evidence).filter(([k]) => k !== "ocid" && k !== "note");
  return (
    <dl className="govuk-summary-list govuk-summary-list--no-border app-table--compact">
      {entries.map(([k, v]) => (
        <div key={k} className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">{LABELS[k] ?? k}</dt>
          <dd className="govuk-summary-list__value">
            <EvidenceValue name={k} value={v} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function FlagList({ flags }: { flags: readonly FlagListItem[] }) {
  const known = flags.filter((f) => isFlagCode(f.code));
  const flagged = known.filter((f) => f.status === "flagged");
  const unknown = known.filter((f) => f.status === "unknown");
  const clear = ALL_RULES.length - flagged.length - unknown.length;
  return (
    <section aria-labelledby="flags" data-testid="flag-list">
      <h2 className="govuk-heading-m" id="flags">
        Red flags
      </h2>
      <div className="govuk-inset-text">
        {FLAG_DISCLAIMER} Each rule, and the threshold in force, is explained on the{" "}
        <Link className="govuk-link" to="/methodology">
          methodology page
        </Link>
        .
      </div>
      {flagged.length === 0 ? (
        <p className="govuk-body" data-testid="no-flags">
          {unknown.length === 0
            ? `None of the ${ALL_RULES.length} rules flagged this contract.`
            : `None of the ${ALL_RULES.length} rules flagged this contract, but ${unknown.length === 1 ? "1 rule" : `${unknown.length} rules`} could not be checked (below).`}
        </p>
      ) : (
        flagged.map((f) => {
          const rule = getRule(f.code as Parameters<typeof getRule>[0]);
          return (
            <div key={f.code} className="app-flag-item" data-testid={`flag-${f.code}`}>
              <h3 className="govuk-heading-s govuk-!-margin-bottom-2">
                <strong className="govuk-tag govuk-tag--orange">Flagged</strong> {rule.title}
              </h3>
              <p className="govuk-body">{rule.explanation}</p>
              <p className="govuk-body">
                <strong>Threshold:</strong> {f.threshold}
              </p>
              {f.evidence.note ? <p className="govuk-body">{String(f.evidence.note)}</p> : null}
              <details className="govuk-details" open>
                <summary className="govuk-details__summary">
                  <span className="govuk-details__summary-text">
                    Evidence<span className="govuk-visually-hidden"> for {rule.title}</span>
                  </span>
                </summary>
                <div className="govuk-details__text">
                  <Evidence evidence={f.evidence} />
                </div>
              </details>
            </div>
          );
        })
      )}
      {unknown.length > 0 ? (
        <>
          <h3 className="govuk-heading-s">Could not be checked</h3>
          <p className="govuk-body">A rule that needs a value the publisher did not give cannot tell either way; that is not a clean bill of health.</p>
          <ul className="govuk-list" data-testid="flags-unknown">
            {unknown.map((f) => {
              const rule = getRule(f.code as Parameters<typeof getRule>[0]);
              return (
                <li key={f.code} data-testid={`unknown-${f.code}`}>
                  <strong>{rule.title}</strong>: {f.evidence.note ? String(f.evidence.note) : "an input the rule needs is missing."}{" "}
                  <span className="app-muted">(Threshold: {f.threshold})</span>
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
      {flagged.length > 0 || unknown.length > 0 ? (
        <p className="govuk-body-s app-muted">
          {clear > 0 ? `${clear} other ${clear === 1 ? "rule was" : "rules were"} checked and raised nothing.` : null}
        </p>
      ) : null}
    </section>
  );
}
