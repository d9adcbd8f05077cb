import { describe, expect, it } from "vitest";
import { londonLocalToUtcMs, londonOffsetMinutes, parseSourceDate, sourceDateMs } from "./dates";

describe("parseSourceDate: date-only values are the start of that day in Europe/London", () => {
  it("in British Summer Time the day starts at 23:00 UTC the day before", () => {
    expect(parseSourceDate("2024-07-04")).toBe("2024-07-03T23:00:00.000Z");
    expect(parseSourceDate("2024-03-31")).toBe("2024-03-31T00:00:00.000Z"); // BST starts at 01:00 UTC that day
    expect(parseSourceDate("2024-04-01")).toBe("2024-03-31T23:00:00.000Z");
    expect(parseSourceDate("2024-10-27")).toBe("2024-10-26T23:00:00.000Z"); // last BST midnight of 2024
  });

  it("in Greenwich Mean Time the day starts at 00:00 UTC", () => {
    expect(parseSourceDate("2024-12-04")).toBe("2024-12-04T00:00:00.000Z");
    expect(parseSourceDate("2024-10-28")).toBe("2024-10-28T00:00:00.000Z");
    expect(parseSourceDate("2025-01-01")).toBe("2025-01-01T00:00:00.000Z");
    expect(parseSourceDate("2024-02-29")).toBe("2024-02-29T00:00:00.000Z");
  });

  it("follows the last-Sunday rule in other years", () => {
    // 2019: BST 31 March – 27 October; 2023: 26 March – 29 October
    expect(parseSourceDate("2019-03-30")).toBe("2019-03-30T00:00:00.000Z");
    expect(parseSourceDate("2019-04-01")).toBe("2019-03-31T23:00:00.000Z");
    expect(parseSourceDate("2023-10-29")).toBe("2023-10-28T23:00:00.000Z");
    expect(parseSourceDate("2023-10-30")).toBe("2023-10-30T00:00:00.000Z");
  });
});

describe("parseSourceDate: timestamps", () => {
  it("converts zoned timestamps to UTC", () => {
    expect(parseSourceDate("2022-10-18T20:32:40+01:00")).toBe("2022-10-18T19:32:40.000Z");
    expect(parseSourceDate("2025-03-11T10:01:01Z")).toBe("2025-03-11T10:01:01.000Z");
    expect(parseSourceDate("2022-08-22T23:59:59+01:00")).toBe("2022-08-22T22:59:59.000Z");
    expect(parseSourceDate("2024-01-01T00:30:00-05:00")).toBe("2024-01-01T05:30:00.000Z");
    expect(parseSourceDate("2024-01-01T12:00:00+0530")).toBe("2024-01-01T06:30:00.000Z");
    expect(parseSourceDate("2024-01-01T12:00:00.1234567Z")).toBe("2024-01-01T12:00:00.123Z");
    expect(parseSourceDate("2024-01-01 12:00Z")).toBe("2024-01-01T12:00:00.000Z");
  });

  it("reads a timestamp without zone as Europe/London wall-clock time", () => {
    expect(parseSourceDate("2024-07-04T09:00:00")).toBe("2024-07-04T08:00:00.000Z");
    expect(parseSourceDate("2024-12-04T09:00:00")).toBe("2024-12-04T09:00:00.000Z");
  });

  it("accepts a valid Date", () => {
    expect(parseSourceDate(new Date("2024-07-04T10:00:00Z"))).toBe("2024-07-04T10:00:00.000Z");
  });
});

describe("parseSourceDate: garbage", () => {
  it.each([
    ["empty", ""],
    ["words", "not a date"],
    ["UK style", "04/07/2024"],
    ["impossible day", "2023-02-29"],
    ["month 13", "2024-13-01"],
    ["hour 25", "2024-01-01T25:00:00Z"],
    ["minute 60", "2024-01-01T10:60:00Z"],
    ["bad offset", "2024-01-01T10:00:00+25:00"],
    ["trailing junk", "2024-01-01Tfoo"],
  ])("%s → null", (_label, v) => {
    expect(parseSourceDate(v)).toBeNull();
  });

  it("non-strings → null", () => {
    expect(parseSourceDate(null)).toBeNull();
    expect(parseSourceDate(undefined)).toBeNull();
    expect(parseSourceDate(1720051200000)).toBeNull();
    expect(parseSourceDate({})).toBeNull();
    expect(parseSourceDate(new Date(Number.NaN))).toBeNull();
  });
});

describe("Europe/London offset", () => {
  it("changes at 01:00 UTC on the last Sundays of March and October", () => {
    expect(londonOffsetMinutes(Date.parse("2024-03-31T00:59:59Z"))).toBe(0);
    expect(londonOffsetMinutes(Date.parse("2024-03-31T01:00:00Z"))).toBe(60);
    expect(londonOffsetMinutes(Date.parse("2024-10-27T00:59:59Z"))).toBe(60);
    expect(londonOffsetMinutes(Date.parse("2024-10-27T01:00:00Z"))).toBe(0);
  });

  it("agrees with the platform's time-zone data for every day start of 2014–2026", () => {
    const fmt = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", hour: "2-digit", hourCycle: "h23" });
    let checked = 0;
    for (let ms = Date.UTC(2014, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 86_400_000) {
      const d = new Date(ms);
      const start = londonLocalToUtcMs(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
      expect(fmt.format(new Date(start))).toBe("00");
      checked++;
    }
    expect(checked).toBeGreaterThan(4700);
  });

  it("sourceDateMs gives the instant or null", () => {
    expect(sourceDateMs("2024-07-04")).toBe(Date.parse("2024-07-03T23:00:00Z"));
    expect(sourceDateMs("nope")).toBeNull();
  });
});
