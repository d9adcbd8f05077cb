import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Chart } from "./Chart";
import { ChartFigure } from "./ChartFigure";
import { chartCsv } from "./csv";
import { withSvg } from "./render.server";
import { formatPlotted } from "./format";
import type { ChartData } from "./types";

const chart: ChartData = {
  id: "test-chart",
  title: "Consultancy spend by year",
  caption: "Annualised value.",
  definition: { text: "Consultancy by CPV prefix.", href: "/methodology#consultancy" },
  xLabel: "Financial year",
  series: [
    { key: "spend", label: "Spend", kind: "bar", unit: "pounds" },
    { key: "trajectory", label: "Trajectory", kind: "line", unit: "pounds", dashed: true },
  ],
  points: [
    { x: "2023-24", values: { spend: 1234.5, trajectory: null }, links: { spend: "/contracts?fy=2023-24&consultancy=yes" } },
    { x: "2024-25", values: { spend: 1000, trajectory: 900.25 }, links: { spend: "/contracts?fy=2024-25&consultancy=yes" } },
  ],
  referenceLines: [{ y: 1500, label: "Reference: something", unit: "pounds" }],
  csvHref: "/charts/test-chart.csv",
  emptyText: "Nothing.",
};

describe("Chart (server-rendered)", () => {
  it("renders an SVG with a link per bar and labelled reference lines", () => {
    const html = renderToString(createElement(Chart, { chart }));
    expect(html).toContain("<svg");
    expect(html.match(/<a [^>]*href="\/contracts\?fy=202[34]-2[45]&amp;consultancy=yes"/g)?.length).toBe(2);
    expect(html).toContain("Reference: something");
    expect(html).toContain("<rect");
  });

  it("renders the figure with its table, CSV link and definition, or an empty state", () => {
    const [rendered] = withSvg([chart]);
    const html = renderToString(createElement(ChartFigure, { chart: rendered! }));
    expect(html).toContain("Data: Consultancy spend by year");
    expect(html).toContain("£1,234.50");
    expect(html).toContain("/charts/test-chart.csv");
    expect(html).toContain("How this is calculated");
    const empty = renderToString(createElement(ChartFigure, { chart: { ...chart, points: [], svg: "" } }));
    expect(empty).toContain("empty-state");
    expect(empty).not.toContain("<svg");
  });
});

describe("chartCsv", () => {
  it("writes exactly the plotted numbers, blank for no value", () => {
    expect(chartCsv(chart)).toBe("Financial year,Spend (£),Trajectory (£)\r\n2023-24,1234.5,\r\n2024-25,1000,900.25\r\n");
  });
});

describe("formatPlotted", () => {
  it("formats each unit", () => {
    expect(formatPlotted(1234567.8, "pounds")).toBe("£1,234,567.80");
    expect(formatPlotted(12, "pounds")).toBe("£12");
    expect(formatPlotted(33.333, "percent")).toBe("33.3%");
    expect(formatPlotted(2512.44, "index")).toBe("2,512.4");
    expect(formatPlotted(null, "count")).toBe("–");
  });
});

describe("slim", () => {
  it("drops attributes SVG ignores on lines and paths, and keeps the geometry", async () => {
    const { slim } = await import("./render.server");
    expect(slim('<line orientation="left" width="80" height="270" x="10" y="20" x1="90" y1="20" x2="90" y2="290" stroke="#505a5f"></line>')).toBe(
      '<line x1="90" y1="20" x2="90" y2="290" stroke="#505a5f"></line>',
    );
    expect(slim('<path name="T" width="640" height="270" d="M1,2L3,4" stroke="#f47738"></path><rect x="1" y="2" width="3" height="4"></rect>')).toBe(
      '<path d="M1,2L3,4" stroke="#f47738"></path><rect x="1" y="2" width="3" height="4"></rect>',
    );
  });
});
