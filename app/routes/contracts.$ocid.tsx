import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { cacheNoLaterThan } from "../server/page-cache.server";
import { getProcess, getProcessReleases, getProcessSuppliers } from "../../db/queries/register";
import { FlagList } from "../components/FlagList";
import { getContractFlags } from "../services/flags.server";
import { cpvLabel } from "../domain/cpv-labels";
import { describeConsultancyRule } from "../domain/metrics/consultancy";
import { fyLabel } from "../domain/metrics/fy";
import { formatPounds } from "../domain/money";
import { compileReleases } from "../domain/ocds/compile";
import { diffCompiled } from "../domain/release-diff";
import { mapCompiledRelease } from "../domain/ocds/map";
import type { OcdsRelease } from "../domain/types";
import {
  buyerTypeLabel,
  formatCount,
  formatDate,
  formatDateTime,
  methodLabel,
  missionLabel,
  regionLabel,
  scaleLabel,
  sectorLabel,
  statusLabel,
} from "../lib/format";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.p.title} – Public Tech Procurement Register` : "Contract not found – Public Tech Procurement Register" },
];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const ocid = params.ocid ?? "";
  const p = await getProcess(context.readDb, ocid);
  if (!p) throw new Response(`There is no contract with the identifier “${ocid.slice(0, 200)}” in the register.`, { status: 404 });
  // An open tender's page says "open" until its deadline: the page cache keeps it no longer.
  if (p.status === "open") cacheNoLaterThan(context.pageCache, p.tender_deadline);
  const [releases, suppliers, flags] = await Promise.all([
    getProcessReleases(context.readDb, ocid),
    getProcessSuppliers(context.readDb, ocid),
    getContractFlags(context.readDb, ocid),
  ]);
  const raws = releases.map((r) => r.data as unknown as OcdsRelease);
  const state = mapCompiledRelease(compileReleases(raws), raws);
  let prev: unknown = {};
  const history = releases.map((r, i) => {
    const compiled = compileReleases(raws.slice(0, i + 1));
    const changes = diffCompiled(prev, compiled, 60);
    prev = compiled;
    return {
      id: r.release_id,
      date: r.date,
      tags: r.tags,
      source: r.source.startsWith("publish:") ? "Published in this register" : r.source === "demo" ? "Demonstration data" : "Imported",
      changes,
    };
  });
  const { search: _s, ...row } = p;
  return { p: row, state, suppliers, flags, history, now: context.now().toISOString() };
}

function Row({ k, children }: { k: string; children: React.ReactNode }) {
  return (
    <div className="govuk-summary-list__row">
      <dt className="govuk-summary-list__key">{k}</dt>
      <dd className="govuk-summary-list__value">{children}</dd>
    </div>
  );
}

export default function ContractPage() {
  const { p, state, suppliers, flags, history, now } = useLoaderData<typeof loader>();
  const open = p.status === "open" && (!p.tender_deadline || new Date(p.tender_deadline) > new Date(now));
  const status = p.status === "open" && !open ? "closed" : p.status;
  const valueChanged =
    p.original_value_pence !== null && p.current_value_pence !== null && p.original_value_pence !== p.current_value_pence;
  return (
    <>
      <span className="govuk-caption-l">{p.buyer_name ?? "Unknown buyer"}</span>
      <h1 className="govuk-heading-l">{p.title}</h1>
      <p className="govuk-body">
        <strong className="govuk-tag">{statusLabel(status)}</strong>{" "}
        {p.consultancy ? <strong className="govuk-tag govuk-tag--purple">Consultancy</strong> : null}
      </p>
      {p.description ? <p className="govuk-body" style={{ whiteSpace: "pre-line" }}>{p.description}</p> : null}

      <h2 className="govuk-heading-m">Summary</h2>
      <dl className="govuk-summary-list" data-testid="summary">
        <Row k="Buyer">
          {p.buyer_id ? (
            <Link className="govuk-link" to={`/buyers/${p.buyer_id}`}>
              {p.buyer_name}
            </Link>
          ) : (
            (p.buyer_name ?? "Not given")
          )}
          <br />
          <span className="app-muted">
            {buyerTypeLabel(p.buyer_type)}
            {p.buyer_region ? `, ${regionLabel(p.buyer_region)}` : ""}
          </span>
        </Row>
        <Row k="Suppliers">
          {suppliers.length === 0 ? (
            "None awarded yet"
          ) : (
            <ul className="govuk-list">
              {suppliers.map((s) => (
                <li key={`${s.award_id}-${s.position}`}>
                  <Link className="govuk-link" to={`/suppliers/${s.id}`}>
                    {s.name}
                  </Link>{" "}
                  <span className="app-muted">
                    – {scaleLabel(s.scale)}
                    {s.org_type === "vcse" ? ", VCSE" : s.org_type === "cooperative" ? ", co-operative or mutual" : ""}
                    {s.scheme && s.identifier ? `, ${s.scheme} ${s.identifier}` : ""}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Row>
        <Row k="Original value">{formatPounds(p.original_value_pence)}{p.currency && p.currency !== "GBP" ? ` (${p.currency}, not in GBP totals)` : ""}</Row>
        <Row k="Current value">
          {formatPounds(p.current_value_pence)}
          {valueChanged && p.original_value_pence && p.current_value_pence ? (
            <span className="app-muted">
              {" "}
              ({p.current_value_pence > p.original_value_pence ? "up" : "down"}{" "}
              {formatPounds(p.current_value_pence > p.original_value_pence ? p.current_value_pence - p.original_value_pence : p.original_value_pence - p.current_value_pence)} after amendment)
            </span>
          ) : null}
        </Row>
        {p.tender_value_pence !== null ? <Row k="Estimated value at tender">{formatPounds(p.tender_value_pence)}</Row> : null}
        <Row k="Award date">
          {formatDate(p.award_date)}
          {p.award_fy !== null ? <span className="app-muted"> (financial year {fyLabel(p.award_fy)})</span> : null}
        </Row>
        <Row k="Contract period">
          {p.start_date || p.end_date ? `${formatDate(p.start_date)} to ${formatDate(p.end_date)}` : "Not given"}
        </Row>
        {p.terminated_at ? <Row k="Terminated">{formatDate(p.terminated_at)}{state.terminationReason ? ` – ${state.terminationReason}` : ""}</Row> : null}
        {p.tender_deadline ? <Row k="Submission deadline">{formatDateTime(p.tender_deadline)}</Row> : null}
        <Row k="Procedure">
          {methodLabel(p.procurement_method)}
          {p.procurement_method_details ? <span className="app-muted"> ({p.procurement_method_details})</span> : null}
          {state.procurementMethodRationale ? (
            <>
              <br />
              Justification: {state.procurementMethodRationale}
            </>
          ) : null}
        </Row>
        <Row k="Bids received">{p.number_of_tenderers ?? "Not published"}</Row>
        <Row k="Suitable for">
          {[p.suitable_sme ? "SMEs" : null, p.suitable_vcse ? "VCSEs" : null].filter(Boolean).join(" and ") || "Not stated"}
        </Row>
        <Row k="Categories (CPV)">
          <ul className="govuk-list">
            {state.cpvCodes.map((c) => (
              <li key={c.code}>
                <Link className="govuk-link" to={`/contracts?cpv=${c.code}`}>
                  {c.code}
                </Link>{" "}
                {cpvLabel(c.code) ?? c.label ?? ""}
              </li>
            ))}
          </ul>
        </Row>
        <Row k="Consultancy">
          {p.consultancy ? "Yes" : "No"} <span className="app-muted">– {describeConsultancyRule(p.consultancy_rule, null)}</span>
        </Row>
        {p.missions.length ? <Row k="Government missions">{p.missions.map(missionLabel).join("; ")}</Row> : null}
        {p.sensitive_sector ? <Row k="Sensitive sector">{sectorLabel(p.sensitive_sector)}</Row> : null}
        <Row k="Open Contracting ID">
          <code>{p.ocid}</code>
        </Row>
      </dl>

      <FlagList flags={flags} />

      {state.documents.length ? (
        <>
          <h2 className="govuk-heading-m">Documents</h2>
          <ul className="govuk-list">
            {state.documents.map((d) => (
              <li key={d.id}>
                {d.url && /^https?:\/\//.test(d.url) ? (
                  <a className="govuk-link" href={d.url} rel="noreferrer nofollow">
                    {d.title ?? d.url}
                  </a>
                ) : (
                  (d.title ?? d.id)
                )}{" "}
                {d.documentType ? <span className="app-muted">({d.documentType})</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2 className="govuk-heading-m" id="history">
        History: {formatCount(history.length)} {history.length === 1 ? "release" : "releases"}
      </h2>
      <p className="govuk-body">
        Each release is published once and never edited; a change is a new release. The current state above is compiled from them.{" "}
        <a className="govuk-link" href={`/api/v1/ocds/records/${encodeURIComponent(p.ocid)}`}>
          Open Contracting data (JSON record)
        </a>
      </p>
      <ol className="govuk-list app-history" data-testid="history">
        {history.map((h) => (
          <li key={h.id} className="app-history__item">
            <h3 className="govuk-heading-s govuk-!-margin-bottom-1">
              {formatDateTime(h.date)} – {h.tags.join(", ")}
            </h3>
            <p className="govuk-body-s app-muted govuk-!-margin-bottom-1">
              Release <code>{h.id}</code> · {h.source}
            </p>
            {h.changes.length ? (
              <details className="govuk-details govuk-!-margin-bottom-0">
                <summary className="govuk-details__summary">
                  <span className="govuk-details__summary-text">What this release changed ({h.changes.length === 60 ? "first 60" : h.changes.length} fields)</span>
                </summary>
                <div className="govuk-details__text">
                  <table className="govuk-table app-diff">
                    <thead className="govuk-table__head">
                      <tr className="govuk-table__row">
                        <th scope="col" className="govuk-table__header">Field</th>
                        <th scope="col" className="govuk-table__header">Before</th>
                        <th scope="col" className="govuk-table__header">After</th>
                      </tr>
                    </thead>
                    <tbody className="govuk-table__body">
                      {h.changes.map((c) => (
                        <tr key={c.path} className="govuk-table__row">
                          <td className="govuk-table__cell"><code>{c.path}</code></td>
                          <td className="govuk-table__cell">{c.before?.slice(0, 200) ?? "–"}</td>
                          <td className="govuk-table__cell">{c.after?.slice(0, 200) ?? "–"}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            ) : (
              <p className="govuk-body-s">No change to the compiled state.</p>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}
