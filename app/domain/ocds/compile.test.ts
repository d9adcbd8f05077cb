import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OcdsRelease } from "../types";
import { compileReleases, mergeObject, sortReleases } from "./compile";

const REAL = new URL("../../../../shared/data/real/", import.meta.url);

function rel(date: string, extra: Record<string, unknown> = {}, id = `r-${date}`): OcdsRelease {
  return { ocid: "ocds-x-1", id, date, tag: ["tender"], ...extra };
}

describe("compileReleases: the compiled release's own fields", () => {
  it("tag is compiled, date is the last release's date, id is ocid-date", () => {
    const c = compileReleases([rel("2024-01-01T00:00:00Z"), rel("2024-02-01T10:00:00+01:00", { tag: ["award"] })]);
    expect(c.tag).toEqual(["compiled"]);
    expect(c.date).toBe("2024-02-01T10:00:00+01:00");
    expect(c.id).toBe("ocds-x-1-2024-02-01T10:00:00+01:00");
    expect(c.ocid).toBe("ocds-x-1");
  });

  it("refuses no releases and releases of several ocids", () => {
    expect(() => compileReleases([])).toThrow(/no releases/);
    expect(() => compileReleases([rel("2024-01-01"), { ...rel("2024-01-02"), ocid: "other" }])).toThrow(/more than one ocid/);
  });
});

describe("compileReleases: merge rules", () => {
  it("merges objects recursively; a field left out keeps its value", () => {
    const c = compileReleases([
      rel("2024-01-01T00:00:00Z", { tender: { title: "Old", status: "active", value: { amount: 100, currency: "GBP" } } }),
      rel("2024-01-02T00:00:00Z", { tender: { status: "complete", value: { amount: 150 } } }),
    ]);
    expect(c.tender).toEqual({ title: "Old", status: "complete", value: { amount: 150, currency: "GBP" } });
  });

  it("a null value removes the field, at any depth; nulls are not copied into new objects", () => {
    const c = compileReleases([
      rel("2024-01-01T00:00:00Z", { description: "x", tender: { title: "T", value: { amount: 1, currency: "GBP" } } }),
      rel("2024-01-02T00:00:00Z", { description: null, tender: { value: null, procurementMethod: null, status: "active" } }),
    ]);
    expect("description" in c).toBe(false);
    expect(c.tender).toEqual({ title: "T", status: "active" });
  });

  it("a null inside an item merged by identity removes that item's field only", () => {
    const c = compileReleases([
      rel("2024-01-01T00:00:00Z", { awards: [{ id: "a1", title: "x", value: { amount: 1 } }, { id: "a2", title: "y" }] }),
      rel("2024-01-02T00:00:00Z", { awards: [{ id: "a1", value: null }] }),
    ]);
    expect(c.awards).toEqual([{ id: "a1", title: "x" }, { id: "a2", title: "y" }]);
  });

  it("merges arrays of objects with ids by identity: same id merged, new ids appended", () => {
    const c = compileReleases([
      rel("2024-01-01T00:00:00Z", {
        awards: [
          { id: "a1", status: "pending", value: { amount: 10, currency: "GBP" }, suppliers: [{ id: "s1", name: "One" }] },
          { id: "a2", status: "active" },
        ],
      }),
      rel("2024-01-02T00:00:00Z", {
        awards: [
          { id: "a3", status: "active" },
          { id: "a1", status: "active", value: { amount: 12 }, suppliers: [{ id: "s2", name: "Two" }] },
        ],
      }),
    ]);
    expect(c.awards).toEqual([
      {
        id: "a1",
        status: "active",
        value: { amount: 12, currency: "GBP" },
        suppliers: [
          { id: "s1", name: "One" },
          { id: "s2", name: "Two" },
        ],
      },
      { id: "a2", status: "active" },
      { id: "a3", status: "active" },
    ]);
  });

  it("compares ids as text (integer item ids in old Contracts Finder data)", () => {
    const c = compileReleases([
      rel("2024-01-01T00:00:00Z", { tender: { items: [{ id: 1, description: "one" }] } }),
      rel("2024-01-02T00:00:00Z", { tender: { items: [{ id: "1", quantity: 3 }] } }),
    ]);
    expect(c.tender).toEqual({ items: [{ id: "1", description: "one", quantity: 3 }] });
  });

  it("merges two items with one id inside a single release into one", () => {
    const c = compileReleases([
      rel("2024-01-01T00:00:00Z", {
        parties: [
          { id: "GB-COH-1", name: "DENNIS EAGLE LIMITED (t/a Terberg Matec UK)", roles: ["supplier"] },
          { id: "GB-COH-1", name: "DENNIS EAGLE LIMITED", roles: ["supplier"] },
        ],
      }),
    ]);
    expect(c.parties).toEqual([{ id: "GB-COH-1", name: "DENNIS EAGLE LIMITED", roles: ["supplier"] }]);
  });

  it("replaces arrays that are not arrays of objects with ids", () => {
    const c = compileReleases([
      rel("2024-01-01T00:00:00Z", {
        parties: [{ id: "p", roles: ["buyer", "reviewBody"] }],
        tender: {
          submissionMethod: ["electronicSubmission", "written"],
          items: [{ id: "i", deliveryAddresses: [{ region: "A" }, { region: "B" }] }],
          milestones: [{ id: "m1" }, { title: "no id" }],
          documents: [{ id: "d1" }],
        },
      }),
      rel("2024-01-02T00:00:00Z", {
        parties: [{ id: "p", roles: ["buyer"] }],
        tender: {
          submissionMethod: ["inPerson"],
          items: [{ id: "i", deliveryAddresses: [{ region: "C", locality: null }] }],
          milestones: [{ id: "m2" }, { title: "still no id" }],
          documents: [],
        },
      }),
    ]);
    expect(c.parties).toEqual([{ id: "p", roles: ["buyer"] }]);
    expect(c.tender).toEqual({
      submissionMethod: ["inPerson"],
      items: [{ id: "i", deliveryAddresses: [{ region: "C" }] }],
      milestones: [{ id: "m2" }, { title: "still no id" }],
      documents: [],
    });
  });

  it("applies releases in date order, comparing instants (offsets included), whatever the order given", () => {
    const later = rel("2022-10-20T09:33:38+01:00", { tender: { title: "second (08:33:38Z)" } }); // string-sorts last
    const latest = rel("2022-10-20T08:40:00Z", { tender: { title: "third (08:40Z)" } });
    const first = rel("2022-10-20", { tender: { title: "first (day start)", status: "active" } });
    const c = compileReleases([latest, later, first]);
    expect(c.tender).toEqual({ title: "third (08:40Z)", status: "active" });
    expect(c.date).toBe("2022-10-20T08:40:00Z");
    expect(sortReleases([latest, later, first]).map((r) => r.id)).toEqual([first.id, later.id, latest.id]);
  });

  it("keeps the given order for releases with the same date (stable sort)", () => {
    const a = rel("2024-01-01T00:00:00Z", { title: "A" }, "a");
    const b = rel("2024-01-01T00:00:00Z", { title: "B" }, "b");
    expect(compileReleases([a, b]).title).toBe("B");
    expect(compileReleases([b, a]).title).toBe("A");
  });

  it("leaves its inputs unchanged and shares no objects with them", () => {
    const r1 = rel("2024-01-01T00:00:00Z", { awards: [{ id: "a", value: { amount: 1 } }], tender: { x: { y: 1 } } });
    const r2 = rel("2024-01-02T00:00:00Z", { awards: [{ id: "a", value: { amount: 2 } }], tender: { x: null } });
    const before = JSON.stringify([r1, r2]);
    const c = compileReleases([r1, r2]);
    expect(JSON.stringify([r1, r2])).toBe(before);
    const awards = c.awards as { value: { amount: number } }[];
    awards[0]!.value.amount = 99;
    expect(JSON.stringify([r1, r2])).toBe(before);
  });

  it("mergeObject applies one release over a state in place", () => {
    const state: Record<string, unknown> = { a: { b: 1, c: 2 } };
    mergeObject(state, { a: { c: null, d: 3 } });
    expect(state).toEqual({ a: { b: 1, d: 3 } });
  });
});

