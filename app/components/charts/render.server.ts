/**
 * Server-side rendering of charts to SVG markup, once per distinct chart: the
 * page (and the browser) get the finished SVG as a string, so recharts runs only
 * on the server, its markup is identical on both sides, and the same chart is
 * never rendered twice while its numbers are unchanged.
 */
import { createHash } from "node:crypto";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { Chart } from "./Chart";
import type { ChartData, RenderedChart } from "./types";

const MAX_ENTRIES = 500;
const memo = new Map<string, string>();

/** The chart's SVG (inside recharts' wrapper div), from a small LRU keyed by the chart's data. */
export function chartSvg(chart: ChartData, size: { width?: number; height?: number } = {}): string {
  const key = createHash("sha1")
    .update(JSON.stringify([chart, size]))
    .digest("base64url");
  const hit = memo.get(key);
  if (hit !== undefined) {
    memo.delete(key);
    memo.set(key, hit);
    return hit;
  }
  const svg = slim(renderToStaticMarkup(createElement(Chart, { chart, ...size })));
  memo.set(key, svg);
  if (memo.size > MAX_ENTRIES) {
    const oldest = memo.keys().next().value;
    if (oldest !== undefined) memo.delete(oldest);
  }
  return svg;
}

/**
 * recharts copies its layout props onto every grid and axis line and curve as
 * attributes SVG ignores there (x, y, width, height, orientation, angle, name):
 * drop them, which about halves the markup and changes nothing drawn.
 */
export function slim(svg: string): string {
  return svg.replace(/<(line|path)\b([^>]*)>/g, (_m, tag: string, attrs: string) => {
    const kept = attrs.replace(/\s(?:x|y|width|height|orientation|angle|text-anchor|name)="[^"]*"/g, "");
    return `<${tag}${kept}>`;
  });
}

/** Charts with their SVG, ready for ChartFigure. */
export function withSvg(charts: ChartData[]): RenderedChart[] {
  return charts.map((c) => ({ ...c, svg: c.points.length > 0 ? chartSvg(c) : "" }));
}
