/**
 * A chart's CSV: the category and exactly the plotted number of each visible
 * series, one row per point, with the unit in each header. Plain module (no
 * Node I/O) so routes and tests share it.
 */
import type { ChartData, ValueUnit } from "./types";

const UNIT_SUFFIX: Record<ValueUnit, string> = {
  pounds: " (£)",
  percent: " (%)",
  count: "",
  index: "",
};

function cell(value: string): string {
  return /[",\n\r]/.test(value) || /^[=+\-@\t]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function chartCsv(chart: ChartData): string {
  const series = chart.series.filter((s) => !s.hidden);
  const head = [chart.xLabel, ...series.map((s) => `${s.label}${UNIT_SUFFIX[s.unit]}`)];
  const rows = chart.points.map((p) => [p.x, ...series.map((s) => {
    const v = p.values[s.key];
    return v === null || v === undefined ? "" : String(v);
  })]);
  return `${[head, ...rows].map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}
