/** The fields of each notice form. */
import { CPV_HINT, LIMITS, ORG_SCHEMES, SCALE_CHOICES } from "../../domain/notices";
import { PROCEDURES } from "../../domain/notices/tender";
import { formatPounds } from "../../domain/money";
import { formatDate, scaleLabel } from "../../lib/format";
import { Checkboxes, DateInput, type ErrorMap, MoneyInput, Radios, Select, TextInput, Textarea, type Values } from "./fields";

const MAX_LOTS = LIMITS.maxLots;

export function TenderFields(props: {
  values: Values;
  errors: ErrorMap;
  buyers: ReadonlyArray<{ id: string; name: string }> | null;
  correction: boolean;
}) {
  const { values, errors } = props;
  const lotCount = Math.min(MAX_LOTS, Math.max(0, Number(values.lotCount) || 0));
  return (
    <>
      {props.buyers ? (
        props.buyers.length === 1 ? (
          <div className="govuk-form-group">
            <p className="govuk-body">
              <strong>Buyer:</strong> {props.buyers[0]!.name}
            </p>
            <input type="hidden" name="buyerId" value={props.buyers[0]!.id} />
          </div>
        ) : (
          <Select
            id="buyerId"
            label="Buyer"
            values={values}
            errors={errors}
            placeholder="Select the buyer"
            options={props.buyers.map((b) => [b.id, b.name] as const)}
          />
        )
      ) : null}
      <TextInput id="title" label="Title" values={values} errors={errors} hint={`Up to ${LIMITS.title} characters.`} />
      <Textarea id="description" label="Description" values={values} errors={errors} rows={6} hint="What is being bought, and why." />
      <TextInput id="cpvCodes" label="CPV codes" values={values} errors={errors} hint={CPV_HINT} spellCheck={false} />
      <MoneyInput id="estimatedValue" label="Estimated value (optional)" values={values} errors={errors} hint="Total for the whole contract, excluding VAT." />
      <Radios
        id="procedure"
        legend="Procedure"
        values={values}
        errors={errors}
        options={Object.entries(PROCEDURES).map(([k, v]) => [k, v] as const)}
      />
      <Textarea
        id="justification"
        label="Justification (for a direct award or limited tendering)"
        values={values}
        errors={errors}
        rows={3}
      />
      <DateInput id="deadline" legend="Submission deadline" values={values} errors={errors} hint="Required for an open or selective procedure. For example, 27 3 2027">
        <TextInput id="deadlineTime" label="Time (UK time, 24-hour clock)" values={values} errors={errors} width="5" hint="For example, 12:00" />
      </DateInput>
      <Checkboxes
        id="suitability"
        legend="Suitable for"
        values={values}
        errors={errors}
        hint="Select all that apply."
        items={[
          ["suitableSme", "Small and medium-sized enterprises (SMEs)"],
          ["suitableVcse", "Voluntary, community and social enterprises (VCSEs)"],
        ]}
      />
      <Radios
        id="consultancy"
        legend="Is this consultancy?"
        hint="Advice to fill a knowledge gap, for a limited time, paid for a defined output. If you do not say, the register decides from the CPV codes."
        values={values}
        errors={errors}
        inline
        options={[
          ["yes", "Yes"],
          ["no", "No"],
          ["unknown", "Not stated"],
        ]}
      />
      <h2 className="govuk-heading-m">Lots</h2>
      <p className="govuk-body">Leave this empty unless the tender is divided into lots (at least 2).</p>
      <input type="hidden" name="lotCount" value={lotCount} />
      {Array.from({ length: lotCount }, (_, i) => {
        const id = values[`lot-${i}-id`];
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional by design
          <fieldset className="govuk-fieldset app-row" key={i}>
            <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">Lot {i + 1}</legend>
            {id ? <input type="hidden" name={`lot-${i}-id`} value={id} /> : null}
            <TextInput id={`lot-${i}-title`} label="Lot title" values={values} errors={errors} />
            <MoneyInput id={`lot-${i}-value`} label="Lot estimated value (optional)" values={values} errors={errors} />
            {!id || !props.correction ? (
              <button type="submit" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-4" name="intent" value={`remove-lot-${i}`}>
                Remove<span className="govuk-visually-hidden"> lot {i + 1}</span>
              </button>
            ) : null}
          </fieldset>
        );
      })}
      {lotCount < MAX_LOTS ? (
        <button type="submit" className="govuk-button govuk-button--secondary" name="intent" value="add-lot">
          {lotCount === 0 ? "Divide into lots" : "Add another lot"}
        </button>
      ) : null}
      {props.correction ? (
        <Textarea
          id="reason"
          label="Reason for the correction"
          hint="Published with the correction. What was wrong, and what is right now."
          values={values}
          errors={errors}
          rows={3}
        />
      ) : null}
    </>
  );
}

