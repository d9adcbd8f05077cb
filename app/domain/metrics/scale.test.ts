import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SCALES, type Scale } from "../types";
import { isSme, normaliseScale, resolveScale, scaleClass, scaleFromSmeFlag } from "./scale";

describe("normaliseScale", () => {
  it("maps published scales case-insensitively", () => {
    expect(normaliseScale("micro")).toBe("micro");
    expect(normaliseScale("Small")).toBe("small");
    expect(normaliseScale("MEDIUM")).toBe("medium");
    expect(normaliseScale("sme")).toBe("sme");
    expect(normaliseScale("large")).toBe("large");
    expect(normaliseScale("selfEmployed")).toBe("micro");
    expect(normaliseScale("SELFEMPLOYED")).toBe("micro");
    expect(normaliseScale(" large ")).toBe("large");
  });

  it("returns null for anything else", () => {
    for (const v of ["", "unknown", "big", "self employed", "smes", null, undefined, true, 1, {}, ["sme"]]) {
      expect(normaliseScale(v)).toBeNull();
    }
  });

  it("only ever returns a known scale other than unknown, or null", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom("Micro", "sMall", "selfemployed", "LARGE")), (s) => {
        const r = normaliseScale(s);
        expect(r === null || (SCALES.includes(r) && r !== "unknown")).toBe(true);
      }),
    );
  });
});

describe("scaleFromSmeFlag", () => {
  it("reads Contracts Finder's sme: true/false", () => {
    expect(scaleFromSmeFlag(true)).toBe("sme");
    expect(scaleFromSmeFlag(false)).toBe("large");
    expect(scaleFromSmeFlag("true")).toBeNull();
    expect(scaleFromSmeFlag(null)).toBeNull();
  });
});

describe("resolveScale", () => {
  it("prefers the publisher's scale, then the register entry, then unknown", () => {
    expect(resolveScale("small", "large")).toBe("small");
    expect(resolveScale(null, "large")).toBe("large");
    expect(resolveScale(null, null)).toBe("unknown");
    expect(resolveScale("unknown", "medium")).toBe("medium");
    expect(resolveScale("large", null)).toBe("large");
  });

  it("never returns unknown when either source knows", () => {
    const scale = fc.option(fc.constantFrom<Scale>(...SCALES));
    fc.assert(
      fc.property(scale, scale, (a, b) => {
        const r = resolveScale(a, b);
        const known = [a, b].filter((x) => x !== null && x !== "unknown");
        expect(r).toBe(known[0] ?? "unknown");
      }),
    );
  });
});

describe("scaleClass and isSme", () => {
  it("groups micro, small, medium and sme as SME", () => {
    expect(SCALES.map(scaleClass)).toEqual(["sme", "sme", "sme", "sme", "large", "unknown"]);
    expect(SCALES.filter(isSme)).toEqual(["micro", "small", "medium", "sme"]);
  });
});
