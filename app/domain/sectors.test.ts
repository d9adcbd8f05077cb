import { describe, expect, it } from "vitest";
import { CPV_LABEL_FAMILIES } from "./cpv-labels";
import {
  DEFAULT_SECTOR_BY_CPV,
  DEFAULT_SECTOR_CONFIG,
  DEFAULT_TECHNOLOGY_CPV,
  classifySensitiveSector,
  isTechnology,
  validateSectorConfig,
} from "./sectors";

const classify = (explicit: Parameters<typeof classifySensitiveSector>[0]["explicit"], buyerType: Parameters<typeof classifySensitiveSector>[0]["buyerType"], cpvCodes: string[]) =>
  classifySensitiveSector({ explicit, buyerType, cpvCodes });

describe("the sensitive register is of technology", () => {
  it("leaves out health, education, police and welfare services bought without technology", () => {
    // The CPV codes the audit found classed as sensitive technology on their own.
    for (const code of ["85100000", "85121000", "80100000", "80210000", "35200000", "75310000", "85300000", "75231000", "75241000"]) {
      expect(classify(null, null, [code]), code).toEqual({ sector: null, rule: "not-technology" });
    }
  });

  it("leaves out what a sensitive buyer buys that is not technology", () => {
    expect(classify(null, "nhs", ["85100000"])).toEqual({ sector: null, rule: "not-technology" });
    expect(classify(null, "school", ["55524000"])).toEqual({ sector: null, rule: "not-technology" }); // school catering
    expect(classify(null, "police", ["34144210"])).toEqual({ sector: null, rule: "not-technology" }); // fire-fighting vehicles
    expect(classify(null, "school", ["79400000"])).toEqual({ sector: null, rule: "not-technology" }); // consultancy
    expect(classify(null, "school", ["80500000"])).toEqual({ sector: null, rule: "not-technology" }); // training
    expect(classify(null, "school", ["30100000"])).toEqual({ sector: null, rule: "not-technology" }); // office machinery
  });

  it("does not take a publisher's tag as technology against its CPV codes", () => {
    expect(classify("health", null, ["85100000"])).toEqual({ sector: null, rule: "not-technology" });
  });

  it("with no CPV code at all, keeps only the publisher's tag (nothing contradicts it), never a buyer type alone", () => {
    expect(classify("immigration", "central", [])).toEqual({ sector: "immigration", rule: "publisher" });
    expect(classify(null, "nhs", [])).toEqual({ sector: null, rule: "not-technology" });
    expect(classify(null, null, [])).toEqual({ sector: null, rule: "none" });
  });

  it("keeps technology bought for a sensitive sector, by tag, buyer type or sector CPV code", () => {
    expect(classify("immigration", "central", ["72000000"])).toEqual({ sector: "immigration", rule: "publisher" });
    expect(classify(null, "nhs", ["48000000"])).toEqual({ sector: "health", rule: "buyer-type" });
    expect(classify(null, "school", ["30213100"])).toEqual({ sector: "education", rule: "buyer-type" }); // laptops
    expect(classify(null, "police", ["32250000"])).toEqual({ sector: "policing", rule: "buyer-type" }); // mobile phones
    expect(classify(null, "police", ["64210000"])).toEqual({ sector: "policing", rule: "buyer-type" }); // telephone services
    expect(classify(null, "central", ["48814000"])).toEqual({ sector: "health", rule: "cpv" }); // medical information systems
    expect(classify(null, "local", ["72212190"])).toEqual({ sector: "education", rule: "cpv" });
  });

  it("takes a non-technology sector code as the sector when another code is technology", () => {
    expect(classify(null, "central", ["85100000", "72000000"])).toEqual({ sector: "health", rule: "cpv" });
    expect(classify(null, "local", ["75310000", "48000000"])).toEqual({ sector: "welfare", rule: "cpv" });
    expect(classify(null, "central", ["75231000-4", "72260000-5"])).toEqual({ sector: "justice", rule: "cpv" });
  });

  it("generic technology for a buyer of no sensitive type is in no sector", () => {
    expect(classify(null, "central", ["72000000", "48000000"])).toEqual({ sector: null, rule: "none" });
    expect(classify(null, null, ["72000000"])).toEqual({ sector: null, rule: "none" });
  });
});

describe("isTechnology", () => {
  it("reads any code, check digits ignored", () => {
    expect(isTechnology(["85100000", "72000000-5"])).toBe(true);
    expect(isTechnology(["30200000-1"])).toBe(true);
    expect(isTechnology(["30190000"])).toBe(false);
    expect(isTechnology([])).toBe(false);
  });

  it("uses prefixes of the IT and digital families this register carries labels for", () => {
    for (const r of DEFAULT_TECHNOLOGY_CPV) {
      expect(CPV_LABEL_FAMILIES.some((f) => r.prefix.startsWith(f)), r.prefix).toBe(true);
    }
    // Consultancy, research and training families are carried too, but are not technology.
    for (const f of ["7124", "73", "79", "805"]) expect(isTechnology([`${f}000000`.slice(0, 8)]), f).toBe(false);
  });
});

describe("the configuration", () => {
  it("is valid, and a bad prefix is refused by name", () => {
    expect(() => validateSectorConfig(DEFAULT_SECTOR_CONFIG)).not.toThrow();
    expect(() => validateSectorConfig({ ...DEFAULT_SECTOR_CONFIG, technologyCpv: [] })).toThrow(/technologyCpv/);
    expect(() => validateSectorConfig({ ...DEFAULT_SECTOR_CONFIG, byCpv: [...DEFAULT_SECTOR_BY_CPV, { prefix: "7x", sector: "health", label: "" }] })).toThrow(/7x/);
  });

  it("is what classify uses: another technology list changes the outcome", () => {
    const narrow = { ...DEFAULT_SECTOR_CONFIG, technologyCpv: [{ prefix: "48", label: "Software" }] };
    expect(classifySensitiveSector({ explicit: null, buyerType: "nhs", cpvCodes: ["72000000"] }, narrow)).toEqual({ sector: null, rule: "not-technology" });
    expect(classifySensitiveSector({ explicit: null, buyerType: "nhs", cpvCodes: ["48000000"] }, narrow)).toEqual({ sector: "health", rule: "buyer-type" });
  });
});
