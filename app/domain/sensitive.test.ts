import { describe, expect, it } from "vitest";
import { DEFAULT_SECTOR_BY_CPV, classifySensitiveSector, sectorFromCpv } from "./sectors";
import {
  type SensitiveContract,
  TRANSPARENCY_DOCUMENT_TYPE_LIST,
  documentTypesOf,
  summariseSensitive,
  transparencyKind,
  transparencyOf,
  transparencyShare,
} from "./sensitive";
import { SENSITIVE_SECTORS } from "./types";

describe("sector rule", () => {
  it("takes the publisher's tag first, then the buyer type, then a CPV code, for technology", () => {
    expect(classifySensitiveSector({ explicit: "justice", buyerType: "nhs", cpvCodes: ["48190000"] })).toEqual({ sector: "justice", rule: "publisher" });
    expect(classifySensitiveSector({ explicit: null, buyerType: "nhs", cpvCodes: ["48190000"] })).toEqual({ sector: "health", rule: "buyer-type" });
    expect(classifySensitiveSector({ explicit: null, buyerType: "central", cpvCodes: ["48190000"] })).toEqual({ sector: "education", rule: "cpv" });
    expect(classifySensitiveSector({ explicit: null, buyerType: "local", cpvCodes: ["72000000", "30200000"] })).toEqual({ sector: null, rule: "none" });
    expect(classifySensitiveSector({ explicit: null, buyerType: null })).toEqual({ sector: null, rule: "none" });
  });

  it("matches CPV codes by prefix, the main code first, the longest prefix winning", () => {
    expect(sectorFromCpv(["48814200"])).toBe("health");
    expect(sectorFromCpv(["72212190"])).toBe("education");
    expect(sectorFromCpv(["72212180"])).toBe("health");
    expect(sectorFromCpv(["72212100"])).toBeNull();
    expect(sectorFromCpv(["75231230"])).toBe("justice");
    expect(sectorFromCpv(["75241100"])).toBe("policing");
    expect(sectorFromCpv(["75310000"])).toBe("welfare");
    expect(sectorFromCpv(["48190000-6"])).toBe("education");
    // The first code that matches decides, whatever later codes say.
    expect(sectorFromCpv(["72000000", "48190000", "48180000"])).toBe("education");
    // A longer prefix beats a shorter one for the same code.
    expect(sectorFromCpv(["75231000"], [
      { prefix: "75", sector: "welfare", label: "" },
      { prefix: "7523", sector: "justice", label: "" },
    ])).toBe("justice");
    // Training and generic IT imply nothing.
    expect(sectorFromCpv(["80500000", "72000000", "48000000"])).toBeNull();
  });

  it("configures only known sectors and digit prefixes", () => {
    for (const r of DEFAULT_SECTOR_BY_CPV) {
      expect(r.prefix).toMatch(/^\d{2,8}$/);
      expect(Object.keys(SENSITIVE_SECTORS)).toContain(r.sector);
    }
  });
});

describe("transparency documents", () => {
  it("recognises the data-protection and algorithmic-transparency document types exactly", () => {
    expect(transparencyKind("x_dataProtectionImpactAssessment")).toBe("dataProtection");
    expect(transparencyKind("x_algorithmicTransparencyRecord")).toBe("algorithmic");
    expect(transparencyKind("X_DATAPROTECTIONIMPACTASSESSMENT")).toBeNull();
    expect(transparencyKind("tenderNotice")).toBeNull();
    expect(transparencyKind("constructor")).toBeNull();
    expect(transparencyKind(null)).toBeNull();
    expect(documentTypesOf("dataProtection")).toContain("x_dataProtectionImpactAssessment");
    expect(documentTypesOf("algorithmic")).toContain("x_algorithmicTransparencyRecord");
    expect([...documentTypesOf("dataProtection"), ...documentTypesOf("algorithmic")].sort()).toEqual([...TRANSPARENCY_DOCUMENT_TYPE_LIST].sort());
    expect(transparencyOf(["tenderNotice", null, "x_algorithmicTransparencyRecord"])).toEqual({ dataProtection: false, algorithmic: true });
  });
});

describe("summary", () => {
  const c = (o: Partial<SensitiveContract> & Pick<SensitiveContract, "sector">): SensitiveContract => ({
    buyerId: "1",
    cpv: "48000000",
    valuePence: 100n,
    currency: "GBP",
    supplierCount: 1,
    documentTypes: [],
    ...o,
  });

  it("adds up a hand-computed fixture by sector and by buyer, with coverage", () => {
    const s = summariseSensitive([
      c({ sector: "health", buyerId: "1", valuePence: 1_000_00n, documentTypes: ["x_dataProtectionImpactAssessment", "tenderNotice"] }),
      c({ sector: "health", buyerId: "2", valuePence: 250_50n, cpv: null, documentTypes: ["x_algorithmicTransparencyRecord", "x_dataProtectionImpactAssessment"] }),
      c({ sector: "health", buyerId: "2", valuePence: null, currency: null, supplierCount: 0 }),
      c({ sector: "education", buyerId: "3", valuePence: 500_00n, currency: "EUR" }),
      c({ sector: "education", buyerId: null, valuePence: 75_00n, supplierCount: 0 }),
    ]);
    expect(s.bySector.map((x) => x.sector)).toEqual(["education", "health"]);
    const health = s.bySector.find((x) => x.sector === "health")!;
    expect(health).toMatchObject({
      contracts: 3,
      valuePence: 1_250_50n,
      nonGbp: 0,
      noValue: 1,
      noCpv: 1,
      noCpvValuePence: 250_50n,
      noSupplier: 1,
      noSupplierValuePence: 0n,
      withDataProtection: 2,
      withAlgorithmic: 1,
      withEither: 2,
    });
    const education = s.bySector.find((x) => x.sector === "education")!;
    expect(education).toMatchObject({ contracts: 2, valuePence: 75_00n, nonGbp: 1, noValue: 0, noSupplier: 1, noSupplierValuePence: 75_00n, withEither: 0 });
    expect(s.total).toMatchObject({ contracts: 5, valuePence: 1_325_50n, withEither: 2, noCpv: 1, noSupplier: 2 });
    expect(transparencyShare(s.total)).toBeCloseTo(0.4, 10);
    // Buyers by GBP value: 1 (£1,000), 2 (£250.50), null (£75), 3 (£0: its value is in euros).
    expect(s.byBuyer.map((b) => [b.buyerId, b.valuePence, b.contracts])).toEqual([
      ["1", 1_000_00n, 1],
      ["2", 250_50n, 2],
      [null, 75_00n, 1],
      ["3", 0n, 1],
    ]);
  });

  it("is empty, not zero, with no contracts", () => {
    const s = summariseSensitive([]);
    expect(s.bySector).toEqual([]);
    expect(s.total.contracts).toBe(0);
    expect(transparencyShare(s.total)).toBeNull();
  });
});
