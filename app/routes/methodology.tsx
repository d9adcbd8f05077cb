import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { describeAllRules, FLAG_DISCLAIMER } from "../domain/flags";
import { HHI_HIGHLY_CONCENTRATED_ABOVE } from "../domain/metrics/concentration";
import { configuredSettings, METRICS_ENV_VARS } from "../domain/metrics/config";
import { CPV_PREFIX_LABELS } from "../domain/metrics/consultancy";
import { metricDefinitions, percent } from "../domain/metrics/definitions";
import { fyLabel } from "../domain/metrics/fy";
import { spendLinesDefinition } from "../domain/metrics/spend-lines";
import { DEFAULT_POLICY_CONFIG, policyDefinitions } from "../domain/metrics/policy";
import { DEFAULT_SECTOR_BY_BUYER_TYPE, DEFAULT_SECTOR_BY_CPV } from "../domain/sectors";
import { TRANSPARENCY_DOCUMENT_TYPES, TRANSPARENCY_KIND_LABELS } from "../domain/sensitive";
import { BUYER_TYPE_LABELS } from "../lib/format";
import { SENSITIVE_SECTORS, type BuyerType, type SensitiveSector } from "../domain/types";
import { sameConsultancyConfig, storedConsultancyConfig } from "../services/consultancy-recompute.server";
import { getFlagConfig } from "../services/flags.server";
import { metricsConfigOf } from "../services/metrics-config.server";

export const meta: MetaFunction = () => [{ title: "Methodology – Public Tech Procurement Register" }];

/** Everything on this page comes from the modules that compute the figures, with the configuration in force. */
export async function loader({ context }: LoaderFunctionArgs) {
  // The metric configuration loaded at start (METRICS_CONFIG, METRICS_*), and the red-flag
  // thresholds the stored flags were computed with (set by the last flags:recompute).
  const config = metricsConfigOf(context);
  const [flagConfig, storedConsultancy] = await Promise.all([getFlagConfig(context.readDb), storedConsultancyConfig(context.readDb)]);
  const configured = configuredSettings(config);
  const mark = (setting: string, value: string) => `${value}${configured.has(setting) ? " (configured)" : " (default)"}`;
  const definitions = metricDefinitions(config);
  const spend = spendLinesDefinition();
  const sections = [...definitions.slice(0, 2), spend, ...definitions.slice(2), ...policyDefinitions(DEFAULT_POLICY_CONFIG)];
  return {
    sections,
    settings: [
      ["SME target", mark("smeTarget", percent(config.smeTarget))],
      ["Buyers with their own SME target", String(Object.keys(config.smeTargetsByBuyer).length)],
      ["A share is uncertain when its coverage is under", mark("uncertainCoverageBelow", percent(config.uncertainCoverageBelow))],
      ["Consultancy CPV prefixes", mark("consultancy.prefixes", config.consultancy.prefixes.join(", ") || "none")],
      ["Never consultancy (contingent labour)", mark("consultancy.excludedPrefixes", config.consultancy.excludedPrefixes.join(", ") || "none")],
      ["Pledge baseline", mark("pledge.baseline", `${fyLabel(config.pledge.baselineFrom)} to ${fyLabel(config.pledge.baselineTo)}`)],
      ["Pledge target year", mark("pledge.targetFy", fyLabel(config.pledge.targetFy))],
      ["Concentration: top N", mark("concentrationTopN", String(config.concentrationTopN))],
      ["Highly concentrated above (HHI)", HHI_HIGHLY_CONCENTRATED_ABOVE.toLocaleString("en-GB")],
      ["Countries counted as UK-registered", DEFAULT_POLICY_CONFIG.ukCountryCodes.join(", ")],
      ["Cloud CPV prefixes", DEFAULT_POLICY_CONFIG.cpvFamilies.cloud.prefixes.join(", ")],
      ["Software CPV prefixes", DEFAULT_POLICY_CONFIG.cpvFamilies.software.prefixes.join(", ")],
      ["Co-operative target: types counted", DEFAULT_POLICY_CONFIG.socialEconomy.types.join(", ")],
      ["Co-operative target: baseline year", fyLabel(DEFAULT_POLICY_CONFIG.socialEconomy.baselineFy)],
      ["Co-operative target: multiple of the baseline share", String(DEFAULT_POLICY_CONFIG.socialEconomy.multiplier)],
    ] as Array<[string, string]>,
    buyerTargets: Object.entries(config.smeTargetsByBuyer)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([buyer, target]) => [buyer, percent(target)] as [string, string]),
    variables: Object.entries(METRICS_ENV_VARS) as Array<[string, string]>,
    /** The stored classification was made with other prefixes than those in force (until consultancy:recompute runs). */
    consultancyStale: sameConsultancyConfig(storedConsultancy, config.consultancy)
      ? null
      : { prefixes: storedConsultancy.prefixes.join(", ") || "none", excluded: storedConsultancy.excludedPrefixes.join(", ") || "none" },
    prefixes: config.consultancy.prefixes.map((p) => [p, CPV_PREFIX_LABELS[p] ?? "(a configured prefix: see the CPV list)"] as [string, string]),
    rules: describeAllRules(flagConfig),
    disclaimer: FLAG_DISCLAIMER,
    sectorCpv: DEFAULT_SECTOR_BY_CPV.map((r) => [r.prefix, r.label, SENSITIVE_SECTORS[r.sector]] as [string, string, string]),
    transparencyTypes: Object.entries(TRANSPARENCY_DOCUMENT_TYPES).map(([t, k]) => [t, TRANSPARENCY_KIND_LABELS[k]] as [string, string]),
    sectors: Object.entries(DEFAULT_SECTOR_BY_BUYER_TYPE).map(
      ([type, sector]) => [BUYER_TYPE_LABELS[type as BuyerType], SENSITIVE_SECTORS[sector as SensitiveSector]] as [string, string],
    ),
  };
}

