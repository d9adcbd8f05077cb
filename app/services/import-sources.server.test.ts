import { describe, expect, it } from "vitest";
import { recordEvents, splitLines } from "./import-sources.server";

async function lines(chunks: string[], max = 100) {
  async function* src() {
    for (const c of chunks) yield Buffer.from(c);
  }
  const out: Array<{ n: number; text?: string; tooLong?: number }> = [];
  for await (const l of splitLines(src(), max)) out.push(l);
  return out;
}

describe("splitLines", () => {
  it("splits across chunk boundaries, keeps a last line without newline, and counts lines from 1", async () => {
    expect(await lines(['{"a":', "1}\n{", '"b":2}\r\n', "\n", "{}"])).toEqual([
      { n: 1, text: '{"a":1}' },
      { n: 2, text: '{"b":2}\r' },
      { n: 3, text: "" },
      { n: 4, text: "{}" },
    ]);
  });

  it("skips a line over the limit without holding it, and carries on", async () => {
    const long = "x".repeat(250);
    expect(await lines([`ok\n${long.slice(0, 120)}`, `${long.slice(120)}\nafter\n`], 100)).toEqual([
      { n: 1, text: "ok" },
      { n: 2, tooLong: 250 },
      { n: 3, text: "after" },
    ]);
    expect(await lines([long], 100)).toEqual([{ n: 1, tooLong: 250 }]);
  });

  it("keeps multi-byte characters split between chunks whole", async () => {
    const b = Buffer.from("£é\n");
    async function* src() {
      yield b.subarray(0, 1);
      yield b.subarray(1);
    }
    const out = [];
    for await (const l of splitLines(src(), 100)) out.push(l);
    expect(out).toEqual([{ n: 1, text: "£é" }]);
  });
});

describe("recordEvents", () => {
  it("takes embedded releases, rejects linked ones, and falls back to the compiled release", () => {
    const rel = { ocid: "o", id: "1", date: "2024-01-01T00:00:00Z", tag: ["tender"] };
    expect([...recordEvents({ ocid: "o", releases: [rel, { url: "https://x/p.json#1", date: "2024-01-01T00:00:00Z", tag: ["award"] }] }, "records[0]")]).toEqual([
      { type: "release", position: "records[0].releases[0]", raw: rel },
      { type: "reject", position: "records[0].releases[1]", reason: "linked release (https://x/p.json#1): import the release package it points to" },
    ]);
    expect([...recordEvents({ ocid: "o", releases: [{ url: "https://x" }], compiledRelease: rel }, "records[1]")]).toEqual([
      { type: "release", position: "records[1].compiledRelease", raw: rel },
    ]);
    expect([...recordEvents({ ocid: "o", releases: {} }, "records[2]")][0]).toMatchObject({ type: "reject", reason: "releases: not an array (an object)" });
    expect([...recordEvents("x", "records[3]")][0]).toMatchObject({ type: "reject", reason: "record: not an object (a string)" });
  });
});
