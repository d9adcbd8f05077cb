import { describe, expect, it } from "vitest";
import { checkRelease } from "./validate";

const good = () => ({
  ocid: "ocds-b5fd17-1",
  id: "r1",
  date: "2024-07-04T10:00:00Z",
  tag: ["tender"],
  tender: { value: { amount: 1000, currency: "GBP" } },
});

function reason(raw: unknown): string {
  const r = checkRelease(raw);
  if (r.ok) throw new Error("expected a rejection");
  return r.reason;
}

describe("checkRelease accepts", () => {
  it("a minimal release, keeping every other field as published", () => {
    const r = checkRelease({ ...good(), x_extra: { a: 1 } });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.release.ocid).toBe("ocds-b5fd17-1");
      expect(r.release.x_extra).toEqual({ a: 1 });
      expect(r.release.date).toBe("2024-07-04T10:00:00Z");
    }
  });

  it("a numeric id, returned as a string", () => {
    const r = checkRelease({ ...good(), id: 42 });
    expect(r.ok && r.release.id).toBe("42");
  });

  it("date-only dates, null amounts and currencies", () => {
    const r = checkRelease({
      ...good(),
      date: "2024-07-04",
      awards: [{ id: "a", value: { amount: 1234.5, currency: "EUR" } }],
      parties: [{ id: "1", x_awardValue: { amount: null, currency: "GBP" } }],
      planning: { budget: { amount: { amount: 5, currency: null } } },
    });
    expect(r).toMatchObject({ ok: true });
  });
});

describe("checkRelease rejects, naming the field and the problem", () => {
  it("not an object", () => {
    expect(reason(null)).toMatch(/^release: not an object/);
    expect(reason([good()])).toMatch(/^release: not an object/);
    expect(reason("x")).toMatch(/^release: not an object/);
  });

  it("ocid missing, empty or not a string", () => {
    const { ocid: _o, ...noOcid } = good();
    expect(reason(noOcid)).toBe("ocid: required");
    expect(reason({ ...good(), ocid: null })).toBe("ocid: required");
    expect(reason({ ...good(), ocid: "  " })).toBe("ocid: must not be empty");
    expect(reason({ ...good(), ocid: 7 })).toBe("ocid: must be a string");
  });

  it("id missing, empty or of another type", () => {
    const { id: _i, ...noId } = good();
    expect(reason(noId)).toBe("id: required");
    expect(reason({ ...good(), id: "" })).toBe("id: must not be empty");
    expect(reason({ ...good(), id: { x: 1 } })).toBe("id: must be a string or a number");
  });

  it("date missing or not a date", () => {
    const { date: _d, ...noDate } = good();
    expect(reason(noDate)).toBe("date: required");
    expect(reason({ ...good(), date: "yesterday" })).toBe("date: not a date");
    expect(reason({ ...good(), date: "2023-02-29" })).toBe("date: not a date");
    expect(reason({ ...good(), date: 20240704 })).toBe("date: not a date");
  });

  it("tag missing, empty, not an array or not strings", () => {
    const { tag: _t, ...noTag } = good();
    expect(reason(noTag)).toBe("tag: required");
    expect(reason({ ...good(), tag: [] })).toBe("tag: must not be empty");
    expect(reason({ ...good(), tag: "tender" })).toBe("tag: must be an array of strings");
    expect(reason({ ...good(), tag: ["tender", 3] })).toBe("tag[1]: must be a string");
  });

  it("a non-numeric amount, naming its path", () => {
    expect(reason({ ...good(), tender: { value: { amount: "TBC", currency: "GBP" } } })).toBe(
      'tender.value.amount: not a number ("TBC")',
    );
    expect(reason({ ...good(), awards: [{ id: "1" }, { id: "2", value: { amount: true } }] })).toBe(
      "awards[1].value.amount: not a number (true)",
    );
  });

  it("an amount written as a string, even a numeric one (OCDS amounts are numbers), naming its path", () => {
    expect(reason({ ...good(), awards: [{ id: "a", value: { amount: "250000", currency: "GBP" } }] })).toBe(
      'awards[0].value.amount: must be a number, not a string ("250000")',
    );
    expect(reason({ ...good(), tender: { value: { amount: "1234.50", currency: "GBP" } } })).toMatch(/^tender\.value\.amount: must be a number/);
    expect(reason({ ...good(), contracts: [{ id: "c", awardID: "a", value: { amount: " 12 ", currency: "GBP" } }] })).toMatch(
      /^contracts\[0\]\.value\.amount: must be a number/,
    );
  });

  it("an unknown currency code, naming its path", () => {
    expect(reason({ ...good(), tender: { value: { amount: 5, currency: "gbp" } } })).toMatch(
      /^tender\.value\.currency: unknown currency code "gbp"/,
    );
    expect(reason({ ...good(), contracts: [{ id: "c", value: { amount: 5, currency: "£" } }] })).toMatch(
      /^contracts\[0\]\.value\.currency: unknown currency code "£"/,
    );
    expect(reason({ ...good(), tender: { minValue: { amount: 5, currency: "POUNDS" } } })).toMatch(
      /^tender\.minValue\.currency: unknown currency code/,
    );
  });

  it("lists every problem", () => {
    expect(reason({ tag: ["tender"], date: "x", id: "1", tender: { value: { amount: "n/a" } } })).toBe(
      'ocid: required; date: not a date; tender.value.amount: not a number ("n/a")',
    );
  });
});
