import { describe, expect, it } from "vitest";
import { DEFAULT_METRICS_CONFIG, type MetricsConfig, smeTargetFor, validateMetricsConfig } from "./config";

describe("DEFAULT_METRICS_CONFIG", () => {
  it("holds the defaults of the metric definitions", () => {
    expect(DEFAULT_METRICS_CONFIG.smeTarget).toBe(0.33);
    expect(DEFAULT_METRICS_CONFIG.smeTargetsByBuyer).toEqual({});
    expect(DEFAULT_METRICS_CONFIG.consultancy.prefixes).toEqual(["794", "7222", "72246", "72266", "732", "71241"]);
    expect(DEFAULT_METRICS_CONFIG.consultancy.excludedPrefixes).toEqual(["7962", "796"]);
    expect(DEFAULT_METRICS_CONFIG.pledge).toEqual({ baselineFrom: 2017, baselineTo: 2022, targetFy: 2025 });
    expect(DEFAULT_METRICS_CONFIG.uncertainCoverageBelow).toBe(0.5);
    expect(DEFAULT_METRICS_CONFIG.concentrationTopN).toBe(10);
    expect(() => validateMetricsConfig(DEFAULT_METRICS_CONFIG)).not.toThrow();
  });
});

describe("smeTargetFor", () => {
  const config: MetricsConfig = { ...DEFAULT_METRICS_CONFIG, smeTargetsByBuyer: { "GB-GOR-D1": 0.25 } };

  it("uses a buyer's own target when configured, else the default", () => {
    expect(smeTargetFor(config, "GB-GOR-D1")).toBe(0.25);
    expect(smeTargetFor(config, "GB-GOR-D2")).toBe(0.33);
    expect(smeTargetFor(config, null)).toBe(0.33);
    expect(smeTargetFor(config, "toString")).toBe(0.33); // not an inherited property
  });
});

describe("validateMetricsConfig", () => {
  const bad = (patch: Partial<MetricsConfig>) => () => validateMetricsConfig({ ...DEFAULT_METRICS_CONFIG, ...patch });

  it("names the bad field", () => {
    expect(bad({ smeTarget: 33 })).toThrow(/smeTarget/);
    expect(bad({ smeTargetsByBuyer: { X: -0.1 } })).toThrow(/smeTargetsByBuyer\[X\]/);
    expect(bad({ uncertainCoverageBelow: Number.NaN })).toThrow(/uncertainCoverageBelow/);
    expect(bad({ concentrationTopN: 0 })).toThrow(/concentrationTopN/);
    expect(bad({ pledge: { baselineFrom: 2017, baselineTo: 2022, targetFy: 2020 } })).toThrow(/targetFy/);
    expect(bad({ consultancy: { prefixes: ["79-4"], excludedPrefixes: [] } })).toThrow(/prefixes/);
  });
});
