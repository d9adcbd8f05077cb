import { describe, expect, it } from "vitest";
import { DEFAULT_FLAG_CONFIG, parseFlagConfig } from "./config";
import { peerAwardsFromContract } from "./peers";
import { evaluateRepeatDirectAwards, repeatDirectAwardsRule } from "./repeat-direct-awards";
import { addDays, makeAward, makeContract, makePeer, makeSupplier } from "./test-factory";
import type { PeerAward } from "./types";

const T = "2024-06-15";
const target = (overrides: Partial<PeerAward> = {}) => [makePeer({ ocid: "target", date: addDays(T, 0), ...overrides })];
const peersAt = (...offsets: number[]) => offsets.map((d, i) => makePeer({ ocid: `peer-${i}`, date: addDays(T, d) }));
const run = (peers: PeerAward[] | null, t: PeerAward[] = target()) => evaluateRepeatDirectAwards(t, peers, DEFAULT_FLAG_CONFIG);

describe("repeat direct awards", () => {
  it("is clear at exactly the threshold (3 awards in 12 months, this one included)", () => {
    const r = run(peersAt(-100, -50));
    expect(r.status).toBe("clear");
    expect(r.evidence.count).toBe(3);
  });

  it("is clear just under the threshold (2 awards)", () => {
    expect(run(peersAt(-100)).evidence.count).toBe(2);
    expect(run(peersAt(-100)).status).toBe("clear");
  });

  it("flags just over the threshold (4 awards)", () => {
    const r = run(peersAt(-100, -50, 30));
    expect(r.status).toBe("flagged");
    expect(r.evidence).toMatchObject({
      count: 4,
      buyerKey: "GB-GOR-D1",
      supplierKey: "GB-COH-01234567",
      ocidsInWindow: "peer-0, peer-1, target, peer-2",
      windowStart: "2024-03-07",
      windowEnd: "2025-03-06",
    });
  });

  it("counts awards 364 days apart in one 365-day window, but not 365 days apart", () => {
    expect(run(peersAt(-364, -200, -100)).status).toBe("flagged");
    expect(run(peersAt(-365, -200, -100)).status).toBe("clear");
    expect(run(peersAt(364, 200, 100)).status).toBe("flagged");
    expect(run(peersAt(365, 200, 100)).status).toBe("clear");
  });

  it("needs the awards to fit in one window that contains this award", () => {
    // Four other awards within a year either side, but no 12-month window holds more than three with this one.
    const r = run(peersAt(-300, -250, 100, 300));
    expect(r.evidence.count).toBe(3);
    expect(r.status).toBe("clear");
  });

  it("counts only non-competitive awards between the same buyer and supplier, once per contract", () => {
    const peers = [
      ...peersAt(-10, -20),
      makePeer({ ocid: "competitive", date: addDays(T, -5), nonCompetitive: false }),
      makePeer({ ocid: "other-supplier", date: addDays(T, -5), supplierKey: "GB-COH-99999999" }),
      makePeer({ ocid: "other-buyer", date: addDays(T, -5), buyerKey: "GB-GOR-D2" }),
      makePeer({ ocid: "target", date: addDays(T, -5) }),
      makePeer({ ocid: "peer-0", date: addDays(T, -10) }),
    ];
    expect(run(peers).evidence.count).toBe(3);
    expect(run(peers).status).toBe("clear");
  });

  it("uses the thresholds in force", () => {
    const config = parseFlagConfig({ repeatDirectAwards: 1, repeatWindowDays: 30 });
    expect(evaluateRepeatDirectAwards(target(), peersAt(-29), config).status).toBe("flagged");
    expect(evaluateRepeatDirectAwards(target(), peersAt(-30), config).status).toBe("clear");
  });

  it("is clear, as not applicable, when this contract was awarded competitively", () => {
    const r = run(peersAt(-1, -2, -3, -4), target({ nonCompetitive: false }));
    expect(r.status).toBe("clear");
    expect(r.evidence.note).toMatch(/Not applicable/);
  });

  it("is unknown when the procurement method is missing", () => {
    expect(run(peersAt(-1, -2, -3), target({ nonCompetitive: null })).status).toBe("unknown");
  });

  it("is unknown when the award date is missing", () => {
    expect(run(peersAt(-1, -2, -3), target({ date: null })).status).toBe("unknown");
  });

  it("is unknown when the buyer cannot be identified", () => {
    expect(run(peersAt(-1), target({ buyerKey: "" })).status).toBe("unknown");
  });

  it("is unknown when the peers were not looked up", () => {
    const r = run(null);
    expect(r.status).toBe("unknown");
    expect(r.evidence.note).toMatch(/not checked/);
  });

  it("is unknown when awards of unknown method or date could take it over the threshold", () => {
    const undated = makePeer({ ocid: "undated", date: null });
    const unknownMethod = makePeer({ ocid: "unknown-method", date: addDays(T, -3), nonCompetitive: null });
    expect(run([...peersAt(-10, -20), undated]).status).toBe("unknown");
    expect(run([...peersAt(-10, -20), unknownMethod]).status).toBe("unknown");
    expect(run([...peersAt(-10, -20), unknownMethod]).evidence.uncertainPeers).toBe(1);
    // Far outside the window: cannot matter.
    expect(run([...peersAt(-10, -20), makePeer({ ocid: "far", date: addDays(T, -900), nonCompetitive: null })]).status).toBe("clear");
    // One uncertain award cannot take two over three.
    expect(run([...peersAt(-10), undated]).status).toBe("clear");
  });

  it("is unknown when the contract has no supplier", () => {
    expect(run(peersAt(-1), []).status).toBe("unknown");
  });

  it("reports the worst supplier of a contract with several suppliers", () => {
    const rows = [...target(), makePeer({ ocid: "target", date: addDays(T, 0), supplierKey: "name:other" })];
    const r = run(peersAt(-1, -2, -3), rows);
    expect(r.status).toBe("flagged");
    expect(r.evidence).toMatchObject({ supplierKey: "GB-COH-01234567", suppliersChecked: 2 });
  });

  it("works from whole contracts through the rule object", () => {
    const direct = (ocid: string, date: string) =>
      makeContract({ ocid, procurementMethod: "direct", awardDate: date, awards: [makeAward({ suppliers: [makeSupplier()] })] });
    const contract = direct("ocds-x-4", addDays(T, 0));
    const peers = [direct("ocds-x-1", addDays(T, -90)), direct("ocds-x-2", addDays(T, -60)), direct("ocds-x-3", addDays(T, -30))].flatMap(
      peerAwardsFromContract,
    );
    expect(repeatDirectAwardsRule.evaluate(contract, DEFAULT_FLAG_CONFIG, peers).status).toBe("flagged");
    expect(repeatDirectAwardsRule.evaluate(contract, DEFAULT_FLAG_CONFIG, peers.slice(1)).status).toBe("clear");
    expect(repeatDirectAwardsRule.evaluate(contract, DEFAULT_FLAG_CONFIG).status).toBe("unknown");
  });
});