export interface SupplierChoiceView {
  id: bigint;
  name: string;
  scheme: string | null;
  identifier: string | null;
  scale: string;
}

export function AwardFields(props: {
  values: Values;
  errors: ErrorMap;
  lots: ReadonlyArray<{ id: string; title: string }>;
  suppliers: readonly SupplierChoiceView[];
  searchResults: readonly SupplierChoiceView[] | null;
  searched: string | null;
}) {
  const { values, errors } = props;
  const count = Math.min(LIMITS.maxSuppliers, Math.max(0, Number(values.supplierCount) || 0));
  const byId = new Map(props.suppliers.map((s) => [String(s.id), s]));
  return (
    <>
      {props.lots.length ? (
        <Select id="lotId" label="Lot" values={values} errors={errors} placeholder="Select the lot" options={props.lots.map((l) => [l.id, l.title] as const)} />
      ) : null}
      <TextInput id="title" label="Award title (optional)" values={values} errors={errors} hint="The procurement's title when left empty." />
      <DateInput id="awardDate" legend="Award date" values={values} errors={errors} />
      <MoneyInput id="value" label="Award value" values={values} errors={errors} hint="Total for all suppliers, excluding VAT." />
      <TextInput id="bids" label="Number of bids received" values={values} errors={errors} width="4" inputMode="numeric" />

      <h2 className="govuk-heading-m">Suppliers</h2>
      <input type="hidden" name="supplierCount" value={count} />
      {count === 0 ? <p className="govuk-body">No supplier added yet.</p> : null}
      <ol className="govuk-list app-rows" data-testid="supplier-rows">
        {Array.from({ length: count }, (_, i) => {
          const orgId = values[`supplier-${i}-orgId`];
          const org = orgId ? byId.get(orgId) : undefined;
          const removeId = `supplier-${i}-remove`;
          const removeError = errors[removeId];
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional by design
            <li key={i} className={`app-row${removeError ? " govuk-form-group--error" : ""}`}>
              {orgId ? (
                <>
                  <input type="hidden" name={`supplier-${i}-orgId`} value={orgId} />
                  <p className="govuk-body govuk-!-margin-bottom-2">
                    <strong>Supplier {i + 1}:</strong> {org ? org.name : `register id ${orgId}`}{" "}
                    <span className="app-muted">
                      {org?.scheme && org.identifier ? `${org.scheme} ${org.identifier}, ` : ""}
                      {scaleLabel(org?.scale)}
                    </span>
                  </p>
                  {removeError ? (
                    <p id={`${removeId}-error`} className="govuk-error-message">
                      <span className="govuk-visually-hidden">Error:</span> {removeError}
                    </p>
                  ) : null}
                </>
              ) : (
                <fieldset className="govuk-fieldset">
                  <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">Supplier {i + 1} (not on the register)</legend>
                  <TextInput id={`supplier-${i}-name`} label="Name" values={values} errors={errors} />
                  <Select
                    id={`supplier-${i}-scheme`}
                    label="Identifier scheme"
                    values={values}
                    errors={errors}
                    placeholder="Select the register"
                    options={Object.entries(ORG_SCHEMES).map(([k, v]) => [k, `${v} (${k})`] as const)}
                  />
                  <TextInput id={`supplier-${i}-identifier`} label="Identifier" hint="For example, a company number: 01234567" values={values} errors={errors} width="20" spellCheck={false} />
                  <Select
                    id={`supplier-${i}-scale`}
                    label="Size"
                    values={values}
                    errors={errors}
                    placeholder="Select the size"
                    options={Object.entries(SCALE_CHOICES).map(([k, v]) => [k, v] as const)}
                  />
                </fieldset>
              )}
              <button type="submit" id={removeId} className="govuk-button govuk-button--secondary govuk-!-margin-bottom-2" name="intent" value={`remove-supplier-${i}`}>
                Remove<span className="govuk-visually-hidden"> supplier {i + 1}</span>
              </button>
            </li>
          );
        })}
      </ol>
      {count < LIMITS.maxSuppliers ? (
        <div className="app-supplier-search">
          <TextInput
            id="supplierQuery"
            label="Search the register for a supplier"
            hint="A name, or an identifier such as a company number."
            values={values}
            errors={errors}
          />
          <button type="submit" className="govuk-button govuk-button--secondary" name="intent" value="search-suppliers">
            Search the register
          </button>
          {props.searchResults ? (
            props.searchResults.length === 0 ? (
              <p className="govuk-body" data-testid="supplier-results">
                No supplier on the register matches “{props.searched}”.
              </p>
            ) : (
              <table className="govuk-table" data-testid="supplier-results">
                <caption className="govuk-table__caption govuk-table__caption--s">Suppliers matching “{props.searched}”</caption>
                <thead className="govuk-table__head">
                  <tr className="govuk-table__row">
                    <th scope="col" className="govuk-table__header">Name</th>
                    <th scope="col" className="govuk-table__header">Identifier</th>
                    <th scope="col" className="govuk-table__header">Size</th>
                    <th scope="col" className="govuk-table__header"><span className="govuk-visually-hidden">Action</span></th>
                  </tr>
                </thead>
                <tbody className="govuk-table__body">
                  {props.searchResults.map((s) => (
                    <tr className="govuk-table__row" key={String(s.id)}>
                      <td className="govuk-table__cell">{s.name}</td>
                      <td className="govuk-table__cell">{s.scheme && s.identifier ? `${s.scheme} ${s.identifier}` : "–"}</td>
                      <td className="govuk-table__cell">{scaleLabel(s.scale)}</td>
                      <td className="govuk-table__cell">
                        <button type="submit" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" name="intent" value={`add-supplier-${s.id}`}>
                          Add<span className="govuk-visually-hidden"> {s.name}</span>
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          ) : null}
          <p className="govuk-body">
            <button type="submit" className="govuk-button govuk-button--secondary" name="intent" value="add-new-supplier">
              Add a supplier that is not on the register
            </button>
          </p>
        </div>
      ) : null}
    </>
  );
}

export interface AwardView {
  id: string;
  title: string;
  valuePence: bigint | null;
  date: string | null;
  suppliers: string[];
}

export function ContractFields(props: { values: Values; errors: ErrorMap; awards: readonly AwardView[] }) {
  const { values, errors } = props;
  return (
    <>
      <Radios
        id="awardId"
        legend="Award"
        values={values}
        errors={errors}
        options={props.awards.map(
          (a) => [a.id, a.title, `${a.suppliers.join(", ") || "No supplier"} · ${formatPounds(a.valuePence)} · awarded ${formatDate(a.date)}`] as const,
        )}
      />
      <TextInput id="title" label="Contract title (optional)" values={values} errors={errors} hint="The award's title when left empty." />
      <DateInput id="dateSigned" legend="Date signed" values={values} errors={errors} />
      <DateInput id="startDate" legend="Start date" values={values} errors={errors} />
      <DateInput id="endDate" legend="End date" values={values} errors={errors} />
      <MoneyInput id="value" label="Contract value" values={values} errors={errors} hint="Total over the whole contract period, excluding VAT." />
    </>
  );
}

export interface ContractView {
  id: string;
  title: string;
  status: string | null;
  valuePence: bigint | null;
  startDate: string | null;
  endDate: string | null;
}

function contractOptions(contracts: readonly ContractView[]) {
  return contracts.map(
    (c) => [c.id, c.title, `${formatPounds(c.valuePence)} · ${formatDate(c.startDate)} to ${formatDate(c.endDate)}`] as const,
  );
}

export function AmendmentFields(props: { values: Values; errors: ErrorMap; contracts: readonly ContractView[] }) {
  const { values, errors } = props;
  return (
    <>
      <Radios id="contractId" legend="Contract" values={values} errors={errors} options={contractOptions(props.contracts)} />
      <DateInput id="amendmentDate" legend="Date of the amendment" values={values} errors={errors} hint="When the change was agreed. For example, 27 3 2025" />
      <MoneyInput id="newValue" label="New contract value" values={values} errors={errors} hint="Leave empty if the value does not change." />
      <DateInput id="newEndDate" legend="New end date" values={values} errors={errors} hint="Leave empty if the end date does not change. For example, 31 3 2028" />
      <Textarea id="reason" label="Reason for the amendment" values={values} errors={errors} rows={4} hint="Published with the amendment." />
    </>
  );
}

export function TerminationFields(props: { values: Values; errors: ErrorMap; contracts: readonly ContractView[] }) {
  const { values, errors } = props;
  return (
    <>
      <Radios id="contractId" legend="Contract" values={values} errors={errors} options={contractOptions(props.contracts)} />
      <DateInput id="terminationDate" legend="Termination date" values={values} errors={errors} />
      <Textarea id="reason" label="Reason for the termination" values={values} errors={errors} rows={4} hint="Published with the termination." />
    </>
  );
}
