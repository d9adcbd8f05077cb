import { describe, expect, it } from "vitest";
import { DEFAULT_FLAG_CONFIG } from "./config";
import { terminatedEarlyRule } from "./terminated-early";
import { makeContract, makeContractItem } from "./test-factory";
import type { ContractState } from "../types";

const END = "2026-03-31T00:00:00Z";
const run = (overrides: Partial<ContractState>) =>
  terminatedEarlyRule.evaluate(makeContract({ endDate: END, ...overrides }), DEFAULT_FLAG_CONFIG);

describe("terminated early", () => {
  it("is clear when terminated on the scheduled end date (at the threshold)", () => {
    const r = run({ status: "terminated", terminatedAt: "2026-03-31T16:00:00Z" });
    expect(r.status).toBe("clear");
    expect(r.evidence.daysEarly).toBe(0);
  });

  it("flags termination one day before the scheduled end date (just under)", () => {
    const r = run({ status: "terminated", terminatedAt: "2026-03-30T09:00:00Z", terminationReason: "Poor performance" });
    expect(r.status).toBe("flagged");
    expect(r.evidence).toMatchObject({ daysEarly: 1, terminationReason: "Poor performance", scheduledEndDate: END });
  });

  it("is clear when terminated after the scheduled end date (just over)", () => {
    expect(run({ status: "terminated", terminatedAt: "2026-04-01T00:00:00Z" }).status).toBe("clear");
  });

  it("is clear when the contract was not terminated", () => {
    const r = run({ status: "completed" });
    expect(r.status).toBe("clear");
    expect(r.evidence.note).toMatch(/not been terminated/);
  });

  it("is unknown when terminated with no end date", () => {
    const r = run({ status: "terminated", terminatedAt: "2025-01-01T00:00:00Z", endDate: null, contracts: [makeContractItem({ endDate: null })] });
    expect(r.status).toBe("unknown");
    expect(r.evidence.note).toMatch(/end date/);
  });

  it("is unknown when the status says terminated but no termination date was published", () => {
    expect(run({ status: "terminated", terminatedAt: null }).status).toBe("unknown");
  });

  it("falls back to the latest end date of the process's contracts", () => {
    const r = run({
      terminatedAt: "2025-06-01T00:00:00Z",
      endDate: null,
      contracts: [makeContractItem({ endDate: "2025-12-31T00:00:00Z" }), makeContractItem({ id: "c2", endDate: "2025-03-31T00:00:00Z" })],
    });
    expect(r.status).toBe("flagged");
    expect(r.evidence.scheduledEndDate).toBe("2025-12-31T00:00:00Z");
  });
});
