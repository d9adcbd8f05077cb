/**
 * /api — the API explained for people: conventions, then every endpoint with
 * its parameters, rendered from the same OpenAPI document /api/v1/openapi.json
 * serves (so the page cannot disagree with the API).
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { openApiDocument } from "../services/openapi.server";

export const meta: MetaFunction = () => [{ title: "API and open data – Public Tech Procurement Register" }];

interface ParamView {
  name: string;
  where: string;
  description: string;
  values: string;
}

interface EndpointView {
  id: string;
  path: string;
  summary: string;
  description: string;
  example: string;
  params: ParamView[];
}

const EXAMPLES: Record<string, string> = {
  "/api/v1/contracts": "/api/v1/contracts?consultancy=yes&fy=2024-25&limit=5",
  "/api/v1/suppliers": "/api/v1/suppliers?scale=sme&limit=5",
  "/api/v1/buyers": "/api/v1/buyers?buyerType=central&limit=5",
  "/api/v1/ocds/releases": "/api/v1/ocds/releases?cpv=72&limit=5",
  "/api/v1/ocds/releases.jsonl": "/api/v1/ocds/releases.jsonl",
  "/api/v1/stats/sme-share": "/api/v1/stats/sme-share?view=awarded",
  "/api/v1/stats/consultancy": "/api/v1/stats/consultancy?baselineFrom=2017-18&baselineTo=2022-23&targetFy=2025-26",
  "/api/v1/stats/concentration": "/api/v1/stats/concentration?by=supplier",
  "/api/v1/openapi.json": "/api/v1/openapi.json",
};

function valuesOf(schema: Record<string, unknown> | undefined): string {
  if (!schema) return "";
  if (Array.isArray(schema.enum)) return (schema.enum as string[]).join(", ");
  if (schema.type === "integer") {
    const bits = [schema.minimum !== undefined ? `${schema.minimum} to ${schema.maximum}` : "a whole number"];
    if (schema.default !== undefined) bits.push(`(default ${schema.default})`);
    return bits.join(" ");
  }
  if (typeof schema.pattern === "string") {
    if (schema.pattern === "^\\d{4}-\\d{2}$") return "YYYY-YY";
    if (schema.pattern === "^\\d{4}-\\d{2}-\\d{2}$") return "YYYY-MM-DD";
    if (schema.pattern.startsWith("^\\d{1,18}")) return "digits";
    if (schema.pattern.startsWith("^\\d{2,8}")) return "2 to 8 digits";
    if (schema.pattern.startsWith("^\\d{1,13}")) return "pounds, e.g. 250000";
  }
  return "text";
}

export function loader({ request }: LoaderFunctionArgs) {
  const origin = new URL(request.url).origin;
  const doc = openApiDocument(origin);
  const endpoints: EndpointView[] = Object.entries(doc.paths as Record<string, { get: Record<string, unknown> }>).map(([path, item]) => {
    const op = item.get;
    const params = ((op.parameters as Array<Record<string, unknown>> | undefined) ?? []).map((p) => ({
      name: String(p.name),
      where: String(p.in),
      description: String(p.description ?? ""),
      values: valuesOf(p.schema as Record<string, unknown> | undefined),
    }));
    return {
      id: path.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, ""),
      path,
      summary: String(op.summary ?? ""),
      description: String(op.description ?? ""),
      example: EXAMPLES[path] ?? path,
      params,
    };
  });
  return { origin, endpoints, title: doc.info.title };
}

export default function ApiPage() {
  const d = useLoaderData<typeof loader>();
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-full">
        <h1 className="govuk-heading-xl">API and open data</h1>
        <p className="govuk-body-l">
          Everything in the register can be read by programs: as JSON, as Open Contracting Data Standard (OCDS) 1.1 packages, as CSV and as Atom feeds.
          No key is needed.
        </p>
        <p className="govuk-body">
          The machine-readable description is <a className="govuk-link" href="/api/v1/openapi.json">the OpenAPI 3.1 document</a>; this page is made
          from it.
        </p>

        <h2 className="govuk-heading-l" id="conventions">
          How the API works
        </h2>
        <ul className="govuk-list govuk-list--bullet">
          <li>
            Money is in fields whose names end in <code>Pence</code>: strings of whole pence, so <code>"125000050"</code> is £1,250,000.50.
          </li>
          <li>
            Financial years are written <code>2024-25</code> (1 April to 31 March). Dates are ISO 8601 in UTC.
          </li>
          <li>
            Lists take the same filters as the <a className="govuk-link" href="/contracts">contracts register</a>, a <code>limit</code> of 1 to 100
            and a <code>cursor</code>. Follow <code>links.next</code> (also sent as a <code>Link</code> header) until it is <code>null</code>; the
            order is stable, so no item is skipped or repeated.
          </li>
          <li>
            Answers carry an <code>ETag</code>: send it back in <code>If-None-Match</code> and an unchanged answer comes back as 304 Not Modified.
            Cross-origin requests (CORS) are allowed.
          </li>
          <li>
            Errors are <code>application/problem+json</code> (RFC 9457); <code>errors[].param</code> names each parameter at fault. An unknown
            parameter is an error, so a typo never widens a query silently.
          </li>
          <li>Data is published under the Open Government Licence v3.0 where its source says so.</li>
        </ul>

        <h2 className="govuk-heading-l" id="downloads">
          Downloads and feeds
        </h2>
        <ul className="govuk-list govuk-list--bullet">
          <li>
            Every view of the register can be downloaded whole as CSV (<code>/contracts.csv?…</code>, same filters as the page) and followed as an
            Atom feed (<code>/contracts/feed.atom?…</code>); open tenders likewise at <code>/opportunities/feed.atom?…</code>.
          </li>
          <li>
            The whole register as OCDS releases, one per line: <a className="govuk-link" href="/api/v1/ocds/releases.jsonl">releases.jsonl</a>.
            It can be loaded into another copy of the register with <code>npm run import -- releases.jsonl</code>.
          </li>
        </ul>

        <h2 className="govuk-heading-l" id="endpoints">
          Endpoints
        </h2>
        <ul className="govuk-list">
          {d.endpoints.map((e) => (
            <li key={e.path}>
              <a className="govuk-link" href={`#${e.id}`}>
                {e.summary}
              </a>{" "}
              <code>{e.path}</code>
            </li>
          ))}
        </ul>

        {d.endpoints.map((e) => (
          <section key={e.path} aria-labelledby={e.id} className="govuk-!-margin-top-8">
            <h3 className="govuk-heading-m" id={e.id}>
              {e.summary}
            </h3>
            <p className="govuk-body">
              <code>GET {e.path}</code>
            </p>
            {e.description ? <p className="govuk-body">{e.description}</p> : null}
            <p className="govuk-body">
              Example:{" "}
              <a className="govuk-link" href={e.example}>
                {e.example}
              </a>
            </p>
            {e.params.length ? (
              <div className="app-table-wrap">
                <table className="govuk-table app-table--compact">
                  <caption className="govuk-table__caption govuk-table__caption--s">Parameters of {e.path}</caption>
                  <thead className="govuk-table__head">
                    <tr className="govuk-table__row">
                      <th scope="col" className="govuk-table__header">
                        Name
                      </th>
                      <th scope="col" className="govuk-table__header">
                        Meaning
                      </th>
                      <th scope="col" className="govuk-table__header">
                        Values
                      </th>
                    </tr>
                  </thead>
                  <tbody className="govuk-table__body">
                    {e.params.map((p) => (
                      <tr key={p.name} className="govuk-table__row">
                        <td className="govuk-table__cell">
                          <code>{p.name}</code>
                          {p.where === "path" ? " (in the path)" : ""}
                        </td>
                        <td className="govuk-table__cell">{p.description}</td>
                        <td className="govuk-table__cell">{p.values}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <p className="govuk-body">No parameters.</p>
            )}
          </section>
        ))}
      </div>
    </div>
  );
}
