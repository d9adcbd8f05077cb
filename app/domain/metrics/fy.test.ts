import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  daysInFy,
  FY_LABEL_RE,
  fyEndExclusive,
  fyLabel,
  fyOf,
  fyQuarter,
  fyRange,
  fyStart,
  parseFyLabel,
  parseUtcDate,
  fyStartDay,
  londonDayNumber,
  utcDayNumber,
} from "./fy";

// Instants between 1900 and 2200 (ms since epoch).
const instant = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }).map((t) => new Date(t));

describe("fyOf", () => {
  it("decides the year on the Europe/London calendar date", () => {
    // BST 2025 began at 01:00 UTC on Sunday 30 March 2025, so on 31 March London is UTC+1.
    // 2025-03-31T22:59Z = 23:59 BST on 31 March → 2024-25.
    expect(fyOf("2025-03-31T22:59Z")).toBe(2024);
    // 2025-03-31T23:00Z = 00:00 BST on 1 April → 2025-26 (a date-only "2025-04-01" from a source is stored so).
    expect(fyOf("2025-03-31T23:00Z")).toBe(2025);
    expect(fyOf("2025-03-31T23:59:59.999Z")).toBe(2025);
    expect(fyOf("2024-03-31T23:00:00Z")).toBe(2024);
    expect(fyOf("2024-03-31T22:59:59.999Z")).toBe(2023);
    expect(fyOf(new Date(Date.UTC(2025, 3, 1)))).toBe(2025);
  });

  it("uses GMT in winter: the year turns at midnight UTC on 1 January", () => {
    // 1 January is GMT (UTC+0): 2024-12-31T23:59Z is still 31 December, 2025-01-01T00:00Z is 1 January.
    // Both are in 2024-25; the calendar year does not matter for the financial year.
    expect(fyOf("2024-12-31T23:59:59Z")).toBe(2024);
    expect(fyOf("2025-01-01T00:00:00Z")).toBe(2024);
  });

  it("reads date-only strings as that calendar day", () => {
    expect(fyOf("2025-03-31")).toBe(2024);
    expect(fyOf("2025-04-01")).toBe(2025);
    expect(fyOf("2024-01-15")).toBe(2023);
    expect(fyOf("2024-12-31")).toBe(2024);
  });

  it("converts instants with an offset, and date-times without a zone are UTC instants", () => {
    // 00:30 BST on 1 April 2025 (+01:00) is 23:30 UTC on 31 March; in London it is 1 April → 2025.
    expect(fyOf("2025-04-01T00:30:00+01:00")).toBe(2025);
    // 21:30 at UTC−01:00 on 31 March is 22:30 UTC = 23:30 BST on 31 March → 2024.
    expect(fyOf("2025-03-31T21:30:00-01:00")).toBe(2024);
    // No zone: taken as a UTC instant. 23:59:59 UTC on 31 March is 00:59:59 BST on 1 April → 2025.
    expect(fyOf("2025-03-31T23:59:59")).toBe(2025);
    expect(fyOf("2025-03-31T22:00:00")).toBe(2024);
  });

  it("throws on invalid dates", () => {
    expect(() => fyOf("not a date")).toThrow(RangeError);
    expect(() => fyOf("2023-02-29")).toThrow(RangeError);
    expect(() => fyOf(new Date(Number.NaN))).toThrow(RangeError);
  });

  it("places every instant inside [fyStart, fyEndExclusive) of its year", () => {
    fc.assert(
      fc.property(instant, (d) => {
        const fy = fyOf(d);
        expect(fyStart(fy).getTime()).toBeLessThanOrEqual(d.getTime());
        expect(d.getTime()).toBeLessThan(fyEndExclusive(fy).getTime());
      }),
    );
  });
});

