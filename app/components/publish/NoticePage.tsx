/** A notice form page: loader data (and the last post's data) → the right fields in the shared frame. */
import type { FieldErrorLike } from "./fields";
import { errorMap } from "./fields";
import { NoticeForm } from "./NoticeForm";
import { AmendmentFields, AwardFields, ContractFields, type SupplierChoiceView, TenderFields, TerminationFields } from "./notice-fields";

type Kind = "tender" | "tenderUpdate" | "award" | "contract" | "amendment" | "termination";

export interface NoticeLoaderData {
  kind: Kind;
  csrf: string;
  process: {
    ocid: string;
    title: string;
    buyerName: string;
    status: string;
    releaseCount: number;
    currentValuePence: bigint | null;
    endDate: string | null;
    closed: string | null;
    lots: Array<{ id: string; title: string }>;
    awards: Array<{ id: string; title: string; valuePence: bigint | null; date: string | null; suppliers: string[] }>;
    awardsWithoutContract: string[];
    contracts: Array<{ id: string; title: string; status: string | null; valuePence: bigint | null; startDate: string | null; endDate: string | null }>;
    liveContracts: string[];
  } | null;
  buyers: Array<{ id: string; name: string }>;
  values: Record<string, string>;
  errors: FieldErrorLike[];
  draftId: string | null;
  basedOn: number | null;
  suppliers: SupplierChoiceView[];
  reason: string | null;
}

export interface NoticeActionData {
  values: Record<string, string>;
  errors: FieldErrorLike[];
  draftId: string;
  searchResults?: SupplierChoiceView[];
  searched?: string;
  suppliers: SupplierChoiceView[];
  saved?: boolean;
}

const TITLES: Record<Kind, string> = {
  tender: "Publish a tender notice",
  tenderUpdate: "Correct the tender notice",
  award: "Publish an award",
  contract: "Publish contract details",
  amendment: "Amend the contract",
  termination: "Terminate the contract",
};

export const noticeTitle = (kind: Kind) => TITLES[kind];

export function NoticePage({ d, a, action }: { d: NoticeLoaderData; a: NoticeActionData | undefined; action: string }) {
  const values = a?.values ?? d.values;
  const errorsList = a?.errors ?? d.errors;
  const errors = errorMap(errorsList);
  const p = d.process;
  let body: React.ReactNode;
  let blocked: string | null = null;
  switch (d.kind) {
    case "tender":
    case "tenderUpdate":
      body = <TenderFields values={values} errors={errors} buyers={d.kind === "tender" ? d.buyers : null} correction={d.kind === "tenderUpdate"} />;
      break;
    case "award":
      if (p?.closed) blocked = `${p.closed} No award can be published for it.`;
      body = (
        <AwardFields
          values={values}
          errors={errors}
          lots={p?.lots ?? []}
          suppliers={a?.suppliers ?? d.suppliers}
          searchResults={a?.searchResults ?? null}
          searched={a?.searched ?? null}
        />
      );
      break;
    case "contract": {
      const awards = (p?.awards ?? []).filter((x) => p?.awardsWithoutContract.includes(x.id));
      if (awards.length === 0) blocked = "Every award of this procurement already has its contract (or none is published yet): publish an award first, or amend the contract.";
      body = <ContractFields values={values} errors={errors} awards={awards} />;
      break;
    }
    case "amendment":
    case "termination": {
      const contracts = (p?.contracts ?? []).filter((c) => p?.liveContracts.includes(c.id));
      if (contracts.length === 0) blocked = "This procurement has no contract in force: publish the contract details first.";
      body =
        d.kind === "amendment" ? (
          <AmendmentFields values={values} errors={errors} contracts={contracts} />
        ) : (
          <TerminationFields values={values} errors={errors} contracts={contracts} />
        );
      break;
    }
  }
  if (blocked) {
    return (
      <div className="govuk-grid-row">
        <div className="govuk-grid-column-two-thirds">
          <h1 className="govuk-heading-l">{TITLES[d.kind]}</h1>
          <p className="govuk-body" data-testid="blocked">
            {blocked}
          </p>
          {p ? (
            <p className="govuk-body">
              <a className="govuk-link" href={`/publish/${encodeURIComponent(p.ocid)}`}>
                Back to the procurement
              </a>
            </p>
          ) : null}
        </div>
      </div>
    );
  }
  return (
    <NoticeForm
      caption={p ? p.buyerName : "New procurement"}
      title={TITLES[d.kind]}
      action={action}
      csrf={d.csrf}
      draftId={a?.draftId ?? d.draftId}
      basedOn={d.basedOn}
      errors={errorsList}
      process={p}
      reason={d.reason}
      saved={a?.saved ?? false}
    >
      {body}
    </NoticeForm>
  );
}
