import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { cacheNoLaterThan } from "../server/page-cache.server";
import { cpvLabel } from "../domain/cpv-labels";
import { formatHeadline, formatPounds, formatShare } from "../domain/money";
import { buyerTypeLabel, formatCount, formatDate, formatDateTime, methodLabel, regionLabel } from "../lib/format";
import { getOpportunity } from "../services/opportunities.server";
import { daysLeftText } from "../services/opportunity-filters";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data ? `${data.p.title} – Opportunities – Public Tech Procurement Register` : "Opportunity not found – Public Tech Procurement Register",
  },
];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const ocid = params.ocid ?? "";
  const now = context.now();
  const o = await getOpportunity(context.readDb, ocid, now);
  if (!o) throw new Response(`There is no tender with the identifier “${ocid.slice(0, 200)}” in the register.`, { status: 404 });
  if (o.isOpen) cacheNoLaterThan(context.pageCache, o.p.tender_deadline);
  return { ...o, now: now.toISOString() };
}

function Row({ k, children, testId }: { k: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="govuk-summary-list__row" data-testid={testId}>
      <dt className="govuk-summary-list__key">{k}</dt>
      <dd className="govuk-summary-list__value">{children}</dd>
    </div>
  );
}

const safeUrl = (url: string | null | undefined) => (url && /^https?:\/\//i.test(url) ? url : null);

export default function OpportunityPage() {
  const d = useLoaderData<typeof loader>();
  const { p, state } = d;
  const respondUrl = safeUrl(state.tender.submissionUrl);
  const record = d.smeRecord;
  const stage = !d.isOpen ? "Closed" : p.status === "planned" ? "Upcoming" : "Open for bids";
  return (
    <>
      <span className="govuk-caption-l">{p.buyer_name ?? "Unknown buyer"}</span>
      <h1 className="govuk-heading-l">{p.title}</h1>
      <p className="govuk-body">
        <strong className={`govuk-tag${d.isOpen ? (p.status === "planned" ? " govuk-tag--grey" : " govuk-tag--green") : " govuk-tag--red"}`} data-testid="stage">
          {stage}
        </strong>{" "}
        {p.suitable_sme ? <strong className="govuk-tag govuk-tag--green app-flag">Suitable for SMEs</strong> : null}
        {p.suitable_vcse ? <strong className="govuk-tag govuk-tag--turquoise app-flag">Suitable for VCSEs</strong> : null}
      </p>
      {!d.isOpen ? (
        <div className="govuk-inset-text" data-testid="closed-notice">
          This tender is no longer open for bids
          {p.tender_deadline ? ` (its deadline was ${formatDateTime(p.tender_deadline)})` : ""}.{" "}
          <Link className="govuk-link" to={`/contracts/${encodeURIComponent(p.ocid)}`}>
            See the full contract record
          </Link>
          .
        </div>
      ) : null}

      <h2 className="govuk-heading-m" id="respond">
        How to respond
      </h2>
      <div data-testid="how-to-respond">
        {respondUrl ? (
          <p className="govuk-body">
            <a className="govuk-link govuk-!-font-weight-bold" href={respondUrl} rel="noreferrer nofollow">
              Respond on the buyer's tender site<span className="govuk-visually-hidden">: {p.title}</span>
            </a>
          </p>
        ) : (
          <p className="govuk-body">The notice gives no link for responses. Contact the buyer to ask how to take part.</p>
        )}
        {d.submissionMethodDetails && d.submissionMethodDetails !== respondUrl ? <p className="govuk-body">{d.submissionMethodDetails}</p> : null}
        {d.contact.name || d.contact.email || d.contact.telephone ? (
          <p className="govuk-body">
            Contact: {d.contact.name ?? ""}
            {d.contact.email ? (
              <>
                {d.contact.name ? ", " : ""}
                <a className="govuk-link" href={`mailto:${d.contact.email}`}>
                  {d.contact.email}
                </a>
              </>
            ) : null}
            {d.contact.telephone ? `, ${d.contact.telephone}` : ""}
          </p>
        ) : null}
        <p className="govuk-body-s app-muted">This register does not take bids: it shows what buyers publish. Always check the buyer's own notice.</p>
      </div>

      <h2 className="govuk-heading-m">Key dates</h2>
      <dl className="govuk-summary-list" data-testid="key-dates">
        <Row k="Published">{formatDate(state.tender.publishedAt ?? p.tender_published_at)}</Row>
        {state.tender.startDate ? <Row k="Submissions open">{formatDate(state.tender.startDate)}</Row> : null}
        {d.enquiryDeadline ? <Row k="Deadline for questions">{formatDateTime(d.enquiryDeadline)}</Row> : null}
        <Row k="Submission deadline" testId="deadline">
          {p.tender_deadline ? formatDateTime(p.tender_deadline) : "Not published"}
          {d.isOpen ? <strong className="govuk-body-s"> – {daysLeftText(d.daysLeft)}</strong> : null}
        </Row>
        {state.startDate || state.endDate ? (
          <Row k="Expected contract period">
            {formatDate(state.startDate)} to {formatDate(state.endDate)}
          </Row>
        ) : null}
      </dl>

      <h2 className="govuk-heading-m">Summary</h2>
      <dl className="govuk-summary-list" data-testid="summary">
        <Row k="Buyer">
          {p.buyer_id !== null ? (
            <Link className="govuk-link" to={`/buyers/${p.buyer_id}`}>
              {p.buyer_name}
            </Link>
          ) : (
            (p.buyer_name ?? "Not given")
          )}
          <br />
          <span className="app-muted">
            {buyerTypeLabel(p.buyer_type)}, {regionLabel(p.buyer_region)}
          </span>
        </Row>
        <Row k="Estimated value">
          {p.tender_value_pence !== null ? formatPounds(p.tender_value_pence) : "Not given"}
          {p.currency && p.currency !== "GBP" ? ` (${p.currency})` : ""}
        </Row>
        <Row k="Procedure">{methodLabel(p.procurement_method)}{p.procurement_method_details ? ` (${p.procurement_method_details})` : ""}</Row>
        <Row k="Categories (CPV)">
          {state.cpvCodes.length === 0 ? (
            "Not given"
          ) : (
            <ul className="govuk-list">
              {state.cpvCodes.map((c) => (
                <li key={c.code}>
                  <Link className="govuk-link" to={`/opportunities?cpv=${c.code}`}>
                    {c.code}
                  </Link>{" "}
                  {cpvLabel(c.code) ?? c.label ?? ""}
                </li>
              ))}
            </ul>
          )}
        </Row>
        <Row k="Suitable for">
          {[p.suitable_sme ? "SMEs" : null, p.suitable_vcse ? "VCSEs" : null].filter(Boolean).join(" and ") || "Not stated"}
        </Row>
        <Row k="Open Contracting ID">
          <code>{p.ocid}</code>
        </Row>
      </dl>

      <h2 className="govuk-heading-m">Description</h2>
      <p className="govuk-body" style={{ whiteSpace: "pre-line" }} data-testid="description">
        {p.description ?? "The buyer published no description."}
      </p>

      <h2 className="govuk-heading-m">Lots</h2>
      {state.tender.lots.length === 0 ? (
        <p className="govuk-body" data-testid="lots">
          This tender is not divided into lots.
        </p>
      ) : (
        <table className="govuk-table" data-testid="lots">
          <caption className="govuk-table__caption govuk-table__caption--s">{state.tender.lots.length} lots</caption>
          <thead className="govuk-table__head">
            <tr className="govuk-table__row">
              <th scope="col" className="govuk-table__header">
                Lot
              </th>
              <th scope="col" className="govuk-table__header">
                Description
              </th>
              <th scope="col" className="govuk-table__header app-num">
                Value
              </th>
            </tr>
          </thead>
          <tbody className="govuk-table__body">
            {state.tender.lots.map((lot) => (
              <tr key={lot.id} className="govuk-table__row">
                <td className="govuk-table__cell">{lot.title ?? `Lot ${lot.id}`}</td>
                <td className="govuk-table__cell">{lot.description ?? "–"}</td>
                <td className="govuk-table__cell app-num">{lot.valuePence !== null ? formatPounds(lot.valuePence) : "Not given"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 className="govuk-heading-m">Documents</h2>
      {state.documents.length === 0 ? (
        <p className="govuk-body" data-testid="documents">
          No documents were published with this notice.
        </p>
      ) : (
        <ul className="govuk-list" data-testid="documents">
          {state.documents.map((doc) => (
            <li key={`${doc.id}-${doc.url ?? ""}`}>
              {safeUrl(doc.url) ? (
                <a className="govuk-link" href={safeUrl(doc.url)!} rel="noreferrer nofollow">
                  {doc.title ?? doc.url}
                </a>
              ) : (
                (doc.title ?? doc.id)
              )}
              {doc.datePublished ? <span className="app-muted"> – {formatDate(doc.datePublished)}</span> : null}
            </li>
          ))}
        </ul>
      )}

      <h2 className="govuk-heading-m">This buyer's record with SMEs</h2>
      <div data-testid="sme-record">
        {record?.available ? (
          <>
            <p className="govuk-body">
              <span className="app-headline__value">{formatShare(record.share)}</span>
              of the value {p.buyer_name ?? "this buyer"} has awarded to suppliers of known size went to small and medium-sized enterprises
              ({formatHeadline(record.smeValuePence)} of {formatHeadline(record.knownValuePence)}, across {formatCount(record.contracts)}{" "}
              {record.contracts === 1 ? "contract" : "contracts"}, all years).
            </p>
            <p className="govuk-body-s app-muted">
              {record.unknownValuePence > 0n
                ? `${formatHeadline(record.unknownValuePence)} went to suppliers whose size is not known and is left out; ${formatShare(record.coverage)} of the value is to suppliers of known size.`
                : "Every supplier's size is known."}
              {record.uncertain ? " With so little known, treat this share as uncertain." : ""} SME share as defined on the{" "}
              <Link className="govuk-link" to="/methodology">
                methodology page
              </Link>
              {p.buyer_id !== null ? (
                <>
                  ; see the{" "}
                  <Link className="govuk-link" to={`/dashboards/sme?buyer=${p.buyer_id}`}>
                    SME dashboard for this buyer
                  </Link>
                </>
              ) : null}
              .
            </p>
          </>
        ) : (
          <p className="govuk-body">
            Not available: the register holds no award by this buyer to a supplier of known size, so its SME share cannot be worked out.
          </p>
        )}
      </div>
      <p className="govuk-body">
        <Link className="govuk-link" to={`/contracts/${encodeURIComponent(p.ocid)}`}>
          Full contract record and its history
        </Link>
      </p>
    </>
  );
}
