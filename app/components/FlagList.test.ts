import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { FLAG_DISCLAIMER, getRule } from "../domain/flags";
import { FlagList, type FlagListItem } from "./FlagList";

const render = (flags: FlagListItem[]) => renderToStaticMarkup(createElement(MemoryRouter, null, createElement(FlagList, { flags })));

describe("FlagList", () => {
  it("shows each flag with its explanation, threshold and evidence, the rules that could not be checked, and the disclaimer", () => {
    const html = render([
      {
        code: "repeat-direct-awards",
        status: "flagged",
        threshold: "More than 3 non-competitive awards from the same buyer to the same supplier within 365 days.",
        evidence: { ocid: "ocds-a", buyerKey: "7", supplierKey: "42", count: 4, ocidsInWindow: "ocds-a, ocds-b", windowStart: "2024-01-01", valuePence: null },
      },
      {
        code: "late-publication",
        status: "unknown",
        threshold: "Published more than 30 days after the contract was signed.",
        evidence: { ocid: "ocds-a", dateSigned: null, note: "The date the contract was signed is not known." },
      },
    ]);
    expect(html).toContain(FLAG_DISCLAIMER);
    expect(html).toContain(getRule("repeat-direct-awards").title);
    expect(html).toContain(getRule("repeat-direct-awards").explanation.slice(0, 60).replace(/'/g, "&#x27;"));
    expect(html).toContain("More than 3 non-competitive awards");
    expect(html).toContain('href="/contracts/ocds-b"');
    expect(html).toContain('href="/suppliers/42"');
    expect(html).toContain("1 January 2024");
    expect(html).toContain("Could not be checked");
    expect(html).toContain("The date the contract was signed is not known.");
    expect(html).toContain("6 other rules were checked and raised nothing.");
  });

  it("says so when no rule flagged the contract", () => {
    const html = render([]);
    expect(html).toContain("None of the 8 rules flagged this contract.");
    expect(html).toContain(FLAG_DISCLAIMER);
  });
});
