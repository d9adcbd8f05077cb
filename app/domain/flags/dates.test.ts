import { describe, expect, it } from "vitest";
import { isoDateFromDayNumber, londonDayNumber, londonOffsetMs, parseInstant, wholeDaysBetween } from "./dates";

const london = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit" });

describe("day arithmetic", () => {
  it("agrees with the platform's Europe/London calendar, hour by hour, 2015 to 2030", () => {
    const start = Date.UTC(2015, 0, 1);
    const end = Date.UTC(2031, 0, 1);
    let mismatches = 0;
    for (let ms = start; ms < end; ms += 3_600_000) {
      const iso = new Date(ms).toISOString();
      const day = londonDayNumber(iso);
      if (day === null || isoDateFromDayNumber(day) !== london.format(ms)) mismatches += 1;
    }
    expect(mismatches).toBe(0);
  });

  it("knows when summer time starts and ends", () => {
    expect(londonOffsetMs(Date.parse("2024-03-31T00:59:59Z"))).toBe(0);
    expect(londonOffsetMs(Date.parse("2024-03-31T01:00:00Z"))).toBe(3_600_000);
    expect(londonOffsetMs(Date.parse("2024-10-27T00:59:59Z"))).toBe(3_600_000);
    expect(londonOffsetMs(Date.parse("2024-10-27T01:00:00Z"))).toBe(0);
  });

  it("keeps a date-only value stored as the start of a London summer day on that day", () => {
    expect(isoDateFromDayNumber(londonDayNumber("2024-06-30T23:00:00Z") ?? 0)).toBe("2024-07-01");
    expect(wholeDaysBetween("2024-06-30T23:00:00Z", "2024-07-31T23:00:00Z")).toBe(31);
  });

  it("reads a bare date as that date and a zoneless date-time as UTC", () => {
    expect(wholeDaysBetween("2024-01-01", "2024-01-26")).toBe(25);
    expect(parseInstant("2024-01-01T10:00:00")).toBe(Date.UTC(2024, 0, 1, 10));
    expect(parseInstant("2024-01-01T10:00:00+01:00")).toBe(Date.UTC(2024, 0, 1, 9));
  });

  it("returns null for missing or unreadable dates", () => {
    expect(wholeDaysBetween(null, "2024-01-01")).toBeNull();
    expect(wholeDaysBetween("2024-01-01", "  ")).toBeNull();
    expect(wholeDaysBetween("not a date", "2024-01-01")).toBeNull();
    expect(londonDayNumber(undefined)).toBeNull();
  });

  it("counts backwards as negative", () => {
    expect(wholeDaysBetween("2024-02-01T00:00:00Z", "2024-01-01T00:00:00Z")).toBe(-31);
  });
});

describe("reading canonical UTC text (the fast path)", () => {
  it("reads with and without milliseconds, as Date.parse does", () => {
    for (const text of ["2024-03-31T00:59:59.999Z", "2024-03-31T01:00:00Z", "1999-12-31T23:59:59.000Z", "2024-02-29T12:00:00.5Z"]) {
      expect(parseInstant(text), text).toBe(Date.parse(text));
    }
  });

  it("agrees with Date.parse on text that only looks canonical", () => {
    for (const text of ["2023-02-29T00:00:00.000Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-1-01T00:00:00Z"]) {
      const expected = Date.parse(text);
      expect(parseInstant(text), text).toBe(Number.isNaN(expected) ? null : expected);
    }
  });

  it("puts an instant on its London calendar day either side of the clock changes", () => {
    // BST starts at 01:00 UTC on 31 March 2024 and ends at 01:00 UTC on 27 October 2024.
    expect(londonDayNumber("2024-03-31T00:59:59.000Z")).toBe(londonDayNumber("2024-03-31"));
    expect(londonDayNumber("2024-06-30T23:00:00.000Z")).toBe(londonDayNumber("2024-07-01"));
    expect(londonDayNumber("2024-06-30T22:59:59.000Z")).toBe(londonDayNumber("2024-06-30"));
    expect(londonDayNumber("2024-10-27T00:59:59.000Z")).toBe(londonDayNumber("2024-10-27"));
    expect(londonDayNumber("2024-12-31T23:30:00.000Z")).toBe(londonDayNumber("2024-12-31"));
  });
});
