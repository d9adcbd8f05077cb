import { describe, expect, it } from "vitest";
import { normaliseOrganisationName, organisationKey, peerAwardsFromContract, peerAwardsFromSource } from "./peers";
import { makeAward, makeBuyer, makeContract, makeSupplier } from "./test-factory";

describe("organisation keys", () => {
  it("uses scheme and identifier when both are published", () => {
    expect(organisationKey({ scheme: " gb-coh ", identifier: "0123 4567", name: "Anything" })).toBe("GB-COH-01234567");
  });

  it("falls back to the normalised name", () => {
    expect(organisationKey({ scheme: "GB-COH", identifier: null, name: "The Acme (UK) Ltd." })).toBe("name:acme uk");
    expect(organisationKey({ scheme: null, identifier: null, name: "   " })).toBeNull();
    expect(organisationKey(null)).toBeNull();
  });

  it("normalises names so spelling variants match", () => {
    const variants = ["Smith & Jones Limited", "SMITH AND JONES LTD", "Smith and Jones", "Smíth & Jones plc"];
    expect(new Set(variants.map(normaliseOrganisationName))).toEqual(new Set(["smith and jones"]));
    expect(normaliseOrganisationName("Limited")).toBe("limited");
  });
});

describe("peerAwardsFromContract", () => {
  it("gives one row per supplier with keys, award date and method", () => {
    const rows = peerAwardsFromContract(makeContract({ procurementMethod: "direct", awardDate: "2024-03-01T00:00:00Z" }));
    expect(rows).toEqual([
      {
        ocid: "ocds-test-000001",
        buyerKey: "GB-GOR-D1",
        supplierKey: "GB-COH-01234567",
        date: "2024-03-01T00:00:00Z",
        valuePence: 10_000_000n,
        nonCompetitive: true,
      },
    ]);
  });

  it("maps the method to nonCompetitive", () => {
    const nc = (procurementMethod: "open" | "selective" | "limited" | "direct" | null) =>
      peerAwardsFromContract(makeContract({ procurementMethod }))[0]?.nonCompetitive;
    expect([nc("open"), nc("selective"), nc("limited"), nc("direct"), nc(null)]).toEqual([false, false, true, true, null]);
  });

  it("splits the current value equally, odd pence to the first suppliers, summing exactly", () => {
    const suppliers = ["A", "B", "C"].map((name) => makeSupplier({ name, scheme: null, identifier: null }));
    const rows = peerAwardsFromContract(makeContract({ currentValuePence: 100n, awards: [makeAward({ suppliers })] }));
    expect(rows.map((r) => [r.supplierKey, r.valuePence])).toEqual([
      ["name:a", 34n],
      ["name:b", 33n],
      ["name:c", 33n],
    ]);
  });

  it("uses values published per supplier when every supplier has one", () => {
    const a = makeSupplier({ name: "A", scheme: null, identifier: null }, 700n);
    const b = makeSupplier({ name: "B", scheme: null, identifier: null }, 300n);
    const rows = peerAwardsFromContract(makeContract({ currentValuePence: 5_000n, awards: [makeAward({ suppliers: [a, b] })] }));
    expect(rows.map((r) => r.valuePence)).toEqual([700n, 300n]);
  });

  it("counts a supplier once across awards, and leaves out cancelled and unsuccessful awards", () => {
    const rows = peerAwardsFromContract(
      makeContract({
        awards: [
          makeAward({ id: "1" }),
          makeAward({ id: "2" }),
          makeAward({ id: "3", status: "cancelled", suppliers: [makeSupplier({ identifier: "999" })] }),
          makeAward({ id: "4", status: "unsuccessful", suppliers: [makeSupplier({ identifier: "888" })] }),
        ],
      }),
    );
    expect(rows.map((r) => r.supplierKey)).toEqual(["GB-COH-01234567"]);
    expect(rows[0]?.valuePence).toBe(10_000_000n);
  });

  it("has no value when the currency is not GBP or the value is unknown", () => {
    expect(peerAwardsFromContract(makeContract({ currency: "EUR" }))[0]?.valuePence).toBeNull();
    expect(peerAwardsFromContract(makeContract({ currentValuePence: null }))[0]?.valuePence).toBeNull();
  });

  it("keys the buyer by name without an identifier, and as empty when unknown", () => {
    expect(peerAwardsFromContract(makeContract({ buyer: makeBuyer({ scheme: null, name: "Home Office" }) }))[0]?.buyerKey).toBe(
      "name:home office",
    );
    expect(peerAwardsFromContract(makeContract({ buyer: null }))[0]?.buyerKey).toBe("");
  });

  it("gives no rows for a contract without awards", () => {
    expect(peerAwardsFromContract(makeContract({ awards: [] }))).toEqual([]);
  });
});

describe("peerAwardsFromSource", () => {
  const source = {
    ocid: "ocds-x-1",
    buyerKey: "17",
    date: "2024-03-01T00:00:00.000Z",
    procurementMethod: "direct" as const,
    currentValuePence: 1_001n,
    currency: "GBP",
  };

  it("keys rows however the caller keys organisations (e.g. database ids), one per distinct supplier", () => {
    const rows = peerAwardsFromSource({ ...source, suppliers: [{ key: "5", valuePence: null }, { key: "9", valuePence: null }, { key: "5", valuePence: null }] });
    expect(rows).toEqual([
      { ocid: "ocds-x-1", buyerKey: "17", supplierKey: "5", date: source.date, valuePence: 501n, nonCompetitive: true },
      { ocid: "ocds-x-1", buyerKey: "17", supplierKey: "9", date: source.date, valuePence: 500n, nonCompetitive: true },
    ]);
  });

  it("sums a supplier's published values when every supplier has one", () => {
    const rows = peerAwardsFromSource({ ...source, suppliers: [{ key: "5", valuePence: 300n }, { key: "9", valuePence: 200n }, { key: "5", valuePence: 100n }] });
    expect(rows.map((r) => [r.supplierKey, r.valuePence])).toEqual([
      ["5", 400n],
      ["9", 200n],
    ]);
  });

  it("gives no rows without suppliers", () => {
    expect(peerAwardsFromSource({ ...source, suppliers: [] })).toEqual([]);
  });
});
