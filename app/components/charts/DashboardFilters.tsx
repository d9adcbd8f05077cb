/**
 * The filter form every dashboard shares: a GET form, so every filter is in the
 * URL and works without JavaScript. Fields not offered are kept as hidden
 * inputs so a form never drops a filter it does not show.
 */
import type { ReactNode } from "react";
import { BUYER_TYPES } from "../../domain/types";
import { BUYER_TYPE_LABELS, CPV_CATEGORIES } from "../../lib/format";
import { SelectField } from "../fields";

export interface DashboardFilterValues {
  from?: string | undefined;
  to?: string | undefined;
  fy?: string | undefined;
  view?: string | undefined;
  buyer?: string | undefined;
  buyerType?: string | undefined;
  cpv?: string | undefined;
  by?: string | undefined;
  baselineFrom?: string | undefined;
  baselineTo?: string | undefined;
  targetFy?: string | undefined;
  refs?: string | undefined;
}

export function DashboardFilters(props: {
  action: string;
  values: DashboardFilterValues;
  years: string[];
  buyers: Array<[string, string]>;
  defaultView: "awarded" | "annualised";
  /** Offer "by supplier / by group" (concentration). */
  offerBy?: boolean;
  children?: ReactNode;
}) {
  const v = props.values;
  const shown = new Set(["from", "to", "view", "buyer", "buyerType", "cpv", ...(props.offerBy ? ["by"] : [])]);
  const hidden = Object.entries(v).filter(([k, val]) => !shown.has(k) && val !== undefined && val !== "");
  const years = props.years.map((y) => [y, y] as [string, string]);
  return (
    <form method="get" action={props.action} className="app-filter app-dashboard-filters" aria-label="Filter the figures">
      <h2 className="govuk-heading-s">Filter the figures</h2>
      <div className="app-dashboard-filters__fields">
        <SelectField id="from" label="From financial year" value={v.from} options={years} anyLabel="First year with data" />
        <SelectField id="to" label="To financial year" value={v.to} options={years} anyLabel="Latest year with data" />
        <SelectField
          id="view"
          label="Count value as"
          value={v.view}
          options={[
            ["awarded", "Awarded value (year of award)"],
            ["annualised", "Annualised value (spread over the contract)"],
          ]}
          anyLabel={props.defaultView === "awarded" ? "Awarded value (default)" : "Annualised value (default)"}
        />
        <SelectField id="buyerType" label="Type of buyer" value={v.buyerType} options={BUYER_TYPES.map((t) => [t, BUYER_TYPE_LABELS[t]])} anyLabel="Any type" />
        <SelectField id="buyer" label="Buyer (the 100 largest)" value={v.buyer} options={props.buyers} anyLabel="All buyers" />
        <SelectField id="cpv" label="Category (CPV)" value={v.cpv} options={CPV_CATEGORIES.map(([c, l]) => [c, `${c} ${l}`])} anyLabel="Any category" />
        {props.offerBy ? (
          <SelectField
            id="by"
            label="Count by"
            value={v.by}
            options={[
              ["supplier", "Supplier"],
              ["group", "Parent group (suppliers in a group together)"],
            ]}
            anyLabel="Supplier (default)"
          />
        ) : null}
        {props.children}
      </div>
      <p className="govuk-body-s">
        Any other buyer: open it from the <a className="govuk-link" href="/buyers">list of buyers</a>.
      </p>
      {hidden.map(([k, val]) => (
        <input key={k} type="hidden" name={k} value={val} />
      ))}
      <button type="submit" className="govuk-button govuk-!-margin-bottom-0" data-module="govuk-button">
        Apply filters
      </button>{" "}
      <a className="govuk-link app-dashboard-filters__clear" href={props.action}>
        Clear filters
      </a>
    </form>
  );
}