describe("compileReleases on real Contracts Finder releases", () => {
  const page = JSON.parse(readFileSync(new URL("cf-2022-search-pages/cf-search-2022-10-20-limit100.json", REAL), "utf8")) as {
    releases: OcdsRelease[];
  };
  const byOcid = new Map<string, OcdsRelease[]>();
  for (const r of page.releases) byOcid.set(r.ocid, [...(byOcid.get(r.ocid) ?? []), r]);
  const multi = [...byOcid.values()].filter((rs) => rs.length > 1);

  it("the page has processes with several releases (so the properties below are exercised)", () => {
    expect(multi.length).toBeGreaterThan(0);
  });

  it("gives the same compiled release whatever order the releases come in", () => {
    for (const rs of multi) {
      const expected = compileReleases(rs);
      fc.assert(
        fc.property(fc.shuffledSubarray(rs, { minLength: rs.length, maxLength: rs.length }), (shuffled) => {
          expect(compileReleases(shuffled)).toEqual(expected);
        }),
        { numRuns: 20 },
      );
    }
  });

  it("the compiled award value is the value in the latest release (awardUpdate corrections)", () => {
    let checked = 0;
    for (const rs of multi) {
      const latest = [...rs].sort((a, b) => Date.parse(a.date) - Date.parse(b.date)).at(-1)!;
      const latestAwards = (latest.awards ?? []) as { id: string; value?: unknown }[];
      const compiledAwards = (compileReleases(rs).awards ?? []) as { id: string; value?: unknown }[];
      for (const a of latestAwards) {
        expect(compiledAwards.find((x) => x.id === a.id)?.value).toEqual(a.value);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("merges a supplier listed twice under one party id (cf-2025-03, 35 references, one id repeated)", () => {
    const r = JSON.parse(
      readFileSync(new URL("cf-2025-03-releases/df8d0f63-9018-4d89-9008-acf8ea3d67bc-832814.json", REAL), "utf8"),
    ) as OcdsRelease & { awards: { suppliers: { id: string }[] }[] };
    const refs = r.awards[0]!.suppliers;
    const distinct = new Set(refs.map((s) => s.id)).size;
    expect(distinct).toBeLessThan(refs.length);
    const compiled = compileReleases([r]) as OcdsRelease & { awards: { suppliers: unknown[] }[] };
    expect(compiled.awards[0]!.suppliers).toHaveLength(distinct);
  });
});
