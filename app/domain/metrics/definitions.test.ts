import { describe, expect, it } from "vitest";
import { DEFAULT_METRICS_CONFIG, type MetricsConfig } from "./config";
import { chartCaptions, metricDefinitions, percent, valueViewCaption } from "./definitions";
import * as metrics from "./index";

const text = (config?: MetricsConfig) =>
  Object.fromEntries(metricDefinitions(config).map((d) => [d.id, `${d.title}\n${d.body.join("\n")}`]));

describe("metricDefinitions", () => {
  it("covers every subject, with non-empty paragraphs", () => {
    const defs = metricDefinitions();
    expect(defs.map((d) => d.id)).toEqual([
      "money-and-time",
      "awarded-and-annualised",
      "sme-share",
      "consultancy",
      "pledge",
      "concentration",
      "coverage",
    ]);
    for (const d of defs) {
      expect(d.title.length).toBeGreaterThan(0);
      expect(d.body.length).toBeGreaterThan(0);
      for (const p of d.body) expect(p.trim().length).toBeGreaterThan(0);
    }
  });

  it("states the defaults in force", () => {
    const t = text();
    expect(t["money-and-time"]).toContain("1 April to 31 March");
    expect(t["money-and-time"]).toContain("not in GBP totals");
    expect(t["awarded-and-annualised"]).toMatch(/Awarded value/);
    expect(t["awarded-and-annualised"]).toMatch(/left over go to the last year/);
    expect(t["sme-share"]).toContain("33%");
    expect(t["sme-share"]).toContain("set in 2015 for 2020, extended to 2022, and missed (26.5% in 2021-22");
    expect(t["sme-share"]).toContain("Procurement Act 2023 (section 123)");
    expect(t["sme-share"]).toContain("fewer than 250 staff");
    expect(t["sme-share"]).toContain("£44m");
    expect(t["sme-share"]).toContain("£38m");
    expect(t["sme-share"]).toContain("\"selfEmployed\" as micro");
    expect(t["sme-share"]).toContain("under 50%");
    expect(t["sme-share"]).toContain("none is configured");
    for (const p of ["794", "7222", "72246", "72266", "732", "71241", "7962", "796"]) {
      expect(t.consultancy).toContain(`${p} – `);
    }
    expect(t.consultancy).toContain("own proxy");
    expect(t.pledge).toContain("2017-18 to 2022-23 (6 years)");
    expect(t.pledge).toContain("2025-26");
    expect(t.pledge).toContain("placed at 2022-23");
    expect(t.pledge).toContain("not enough data");
    expect(t.pledge).toContain("£1.49bn");
    expect(t.pledge).toContain("£1.36bn");
    expect((t.pledge ?? "").match(/Reference line, labelled as a reference/g)?.length).toBe(2);
    expect(t.concentration).toContain("Top-10 share");
    expect(t.concentration).toContain("Above 2,500");
    expect(t.coverage).toContain("never extrapolated silently");
    // the baseline rule, the measured years and the annualised fallback, as the figures apply them
    expect(t.pledge).toContain("a year with contracts but no consultancy among them counts as £0");
    expect(t.pledge).toContain("The current year is partial");
    expect(t.pledge).toContain("committed by contracts already signed but not yet spent");
    expect(t.coverage).toContain("counted in the year of its award");
    expect(t.coverage).toContain("marked as partial (to date)");
  });

  it("follows the configuration in force", () => {
    const config: MetricsConfig = {
      ...DEFAULT_METRICS_CONFIG,
      smeTarget: 0.4,
      smeTargetsByBuyer: { a: 0.3, b: 0.35 },
      consultancy: { prefixes: ["794", "99"], excludedPrefixes: [] },
      pledge: { baselineFrom: 2019, baselineTo: 2019, targetFy: 2024 },
      uncertainCoverageBelow: 0.6,
      concentrationTopN: 5,
    };
    const t = text(config);
    expect(t["sme-share"]).toContain("The target line in force is 40%");
    expect(t["sme-share"]).toContain("The default is 33%");
    expect(t["sme-share"]).toContain("2 buyers have their own targets configured");
    expect(t["sme-share"]).toContain("under 60%");
    expect(t.consultancy).toContain("; 99.");
    expect(t.consultancy).toContain("never count as consultancy: none");
    expect(t.pledge).toContain("the single year 2019-20 (1 year)");
    expect(t.pledge).toContain("reached in 2024-25");
    expect(t.concentration).toContain("Top-5 share");
  });
});

describe("captions and helpers", () => {
  it("formats percentages without trailing zeros", () => {
    expect(percent(0.33)).toBe("33%");
    expect(percent(0.265)).toBe("26.5%");
    expect(percent(0.5)).toBe("50%");
  });

  it("names the view and the values in force", () => {
    expect(valueViewCaption("awarded")).toMatch(/^Awarded value/);
    expect(valueViewCaption("annualised")).toMatch(/^Annualised value/);
    const c = chartCaptions({ ...DEFAULT_METRICS_CONFIG, smeTarget: 0.25 });
    expect(c.smeShare).toContain("Target line 25%");
    expect(c.pledge).toContain("2017-18 to 2022-23");
    expect(c.pledge).toContain("2025-26");
    expect(c.concentration).toContain("2,500");
  });
});

describe("index", () => {
  it("re-exports the public functions", () => {
    for (const name of [
      "fyOf",
      "fyLabel",
      "parseFyLabel",
      "FY_LABEL_RE",
      "fyQuarter",
      "fyStart",
      "fyEndExclusive",
      "daysInFy",
      "fyRange",
      "annualise",
      "awardedFy",
      "splitAward",
      "normaliseScale",
      "resolveScale",
      "scaleClass",
      "isSme",
      "smeShare",
      "DEFAULT_CONSULTANCY_PREFIXES",
      "DEFAULT_NOT_CONSULTANCY_PREFIXES",
      "classifyConsultancy",
      "describeConsultancyRule",
      "computePledge",
      "DEFAULT_PLEDGE",
      "REFERENCE_LINES",
      "concentration",
      "DEFAULT_METRICS_CONFIG",
      "metricDefinitions",
    ]) {
      expect(metrics, name).toHaveProperty(name);
    }
  });
});
