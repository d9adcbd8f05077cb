import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  classifyConsultancy,
  DEFAULT_CONSULTANCY_PREFIXES,
  DEFAULT_NOT_CONSULTANCY_PREFIXES,
  describeConsultancyRule,
  normaliseCpv,
} from "./consultancy";

const classify = (cpvCodes: string[], explicit: boolean | null = null) => classifyConsultancy({ explicit, cpvCodes });

describe("classifyConsultancy", () => {
  it("lets the publisher's explicit answer win", () => {
    expect(classify([], true)).toEqual({ consultancy: true, rule: "publisher-yes", matchedCode: null });
    expect(classify(["79410000-1"], false)).toEqual({ consultancy: false, rule: "publisher-no", matchedCode: null });
    expect(classify(["79620000-6"], true).consultancy).toBe(true);
  });

  it("matches each default prefix, stripping the check digit", () => {
    expect(classify(["79410000-1"])).toEqual({ consultancy: true, rule: "cpv-prefix:794", matchedCode: "79410000" });
    expect(classify(["79421000"]).rule).toBe("cpv-prefix:794"); // project management
    expect(classify(["72224000-1"]).rule).toBe("cpv-prefix:7222"); // project management consultancy
    expect(classify(["72221000-0"]).rule).toBe("cpv-prefix:7222"); // business analysis consultancy
    expect(classify(["72246000-1"]).rule).toBe("cpv-prefix:72246");
    expect(classify(["72266000-7"]).rule).toBe("cpv-prefix:72266");
    expect(classify(["73210000-7"]).rule).toBe("cpv-prefix:732");
    expect(classify(["71241000-9"]).rule).toBe("cpv-prefix:71241");
  });

  it("does not count contingent labour or other IT services", () => {
    expect(classify(["79620000-6"])).toEqual({ consultancy: false, rule: "no-matching-cpv", matchedCode: null });
    expect(classify(["79600000-0"]).consultancy).toBe(false);
    expect(classify(["72000000-5"]).consultancy).toBe(false); // IT services in general
    expect(classify(["72240000-9"]).consultancy).toBe(false); // systems analysis and programming
    expect(classify([]).consultancy).toBe(false);
  });

  it("is consultancy when any code matches, and names the first matching code", () => {
    expect(classify(["72000000-5", "79620000-6", "79411000-8", "72266000-7"])).toEqual({
      consultancy: true,
      rule: "cpv-prefix:794",
      matchedCode: "79411000",
    });
  });

  it("ignores malformed codes", () => {
    expect(classify(["7941", "79410000-12", "79410000x", "794100001"]).consultancy).toBe(false);
    expect(normaliseCpv(" 79410000-1 ")).toBe("79410000");
    expect(normaliseCpv("7941000")).toBeNull();
  });

  it("applies exclusions before prefixes and names the longest matching prefix", () => {
    const config = { prefixes: ["79", "7941"], excludedPrefixes: ["796"] };
    expect(classifyConsultancy({ explicit: null, cpvCodes: ["79620000-6"] }, config).consultancy).toBe(false);
    expect(classifyConsultancy({ explicit: null, cpvCodes: ["79100000-5"] }, config).rule).toBe("cpv-prefix:79");
    expect(classifyConsultancy({ explicit: null, cpvCodes: ["79411000-8"] }, config).rule).toBe("cpv-prefix:7941");
  });

  it("rejects a prefix that is not digits, naming the field", () => {
    expect(() => classifyConsultancy({ explicit: null, cpvCodes: ["79410000"] }, { prefixes: ["79a"], excludedPrefixes: [] })).toThrow(/prefixes/);
    expect(() => classifyConsultancy({ explicit: null, cpvCodes: ["79410000"] }, { prefixes: ["794"], excludedPrefixes: [""] })).toThrow(/excludedPrefixes/);
  });

  it("keeps exclusions and prefixes apart by default", () => {
    for (const p of DEFAULT_CONSULTANCY_PREFIXES) {
      for (const x of DEFAULT_NOT_CONSULTANCY_PREFIXES) expect(p.startsWith(x) || x.startsWith(p)).toBe(false);
    }
  });

  it("agrees with a direct reading of the rule for any codes", () => {
    const digits8 = fc.integer({ min: 0, max: 99_999_999 }).map((n) => String(n).padStart(8, "0"));
    const code = fc.oneof(
      digits8,
      digits8.map((c) => `${c}-${Number(c) % 10}`),
      fc.constantFrom("79410000-1", "79620000-6", "72224000-1", "79600000-0", "73200000-4"),
    );
    fc.assert(
      fc.property(fc.array(code, { maxLength: 6 }), fc.option(fc.boolean()), (codes, explicit) => {
        const r = classify(codes, explicit);
        if (explicit !== null) {
          expect(r.consultancy).toBe(explicit);
          return;
        }
        const expected = codes
          .map((c) => c.slice(0, 8))
          .some(
            (c) =>
              DEFAULT_CONSULTANCY_PREFIXES.some((p) => c.startsWith(p)) &&
              !DEFAULT_NOT_CONSULTANCY_PREFIXES.some((x) => c.startsWith(x)),
          );
        expect(r.consultancy).toBe(expected);
        if (r.consultancy) {
          expect(r.matchedCode).not.toBeNull();
          expect(r.matchedCode?.startsWith(r.rule.slice("cpv-prefix:".length))).toBe(true);
        }
      }),
    );
  });
});

// The full CPV 2008 list lives outside the project, for tests only (../shared/data/cpv).
const CPV_CSV = fileURLToPath(new URL("../../../../shared/data/cpv/cpv_2008_en.csv", import.meta.url));

describe("classifyConsultancy against the CPV 2008 list", () => {
  it("finds the CPV list", () => {
    expect(existsSync(CPV_CSV), `expected the CPV list at ${CPV_CSV}`).toBe(true);
  });

  it("matches real codes with every prefix and classifies the families as the definitions say", () => {
    const codes = readFileSync(CPV_CSV, "utf8")
      .split(/\r?\n/)
      .map((line) => /^\uFEFF?(\d{8}-\d)/.exec(line)?.[1])
      .filter((c): c is string => c !== undefined);
    expect(codes.length).toBeGreaterThan(9000);
    for (const p of DEFAULT_CONSULTANCY_PREFIXES) {
      expect(codes.some((c) => c.startsWith(p)), `prefix ${p} matches a real code`).toBe(true);
    }
    for (const c of codes) {
      const r = classify([c]);
      if (c.startsWith("796")) expect(r.consultancy, c).toBe(false);
      if (c.startsWith("794") || c.startsWith("7222")) expect(r.consultancy, c).toBe(true);
      if (c.startsWith("72") && !c.startsWith("7222") && !c.startsWith("72246") && !c.startsWith("72266")) {
        expect(r.consultancy, c).toBe(false);
      }
    }
  });
});

describe("describeConsultancyRule", () => {
  it("says which rule classified a contract", () => {
    expect(describeConsultancyRule("publisher-yes", null)).toMatch(/publisher marked this contract as consultancy/);
    expect(describeConsultancyRule("publisher-no", null)).toMatch(/not consultancy/);
    expect(describeConsultancyRule("no-matching-cpv", null)).toMatch(/none of its CPV codes/);
    const s = describeConsultancyRule("cpv-prefix:794", "79410000");
    expect(s).toContain("79410000");
    expect(s).toContain("prefix 794");
    expect(s).toContain("business and management consultancy");
    expect(describeConsultancyRule("cpv-prefix:79", null)).toContain("prefix 79");
    expect(describeConsultancyRule("mystery", null)).toContain("mystery");
  });
});
