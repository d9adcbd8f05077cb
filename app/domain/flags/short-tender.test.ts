import { describe, expect, it } from "vitest";
import { DEFAULT_FLAG_CONFIG, parseFlagConfig } from "./config";
import { shortTenderRule } from "./short-tender";
import { addDays, makeContract, makeTender } from "./test-factory";
import type { TenderState } from "../types";

const run = (tender: Partial<TenderState>, method: "open" | "selective" | "limited" | "direct" | null = "open") =>
  shortTenderRule.evaluate(makeContract({ procurementMethod: method, tender: makeTender(tender) }), DEFAULT_FLAG_CONFIG);

const START = "2024-01-10";

describe("short tender period", () => {
  it("is clear at exactly the threshold (25 days)", () => {
    const r = run({ startDate: addDays(START, 0), deadline: addDays(START, 25) });
    expect(r.status).toBe("clear");
    expect(r.evidence.days).toBe(25);
  });

  it("flags one day under the threshold (24 days)", () => {
    const r = run({ startDate: addDays(START, 0), deadline: addDays(START, 24) });
    expect(r.status).toBe("flagged");
    expect(r.evidence).toMatchObject({ days: 24, startUsed: "tenderPeriod.startDate" });
    expect(r.threshold).toContain("shorter than 25 days");
  });

  it("is clear one day over the threshold (26 days)", () => {
    expect(run({ startDate: addDays(START, 0), deadline: addDays(START, 26) }).status).toBe("clear");
  });

  it("counts whole calendar days, ignoring the time of day", () => {
    // 24 days and 23 hours by the clock, but the deadline is on the 25th calendar day.
    const r = run({ startDate: "2024-01-10T13:00:00Z", deadline: "2024-02-04T12:00:00Z" });
    expect(r.evidence.days).toBe(25);
    expect(r.status).toBe("clear");
  });

  it("counts UK calendar days across the change to summer time", () => {
    // 20 March to 14 April 2024 (London dates) is 25 days; by the clock it is an hour short.
    const r = run({ startDate: "2024-03-20T00:00:00Z", deadline: "2024-04-13T23:00:00Z" });
    expect(r.evidence.days).toBe(25);
    expect(r.status).toBe("clear");
  });

  it("falls back to the tender's publication date when no start date was published", () => {
    const r = run({ startDate: null, publishedAt: addDays(START, 0), deadline: addDays(START, 10) });
    expect(r.status).toBe("flagged");
    expect(r.evidence).toMatchObject({ days: 10, startUsed: "tender publication date" });
  });

  it("uses the threshold in force", () => {
    const config = parseFlagConfig({ shortTenderDays: 15 });
    const contract = makeContract({ tender: makeTender({ startDate: addDays(START, 0), deadline: addDays(START, 20) }) });
    expect(shortTenderRule.evaluate(contract, config).status).toBe("clear");
    expect(shortTenderRule.evaluate(contract, DEFAULT_FLAG_CONFIG).status).toBe("flagged");
  });

  it("is unknown when the deadline is missing", () => {
    const r = run({ deadline: null });
    expect(r.status).toBe("unknown");
    expect(r.evidence.note).toMatch(/deadline/);
  });

  it("is unknown when both start and publication date are missing", () => {
    expect(run({ startDate: null, publishedAt: null }).status).toBe("unknown");
  });

  it("is unknown when the deadline is before the start", () => {
    expect(run({ startDate: addDays(START, 5), deadline: addDays(START, 0) }).status).toBe("unknown");
  });

  it("is unknown when the procurement method is missing", () => {
    expect(run({ startDate: addDays(START, 0), deadline: addDays(START, 3) }, null).status).toBe("unknown");
  });

  it("is clear, as not applicable, on a non-competitive procedure", () => {
    const r = run({ startDate: addDays(START, 0), deadline: addDays(START, 3) }, "direct");
    expect(r.status).toBe("clear");
    expect(r.evidence.note).toMatch(/Not applicable/);
  });
});
