/** Small GOV.UK form controls for GET filter forms (no JavaScript needed). */
import type { ReactNode } from "react";

export function SelectField(props: {
  id: string;
  label: string;
  value: string | undefined;
  options: Array<[string, string]>;
  anyLabel?: string;
  error?: string | undefined;
  hint?: ReactNode;
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : null, props.error ? `${props.id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className={`govuk-form-group${props.error ? " govuk-form-group--error" : ""}`}>
      <label className="govuk-label govuk-label--s" htmlFor={props.id}>
        {props.label}
      </label>
      {props.hint ? (
        <div id={`${props.id}-hint`} className="govuk-hint">
          {props.hint}
        </div>
      ) : null}
      {props.error ? (
        <p id={`${props.id}-error`} className="govuk-error-message">
          <span className="govuk-visually-hidden">Error:</span> {props.error}
        </p>
      ) : null}
      <select
        className={`govuk-select${props.error ? " govuk-select--error" : ""}`}
        id={props.id}
        name={props.id}
        defaultValue={props.value ?? ""}
        aria-describedby={describedBy || undefined}
      >
        <option value="">{props.anyLabel ?? "Any"}</option>
        {props.options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

export function TextField(props: {
  id: string;
  label: string;
  value: string | undefined;
  type?: string;
  hint?: ReactNode;
  error?: string | undefined;
  inputMode?: "numeric" | "decimal" | "text" | "search";
  prefix?: string;
  className?: string;
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : null, props.error ? `${props.id}-error` : null].filter(Boolean).join(" ");
  const input = (
    <input
      className={`govuk-input${props.error ? " govuk-input--error" : ""}${props.className ? ` ${props.className}` : ""}`}
      id={props.id}
      name={props.id}
      type={props.type ?? "text"}
      defaultValue={props.value ?? ""}
      inputMode={props.inputMode}
      aria-describedby={describedBy || undefined}
    />
  );
  return (
    <div className={`govuk-form-group${props.error ? " govuk-form-group--error" : ""}`}>
      <label className="govuk-label govuk-label--s" htmlFor={props.id}>
        {props.label}
      </label>
      {props.hint ? (
        <div id={`${props.id}-hint`} className="govuk-hint">
          {props.hint}
        </div>
      ) : null}
      {props.error ? (
        <p id={`${props.id}-error`} className="govuk-error-message">
          <span className="govuk-visually-hidden">Error:</span> {props.error}
        </p>
      ) : null}
      {props.prefix ? (
        <div className="govuk-input__wrapper">
          <div className="govuk-input__prefix" aria-hidden="true">
            {props.prefix}
          </div>
          {input}
        </div>
      ) : (
        input
      )}
    </div>
  );
}
