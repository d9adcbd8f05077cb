import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PairsTable } from "../components/PairsTable";
import { describeAllRules, FLAG_DISCLAIMER } from "../domain/flags";
import { HHI_HIGHLY_CONCENTRATED_ABOVE } from "../domain/metrics/concentration";
import { configuredSettings, METRICS_ENV_VARS } from "../domain/metrics/config";
import { CPV_PREFIX_LABELS } from "../domain/metrics/consultancy";
import { metricDefinitions, percent } from "../domain/metrics/definitions";
import { fyLabel } from "../domain/metrics/fy";
import { spendLinesDefinition } from "../domain/metrics/spend-lines";
import { DEFAULT_POLICY_CONFIG, policyDefinitions } from "../domain/metrics/policy";
import { CPV_LABEL_FAMILIES, cpvLabel } from "../domain/cpv-labels";
import { AREA_REGIONS, areasByRegion, DISTRICT_REGIONS, NON_ITL_AREAS } from "../domain/postcode-regions";
import { DEFAULT_SECTOR_CONFIG, isTechnology } from "../domain/sectors";
import { TRANSPARENCY_DOCUMENT_TYPES, TRANSPARENCY_KIND_LABELS } from "../domain/sensitive";
import { BUYER_TYPE_LABELS } from "../lib/format";
import { ITL1_REGIONS, SENSITIVE_SECTORS, type BuyerType, type Itl1, type SensitiveSector } from "../domain/types";
import { sameConsultancyConfig, storedConsultancyConfig } from "../services/consultancy-recompute.server";
import { getFlagConfig } from "../services/flags.server";
import { metricsConfigOf } from "../services/metrics-config.server";

export const meta: MetaFunction = () => [{ title: "Methodology – Public Tech Procurement Register" }];

/** The label of a CPV prefix: the CPV 2008 label of the code it starts (padded with zeros), else the rule's own label. */
const prefixLabel = (r: { prefix: string; label: string }) => cpvLabel(r.prefix.padEnd(8, "0")) ?? r.label;
const regionName = (r: Itl1) => `${ITL1_REGIONS[r]} (${r})`;

/** The sensitive-sector rule in force (app/domain/sectors.ts), as tables. */
function sensitiveRule() {
  const c = DEFAULT_SECTOR_CONFIG;
  const byCpv = c.byCpv.map((r) => ({
    prefix: r.prefix,
    label: prefixLabel(r),
    sector: SENSITIVE_SECTORS[r.sector],
    technology: isTechnology([r.prefix], c.technologyCpv),
  }));
  const reached = new Set<string>([...Object.values(c.byBuyerType), ...c.byCpv.map((r) => r.sector)]);
  return {
    byBuyerType: Object.entries(c.byBuyerType).map(
      ([type, sector]) => [BUYER_TYPE_LABELS[type as BuyerType], SENSITIVE_SECTORS[sector as SensitiveSector]] as [string, string],
    ),
    byCpv,
    technology: c.technologyCpv.map((r) => [r.prefix, prefixLabel(r)] as [string, string]),
    /** The other CPV families the register carries (app/domain/cpv-labels.ts) that are not technology, or only partly (naming the part). */
    notTechnology: CPV_LABEL_FAMILIES.filter((f) => !isTechnology([f], c.technologyCpv)).map((f) => ({
      prefix: f,
      label: cpvLabel(f.padEnd(8, "0")) ?? f,
      only: c.technologyCpv.filter((r) => r.prefix.startsWith(f)).map((r) => r.prefix),
    })),
    /** The broadest sector code that is not itself technology (the first of the shortest): it names the sector, and the contract needs a technology code too. */
    example: byCpv.filter((r) => !r.technology).reduce<(typeof byCpv)[number] | null>((best, r) => (!best || r.prefix.length < best.prefix.length ? r : best), null),
    /** Sectors that neither a buyer type nor a CPV code implies: only a publisher's tag puts a contract there. */
    tagOnly: (Object.keys(SENSITIVE_SECTORS) as SensitiveSector[]).filter((s) => !reached.has(s)).map((s) => SENSITIVE_SECTORS[s]),
  };
}

