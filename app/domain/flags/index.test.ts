import { describe, expect, it } from "vitest";
import {
  ALL_RULES,
  DEFAULT_FLAG_CONFIG,
  describeAllRules,
  describeRule,
  evaluateContractFlags,
  evaluateCrossContractFlags,
  FLAG_CODES,
  FLAG_DISCLAIMER,
  parseFlagConfig,
} from "./index";
import { makeContract, makePeer, makeTender } from "./test-factory";

describe("red flags", () => {
  it("has one rule per code, in order", () => {
    expect(ALL_RULES.map((r) => r.code)).toEqual([...FLAG_CODES]);
    expect(ALL_RULES.filter((r) => r.crossContract).map((r) => r.code)).toEqual(["repeat-direct-awards", "split-below-threshold"]);
  });

  it("evaluates all eight rules; an unremarkable contract checked against its peers raises none", () => {
    const results = evaluateContractFlags(makeContract(), DEFAULT_FLAG_CONFIG, []);
    expect(results.map((r) => r.code)).toEqual([...FLAG_CODES]);
    expect(results.map((r) => r.status)).toEqual(Array(8).fill("clear"));
    for (const r of results) expect(r.threshold).not.toBe("");
  });

  it("leaves the cross-contract rules unknown when peers are not given, unless they do not apply", () => {
    const statuses = Object.fromEntries(evaluateContractFlags(makeContract()).map((r) => [r.code, r.status]));
    expect(statuses["split-below-threshold"]).toBe("unknown");
    expect(statuses["repeat-direct-awards"]).toBe("clear"); // an open procedure
  });

  it("flags what it should on a troubling contract", () => {
    const contract = makeContract({
      procurementMethod: "direct",
      tender: makeTender({ numberOfTenderers: 1 }),
      currentValuePence: 20_000_000n,
      awardPublishedAt: "2024-06-01T00:00:00Z",
      status: "terminated",
      terminatedAt: "2025-01-01T00:00:00Z",
    });
    const peers = [1, 2, 3].map((i) => makePeer({ ocid: `p${i}`, date: `2024-0${i}-10T00:00:00Z` }));
    const flagged = evaluateContractFlags(contract, DEFAULT_FLAG_CONFIG, peers)
      .filter((r) => r.status === "flagged")
      .map((r) => r.code);
    expect(flagged).toEqual(["non-competitive", "value-increase", "late-publication", "repeat-direct-awards", "terminated-early"]);
  });

  it("describes each rule with the threshold in force and the disclaimer", () => {
    expect(FLAG_DISCLAIMER).toBe("A flag is a prompt to look, never a finding of wrongdoing.");
    const d = describeRule("short-tender", parseFlagConfig({ shortTenderDays: 15 }));
    expect(d).toMatchObject({ code: "short-tender", title: "Short tender period", disclaimer: FLAG_DISCLAIMER });
    expect(d.threshold).toContain("15 days");
    expect(describeRule("short-tender").threshold).toContain("25 days");
    expect(describeRule("repeat-direct-awards").threshold).toBe(
      "More than 3 non-competitive awards from the same buyer to the same supplier within 365 days.",
    );
    const split = describeRule("split-below-threshold", parseFlagConfig({ splitThresholdPence: 1_000_000 }));
    expect(split.threshold).toContain("£10,000");
    expect(split.threshold).not.toContain("Procurement Act");
    const all = describeAllRules();
    expect(all).toHaveLength(8);
    for (const rule of all) {
      expect(rule.explanation.length).toBeGreaterThan(50);
      expect(rule.title).toMatch(/^[A-Z][a-z]/);
    }
  });

  it("takes the contract's own rows from the caller when it keys organisations its own way", () => {
    const contract = makeContract({ procurementMethod: "direct" });
    // The database keys buyers and suppliers by register id: own rows and peers share those keys.
    const own = [makePeer({ ocid: contract.ocid, buyerKey: "7", supplierKey: "42", date: "2024-03-01T00:00:00Z" })];
    const peers = [1, 2, 3].map((i) => makePeer({ ocid: `p${i}`, buyerKey: "7", supplierKey: "42", date: `2024-0${i + 3}-10T00:00:00Z` }));
    const byCode = (list: ReturnType<typeof evaluateContractFlags>) => Object.fromEntries(list.map((r) => [r.code, r.status]));
    expect(byCode(evaluateContractFlags(contract, DEFAULT_FLAG_CONFIG, peers, own))["repeat-direct-awards"]).toBe("flagged");
    // Without them, the rows made from the contract (org-id keys) match none of these peers.
    expect(byCode(evaluateContractFlags(contract, DEFAULT_FLAG_CONFIG, peers))["repeat-direct-awards"]).toBe("clear");
    const cross = evaluateCrossContractFlags(own, peers);
    expect(cross.map((r) => [r.code, r.status])).toEqual([
      ["repeat-direct-awards", "flagged"],
      ["split-below-threshold", "flagged"],
    ]);
    expect(cross[0]!.evidence).toMatchObject({ count: 4, buyerKey: "7", supplierKey: "42" });
    expect(evaluateCrossContractFlags([], []).map((r) => r.status)).toEqual(["unknown", "unknown"]);
  });
});
