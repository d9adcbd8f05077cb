import { describe, expect, it } from "vitest";
import { DEFAULT_FLAG_CONFIG } from "./config";
import { singleBidRule } from "./single-bid";
import { makeContract, makeTender } from "./test-factory";

const run = (method: "open" | "selective" | "limited" | "direct" | null, tenderers: number | null) =>
  singleBidRule.evaluate(
    makeContract({ procurementMethod: method, tender: makeTender({ numberOfTenderers: tenderers }) }),
    DEFAULT_FLAG_CONFIG,
  );

describe("single bid", () => {
  it("flags an open procedure with exactly one bid (at the threshold)", () => {
    const r = run("open", 1);
    expect(r.status).toBe("flagged");
    expect(r.code).toBe("single-bid");
    expect(r.evidence).toMatchObject({ procurementMethod: "open", numberOfTenderers: 1, ocid: "ocds-test-000001" });
    expect(r.threshold).toContain("exactly 1 bid");
  });

  it("flags a selective procedure with one bid", () => {
    expect(run("selective", 1).status).toBe("flagged");
  });

  it("is clear with two bids (just over)", () => {
    expect(run("open", 2).status).toBe("clear");
  });

  it("is clear with no bids (just under): that is a failed tender, not a single bid", () => {
    expect(run("open", 0).status).toBe("clear");
  });

  it("is unknown when the number of bids on a competitive procedure is missing", () => {
    const r = run("open", null);
    expect(r.status).toBe("unknown");
    expect(r.evidence.note).toMatch(/number of bids/);
  });

  it("is unknown when the procurement method is missing", () => {
    expect(run(null, 1).status).toBe("unknown");
  });

  it("is clear, as not applicable, on a non-competitive procedure, even with one tenderer", () => {
    for (const method of ["limited", "direct"] as const) {
      const r = run(method, 1);
      expect(r.status).toBe("clear");
      expect(r.evidence.note).toMatch(/Not applicable/);
    }
  });
});
