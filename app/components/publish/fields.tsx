/**
 * GOV.UK form controls for the publishing forms (POST, no JavaScript needed):
 * each shows its label, hint, error message and the value entered, and the
 * error summary links to its id. Values are rendered as text by React, so
 * HTML or script typed into a field stays inert.
 */
import type { ReactNode } from "react";

export interface FieldErrorLike {
  field: string;
  message: string;
}

export type Values = Record<string, string | undefined>;
export type ErrorMap = Record<string, string>;

/** Field id → its first message. */
export function errorMap(errors: readonly FieldErrorLike[]): ErrorMap {
  const out: ErrorMap = {};
  for (const e of errors) if (!(e.field in out)) out[e.field] = e.message;
  return out;
}

function ErrorMessage({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={`${id}-error`} className="govuk-error-message">
      <span className="govuk-visually-hidden">Error:</span> {message}
    </p>
  );
}

function Hint({ id, hint }: { id: string; hint: ReactNode | undefined }) {
  if (!hint) return null;
  return (
    <div id={`${id}-hint`} className="govuk-hint">
      {hint}
    </div>
  );
}

const describedBy = (id: string, hint: unknown, error: unknown) =>
  [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;

export function TextInput(props: {
  id: string;
  label: ReactNode;
  values: Values;
  errors: ErrorMap;
  hint?: ReactNode;
  type?: "text" | "email" | "password";
  inputMode?: "numeric" | "decimal" | "text";
  width?: "2" | "3" | "4" | "5" | "10" | "20" | "30";
  prefix?: string;
  autoComplete?: string;
  labelSize?: "s" | "m";
  spellCheck?: boolean;
}) {
  const error = props.errors[props.id];
  const input = (
    <input
      className={`govuk-input${props.width ? ` govuk-input--width-${props.width}` : ""}${error ? " govuk-input--error" : ""}`}
      id={props.id}
      name={props.id}
      type={props.type ?? "text"}
      defaultValue={props.type === "password" ? "" : (props.values[props.id] ?? "")}
      inputMode={props.inputMode}
      autoComplete={props.autoComplete}
      spellCheck={props.spellCheck}
      aria-describedby={describedBy(props.id, props.hint, error)}
    />
  );
  return (
    <div className={`govuk-form-group${error ? " govuk-form-group--error" : ""}`}>
      <label className={`govuk-label govuk-label--${props.labelSize ?? "s"}`} htmlFor={props.id}>
        {props.label}
      </label>
      <Hint id={props.id} hint={props.hint} />
      <ErrorMessage id={props.id} message={error} />
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

export function MoneyInput(props: { id: string; label: ReactNode; values: Values; errors: ErrorMap; hint?: ReactNode }) {
  return <TextInput {...props} prefix="£" width="10" inputMode="decimal" spellCheck={false} />;
}

export function Textarea(props: { id: string; label: ReactNode; values: Values; errors: ErrorMap; hint?: ReactNode; rows?: number }) {
  const error = props.errors[props.id];
  return (
    <div className={`govuk-form-group${error ? " govuk-form-group--error" : ""}`}>
      <label className="govuk-label govuk-label--s" htmlFor={props.id}>
        {props.label}
      </label>
      <Hint id={props.id} hint={props.hint} />
      <ErrorMessage id={props.id} message={error} />
      <textarea
        className={`govuk-textarea${error ? " govuk-textarea--error" : ""}`}
        id={props.id}
        name={props.id}
        rows={props.rows ?? 5}
        defaultValue={props.values[props.id] ?? ""}
        aria-describedby={describedBy(props.id, props.hint, error)}
      />
    </div>
  );
}

export function DateInput(props: { id: string; legend: ReactNode; values: Values; errors: ErrorMap; hint?: ReactNode; children?: ReactNode }) {
  const error = props.errors[`${props.id}-day`];
  const hint = props.hint ?? "For example, 27 3 2025";
  const part = (name: "day" | "month" | "year", label: string, width: "2" | "4") => (
    <div className="govuk-date-input__item">
      <div className="govuk-form-group">
        <label className="govuk-label govuk-date-input__label" htmlFor={`${props.id}-${name}`}>
          {label}
        </label>
        <input
          className={`govuk-input govuk-date-input__input govuk-input--width-${width}${error ? " govuk-input--error" : ""}`}
          id={`${props.id}-${name}`}
          name={`${props.id}-${name}`}
          type="text"
          inputMode="numeric"
          defaultValue={props.values[`${props.id}-${name}`] ?? ""}
        />
      </div>
    </div>
  );
  return (
    <div className={`govuk-form-group${error ? " govuk-form-group--error" : ""}`}>
      <fieldset className="govuk-fieldset" aria-describedby={describedBy(props.id, hint, error)}>
        <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">{props.legend}</legend>
        <Hint id={props.id} hint={hint} />
        <ErrorMessage id={props.id} message={error} />
        <div className="govuk-date-input" id={props.id}>
          {part("day", "Day", "2")}
          {part("month", "Month", "2")}
          {part("year", "Year", "4")}
        </div>
        {props.children}
      </fieldset>
    </div>
  );
}

export function Radios(props: {
  id: string;
  legend: ReactNode;
  values: Values;
  errors: ErrorMap;
  options: ReadonlyArray<readonly [string, ReactNode, ReactNode?]>;
  hint?: ReactNode;
  inline?: boolean;
  small?: boolean;
}) {
  const error = props.errors[props.id];
  const current = props.values[props.id] ?? "";
  return (
    <div className={`govuk-form-group${error ? " govuk-form-group--error" : ""}`}>
      <fieldset className="govuk-fieldset" aria-describedby={describedBy(props.id, props.hint, error)}>
        <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">{props.legend}</legend>
        <Hint id={props.id} hint={props.hint} />
        <ErrorMessage id={props.id} message={error} />
        <div className={`govuk-radios${props.inline ? " govuk-radios--inline" : ""}${props.small ? " govuk-radios--small" : ""}`}>
          {props.options.map(([value, label, hint], i) => {
            const id = i === 0 ? props.id : `${props.id}-${i + 1}`;
            return (
              <div className="govuk-radios__item" key={value}>
                <input
                  className="govuk-radios__input"
                  id={id}
                  name={props.id}
                  type="radio"
                  value={value}
                  defaultChecked={current === value}
                  aria-describedby={hint ? `${id}-item-hint` : undefined}
                />
                <label className="govuk-label govuk-radios__label" htmlFor={id}>
                  {label}
                </label>
                {hint ? (
                  <div id={`${id}-item-hint`} className="govuk-hint govuk-radios__hint">
                    {hint}
                  </div>
                ) : null}
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

export function Checkboxes(props: {
  id: string;
  legend: ReactNode;
  values: Values;
  errors: ErrorMap;
  items: ReadonlyArray<readonly [string, ReactNode]>;
  hint?: ReactNode;
}) {
  const error = props.errors[props.id];
  return (
    <div className={`govuk-form-group${error ? " govuk-form-group--error" : ""}`}>
      <fieldset className="govuk-fieldset" aria-describedby={describedBy(props.id, props.hint, error)}>
        <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">{props.legend}</legend>
        <Hint id={props.id} hint={props.hint} />
        <ErrorMessage id={props.id} message={error} />
        <div className="govuk-checkboxes govuk-checkboxes--small" id={props.id}>
          {props.items.map(([name, label]) => (
            <div className="govuk-checkboxes__item" key={name}>
              <input
                className="govuk-checkboxes__input"
                id={name}
                name={name}
                type="checkbox"
                value="yes"
                defaultChecked={(props.values[name] ?? "") !== ""}
              />
              <label className="govuk-label govuk-checkboxes__label" htmlFor={name}>
                {label}
              </label>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

export function Select(props: {
  id: string;
  label: ReactNode;
  values: Values;
  errors: ErrorMap;
  options: ReadonlyArray<readonly [string, string]>;
  placeholder?: string;
  hint?: ReactNode;
}) {
  const error = props.errors[props.id];
  return (
    <div className={`govuk-form-group${error ? " govuk-form-group--error" : ""}`}>
      <label className="govuk-label govuk-label--s" htmlFor={props.id}>
        {props.label}
      </label>
      <Hint id={props.id} hint={props.hint} />
      <ErrorMessage id={props.id} message={error} />
      <select
        className={`govuk-select${error ? " govuk-select--error" : ""}`}
        id={props.id}
        name={props.id}
        defaultValue={props.values[props.id] ?? ""}
        aria-describedby={describedBy(props.id, props.hint, error)}
      >
        {props.placeholder !== undefined ? <option value="">{props.placeholder}</option> : null}
        {props.options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Hidden({ name, value }: { name: string; value: string | number | null | undefined }) {
  if (value === null || value === undefined) return null;
  return <input type="hidden" name={name} value={String(value)} />;
}

/** The first submit button of a form decides what Enter does: this hidden one makes Enter "continue". */
export function DefaultSubmit({ value = "preview" }: { value?: string }) {
  return <button type="submit" name="intent" value={value} hidden tabIndex={-1} aria-hidden="true" />;
}
