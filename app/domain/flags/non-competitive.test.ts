import { describe, expect, it } from "vitest";
import { DEFAULT_FLAG_CONFIG } from "./config";
import { NO_JUSTIFICATION_NOTE, nonCompetitiveRule } from "./non-competitive";
import { makeContract } from "./test-factory";

const run = (procurementMethod: "open" | "selective" | "limited" | "direct" | null, rationale: string | null = null) =>
  nonCompetitiveRule.evaluate(makeContract({ procurementMethod, procurementMethodRationale: rationale }), DEFAULT_FLAG_CONFIG);

describe("non-competitive award", () => {
  it("flags a direct award and shows the justification given", () => {
    const r = run("direct", "  Extreme urgency (Procurement Act 2023, Schedule 5, paragraph 13)  ");
    expect(r.status).toBe("flagged");
    expect(r.evidence).toMatchObject({
      procurementMethod: "direct",
      procurementMethodRationale: "Extreme urgency (Procurement Act 2023, Schedule 5, paragraph 13)",
      justificationGiven: true,
      note: null,
    });
  });

  it("flags a limited procedure and says when no justification was given", () => {
    const r = run("limited", null);
    expect(r.status).toBe("flagged");
    expect(r.evidence.justificationGiven).toBe(false);
    expect(r.evidence.note).toBe(NO_JUSTIFICATION_NOTE);
  });

  it("treats a blank justification as none", () => {
    const r = run("direct", "   ");
    expect(r.evidence.procurementMethodRationale).toBeNull();
    expect(r.evidence.note).toBe(NO_JUSTIFICATION_NOTE);
  });

  it("is clear for open and selective procedures", () => {
    expect(run("open").status).toBe("clear");
    expect(run("selective").status).toBe("clear");
  });

  it("is unknown when the procurement method is missing", () => {
    const r = run(null, "Only one supplier");
    expect(r.status).toBe("unknown");
    expect(r.evidence.note).toMatch(/not published/);
  });
});
