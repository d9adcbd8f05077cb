import { describe, expect, it } from "vitest";
import {
  DEFAULT_FLAG_CONFIG,
  FLAG_CODES,
  FLAG_ENV_VARS,
  flagConfigFromEnv,
  isFlagCode,
  parseFlagConfig,
  serialiseFlagConfig,
} from "./config";

describe("flag configuration", () => {
  it("has the documented defaults", () => {
    expect(DEFAULT_FLAG_CONFIG).toEqual({
      shortTenderDays: 25,
      valueIncreasePct: 20,
      valueIncreaseCumulativePct: 50,
      latePublicationDays: 30,
      repeatDirectAwards: 3,
      repeatWindowDays: 365,
      splitWindowDays: 90,
      splitThresholdPence: 13_968_800n,
    });
    expect(Object.isFrozen(DEFAULT_FLAG_CONFIG)).toBe(true);
  });

  it("lists the eight flag codes", () => {
    expect(FLAG_CODES).toEqual([
      "single-bid",
      "non-competitive",
      "short-tender",
      "value-increase",
      "late-publication",
      "repeat-direct-awards",
      "split-below-threshold",
      "terminated-early",
    ]);
    expect(isFlagCode("single-bid")).toBe(true);
    expect(isFlagCode("single_bid")).toBe(false);
    expect(isFlagCode(3)).toBe(false);
  });

  it("fills missing fields with the defaults", () => {
    expect(parseFlagConfig({})).toEqual(DEFAULT_FLAG_CONFIG);
    expect(parseFlagConfig({ shortTenderDays: 15 })).toEqual({ ...DEFAULT_FLAG_CONFIG, shortTenderDays: 15 });
  });

  it("accepts numbers, numeric strings and bigints", () => {
    const config = parseFlagConfig({
      shortTenderDays: "15",
      valueIncreasePct: " 12.5 ",
      valueIncreaseCumulativePct: 0,
      latePublicationDays: 10n,
      splitThresholdPence: "11640700",
    });
    expect(config).toMatchObject({
      shortTenderDays: 15,
      valueIncreasePct: 12.5,
      valueIncreaseCumulativePct: 0,
      latePublicationDays: 10,
      splitThresholdPence: 11_640_700n,
    });
    expect(parseFlagConfig({ splitThresholdPence: 5n }).splitThresholdPence).toBe(5n);
  });

  it.each([
    ["shortTenderDays", -1],
    ["valueIncreasePct", Number.NaN],
    ["valueIncreaseCumulativePct", Number.POSITIVE_INFINITY],
    ["latePublicationDays", "thirty"],
    ["repeatDirectAwards", null],
    ["repeatWindowDays", ""],
    ["splitWindowDays", true],
    ["splitThresholdPence", -5n],
    ["splitThresholdPence", "1e400"],
    ["valueIncreasePct", "-3"],
  ])("rejects %s = %s, naming the field", (field, value) => {
    expect(() => parseFlagConfig({ [field]: value })).toThrow(new RegExp(`${field} must be a finite non-negative number`));
  });

  it("rejects fractional days, counts and pence, naming the field", () => {
    expect(() => parseFlagConfig({ shortTenderDays: 2.5 })).toThrow(/shortTenderDays must be a whole number/);
    expect(() => parseFlagConfig({ repeatDirectAwards: "3.5" })).toThrow(/repeatDirectAwards must be a whole number/);
    expect(() => parseFlagConfig({ splitThresholdPence: 100.5 })).toThrow(/splitThresholdPence must be a whole number/);
  });

  it("rejects a window shorter than one day", () => {
    expect(() => parseFlagConfig({ repeatWindowDays: 0 })).toThrow(/repeatWindowDays must be at least 1 day/);
    expect(() => parseFlagConfig({ splitWindowDays: 0 })).toThrow(/splitWindowDays/);
  });

  it("rejects an unknown (e.g. misspelt) setting", () => {
    expect(() => parseFlagConfig({ shortTenderDay: 10 })).toThrow(/unknown setting shortTenderDay/);
  });
});

describe("thresholds from the environment", () => {
  it("reads the FLAG_* variables over the defaults, and says which were set", () => {
    const r = flagConfigFromEnv({ FLAG_SHORT_TENDER_DAYS: "15", FLAG_SPLIT_THRESHOLD_PENCE: "10000000", FLAG_VALUE_INCREASE_PCT: " " });
    expect(r).toEqual({
      ok: true,
      config: { ...DEFAULT_FLAG_CONFIG, shortTenderDays: 15, splitThresholdPence: 10_000_000n },
      fromEnv: ["FLAG_SHORT_TENDER_DAYS", "FLAG_SPLIT_THRESHOLD_PENCE"],
    });
    expect(flagConfigFromEnv({})).toEqual({ ok: true, config: DEFAULT_FLAG_CONFIG, fromEnv: [] });
  });

  it("names every bad variable, not only the first", () => {
    const r = flagConfigFromEnv({ FLAG_SHORT_TENDER_DAYS: "-3", FLAG_REPEAT_WINDOW_DAYS: "0", FLAG_LATE_PUBLICATION_DAYS: "soon" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      'FLAG_SHORT_TENDER_DAYS: must be a finite non-negative number (got "-3")',
      'FLAG_LATE_PUBLICATION_DAYS: must be a finite non-negative number (got "soon")',
      'FLAG_REPEAT_WINDOW_DAYS: must be at least 1 day (got "0")',
    ]);
  });

  it("has one variable per setting", () => {
    expect(Object.keys(FLAG_ENV_VARS).sort()).toEqual(Object.keys(DEFAULT_FLAG_CONFIG).sort());
  });

  it("round-trips a configuration through JSON", () => {
    const config = parseFlagConfig({ shortTenderDays: 15, valueIncreasePct: 12.5, splitThresholdPence: 123_456_789n });
    expect(parseFlagConfig(JSON.parse(JSON.stringify(serialiseFlagConfig(config))))).toEqual(config);
  });
});