describe("parseUtcDate", () => {
  it("accepts leap days only in leap years", () => {
    expect(parseUtcDate("2024-02-29")?.toISOString()).toBe("2024-02-29T00:00:00.000Z");
    expect(parseUtcDate("2023-02-29")).toBeNull();
    expect(parseUtcDate("2000-02-29")).not.toBeNull();
    expect(parseUtcDate("1900-02-29")).toBeNull();
  });

  it("rejects non-ISO text and out-of-range parts", () => {
    expect(parseUtcDate("")).toBeNull();
    expect(parseUtcDate(null)).toBeNull();
    expect(parseUtcDate("31/03/2025")).toBeNull();
    expect(parseUtcDate("2025-13-01")).toBeNull();
    expect(parseUtcDate("2025-01-01T24:00:00Z")).toBeNull();
  });

  it("applies offsets and fractions", () => {
    expect(parseUtcDate("2024-06-30T12:00:00.5+02:00")?.toISOString()).toBe("2024-06-30T10:00:00.500Z");
    expect(parseUtcDate("2024-06-30T12:00:00+0530")?.toISOString()).toBe("2024-06-30T06:30:00.000Z");
  });

  it("round-trips toISOString", () => {
    fc.assert(
      fc.property(instant, (d) => {
        expect(parseUtcDate(d.toISOString())?.getTime()).toBe(d.getTime());
      }),
    );
  });
});

describe("utcDayNumber and londonDayNumber", () => {
  it("counts whole UTC days since 1970-01-01", () => {
    expect(utcDayNumber("1970-01-01")).toBe(0);
    expect(utcDayNumber("1970-01-02T23:59:59Z")).toBe(1);
    expect(utcDayNumber("1969-12-31T12:00:00Z")).toBe(-1);
  });

  it("counts the London calendar day: one day later from 23:00 UTC in summer", () => {
    // 2024-04-01 is day 19814 (54 years incl. 13 leap days: 54×365+13 = 19723; + Jan 31 + Feb 29 + Mar 31 = 91 → 19814).
    expect(utcDayNumber("2024-04-01")).toBe(19814);
    expect(londonDayNumber("2024-04-01")).toBe(19814);
    expect(londonDayNumber("2024-03-31T23:00:00Z")).toBe(19814); // 00:00 BST on 1 April
    expect(londonDayNumber("2024-03-31T22:59:59Z")).toBe(19813); // 23:59:59 BST on 31 March
    expect(londonDayNumber("2024-12-31T23:30:00Z")).toBe(utcDayNumber("2024-12-31")); // GMT in winter
    expect(fyStartDay(2024)).toBe(19814);
  });

  it("never differs from the UTC day by more than one, and only between 23:00 and 24:00 UTC", () => {
    fc.assert(
      fc.property(instant, (d) => {
        const diff = londonDayNumber(d) - utcDayNumber(d);
        expect(diff === 0 || (diff === 1 && d.getUTCHours() === 23)).toBe(true);
      }),
    );
  });
});

describe("fyLabel and parseFyLabel", () => {
  it("labels years with the next year's last two digits", () => {
    expect(fyLabel(2024)).toBe("2024-25");
    expect(fyLabel(1999)).toBe("1999-00");
    expect(fyLabel(2009)).toBe("2009-10");
    expect(fyLabel(2099)).toBe("2099-00");
  });

  it("rejects years that cannot be labelled", () => {
    expect(() => fyLabel(2024.5)).toThrow(RangeError);
    expect(() => fyLabel(10000)).toThrow(RangeError);
  });

  it("parses strictly", () => {
    expect(parseFyLabel("2024-25")).toBe(2024);
    expect(parseFyLabel("1999-00")).toBe(1999);
    expect(parseFyLabel("2024-26")).toBeNull();
    expect(parseFyLabel("2024-24")).toBeNull();
    expect(parseFyLabel("2024/25")).toBeNull();
    expect(parseFyLabel("24-25")).toBeNull();
    expect(parseFyLabel(" 2024-25")).toBeNull();
    expect(parseFyLabel("2024-25 ")).toBeNull();
    expect(parseFyLabel("2024-2025")).toBeNull();
    expect(FY_LABEL_RE.test("2024-25")).toBe(true);
    expect(FY_LABEL_RE.test("2024-5")).toBe(false);
  });

  it("round-trips every year 0–9999", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), (fy) => {
        const label = fyLabel(fy);
        expect(FY_LABEL_RE.test(label)).toBe(true);
        expect(parseFyLabel(label)).toBe(fy);
      }),
    );
  });

  it("accepts only labels whose second part follows the first", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), (y, yy) => {
        const label = `${String(y).padStart(4, "0")}-${String(yy).padStart(2, "0")}`;
        expect(parseFyLabel(label)).toBe((y + 1) % 100 === yy ? y : null);
      }),
    );
  });
});

