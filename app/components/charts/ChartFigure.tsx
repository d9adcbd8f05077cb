/**
 * One chart as a complete, accessible unit: heading, caption, the SVG chart
 * (pre-rendered on the server by recharts: see render.server.ts),
 * its legend, the same numbers as a data table (with a link per row to the
 * register view behind it), a CSV download of exactly the plotted numbers and
 * the definition the figures use. With no points it shows an empty state,
 * never a chart of zeros.
 */
import { PALETTE } from "./palette";
import { formatPlotted } from "./format";
import type { ChartData, RenderedChart } from "./types";

export function Definition({ text, href }: { text: string; href: string }) {
  return (
    <p className="govuk-body-s app-chart-definition">
      <strong>Definition:</strong> {text}{" "}
      <a className="govuk-link" href={href}>
        How this is calculated
      </a>
    </p>
  );
}

export function CsvLink({ href, title }: { href: string; title: string }) {
  return (
    <a className="govuk-link" href={href} download>
      Download the data of this chart as CSV<span className="govuk-visually-hidden"> ({title})</span>
    </a>
  );
}

export function EmptyState({ title, text }: { title: string; text: string }) {
  return (
    <div className="govuk-inset-text" data-testid="empty-state">
      <h3 className="govuk-heading-s">{title}</h3>
      <p className="govuk-body">{text}</p>
    </div>
  );
}

function Legend({ chart }: { chart: ChartData }) {
  const items = chart.series.filter((s) => !s.hidden);
  const refs = chart.referenceLines ?? [];
  if (items.length + refs.length <= 1) return null;
  return (
    <ul className="app-chart-legend" aria-label={`Key to ${chart.title}`}>
      {items.map((s, i) => (
        <li key={s.key}>
          <span
            className={`app-chart-legend__swatch${s.kind === "line" ? " app-chart-legend__swatch--line" : ""}${s.dashed ? " app-chart-legend__swatch--dashed" : ""}`}
            style={{ background: s.kind === "bar" ? (s.color ?? PALETTE[i % PALETTE.length]) : undefined, borderColor: s.color ?? PALETTE[i % PALETTE.length] }}
            aria-hidden="true"
          />
          {s.label}
        </li>
      ))}
      {refs.map((r) => (
        <li key={r.label}>
          <span className="app-chart-legend__swatch app-chart-legend__swatch--dashed app-chart-legend__swatch--line" style={{ borderColor: r.color ?? "#0b0c0c" }} aria-hidden="true" />
          {r.label}
        </li>
      ))}
    </ul>
  );
}

export function DataTable({ chart }: { chart: ChartData }) {
  const series = chart.series.filter((s) => !s.hidden);
  const extra = chart.extraColumns ?? [];
  const linked = chart.points.some((p) => p.links && Object.keys(p.links).length > 0);
  return (
    <div className="app-table-wrap">
      <table className="govuk-table app-table--compact" data-testid={`table-${chart.id}`}>
        <caption className="govuk-table__caption govuk-table__caption--s">{`Data: ${chart.title}`}</caption>
        <thead className="govuk-table__head">
          <tr className="govuk-table__row">
            <th scope="col" className="govuk-table__header">
              {chart.xLabel}
            </th>
            {series.map((s) => (
              <th key={s.key} scope="col" className="govuk-table__header app-num">
                {s.label}
              </th>
            ))}
            {extra.map((c) => (
              <th key={c.key} scope="col" className={`govuk-table__header${c.numeric ? " app-num" : ""}`}>
                {c.label}
              </th>
            ))}
            {linked ? (
              <th scope="col" className="govuk-table__header">
                Contracts
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody className="govuk-table__body">
          {chart.points.map((p) => {
            const links = Object.entries(p.links ?? {});
            const first = links[0];
            return (
              <tr key={p.x} className="govuk-table__row" data-x={p.x}>
                <th scope="row" className="govuk-table__header">
                  {p.x}
                  {p.note ? <span className="govuk-body-s app-muted"> ({p.note})</span> : null}
                </th>
                {series.map((s) => (
                  <td key={s.key} className="govuk-table__cell app-num" data-series={s.key}>
                    {formatPlotted(p.values[s.key], s.unit)}
                  </td>
                ))}
                {extra.map((c) => (
                  <td key={c.key} className={`govuk-table__cell${c.numeric ? " app-num" : ""}`} data-column={c.key}>
                    {p.extra?.[c.key] ?? "–"}
                  </td>
                ))}
                {linked ? (
                  <td className="govuk-table__cell">
                    {first ? (
                      <a className="govuk-link" href={first[1]}>
                        View<span className="govuk-visually-hidden"> the contracts behind {p.x}</span>
                      </a>
                    ) : (
                      "–"
                    )}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function ChartFigure({ chart, headingLevel = 2 }: { chart: RenderedChart; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <section className="app-chart-section" aria-labelledby={`${chart.id}-title`} data-testid={`chart-${chart.id}`}>
      <Heading className={headingLevel === 2 ? "govuk-heading-m" : "govuk-heading-s"} id={`${chart.id}-title`}>
        {chart.title}
      </Heading>
      {chart.points.length === 0 ? (
        <EmptyState title="No contracts to show" text={chart.emptyText} />
      ) : (
        <>
          <figure className="app-chart-figure">
            <figcaption className="govuk-body">{chart.caption}</figcaption>
            <div
              className="app-chart-scroll"
              // biome-ignore lint/security/noDangerouslySetInnerHtml: the SVG is this app's own React render of the chart on the server (render.server.ts, text escaped by React), the same string on server and browser; never user HTML.
              dangerouslySetInnerHTML={{ __html: chart.svg }}
            />
            <Legend chart={chart} />
          </figure>
          {chart.linkNote ? <p className="govuk-body-s">{chart.linkNote}</p> : null}
          <DataTable chart={chart} />
          <p className="govuk-body-s">
            <CsvLink href={chart.csvHref} title={chart.title} />
          </p>
        </>
      )}
      <Definition text={chart.definition.text} href={chart.definition.href} />
    </section>
  );
}
