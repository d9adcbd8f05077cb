/**
 * The data behind one chart, built by a service and rendered four ways from
 * the same numbers: the server-rendered SVG chart, the accessible data table,
 * the CSV download and (its numbers) the API. Generic: any dashboard can make
 * one. Plain data only, so it passes through a loader unchanged.
 */

/** How a series' numbers read: pounds (from pence), a percentage, a count, or an index such as HHI. */
export type ValueUnit = "pounds" | "percent" | "count" | "index";

export interface ChartSeries {
  key: string;
  label: string;
  /** Bars are clickable and link to the register view behind them; lines may carry links on their points. */
  kind: "bar" | "line";
  unit: ValueUnit;
  /** Bars with the same stack id are stacked. */
  stackId?: string;
  color?: string;
  /** Drawn dashed (e.g. a trajectory or a target). */
  dashed?: boolean;
  /** Which y axis: left (default) or right (e.g. a share beside values). */
  axis?: "left" | "right";
  /** Left out of the CSV and the chart legend when true (e.g. helper series); default false. */
  hidden?: boolean;
}

export interface ChartPoint {
  /** The category (x value): a financial year "2024-25", a quarter "2024-25 Q1", a name. */
  x: string;
  /** The plotted numbers by series key; null = no value (not zero). */
  values: Record<string, number | null>;
  /** The register view behind each series at this point (bar click / point link), by series key. */
  links?: Record<string, string>;
  /** Extra columns for the data table only (already formatted text), by column key. */
  extra?: Record<string, string>;
  /** Marks a point whose figure is uncertain (e.g. low coverage); shown in the table. */
  note?: string;
}

export interface ReferenceLineSpec {
  /** The value on the left axis, in the series unit. */
  y: number;
  /** Always starts "Reference:" for external figures; never mixed with measured values. */
  label: string;
  unit: ValueUnit;
  color?: string;
}

export interface ChartData {
  /** Stable id; also the CSV file name (/charts/<id>.csv?<same query>). */
  id: string;
  title: string;
  /** What the chart shows and in which view, in one or two sentences. */
  caption: string;
  /** The definition the figures use, and where it is explained in full. */
  definition: { text: string; href: string };
  xLabel: string;
  layout?: "columns" | "rows";
  series: ChartSeries[];
  points: ChartPoint[];
  referenceLines?: ReferenceLineSpec[];
  /** Extra table columns, in order. */
  extraColumns?: Array<{ key: string; label: string; numeric?: boolean }>;
  /** Where the CSV of exactly these numbers is. */
  csvHref: string;
  /** What a bar's link lists, when that needs saying (e.g. annualised views). */
  linkNote?: string;
  /** Shown instead of the chart when there are no points. */
  emptyText: string;
}

/** A chart with its SVG markup, rendered on the server (render.server.ts). */
export interface RenderedChart extends ChartData {
  svg: string;
}
