import { describe, expect, it } from "vitest";
import { DEFAULT_FLAG_CONFIG } from "./config";
import { latePublicationRule } from "./late-publication";
import { addDays, makeContract, makeContractItem } from "./test-factory";

const SIGNED = "2024-05-01";

function run(publishedAfterDays: number | null, signed: string | null = addDays(SIGNED, 0)) {
  return latePublicationRule.evaluate(
    makeContract({
      dateSigned: signed,
      contracts: [makeContractItem({ dateSigned: signed })],
      awardPublishedAt: publishedAfterDays === null ? null : addDays(SIGNED, publishedAfterDays),
    }),
    DEFAULT_FLAG_CONFIG,
  );
}

describe("late publication", () => {
  it("is clear at exactly the threshold (30 days after signature)", () => {
    const r = run(30);
    expect(r.status).toBe("clear");
    expect(r.evidence.days).toBe(30);
  });

  it("is clear just under the threshold (29 days)", () => {
    expect(run(29).status).toBe("clear");
  });

  it("flags just over the threshold (31 days)", () => {
    const r = run(31);
    expect(r.status).toBe("flagged");
    expect(r.evidence).toMatchObject({ days: 31, dateSignedSource: "contracts[].dateSigned" });
    expect(r.threshold).toContain("more than 30 days");
  });

  it("is clear when published before signature", () => {
    const r = run(-10);
    expect(r.status).toBe("clear");
    expect(r.evidence.days).toBe(-10);
  });

  it("uses the earliest signature date of the process's contracts", () => {
    const r = latePublicationRule.evaluate(
      makeContract({
        dateSigned: addDays(SIGNED, 20),
        contracts: [
          makeContractItem({ id: "c2", dateSigned: addDays(SIGNED, 20) }),
          makeContractItem({ id: "c1", dateSigned: addDays(SIGNED, 0) }),
          makeContractItem({ id: "c3", dateSigned: null }),
        ],
        awardPublishedAt: addDays(SIGNED, 40),
      }),
      DEFAULT_FLAG_CONFIG,
    );
    expect(r.evidence).toMatchObject({ dateSigned: addDays(SIGNED, 0), days: 40 });
    expect(r.status).toBe("flagged");
  });

  it("falls back to the process's signature date when no contract carries one", () => {
    const r = latePublicationRule.evaluate(
      makeContract({ dateSigned: addDays(SIGNED, 0), contracts: [], awardPublishedAt: addDays(SIGNED, 31) }),
      DEFAULT_FLAG_CONFIG,
    );
    expect(r.status).toBe("flagged");
    expect(r.evidence.dateSignedSource).toBe("dateSigned");
  });

  it("measures to the contract's first publication: a contract published months after signature is flagged though the award came first", () => {
    // The compiled state's awardPublishedAt is the contract's first publication when a contract exists (map.ts).
    const r = latePublicationRule.evaluate(
      makeContract({
        dateSigned: addDays(SIGNED, 0),
        contracts: [makeContractItem({ dateSigned: addDays(SIGNED, 0) })],
        awardPublishedAt: addDays(SIGNED, 120),
      }),
      DEFAULT_FLAG_CONFIG,
    );
    expect(r.status).toBe("flagged");
    expect(r.evidence).toMatchObject({ days: 120, publishedSource: "contract", publishedAt: addDays(SIGNED, 120) });
    expect(latePublicationRule.explanation).toMatch(/first release that carries it/);
  });

  it("says when the publication measured is the award's (no contract published)", () => {
    const r = latePublicationRule.evaluate(
      makeContract({ dateSigned: addDays(SIGNED, 0), contracts: [], awardPublishedAt: addDays(SIGNED, 30) }),
      DEFAULT_FLAG_CONFIG,
    );
    expect(r.status).toBe("clear");
    expect(r.evidence.publishedSource).toBe("award");
  });

  it("is unknown when the publication date is missing", () => {
    const r = run(null);
    expect(r.status).toBe("unknown");
    expect(r.evidence.note).toMatch(/published is not known/);
  });

  it("is unknown when the signature date is missing", () => {
    const r = run(100, null);
    expect(r.status).toBe("unknown");
    expect(r.evidence.note).toMatch(/signed is not known/);
  });
});