describe("fyQuarter", () => {
  it("starts Q1 in April and Q4 in January", () => {
    expect(fyQuarter("2024-04-01")).toBe(1);
    // 22:59:59 UTC on 30 June = 23:59:59 BST: still Q1; 23:00 UTC = 00:00 BST on 1 July: Q2.
    expect(fyQuarter("2024-06-30T22:59:59Z")).toBe(1);
    expect(fyQuarter("2024-06-30T23:00:00Z")).toBe(2);
    // 31 December is GMT: 23:59 UTC is still Q3.
    expect(fyQuarter("2024-12-31T23:59:00Z")).toBe(3);
    expect(fyQuarter("2024-07-01")).toBe(2);
    expect(fyQuarter("2024-09-30")).toBe(2);
    expect(fyQuarter("2024-10-01")).toBe(3);
    expect(fyQuarter("2024-12-31")).toBe(3);
    expect(fyQuarter("2025-01-01")).toBe(4);
    expect(fyQuarter("2025-03-31T22:59:59Z")).toBe(4); // 23:59:59 BST on 31 March
    expect(fyQuarter("2025-03-31T23:00:00Z")).toBe(1); // 00:00 BST on 1 April
  });

  it("agrees with the London calendar month for any instant", () => {
    fc.assert(
      fc.property(instant, (d) => {
        const months = [4, 4, 4, 1, 1, 1, 2, 2, 2, 3, 3, 3]; // January … December
        const londonMonth = new Date(londonDayNumber(d) * 86_400_000).getUTCMonth();
        expect(fyQuarter(d)).toBe(months[londonMonth]);
      }),
    );
  });
});

describe("fyStart, fyEndExclusive, daysInFy, fyRange", () => {
  it("bounds a year at 00:00 on 1 April, London time (23:00 UTC on 31 March, in BST)", () => {
    expect(fyStart(2024).toISOString()).toBe("2024-03-31T23:00:00.000Z");
    expect(fyEndExclusive(2024).toISOString()).toBe("2025-03-31T23:00:00.000Z");
    expect(fyOf(fyStart(2024))).toBe(2024);
    expect(fyOf(new Date(fyStart(2024).getTime() - 1))).toBe(2023);
  });

  it("has 366 days when the year contains 29 February", () => {
    expect(daysInFy(2023)).toBe(366); // 29 Feb 2024
    expect(daysInFy(2024)).toBe(365);
    expect(daysInFy(2019)).toBe(366); // 29 Feb 2020
    expect(daysInFy(1999)).toBe(366); // 2000 is a leap year
    expect(daysInFy(2099)).toBe(365); // 2100 is not
  });

  it("lists years inclusively", () => {
    expect(fyRange(2017, 2022)).toEqual([2017, 2018, 2019, 2020, 2021, 2022]);
    expect(fyRange(2025, 2025)).toEqual([2025]);
    expect(fyRange(2026, 2025)).toEqual([]);
    expect(() => fyRange(2017.5, 2020)).toThrow(/from/);
  });

  it("has days that add up to the span of the range", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1800, max: 2300 }), fc.integer({ min: 0, max: 40 }), (from, len) => {
        const to = from + len;
        const days = fyRange(from, to).reduce((s, fy) => s + daysInFy(fy), 0);
        expect(days * 86_400_000).toBe(fyEndExclusive(to).getTime() - fyStart(from).getTime());
      }),
    );
  });
});
