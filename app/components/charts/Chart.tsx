/**
 * A chart rendered on the server as SVG by recharts 2.15 (fixed size, no
 * animation: the first frame is the final chart, visible without JavaScript).
 * Each bar, and each point that has one, is an SVG link to the register view
 * of the contracts behind it.
 */
import type { ReactElement } from "react";
import { Bar, CartesianGrid, ComposedChart, Line, ReferenceLine, XAxis, YAxis } from "recharts";
import { formatPlotted, formatTick } from "./format";
import { PALETTE } from "./palette";
import type { ChartData, ChartPoint, ChartSeries } from "./types";

export { PALETTE };

type Row = Record<string, unknown> & { __point: ChartPoint };

interface ShapeProps {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  fill?: string;
  payload?: Row;
}

interface DotProps {
  cx?: number;
  cy?: number;
  payload?: Row;
  index?: number;
}

function linkLabel(point: ChartPoint, s: ChartSeries): string {
  const v = point.values[s.key] ?? null;
  return `${point.x}, ${s.label}: ${formatPlotted(v, s.unit)}. Open the contracts behind this figure.`;
}

function barShape(s: ChartSeries, color: string) {
  return (props: unknown): ReactElement => {
    const { x = 0, y = 0, width = 0, height = 0, payload } = props as ShapeProps;
    const h = Math.abs(height);
    const top = height < 0 ? y + height : y;
    const rect = <rect x={x} y={top} width={Math.max(width, 0)} height={h} fill={color} className="app-chart__bar" />;
    const point = payload?.__point;
    const href = point?.links?.[s.key];
    if (!point || !href) return rect;
    return (
      <a href={href} aria-label={linkLabel(point, s)} data-chart-link={s.key} data-x={point.x}>
        <title>{linkLabel(point, s)}</title>
        {rect}
      </a>
    );
  };
}

function lineDot(s: ChartSeries, color: string) {
  return (props: unknown): ReactElement => {
    const { cx, cy, payload, index } = props as DotProps;
    const key = `${s.key}-${index ?? 0}`;
    if (cx === undefined || cy === undefined || payload === undefined || payload[s.key] === null) return <g key={key} />;
    const dot = <circle cx={cx} cy={cy} r={4} fill={color} stroke="#ffffff" strokeWidth={1} />;
    const point = payload.__point;
    const href = point.links?.[s.key];
    if (!href) return <g key={key}>{dot}</g>;
    return (
      <a key={key} href={href} aria-label={linkLabel(point, s)} data-chart-link={s.key} data-x={point.x}>
        <title>{linkLabel(point, s)}</title>
        {dot}
      </a>
    );
  };
}

interface TickProps {
  x?: number;
  y?: number;
  payload?: { value?: unknown };
}

/**
 * Axis ticks drawn as plain SVG text. recharts' own tick text measures words in
 * the browser (to wrap or thin them) but not on the server, so its ticks would
 * differ between the server's HTML and the browser's first render.
 */
function tick(kind: "x" | "x-rotated" | "y-left" | "y-right" | "category-left", format: (v: unknown) => string) {
  return (props: unknown): ReactElement => {
    const { x = 0, y = 0, payload } = props as TickProps;
    const label = format(payload?.value);
    const common = { fontSize: 13, fill: "#0b0c0c" };
    switch (kind) {
      case "x":
        return (
          <text x={x} y={y + 14} textAnchor="middle" {...common}>
            {label}
          </text>
        );
      case "x-rotated":
        return (
          <text x={x} y={y + 8} textAnchor="end" transform={`rotate(-35, ${x}, ${y + 8})`} {...common}>
            {label}
          </text>
        );
      case "y-left":
      case "category-left":
        return (
          <text x={x - 4} y={y + 4} textAnchor="end" {...common}>
            {label}
          </text>
        );
      case "y-right":
        return (
          <text x={x + 4} y={y + 4} textAnchor="start" {...common}>
            {label}
          </text>
        );
    }
  };
}

/** Show every nth category label so about 16 fit; decided by count alone (the same on server and browser). */
function categoryInterval(n: number): number {
  return n > 16 ? Math.ceil(n / 16) - 1 : 0;
}