/** How regions are derived (app/domain/postcode-regions.ts), as tables. */
function regionRule() {
  const districts = new Map<Itl1 | null, string[]>();
  for (const [district, region] of Object.entries(DISTRICT_REGIONS)) districts.set(region, [...(districts.get(region) ?? []), district]);
  const order = [...(Object.keys(ITL1_REGIONS) as Itl1[]), null];
  return {
    areas: areasByRegion().map((r) => ({ region: regionName(r.region), areas: r.areas })),
    splitAreas: Object.entries(AREA_REGIONS)
      .filter(([, r]) => r === null)
      .map(([a]) => a),
    nonItlAreas: [...NON_ITL_AREAS],
    districts: order
      .filter((r) => districts.has(r))
      .map((r) => ({ region: r === null ? "Unknown: the district itself straddles a regional border" : regionName(r), districts: districts.get(r)! })),
  };
}

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
    sensitive: sensitiveRule(),
    transparencyTypes: Object.entries(TRANSPARENCY_DOCUMENT_TYPES).map(([t, k]) => [t, TRANSPARENCY_KIND_LABELS[k]] as [string, string]),
    regions: regionRule(),
    /** The page cache in force (app/server/page-cache.server.ts): PAGE_CACHE and PAGE_CACHE_SECONDS. */
    pageCache: { on: context.env.PAGE_CACHE !== "off", seconds: context.env.PAGE_CACHE_SECONDS },
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
        <nav aria-labelledby="contents-title" className="govuk-!-margin-bottom-8" data-testid="contents">
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
            <PairsTable
              caption="Buyers' own SME targets in force"
              headings={["Buyer (register id or organisation identifier)", "SME target"]}
              rows={d.buyerTargets.map(([buyer, target]) => ({ key: buyer, cells: [buyer, target] }))}
              numeric
              testId="buyer-targets"
            />
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
              <PairsTable
                caption="Consultancy CPV prefixes in force"
                headings={["Prefix", "Covers"]}
                rows={d.prefixes.map(([p, label]) => ({ key: p, cells: [p, label] }))}
              />
            ) : null}
            {s.id === "regions" ? <RegionRule rule={d.regions} /> : null}
            {s.id === "coverage" ? <Freshness cache={d.pageCache} /> : null}
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
          <p className="govuk-body" data-testid="sector-summary">
            A contract is in the <Link className="govuk-link" to="/sensitive">sensitive-sector technology register</Link> when both hold: it has
            a sensitive sector, and it is technology. A sector without technology is not enough: health, education, police or benefit services
            bought without technology are not in the register, whoever bought them. Both rules are configuration and are shown here as in force.
          </p>
          <h3 className="govuk-heading-m" id="sensitive-sector-rule">
            It has a sector
          </h3>
          <p className="govuk-body">The first of these that gives a sector decides:</p>
          <ol className="govuk-list govuk-list--number">
            <li>
              the sector its publisher tags it with (<code>tender.x_sensitiveSector</code>);
            </li>
            <li>else the sector the type of buyer implies, as in the first table below; other buyers imply none;</li>
            <li>
              else the sector one of its CPV codes implies, as in the second table: the first code (the main code first) that starts with one of
              these prefixes decides, the longest prefix winning.
            </li>
          </ol>
          {d.sensitive.tagOnly.length > 0 ? (
            <p className="govuk-body">
              {d.sensitive.tagOnly.join(" and ")} {d.sensitive.tagOnly.length === 1 ? "has" : "have"} no type of buyer or CPV code of{" "}
              {d.sensitive.tagOnly.length === 1 ? "its" : "their"} own, so only a publisher's tag puts a contract there.
            </p>
          ) : null}
          <PairsTable
            caption="Sector implied by the type of buyer"
            headings={["Type of buyer", "Sensitive sector"]}
            rows={d.sensitive.byBuyerType.map(([type, sector]) => ({ key: type, cells: [type, sector] }))}
            testId="sector-rule"
          />
          <table className="govuk-table app-table--compact" data-testid="sector-cpv-rule">
            <caption className="govuk-table__caption govuk-table__caption--s">
              Sector implied by a CPV code (the register's own proxy, not an official classification)
            </caption>
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
                <th scope="col" className="govuk-table__header">
                  Also a technology code
                </th>
              </tr>
            </thead>
            <tbody className="govuk-table__body">
              {d.sensitive.byCpv.map((r) => (
                <tr key={r.prefix} className="govuk-table__row">
                  <td className="govuk-table__cell">{r.prefix}</td>
                  <td className="govuk-table__cell">{r.label}</td>
                  <td className="govuk-table__cell">{r.sector}</td>
                  <td className="govuk-table__cell">{r.technology ? "Yes" : "No"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 className="govuk-heading-m" id="sensitive-technology-rule">
            It is technology
          </h3>
          <p className="govuk-body" data-testid="technology-summary">
            At least one of its CPV codes (main or additional; the check digit is ignored) starts with one of the prefixes below.
            {d.sensitive.notTechnology.length > 0 ? (
              <>
                {" "}
                The register's other CPV families are not technology here:{" "}
                {d.sensitive.notTechnology
                  .map((f) => `${f.prefix} (${f.label.toLowerCase()}${f.only.length > 0 ? `; only ${f.only.join(", ")} counts` : ""})`)
                  .join(", ")}
                .
              </>
            ) : null}{" "}
            A contract with no CPV code at all cannot be shown to be technology, so it stays in the register only when its publisher tagged its
            sector.
            {d.sensitive.example ? (
              <>
                {" "}
                A sector code that is not a technology code, such as {d.sensitive.example.prefix} ({d.sensitive.example.label}), only names the
                sector: a contract with it is in the register as {d.sensitive.example.sector.toLowerCase()} technology only when another of its codes
                is technology.
              </>
            ) : null}
          </p>
          <PairsTable
            caption="CPV prefixes that count as technology"
            headings={["CPV prefix", "Covers (CPV 2008 label)"]}
            rows={d.sensitive.technology.map(([prefix, label]) => ({ key: prefix, cells: [prefix, label] }))}
            testId="technology-cpv-rule"
          />
          <h3 className="govuk-heading-m" id="sensitive-transparency">
            Transparency documents
          </h3>
          <p className="govuk-body">
            The register lists every such contract and says whether
            the buyer published a data protection impact assessment or an algorithmic transparency record: a document of one of these OCDS{" "}
            <code>documentType</code> values (matched exactly) attached to any release of the contract — planning, tender, award or contract. The OCDS
            codelist has no code for either, so publishers use extension codes. Its value is the current value (after amendments) in pounds sterling;
            contracts not yet awarded, or in other currencies, are counted but add no value, and its coverage line says how many contracts and how
            much value have no CPV code or no known supplier.
          </p>
          <PairsTable
            caption="Document types that count as a transparency document"
            headings={["documentType", "Counts as"]}
            rows={d.transparencyTypes.map(([type, kind]) => ({ key: type, cells: [<code key={type}>{type}</code>, kind] }))}
            testId="transparency-document-types"
          />
        </section>
      </div>
    </div>
  );
}


/** How an organisation's region is known: app/domain/ocds/map.ts (mapParty) and app/domain/postcode-regions.ts. */
function RegionRule({ rule }: { rule: ReturnType<typeof regionRule> }) {
  const codes = Object.keys(ITL1_REGIONS);
  return (
    <>
      <h3 className="govuk-heading-m" id="regions-derived">
        How an organisation's region is known
      </h3>
      <p className="govuk-body">The region of a supplier or a buyer is, in order:</p>
      <ol className="govuk-list govuk-list--number" data-testid="region-rule">
        <li>
          the ITL1 region its publisher gives (<code>address.x_itl1</code>, a code {codes[0]} to {codes[codes.length - 1]});
        </li>
        <li>
          else, when its country is the UK or not given, the region of its UK postcode (<code>address.postalCode</code>): the postcode district's
          when the district is listed below as an exception, else the postcode area's;
        </li>
        <li>else unknown.</li>
      </ol>
      <p className="govuk-body">
        A region is never guessed. A postcode is read only when it is a whole UK postcode (outward and inward code, such as SW1A 1AA, spaces and
        case ignored); an outward code on its own (such as PH1) is read only for an organisation registered in the UK. Anything else, such as an
        Irish Eircode, gives no region. An area is given the region where all (or, for a few rural fringes, nearly all) of its addresses lie.
        {rule.splitAreas.length > 0
          ? ` An area split between regions (${rule.splitAreas.join(", ")}) gives a region only through its districts listed below.`
          : ""}
        {rule.nonItlAreas.length > 0
          ? ` Postcodes of ${rule.nonItlAreas.join(", ")} (the Channel Islands and the Isle of Man) are outside the ITL1 regions: unknown.`
          : ""}
      </p>
      <PairsTable
        caption="Postcode areas by ITL1 region"
        headings={["Region", "Postcode areas"]}
        rows={rule.areas.map((r) => ({ key: r.region, cells: [r.region, r.areas.join(", ")] }))}
        rowHeaders
        testId="postcode-areas"
      />
      <PairsTable
        caption="Postcode districts whose region is not their area's (areas that straddle a regional border)"
        headings={["Region given", "Postcode districts"]}
        rows={rule.districts.map((r) => ({ key: r.region, cells: [r.region, r.districts.join(", ")] }))}
        rowHeaders
        testId="postcode-districts"
      />
    </>
  );
}

/** The page cache in force (app/server/page-cache.server.ts), for honesty about how fresh a page is. */
function Freshness({ cache }: { cache: { on: boolean; seconds: number } }) {
  return (
    <>
      <h3 className="govuk-heading-m" id="freshness">
        How fresh the pages are
      </h3>
      <p className="govuk-body" data-testid="page-cache-rule">
        {cache.on ? (
          <>
            To stay fast when many people ask for the same page, a page or API answer for someone not signed in may be served from a cache. It is
            served from the cache only while nothing has been published, imported or recomputed since it was made, and for at most{" "}
            {cache.seconds === 1 ? "1 second" : `${cache.seconds.toLocaleString("en-GB")} seconds`} (<code>PAGE_CACHE_SECONDS</code>); a list of
            open tenders is kept no later than the next deadline in it. Signed-in officials always see fresh pages.
          </>
        ) : (
          <>
            Every page and API answer is made afresh for each request: the page cache is off (<code>PAGE_CACHE=off</code>).
          </>
        )}
      </p>
    </>
  );
}
