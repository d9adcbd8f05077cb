import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  countryCells,
  countryClass,
  cpvFamilyOf,
  DEFAULT_POLICY_CONFIG,
  missionCells,
  type OrgTypeCell,
  orgTypeCells,
  type PolicyLine,
  regionCells,
  regionKey,
  slices,
  socialEconomyTarget,
  topEntities,
  validatePolicyConfig,
} from "./policy";

const org = (id: string, over: Partial<PolicyLine["supplier"]> = {}): PolicyLine["supplier"] => ({
  id,
  name: `Supplier ${id}`,
  countryCode: "GB",
  region: "TLI",
  orgType: "company",
  group: null,
  ...over,
});
const line = (over: Partial<PolicyLine>): PolicyLine => ({
  ocid: "ocds-1",
  fy: 2024,
  buyerType: "central",
  cpv: "72000000",
  scaleClass: "sme",
  gbp: true,
  valuePence: 100n,
  supplier: org("1"),
  buyer: { id: "b", name: "Buyer", countryCode: "GB", region: "TLI" },
  missions: [],
  ...over,
});

describe("classes", () => {
  it("never counts a supplier with no country as UK", () => {
    expect(countryClass(null)).toBe("unknown");
    expect(countryClass("")).toBe("unknown");
    expect(countryClass("GB")).toBe("uk");
    expect(countryClass("gb")).toBe("uk");
    expect(countryClass("US")).toBe("overseas");
    expect(regionKey({ region: null, countryCode: "DE" })).toBe("overseas");
    expect(regionKey({ region: null, countryCode: null })).toBe("unknown");
    expect(regionKey({ region: null, countryCode: "GB" })).toBe("unknown");
    expect(regionKey(null)).toBe("unknown");
  });

  it("places CPV codes in the cloud and software families by prefix", () => {
    expect(cpvFamilyOf("72415000")).toBe("cloud");
    expect(cpvFamilyOf("48000000")).toBe("software");
    expect(cpvFamilyOf("72230000")).toBe("software");
    expect(cpvFamilyOf("79400000")).toBeNull();
    expect(cpvFamilyOf("")).toBeNull();
  });

  it("refuses overlapping family prefixes and bad settings", () => {
    expect(() => validatePolicyConfig(DEFAULT_POLICY_CONFIG)).not.toThrow();
    const bad = { ...DEFAULT_POLICY_CONFIG, cpvFamilies: { ...DEFAULT_POLICY_CONFIG.cpvFamilies, cloud: { ...DEFAULT_POLICY_CONFIG.cpvFamilies.cloud, prefixes: ["4812"] } } };
    expect(() => validatePolicyConfig(bad)).toThrow(/overlaps/);
    expect(() => validatePolicyConfig({ ...DEFAULT_POLICY_CONFIG, ukCountryCodes: [] })).toThrow(/ukCountryCodes/);
    expect(() => validatePolicyConfig({ ...DEFAULT_POLICY_CONFIG, socialEconomy: { types: ["cooperative"], baselineFy: 2023, multiplier: 0 } })).toThrow(/multiplier/);
  });
});

