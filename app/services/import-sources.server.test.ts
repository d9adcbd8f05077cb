import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { looksLikeJsonLines, readInput, recordEvents, splitLines } from "./import-sources.server";

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

describe("looksLikeJsonLines", () => {
  const rel = (id: string) => JSON.stringify({ ocid: `o-${id}`, id, date: "2024-01-01T00:00:00Z", tag: ["tender"] });
  const pkg = JSON.stringify({ releases: [JSON.parse(rel("1"))], links: { next: "https://x/?page=2" } });
  it("is JSON Lines only when a second object line follows a first line that is a release, not a package", () => {
    expect(looksLikeJsonLines(`${rel("1")}\n${rel("2")}\n`)).toBe(true);
    expect(looksLikeJsonLines(`${rel("1")}\n\n  \n${rel("2")}`)).toBe(true);
    // The second line has not ended within what was read: it opens as an object.
    expect(looksLikeJsonLines(`${rel("1")}\n{"ocid":"o-2","id":"2","tender":{"title":"long`)).toBe(true);
    // One line, with a final newline (or blank lines after it): a document.
    expect(looksLikeJsonLines(`${rel("1")}\n`)).toBe(false);
    expect(looksLikeJsonLines(`${rel("1")}\n\n \n`)).toBe(false);
    // A compact package page: a document, whatever follows it.
    expect(looksLikeJsonLines(`${pkg}\n`)).toBe(false);
    expect(looksLikeJsonLines(`${pkg}\n${pkg}\n`)).toBe(false);
    expect(looksLikeJsonLines(`${JSON.stringify({ records: [] })}\n${rel("2")}\n`)).toBe(false);
    // Pretty-printed JSON, or a release followed by a pretty-printed one.
    expect(looksLikeJsonLines('{\n  "releases": []\n}\n')).toBe(false);
    expect(looksLikeJsonLines(`${rel("1")}\n{\n  "ocid": "o-2"\n}\n`)).toBe(false);
    expect(looksLikeJsonLines(`${rel("1")}\n[1]\n`)).toBe(false);
  });

  it("reads a one-line package ending in a newline as one document, and release lines as a stream", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "register-lines-"));
    const kinds = async (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      const opts = { maxReleaseBytes: 1 << 20, fetch, maxPages: 0, retries: 0, retryDelayMs: 0, nextUnit: () => 1 };
      const out: string[] = [];
      for await (const ev of readInput(path.join(dir, name), opts)) out.push(ev.type === "unit-start" ? `start ${ev.stream ? "stream" : "document"}` : ev.type);
      return out;
    };
    try {
      expect(await kinds("page.json", `${pkg}\n`)).toEqual(["start document", "release", "unit-end"]);
      expect(await kinds("lines.json", `${rel("1")}\n${rel("2")}\n`)).toEqual(["start stream", "release", "release", "unit-end"]);
      expect(await kinds("one.json", `${rel("1")}\n`)).toEqual(["start document", "release", "unit-end"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