export function Chart({ chart, width = 760, height = 340 }: { chart: ChartData; width?: number; height?: number }) {
  const series = chart.series;
  const rows: Row[] = chart.points.map((p) => ({ x: p.x, ...p.values, __point: p }));
  const vertical = chart.layout === "rows";
  const leftUnit = series.find((s) => (s.axis ?? "left") === "left")?.unit ?? "count";
  const rightUnit = series.find((s) => s.axis === "right")?.unit;
  const refs = chart.referenceLines ?? [];
  const colorOf = (s: ChartSeries, i: number) => s.color ?? PALETTE[i % PALETTE.length] ?? "#1d70b8";
  const chartHeight = vertical ? Math.max(height, 60 + chart.points.length * 34) : height;
  const valueAxis = (unit: typeof leftUnit, id: string, orientation: "left" | "right" | "bottom") => {
    const common = {
      tick: tick(vertical ? "x" : orientation === "right" ? "y-right" : "y-left", (v) => formatTick(Number(v), unit)),
      stroke: "#505a5f",
      // Nice round ticks from 0; reference lines extend the domain themselves (ifOverflow="extendDomain").
      domain: [0, "auto"] as [number, string],
    };
    return vertical ? (
      <XAxis key={id} xAxisId={id} type="number" orientation="bottom" {...common} />
    ) : (
      <YAxis key={id} yAxisId={id} type="number" orientation={orientation === "right" ? "right" : "left"} width={80} {...common} />
    );
  };
  const categoryAxis = vertical ? (
    <YAxis
      yAxisId="left"
      type="category"
      dataKey="x"
      width={220}
      tick={tick("category-left", (v) => {
        const text = String(v ?? "");
        return text.length > 30 ? `${text.slice(0, 29)}…` : text;
      })}
      stroke="#505a5f"
      interval={0}
    />
  ) : (
    <XAxis
      xAxisId="left"
      dataKey="x"
      type="category"
      tick={tick(chart.points.length > 8 ? "x-rotated" : "x", (v) => String(v ?? ""))}
      stroke="#505a5f"
      interval={categoryInterval(chart.points.length)}
      height={chart.points.length > 8 ? 80 : 40}
    />
  );
  const axisProps = (s: ChartSeries) =>
    vertical ? { xAxisId: "left", yAxisId: "left" } : { xAxisId: "left", yAxisId: s.axis === "right" ? "right" : "left" };
  return (
    <ComposedChart
      id={`chart-${chart.id}`}
      width={width}
      height={chartHeight}
      data={rows}
      layout={vertical ? "vertical" : "horizontal"}
      margin={{ top: 20, right: rightUnit ? 10 : 30, bottom: 10, left: 10 }}
      className="app-chart"
    >
      <CartesianGrid stroke="#dddddd" vertical={vertical} horizontal={!vertical} />
      {categoryAxis}
      {valueAxis(leftUnit, "left", vertical ? "bottom" : "left")}
      {rightUnit && !vertical ? valueAxis(rightUnit, "right", "right") : null}
      {series.map((s, i) =>
        s.kind === "bar" ? (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.label}
            stackId={s.stackId}
            fill={colorOf(s, i)}
            isAnimationActive={false}
            shape={barShape(s, colorOf(s, i))}
            {...axisProps(s)}
          />
        ) : (
          <Line
            key={s.key}
            dataKey={s.key}
            name={s.label}
            type="linear"
            stroke={colorOf(s, i)}
            strokeWidth={3}
            strokeDasharray={s.dashed ? "8 5" : undefined}
            connectNulls={false}
            isAnimationActive={false}
            dot={lineDot(s, colorOf(s, i))}
            activeDot={false}
            {...axisProps(s)}
          />
        ),
      )}
      {refs.map((r) => (
        <ReferenceLine
          key={r.label}
          {...(vertical ? { x: r.y, xAxisId: "left", yAxisId: "left" } : { y: r.y, xAxisId: "left", yAxisId: "left" })}
          stroke={r.color ?? "#0b0c0c"}
          strokeDasharray="3 3"
          strokeWidth={2}
          ifOverflow="extendDomain"
          label={(props: unknown) => {
            const vb = (props as { viewBox?: { x?: number; y?: number } }).viewBox ?? {};
            return (
              <text x={(vb.x ?? 0) + 6} y={(vb.y ?? 0) - 6} fontSize={13} fill="#0b0c0c">
                {r.label}
              </text>
            );
          }}
        />
      ))}
    </ComposedChart>
  );
}