describe("worked example", () => {
  // 2023-24: UK co-op 200, DE company 300 (cloud), no-country 500 (no type).
  // 2024-25: UK co-op 600, DE company 400 (cloud, in a US group "G"). A EUR line and an undated line are left out.
  const lines: PolicyLine[] = [
    line({ ocid: "a", fy: 2023, valuePence: 200n, supplier: org("1", { orgType: "cooperative", region: "TLD" }), missions: ["growth"] }),
    line({ ocid: "b", fy: 2023, valuePence: 300n, cpv: "72415000", scaleClass: "large", supplier: org("2", { countryCode: "DE", region: null }), missions: ["growth", "nhs"] }),
    line({ ocid: "c", fy: 2023, valuePence: 500n, scaleClass: "unknown", supplier: org("3", { countryCode: null, region: null, orgType: "unknown" }) }),
    line({ ocid: "d", fy: 2024, valuePence: 600n, supplier: org("1", { orgType: "cooperative", region: "TLD" }) }),
    line({ ocid: "e", fy: 2024, valuePence: 400n, cpv: "72317000", scaleClass: "large", supplier: org("4", { countryCode: "DE", region: null, group: { id: "9", name: "G", countryCode: "US" } }) }),
    line({ ocid: "f", fy: 2024, valuePence: 999n, gbp: false }),
    line({ ocid: "g", fy: null, valuePence: 777n }),
  ];

  it("country cells and shares", () => {
    const cells = countryCells(lines);
    expect(cells.map((c) => [c.fy, c.country, c.groupCountry, c.valuePence])).toEqual([
      [2023, "overseas", "none", 300n],
      [2023, "uk", "none", 200n],
      [2023, "unknown", "none", 500n],
      [2024, "overseas", "overseas", 400n],
      [2024, "uk", "none", 600n],
    ]);
    const y23 = slices(cells.filter((c) => c.fy === 2023), (c) => c.country, ["uk", "overseas", "unknown"] as const);
    // 200 / 1000, 300 / 1000, 500 / 1000
    expect([y23.totalPence, y23.byKey.uk.share, y23.byKey.overseas.share, y23.byKey.unknown.share]).toEqual([1000n, 0.2, 0.3, 0.5]);
  });

  it("top overseas entities: the group where known, else the supplier", () => {
    expect(topEntities(lines, {}, "overseas", 10).map((e) => [e.family, e.key, e.valuePence])).toEqual([
      ["cloud", "group-9", 400n],
      ["cloud", "supplier-2", 300n],
    ]);
  });

  it("co-operative target: double the baseline year's share", () => {
    const cells = orgTypeCells(lines);
    // 2023-24: co-op 200 of 1000 = 0.2 → target 0.4; 2024-25: 600 of 1000 = 0.6.
    expect(socialEconomyTarget(cells)).toEqual({ baselineFy: 2023, baselineShare: 0.2, targetShare: 0.4 });
    expect(socialEconomyTarget(cells, { ...DEFAULT_POLICY_CONFIG, socialEconomy: { types: ["cooperative"], baselineFy: 2019, multiplier: 2 } }).targetShare).toBeNull();
  });

  it("regions and missions", () => {
    expect(regionCells(lines).map((c) => [c.supplierRegion, c.scaleClass, c.valuePence])).toEqual([
      ["TLD", "sme", 800n],
      ["overseas", "large", 700n],
      ["unknown", "unknown", 500n],
    ]);
    const m = missionCells(lines).filter((c) => c.fy === 2023);
    expect(m.map((c) => [c.mission, c.scaleClass, c.valuePence])).toEqual([
      ["all", "large", 300n],
      ["all", "sme", 200n],
      ["all", "unknown", 500n],
      ["growth", "large", 300n],
      ["growth", "sme", 200n],
      ["nhs", "large", 300n],
      ["none", "unknown", 500n],
    ]);
  });
});

const arbLine = fc
  .record({
    fy: fc.integer({ min: 2019, max: 2025 }),
    value: fc.bigInt({ min: 0n, max: 10n ** 12n }),
    country: fc.constantFrom(null, "GB", "US", "DE"),
    type: fc.constantFrom("company", "vcse", "cooperative", "public", "unknown" as const),
    scale: fc.constantFrom("sme", "large", "unknown" as const),
    missions: fc.subarray(["growth", "energy", "streets", "opportunity", "nhs"]),
    supplier: fc.integer({ min: 1, max: 6 }),
  })
  .map((r) =>
    line({
      fy: r.fy,
      valuePence: r.value,
      scaleClass: r.scale,
      missions: r.missions,
      supplier: org(String(r.supplier), { countryCode: r.country, orgType: r.type as OrgTypeCell["orgType"], region: r.country === "GB" ? "TLC" : null }),
    }),
  );

describe("properties", () => {
  it("every breakdown adds up to the total value, and a line with no country is never UK", () => {
    fc.assert(
      fc.property(fc.array(arbLine, { maxLength: 40 }), (ls) => {
        const total = ls.reduce((a, l) => a + l.valuePence, 0n);
        const sum = (cells: Array<{ valuePence: bigint }>) => cells.reduce((a, c) => a + c.valuePence, 0n);
        expect(sum(countryCells(ls))).toBe(total);
        expect(sum(orgTypeCells(ls))).toBe(total);
        expect(sum(regionCells(ls))).toBe(total);
        expect(sum(missionCells(ls).filter((c) => c.mission === "all"))).toBe(total);
        const uk = sum(countryCells(ls).filter((c) => c.country === "uk"));
        expect(uk).toBe(ls.filter((l) => l.supplier.countryCode === "GB").reduce((a, l) => a + l.valuePence, 0n));
      }),
    );
  });

  it("shares of a breakdown add up to 1 when there is value", () => {
    fc.assert(
      fc.property(fc.array(arbLine, { minLength: 1, maxLength: 40 }), (ls) => {
        const s = slices(countryCells(ls), (c) => c.country, ["uk", "overseas", "unknown"] as const);
        if (s.totalPence === 0n) return;
        const total = (s.byKey.uk.share ?? 0) + (s.byKey.overseas.share ?? 0) + (s.byKey.unknown.share ?? 0);
        expect(total).toBeCloseTo(1, 9);
      }),
    );
  });
});
