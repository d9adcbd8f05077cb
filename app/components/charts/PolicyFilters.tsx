/**
 * The filter form of the policy dashboards (suppliers' country, organisation
 * types, regions, missions): a GET form, so every filter is in the URL and
 * works without JavaScript. Awarded value only; no buyer filter.
 */
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { BUYER_TYPES } from "../../domain/types";
import { BUYER_TYPE_LABELS, CPV_CATEGORIES } from "../../lib/format";
import { SelectField } from "../fields";

export interface PolicyFilterValues {
  from?: string | undefined;
  to?: string | undefined;
  fy?: string | undefined;
  buyerType?: string | undefined;
  cpv?: string | undefined;
  [extra: string]: string | undefined;
}

export function PolicyFilters(props: { action: string; values: PolicyFilterValues; years: string[]; children?: ReactNode; shown?: string[] }) {
  const v = props.values;
  const shown = new Set(["from", "to", "buyerType", "cpv", ...(props.shown ?? [])]);
  const hidden = Object.entries(v).filter(([k, val]) => !shown.has(k) && val !== undefined && val !== "");
  const years = props.years.map((y) => [y, y] as [string, string]);
  const cpvOptions = CPV_CATEGORIES.map(([c, l]) => [c, `${c} ${l}`] as [string, string]);
  if (v.cpv && !cpvOptions.some(([c]) => c === v.cpv)) cpvOptions.push([v.cpv, `CPV ${v.cpv}`]);
  return (
    <form method="get" action={props.action} className="app-filter app-dashboard-filters" aria-label="Filter the figures">
      <h2 className="govuk-heading-s">Filter the figures</h2>
      <div className="app-dashboard-filters__fields">
        <SelectField id="from" label="From financial year" value={v.from ?? v.fy} options={years} anyLabel="First year with data" />
        <SelectField id="to" label="To financial year" value={v.to ?? v.fy} options={years} anyLabel="Latest year with data" />
        <SelectField id="buyerType" label="Type of buyer" value={v.buyerType} options={BUYER_TYPES.map((t) => [t, BUYER_TYPE_LABELS[t]])} anyLabel="Any type" />
        <SelectField id="cpv" label="Category (CPV)" value={v.cpv} options={cpvOptions} anyLabel="Any category" />
        {props.children}
      </div>
      {hidden
        .filter(([k]) => k !== "fy")
        .map(([k, val]) => (
          <input key={k} type="hidden" name={k} value={val} />
        ))}
      <button type="submit" className="govuk-button govuk-!-margin-bottom-0" data-module="govuk-button">
        Apply filters
      </button>
    </form>
  );
}

/** Headline figures: a value and what it is. */
export function Headline({ value, children, testId }: { value: string; children: ReactNode; testId?: string }) {
  return (
    <div className="app-headline">
      <span className="app-headline__value" data-testid={testId}>
        {value}
      </span>
      <span className="govuk-body">{children}</span>
    </div>
  );
}

/** The empty state of a policy dashboard whose filters match no contract. */
export function NoMatches({ resetHref }: { resetHref: string }) {
  return (
    <div className="govuk-inset-text" data-testid="empty-state">
      <h2 className="govuk-heading-m">No contracts match</h2>
      <p className="govuk-body">
        No contracts match these filters.{" "}
        <Link className="govuk-link" to={resetHref}>
          Show every year and buyer
        </Link>
      </p>
    </div>
  );
}
