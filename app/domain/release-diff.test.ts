import { describe, expect, it } from "vitest";
import { diffCompiled } from "./release-diff";

describe("diffCompiled", () => {
  it("lists changed, added and removed leaves, keying arrays of objects by id", () => {
    const before = { ocid: "o", tender: { title: "A", value: { amount: 100 } }, awards: [{ id: "a1", status: "pending" }] };
    const after = {
      ocid: "o",
      tender: { title: "A", value: { amount: 150 } },
      awards: [
        { id: "a1", status: "active" },
        { id: "a2", status: "pending" },
      ],
      tag: ["x"],
    };
    expect(diffCompiled(before, after)).toEqual([
      { path: "awards[a1].status", before: "pending", after: "active" },
      { path: "awards[a2].id", before: null, after: "a2" },
      { path: "awards[a2].status", before: null, after: "pending" },
      { path: "tender.value.amount", before: "100", after: "150" },
    ]);
  });

  it("reports nothing for identical states", () => {
    const s = { a: [1, 2], b: { c: "d" } };
    expect(diffCompiled(s, structuredClone(s))).toEqual([]);
  });
});
