import { describe, expect, it } from "vitest";
import {
  configuredSettings,
  DEFAULT_METRICS_CONFIG,
  type MetricsConfig,
  metricsConfigFromEnv,
  metricsConfigKey,
  orgIdentifierOf,
  parseMetricsConfig,
  smeTargetFor,
  validateMetricsConfig,
} from "./config";

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

describe("smeTargetFor by organisation identifier", () => {
  const config: MetricsConfig = { ...DEFAULT_METRICS_CONFIG, smeTargetsByBuyer: { "GB-GOR-D1": 0.25, "42": 0.4 } };

  it("matches the register id first, then the scheme-id identifier", () => {
    expect(smeTargetFor(config, "42", "GB-GOR-D1")).toBe(0.4);
    expect(smeTargetFor(config, "7", "GB-GOR-D1")).toBe(0.25);
    expect(smeTargetFor(config, "7", orgIdentifierOf("GB-GOR", "D1"))).toBe(0.25);
    expect(smeTargetFor(config, "7", null)).toBe(0.33);
    expect(orgIdentifierOf("GB-GOR", null)).toBeNull();
  });
});

describe("metricsConfigFromEnv", () => {
  it("keeps every default when nothing is set (empty variables count as unset)", () => {
    expect(metricsConfigFromEnv({})).toEqual({ ok: true, config: DEFAULT_METRICS_CONFIG });
    expect(metricsConfigFromEnv({ METRICS_SME_TARGET: "", METRICS_CONSULTANCY_PREFIXES: "  " })).toEqual({
      ok: true,
      config: DEFAULT_METRICS_CONFIG,
    });
  });

  it("reads each variable: shares as 0–1 or a percentage, years as YYYY-YY, lists comma-separated", () => {
    const r = metricsConfigFromEnv({
      METRICS_SME_TARGET: "40%",
      METRICS_SME_TARGETS_BY_BUYER: "GB-GOR-D1=25%, 1234=0.3",
      METRICS_UNCERTAIN_COVERAGE_BELOW: "0.6",
      METRICS_CONSULTANCY_PREFIXES: "794, 7222",
      METRICS_NOT_CONSULTANCY_PREFIXES: "7962",
      METRICS_PLEDGE_BASELINE_FROM: "2019-20",
      METRICS_PLEDGE_BASELINE_TO: "2020-21",
      METRICS_PLEDGE_TARGET_FY: "2024-25",
      METRICS_CONCENTRATION_TOP_N: "5",
    });
    expect(r).toEqual({
      ok: true,
      config: {
        smeTarget: 0.4,
        smeTargetsByBuyer: { "GB-GOR-D1": 0.25, "1234": 0.3 },
        uncertainCoverageBelow: 0.6,
        consultancy: { prefixes: ["794", "7222"], excludedPrefixes: ["7962"] },
        pledge: { baselineFrom: 2019, baselineTo: 2020, targetFy: 2024 },
        concentrationTopN: 5,
      },
    });
  });

  it("reads a JSON file, and the variables win over it", () => {
    const file = {
      path: "/etc/metrics.json",
      text: JSON.stringify({ smeTarget: 0.3, pledge: { baselineFrom: "2018-19", targetFy: 2026 }, concentrationTopN: 20 }),
    };
    const r = metricsConfigFromEnv({ METRICS_SME_TARGET: "0.35" }, file);
    expect(r.ok && r.config).toEqual({
      ...DEFAULT_METRICS_CONFIG,
      smeTarget: 0.35,
      pledge: { baselineFrom: 2018, baselineTo: 2022, targetFy: 2026 },
      concentrationTopN: 20,
    });
  });

  it("names every bad variable", () => {
    const r = metricsConfigFromEnv({
      METRICS_SME_TARGET: "33",
      METRICS_PLEDGE_TARGET_FY: "2025/26",
      METRICS_CONSULTANCY_PREFIXES: "79-4",
      METRICS_CONCENTRATION_TOP_N: "0",
      METRICS_SME_TARGETS_BY_BUYER: "GB-GOR-D1",
    });
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    for (const name of [
      "METRICS_SME_TARGET",
      "METRICS_PLEDGE_TARGET_FY",
      "METRICS_CONSULTANCY_PREFIXES",
      "METRICS_CONCENTRATION_TOP_N",
      "METRICS_SME_TARGETS_BY_BUYER",
    ]) {
      expect(errors.some((e) => e.startsWith(name)), name).toBe(true);
    }
    expect(errors).toHaveLength(5);
  });

  it("refuses a misspelt METRICS_ variable", () => {
    const r = metricsConfigFromEnv({ METRICS_SME_TARGETS: "0.4" });
    expect(r.ok === false && r.errors[0]).toMatch(/^METRICS_SME_TARGETS: is not a metrics setting/);
  });

  it("names the variables of an impossible pledge", () => {
    const r = metricsConfigFromEnv({ METRICS_PLEDGE_TARGET_FY: "2021-22" });
    expect(r).toEqual({
      ok: false,
      errors: ["METRICS_* variables: METRICS_PLEDGE_TARGET_FY (2021) must be after METRICS_PLEDGE_BASELINE_TO (2022)"],
    });
  });

  it("names bad or unknown fields of the file, and a file that is not JSON", () => {
    const bad = metricsConfigFromEnv({}, { path: "m.json", text: JSON.stringify({ smeTarget: 2, pledge: { baselineFrom: "2017" }, smeTargt: 0.3 }) });
    expect(bad.ok).toBe(false);
    const errors = bad.ok ? [] : bad.errors;
    expect(errors.some((e) => e.startsWith("METRICS_CONFIG (m.json): smeTarget"))).toBe(true);
    expect(errors.some((e) => e.startsWith("METRICS_CONFIG (m.json): pledge.baselineFrom"))).toBe(true);
    expect(errors.some((e) => e.includes("smeTargt"))).toBe(true);
    const notJson = metricsConfigFromEnv({}, { path: "m.json", text: "{smeTarget: 0.3" });
    expect(notJson.ok === false && notJson.errors[0]).toMatch(/^METRICS_CONFIG: m\.json is not valid JSON/);
  });
});

describe("parseMetricsConfig, configuredSettings and metricsConfigKey", () => {
  it("fills what a file leaves out from the defaults and marks what differs", () => {
    const r = parseMetricsConfig({ consultancy: { prefixes: ["794"] } });
    expect(r.ok && r.config.consultancy).toEqual({ prefixes: ["794"], excludedPrefixes: ["7962", "796"] });
    expect(r.ok && [...configuredSettings(r.config)]).toEqual(["consultancy.prefixes"]);
    expect([...configuredSettings(DEFAULT_METRICS_CONFIG)]).toEqual([]);
  });

  it("gives equal configurations the same key and different ones different keys", () => {
    const a = { ...DEFAULT_METRICS_CONFIG, smeTargetsByBuyer: { x: 0.1, y: 0.2 } };
    const b = { ...DEFAULT_METRICS_CONFIG, smeTargetsByBuyer: { y: 0.2, x: 0.1 } };
    expect(metricsConfigKey(a)).toBe(metricsConfigKey(b));
    expect(metricsConfigKey(DEFAULT_METRICS_CONFIG)).not.toBe(metricsConfigKey({ ...DEFAULT_METRICS_CONFIG, smeTarget: 0.4 }));
    expect(metricsConfigKey(DEFAULT_METRICS_CONFIG)).not.toBe(
      metricsConfigKey({ ...DEFAULT_METRICS_CONFIG, pledge: { ...DEFAULT_METRICS_CONFIG.pledge, targetFy: 2026 } }),
    );
  });
});
