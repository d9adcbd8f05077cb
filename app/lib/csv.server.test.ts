import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvStream, csvText, poundsText } from "./csv.server";

describe("csv writer", () => {
  it("writes exact pounds from pence", () => {
    expect(poundsText(123456n)).toBe("1234.56");
    expect(poundsText(5n)).toBe("0.05");
    expect(poundsText(-150n)).toBe("-1.50");
    expect(poundsText(900719925474099312n)).toBe("9007199254740993.12");
    expect(poundsText(null)).toBe("");
  });

  it("quotes, neutralises formulas and streams every page", async () => {
    const cols = [
      { header: "name", value: (r: { n: string; v: bigint | null }) => r.n },
      { header: "value", value: (r: { n: string; v: bigint | null }) => r.v },
    ];
    expect(parse(csvText(cols, [{ n: 'a, "b"\nc', v: 1n }], true))).toEqual([["name", "value"], ['a, "b"\nc', "1"]]);
    expect(parse(csvText(cols, [{ n: "=SUM(A1)", v: null }], false))).toEqual([["'=SUM(A1)", ""]]);
    const pages = [[{ n: "x", v: 1n }], [{ n: "y", v: 2n }], []];
    const stream = csvStream(cols, async (cursor: number | null) => {
      const i = cursor ?? 0;
      return { rows: pages[i]!, next: i + 1 < pages.length ? i + 1 : null };
    });
    expect(await new Response(stream).text()).toBe("name,value\r\nx,1\r\ny,2\r\n");
  });
});