export default function Methodology() {
  const d = useLoaderData<typeof loader>();
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <h1 className="govuk-heading-xl">How the figures are calculated</h1>
        <p className="govuk-body-l">
          The definitions below are generated from the same code and configuration that compute every figure on this site, so they always show
          the values in force.
        </p>
        <nav aria-labelledby="contents-title" className="govuk-!-margin-bottom-8">
          <h2 className="govuk-heading-s" id="contents-title">
            Contents
          </h2>
          <ol className="govuk-list govuk-list--number">
            <li>
              <a className="govuk-link" href="#settings">
                Settings in force
              </a>
            </li>
            {d.sections.map((s) => (
              <li key={s.id}>
                <a className="govuk-link" href={`#${s.id}`}>
                  {s.title}
                </a>
              </li>
            ))}
            <li>
              <a className="govuk-link" href="#red-flags">
                Red flags
              </a>
            </li>
            <li>
              <a className="govuk-link" href="#sensitive-sectors">
                Sensitive sectors
              </a>
            </li>
          </ol>
        </nav>
        <section aria-labelledby="settings">
          <h2 className="govuk-heading-l" id="settings">
            Settings in force
          </h2>
          <dl className="govuk-summary-list" data-testid="settings">
            {d.settings.map(([k, v]) => (
              <div key={k} className="govuk-summary-list__row">
                <dt className="govuk-summary-list__key">{k}</dt>
                <dd className="govuk-summary-list__value">{v}</dd>
              </div>
            ))}
          </dl>
          {d.buyerTargets.length > 0 ? (
            <table className="govuk-table app-table--compact" data-testid="buyer-targets">
              <caption className="govuk-table__caption govuk-table__caption--s">Buyers' own SME targets in force</caption>
              <thead className="govuk-table__head">
                <tr className="govuk-table__row">
                  <th scope="col" className="govuk-table__header">
                    Buyer (register id or organisation identifier)
                  </th>
                  <th scope="col" className="govuk-table__header app-num">
                    SME target
                  </th>
                </tr>
              </thead>
              <tbody className="govuk-table__body">
                {d.buyerTargets.map(([buyer, target]) => (
                  <tr key={buyer} className="govuk-table__row">
                    <td className="govuk-table__cell">{buyer}</td>
                    <td className="govuk-table__cell app-num">{target}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <details className="govuk-details">
            <summary className="govuk-details__summary">
              <span className="govuk-details__summary-text">How these settings are configured</span>
            </summary>
            <div className="govuk-details__text">
              <p className="govuk-body">
                The register reads them once when it starts, from these environment variables; a setting marked (default) is not set. A bad value
                stops the register from starting, with a message naming it.
              </p>
              <dl className="govuk-summary-list" data-testid="metrics-variables">
                {d.variables.map(([name, what]) => (
                  <div key={name} className="govuk-summary-list__row">
                    <dt className="govuk-summary-list__key">
                      <code>{name}</code>
                    </dt>
                    <dd className="govuk-summary-list__value">{what}</dd>
                  </div>
                ))}
              </dl>
            </div>
          </details>
        </section>
        {d.sections.map((s) => (
          <section key={s.id} aria-labelledby={s.id}>
            <h2 className="govuk-heading-l" id={s.id}>
              {s.title}
            </h2>
            {s.body.map((p) => (
              <p key={p} className="govuk-body">
                {p}
              </p>
            ))}
            {s.id === "consultancy" && d.consultancyStale ? (
              <div className="govuk-warning-text" data-testid="consultancy-stale">
                <span className="govuk-warning-text__icon" aria-hidden="true">
                  !
                </span>
                <strong className="govuk-warning-text__text">
                  <span className="govuk-visually-hidden">Warning</span>
                  The contracts in the register were classified with other prefixes ({d.consultancyStale.prefixes}; never:{" "}
                  {d.consultancyStale.excluded}) than those in force, until the classification is run again (npm run consultancy:recompute).
                </strong>
              </div>
            ) : null}
            {s.id === "consultancy" ? (
              <table className="govuk-table app-table--compact">
                <caption className="govuk-table__caption govuk-table__caption--s">Consultancy CPV prefixes in force</caption>
                <thead className="govuk-table__head">
                  <tr className="govuk-table__row">
                    <th scope="col" className="govuk-table__header">
                      Prefix
                    </th>
                    <th scope="col" className="govuk-table__header">
                      Covers
                    </th>
                  </tr>
                </thead>
                <tbody className="govuk-table__body">
                  {d.prefixes.map(([p, label]) => (
                    <tr key={p} className="govuk-table__row">
                      <td className="govuk-table__cell">{p}</td>
                      <td className="govuk-table__cell">{label}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </section>
        ))}
        <section aria-labelledby="red-flags">
          <h2 className="govuk-heading-l" id="red-flags">
            Red flags
          </h2>
          <div className="govuk-warning-text">
            <span className="govuk-warning-text__icon" aria-hidden="true">
              !
            </span>
            <strong className="govuk-warning-text__text">
              <span className="govuk-visually-hidden">Warning</span>
              {d.disclaimer}
            </strong>
          </div>
          <p className="govuk-body">
            Each flag is a named rule with a plain-language explanation, a threshold (configuration, shown here as in force) and the evidence it
            used, shown on each contract's page. See the <Link className="govuk-link" to="/watch">red flags</Link>.
          </p>
          <dl className="govuk-summary-list" data-testid="flag-rules">
            {d.rules.map((r) => (
              <div key={r.code} className="govuk-summary-list__row" id={`flag-${r.code}`}>
                <dt className="govuk-summary-list__key">{r.title}</dt>
                <dd className="govuk-summary-list__value">
                  <p className="govuk-body">{r.explanation}</p>
                  <p className="govuk-body govuk-!-margin-bottom-0">
                    <strong>Threshold in force:</strong> {r.threshold}
                  </p>
                </dd>
              </div>
            ))}
          </dl>
        </section>
        <section aria-labelledby="sensitive-sectors">
          <h2 className="govuk-heading-l" id="sensitive-sectors">
            Sensitive sectors
          </h2>
          <p className="govuk-body">
            A contract is in a sensitive sector when its publisher says so. Otherwise the type of buyer implies one, as follows; other buyers imply
            none. The rule is configuration.
          </p>
          <table className="govuk-table app-table--compact" data-testid="sector-rule">
            <caption className="govuk-table__caption govuk-table__caption--s">Sector implied by the type of buyer</caption>
            <thead className="govuk-table__head">
              <tr className="govuk-table__row">
                <th scope="col" className="govuk-table__header">
                  Type of buyer
                </th>
                <th scope="col" className="govuk-table__header">
                  Sensitive sector
                </th>
              </tr>
            </thead>
            <tbody className="govuk-table__body">
              {d.sectors.map(([type, sector]) => (
                <tr key={type} className="govuk-table__row">
                  <td className="govuk-table__cell">{type}</td>
                  <td className="govuk-table__cell">{sector}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="govuk-body">
            When neither the publisher nor the type of buyer gives a sector, the contract's CPV codes may: the first code (the main code first) that
            starts with one of these prefixes decides, the longest prefix winning. Generic technology (cloud, networks, office software, training)
            implies no sector, and immigration has no CPV code of its own, so only a publisher's tag puts a contract there. The CPV rule is this
            register's own proxy, and configuration.
          </p>
          <table className="govuk-table app-table--compact" data-testid="sector-cpv-rule">
            <caption className="govuk-table__caption govuk-table__caption--s">Sector implied by a CPV code</caption>
            <thead className="govuk-table__head">
              <tr className="govuk-table__row">
                <th scope="col" className="govuk-table__header">
                  CPV prefix
                </th>
                <th scope="col" className="govuk-table__header">
                  Covers
                </th>
                <th scope="col" className="govuk-table__header">
                  Sensitive sector
                </th>
              </tr>
            </thead>
            <tbody className="govuk-table__body">
              {d.sectorCpv.map(([prefix, label, sector]) => (
                <tr key={prefix} className="govuk-table__row">
                  <td className="govuk-table__cell">{prefix}</td>
                  <td className="govuk-table__cell">{label}</td>
                  <td className="govuk-table__cell">{sector}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="govuk-body">
            The <Link className="govuk-link" to="/sensitive">sensitive-sector technology register</Link> lists every such contract and says whether
            the buyer published a data protection impact assessment or an algorithmic transparency record: a document of one of these OCDS{" "}
            <code>documentType</code> values (matched exactly) attached to any release of the contract — planning, tender, award or contract. The OCDS
            codelist has no code for either, so publishers use extension codes. Its value is the current value (after amendments) in pounds sterling;
            contracts not yet awarded, or in other currencies, are counted but add no value, and its coverage line says how many contracts and how
            much value have no CPV code or no known supplier.
          </p>
          <table className="govuk-table app-table--compact" data-testid="transparency-document-types">
            <caption className="govuk-table__caption govuk-table__caption--s">Document types that count as a transparency document</caption>
            <thead className="govuk-table__head">
              <tr className="govuk-table__row">
                <th scope="col" className="govuk-table__header">
                  documentType
                </th>
                <th scope="col" className="govuk-table__header">
                  Counts as
                </th>
              </tr>
            </thead>
            <tbody className="govuk-table__body">
              {d.transparencyTypes.map(([type, kind]) => (
                <tr key={type} className="govuk-table__row">
                  <td className="govuk-table__cell">
                    <code>{type}</code>
                  </td>
                  <td className="govuk-table__cell">{kind}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </div>
  );
}
