import { describe, expect, it } from "vitest";
import { DEFAULT_FLAG_CONFIG, parseFlagConfig } from "./config";
import { peerAwardsFromContract } from "./peers";
import { evaluateSplitBelowThreshold, splitBelowThresholdRule } from "./split-below-threshold";
import { addDays, makeContract, makePeer } from "./test-factory";
import type { PeerAward } from "./types";

const THRESHOLD = 13_968_800n; // £139,688
const T = "2024-06-15";
const TARGET_VALUE = 7_000_000n;
const target = (overrides: Partial<PeerAward> = {}) => [
  makePeer({ ocid: "target", date: addDays(T, 0), valuePence: TARGET_VALUE, ...overrides }),
];
const peer = (ocid: string, days: number | null, valuePence: bigint | null) =>
  makePeer({ ocid, date: days === null ? null : addDays(T, days), valuePence });
const run = (peers: PeerAward[] | null, t: PeerAward[] = target()) => evaluateSplitBelowThreshold(t, peers, DEFAULT_FLAG_CONFIG);

describe("split below threshold", () => {
  it("is clear when the sum is exactly the threshold", () => {
    const r = run([peer("p1", 30, THRESHOLD - TARGET_VALUE)]);
    expect(r.status).toBe("clear");
    expect(r.evidence).toMatchObject({ sumPence: THRESHOLD.toString(), count: 2 });
  });

  it("is clear when the sum is one penny under", () => {
    expect(run([peer("p1", 30, THRESHOLD - TARGET_VALUE - 1n)]).status).toBe("clear");
  });

  it("flags a sum one penny over", () => {
    const r = run([peer("p1", 30, THRESHOLD - TARGET_VALUE + 1n)]);
    expect(r.status).toBe("flagged");
    expect(r.evidence).toMatchObject({
      count: 2,
      sumPence: (THRESHOLD + 1n).toString(),
      thresholdPence: "13968800",
      valuePence: "7000000",
      ocidsInWindow: "target, p1",
    });
  });

  it("counts contracts 89 days apart in one 90-day window, but not 90 days apart", () => {
    expect(run([peer("p1", 89, 7_000_000n)]).status).toBe("flagged");
    expect(run([peer("p1", 90, 7_000_000n)]).status).toBe("clear");
    expect(run([peer("p1", -89, 7_000_000n)]).status).toBe("flagged");
    expect(run([peer("p1", -90, 7_000_000n)]).status).toBe("clear");
  });

  it("sums only contracts that fit in one 90-day window containing this contract", () => {
    // Windows holding this contract (day 0, £70,000): days -80..9 hold a, b, target; -40..49 hold b, target, c; 0..89 hold target, c, d.
    const around = (d: bigint) => [peer("a", -80, 4_000_000n), peer("b", -40, 1_000_000n), peer("c", 45, 1_000_000n), peer("d", 60, d)];
    const r = run(around(6_000_000n));
    expect(r.status).toBe("flagged");
    expect(r.evidence).toMatchObject({ count: 3, sumPence: "14000000", ocidsInWindow: "target, c, d", windowStart: "2024-06-15", windowEnd: "2024-09-12" });
    // All five together exceed the threshold, but no single window does.
    const clear = run(around(5_000_000n));
    expect(clear.status).toBe("clear");
    expect(clear.evidence.sumPence).toBe("13000000");
  });

  it("leaves out contracts at or above the threshold", () => {
    expect(run([peer("big", 10, THRESHOLD)]).status).toBe("clear");
    expect(run([peer("big", 10, THRESHOLD - 1n)]).status).toBe("flagged");
  });

  it("is clear, as not applicable, when this contract is at or above the threshold", () => {
    const r = run([peer("p1", 10, 7_000_000n)], target({ valuePence: THRESHOLD }));
    expect(r.status).toBe("clear");
    expect(r.evidence.note).toMatch(/Not applicable/);
    expect(run([peer("p1", 10, 2n)], target({ valuePence: THRESHOLD - 1n })).status).toBe("flagged");
  });

  it("is unknown when this contract's value is missing", () => {
    expect(run([peer("p1", 10, 7_000_000n)], target({ valuePence: null })).status).toBe("unknown");
  });

  it("is unknown when this contract's date is missing", () => {
    expect(run([peer("p1", 10, 7_000_000n)], target({ date: null })).status).toBe("unknown");
  });

  it("is unknown when the peers were not looked up", () => {
    expect(run(null).status).toBe("unknown");
  });

  it("is unknown when a contract of unknown value or date could take the sum over", () => {
    expect(run([peer("p1", 10, null)]).status).toBe("unknown");
    expect(run([peer("p1", null, 7_000_000n)]).status).toBe("unknown");
    expect(run([peer("p1", null, 7_000_000n)]).evidence.uncertainPeers).toBe(1);
    // Undated but too small to matter; unknown value but far outside the window.
    expect(run([peer("p1", null, 1_000_000n), peer("p2", 400, null)]).status).toBe("clear");
  });

  it("uses the threshold and window in force", () => {
    const config = parseFlagConfig({ splitThresholdPence: 1_000_000, splitWindowDays: 30 });
    const t = target({ valuePence: 600_000n });
    expect(evaluateSplitBelowThreshold(t, [peer("p1", 29, 500_000n)], config).status).toBe("flagged");
    expect(evaluateSplitBelowThreshold(t, [peer("p1", 30, 500_000n)], config).status).toBe("clear");
  });

  it("works from whole contracts, sharing a value equally between suppliers", () => {
    const contract = makeContract({ ocid: "ocds-s-1", awardDate: addDays(T, 0), currentValuePence: 8_000_000n });
    const other = makeContract({ ocid: "ocds-s-2", awardDate: addDays(T, 20), currentValuePence: 6_000_000n });
    const peers = peerAwardsFromContract(other);
    expect(splitBelowThresholdRule.evaluate(contract, DEFAULT_FLAG_CONFIG, peers).status).toBe("flagged");
    expect(splitBelowThresholdRule.evaluate(contract, DEFAULT_FLAG_CONFIG, []).status).toBe("clear");
    const r = splitBelowThresholdRule.evaluate(contract, DEFAULT_FLAG_CONFIG, peers);
    expect(r.threshold).toContain("£139,688");
    expect(r.threshold).toContain("Procurement Act 2023");
  });
});
