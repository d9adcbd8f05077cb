export { Chart, PALETTE } from "./Chart";
export { ChartFigure, CsvLink, DataTable, Definition, EmptyState } from "./ChartFigure";
export { chartCsv } from "./csv";
export { formatPlotted, formatTick } from "./format";
export type { ChartData, ChartPoint, ChartSeries, ReferenceLineSpec, RenderedChart, ValueUnit } from "./types";
