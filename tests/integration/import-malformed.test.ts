/**
 * Malformed input: each case is a clear rejection (file, position, reason)
 * and nothing of the bad unit is written; the good input beside it still is.
 */
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportSummary, importSources } from "../../app/services/import.server";
import { type TestDb, openTestDatabase } from "../setup/test-db";
import { type Json, freshCopies, realReleases, tempDir, writeJsonLines } from "./import-fixtures";

let t: TestDb;
const tmp = tempDir("malformed");
const real = realReleases(["cf-2022-search-pages"]).map((r) => r.release);
let n = 0;
/** Fresh copies of a few real releases (new ocids each call). */
const good = (k = 3) => freshCopies(real.slice(0, k), 1, `m${n++}`);

async function snapshot() {
  const r = await sql<{ releases: string; processes: string; organisations: string }>`
    select (select count(*) from releases) as releases, (select count(*) from processes) as processes, (select count(*) from organisations) as organisations`.execute(t.db);
  return r.rows[0]!;
}

async function importExpectingNothing(files: string[]): Promise<ImportSummary> {
  const before = await snapshot();
  const s = await importSources(t.db, files);
  expect(s.imported).toBe(0);
  expect(s.rejected).toBeGreaterThan(0);
  expect(await snapshot()).toEqual(before);
  return s;
}

beforeAll(async () => {
  t = await openTestDatabase("import_malformed");
});
afterAll(async () => {
  await t?.close();
  tmp.cleanup();
});

describe(`malformed input (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("truncated JSON: the package is rejected whole, with where it ended", async () => {
    const text = JSON.stringify({ uri: "x", releases: good(5) }, null, 2);
    writeFileSync(tmp.file("truncated.json"), text.slice(0, Math.floor(text.length * 0.7)));
    const s = await importExpectingNothing([tmp.file("truncated.json")]);
    expect(s.rejections).toHaveLength(1);
    expect(s.rejections[0]!.file).toBe(tmp.file("truncated.json"));
    expect(s.rejections[0]!.position).toMatch(/^byte [\d,]+$/);
    expect(s.rejections[0]!.reason).toMatch(/^truncated JSON: the input ends inside a value/);
    expect(s.rejections[0]!.reason).toMatch(/the \d releases? read before the problem were not imported/);
    expect(s.releasesDropped).toBeGreaterThan(0);
  });

  it("truncated gzip and invalid JSON in the middle are rejected the same way", async () => {
    const gz = gzipSync(JSON.stringify({ releases: good(4) }));
    writeFileSync(tmp.file("cut.json.gz"), gz.subarray(0, gz.length - 30));
    writeFileSync(tmp.file("broken.json"), `{"releases": [${JSON.stringify(good(1)[0])}, {"ocid": "x",, }]}`);
    const s = await importExpectingNothing([tmp.file("cut.json.gz"), tmp.file("broken.json")]);
    expect(s.rejections.map((r) => r.reason.split(" (")[0])).toEqual([
      expect.stringMatching(/^truncated (gzip data|JSON)/),
      expect.stringMatching(/^invalid JSON/),
    ]);
  });

  it("a package whose releases is not an array", async () => {
    const r = good(1)[0]!;
    writeFileSync(tmp.file("object.json"), JSON.stringify({ uri: "x", version: "1.1", releases: r }));
    writeFileSync(tmp.file("string.json"), JSON.stringify({ uri: "x", releases: "none" }));
    const s = await importExpectingNothing([tmp.file("object.json"), tmp.file("string.json")]);
    expect(s.rejections.map((x) => [x.position, x.reason])).toEqual([
      ["releases", "releases: not an array (an object); nothing imported from this package"],
      ["releases", "releases: not an array (a string); nothing imported from this package"],
    ]);
  });

  it("a release without ocid is rejected; the others of its package are imported", async () => {
    const [a, b, c] = good(3) as [Json, Json, Json];
    const { ocid: _drop, ...noOcid } = b;
    writeFileSync(tmp.file("no-ocid.json"), JSON.stringify({ releases: [a, noOcid, c] }));
    const s = await importSources(t.db, [tmp.file("no-ocid.json")]);
    expect(s).toMatchObject({ imported: 2, rejected: 1 });
    expect(s.rejections[0]).toMatchObject({ file: tmp.file("no-ocid.json"), position: "releases[1]", ocid: null, id: String(b.id), reason: "ocid: required" });
    const stored = await t.db.selectFrom("releases").select("release_id").where("release_id", "in", [String(a.id), String(b.id), String(c.id)]).execute();
    expect(stored.map((x) => x.release_id).sort()).toEqual([String(a.id), String(c.id)].sort());
  });

  it("values as strings and unknown currencies are rejected with their path", async () => {
    const [a, b, c, d] = good(4) as [Json, Json, Json, Json];
    const tender = (r: Json) => (r.tender ?? {}) as Json;
    const asString = { ...a, tender: { ...tender(a), value: "250000" } };
    const amountText = { ...b, tender: { ...tender(b), value: { amount: "about £2m", currency: "GBP" } } };
    const unknownCurrency = { ...c, tender: { ...tender(c), value: { amount: 1000, currency: "XYZ" } } };
    writeJsonLines(tmp.file("values.jsonl"), [asString, amountText, unknownCurrency, d]);
    const s = await importSources(t.db, [tmp.file("values.jsonl")]);
    expect(s).toMatchObject({ imported: 1, rejected: 3 });
    expect(s.rejections.map((r) => [r.position, r.ocid])).toEqual([
      ["line 1", a.ocid],
      ["line 2", b.ocid],
      ["line 3", c.ocid],
    ]);
    expect(s.rejections[0]!.reason).toMatch(/^tender\.value: must be an object with amount and currency \(a string "250000"\)/);
    expect(s.rejections[1]!.reason).toBe('tender.value.amount: not a number ("about £2m")');
    expect(s.rejections[2]!.reason).toBe('tender.value.currency: unknown currency code "XYZ" (not an ISO 4217 currency)');
  });

  it("an amount written as a numeric string is rejected with its path: OCDS amounts are numbers, and the register re-exports what it imports", async () => {
    const [a, b, c] = good(3) as [Json, Json, Json];
    const awards = (r: Json) => ((r.awards ?? []) as Json[]).map((x) => ({ ...x }));
    const withAward = (r: Json, amount: unknown) => {
      const list = awards(r);
      const first = list[0] ?? { id: "1" };
      list[0] = { ...first, value: { amount, currency: "GBP" } };
      return { ...r, awards: list };
    };
    const stringAmount = withAward(a, "250000");
    const decimalString = { ...b, tender: { ...((b.tender ?? {}) as Json), value: { amount: "1234.50", currency: "GBP" } } };
    const numberAmount = withAward(c, 250000);
    writeJsonLines(tmp.file("string-amounts.jsonl"), [stringAmount, decimalString, numberAmount]);
    const before = await snapshot();
    const s = await importSources(t.db, [tmp.file("string-amounts.jsonl")]);
    expect(s).toMatchObject({ imported: 1, rejected: 2 });
    expect(s.rejections.map((r) => [r.position, r.ocid, r.reason])).toEqual([
      ["line 1", a.ocid, 'awards[0].value.amount: must be a number, not a string ("250000")'],
      ["line 2", b.ocid, 'tender.value.amount: must be a number, not a string ("1234.50")'],
    ]);
    // Only the release with a numeric amount was written.
    expect(Number((await snapshot()).releases)).toBe(Number(before.releases) + 1);
    const stored = await t.db.selectFrom("releases").select("ocid").where("ocid", "in", [String(a.ocid), String(b.ocid), String(c.ocid)]).execute();
    expect(stored.map((r) => r.ocid)).toEqual([c.ocid]);
  });

  it("a 50 MB single line is rejected without being held in memory; the lines around it are imported", async () => {
    const [a, b] = good(2) as [Json, Json];
    const big = `{"ocid":"ocds-x-big","id":"1","date":"2024-01-01T00:00:00Z","tag":["tender"],"description":"${"x".repeat(50 * 1024 * 1024)}"}`;
    writeFileSync(tmp.file("big.jsonl"), `${JSON.stringify(a)}\n${big}\n${JSON.stringify(b)}\n`);
    const rssBefore = process.memoryUsage().rss;
    const s = await importSources(t.db, [tmp.file("big.jsonl")]);
    const grown = process.memoryUsage().rss - rssBefore;
    expect(s).toMatchObject({ imported: 2, rejected: 1 });
    expect(s.rejections[0]).toMatchObject({ position: "line 2" });
    expect(s.rejections[0]!.reason).toMatch(/^line longer than the 10 MB limit for one release/);
    expect(grown).toBeLessThan(40 * 1024 * 1024);
    expect(await t.db.selectFrom("releases").select("id").where("ocid", "=", "ocds-x-big").execute()).toEqual([]);
  });

  it("a 50 MB single release inside a package is rejected; the package's other releases are imported", async () => {
    const [a, b] = good(2) as [Json, Json];
    const big = { ocid: "ocds-x-big2", id: "1", date: "2024-01-01T00:00:00Z", tag: ["tender"], description: "y".repeat(50 * 1024 * 1024) };
    writeFileSync(tmp.file("big-package.json"), JSON.stringify({ uri: "x", releases: [a, big, b] }));
    const s = await importSources(t.db, [tmp.file("big-package.json")]);
    expect(s).toMatchObject({ imported: 2, rejected: 1 });
    expect(s.rejections[0]).toMatchObject({ position: "releases[1]", reason: "larger than the 10 MB limit for one release" });
  });

  it("not JSON, empty, missing and not-OCDS inputs", async () => {
    writeFileSync(tmp.file("page.html"), "<!DOCTYPE html><html><body>Service unavailable</body></html>");
    writeFileSync(tmp.file("empty.json"), "   \n");
    writeFileSync(tmp.file("other.json"), JSON.stringify({ hello: "world" }));
    const s = await importExpectingNothing([tmp.file("page.html"), tmp.file("empty.json"), tmp.file("missing.json"), tmp.file("other.json")]);
    expect(s.rejections.map((r) => r.reason)).toEqual([
      'HTML, not JSON (starts "<!DOCTYPE html><html><body>Service unava…")',
      "empty: no JSON in the input",
      "no such file or folder",
      "not an OCDS release, release package or record package (no releases, records or ocid)",
    ]);
  });

  it("the same ocid and id twice in one import with other content: the second is rejected", async () => {
    const [a] = good(1) as [Json];
    const other = { ...a, tender: { ...((a.tender ?? {}) as Json), title: "Another title" } };
    writeJsonLines(tmp.file("dup.jsonl"), [a, a, other]);
    const s = await importSources(t.db, [tmp.file("dup.jsonl")]);
    expect(s).toMatchObject({ imported: 1, unchanged: 1, rejected: 1 });
    expect(s.rejections[0]).toMatchObject({ position: "line 3" });
    expect(s.rejections[0]!.reason).toMatch(/^the same ocid and id appear earlier in this import \(.*dup\.jsonl line 1\) with other content/);
  });

  it("a release the database refuses (a NUL character) is found and rejected; the rest of its batch is imported", async () => {
    const rs = good(6) as Json[];
    rs[3] = { ...rs[3]!, description: "bad \u0000 text" };
    writeJsonLines(tmp.file("nul.jsonl"), rs);
    const s = await importSources(t.db, [tmp.file("nul.jsonl")]);
    expect(s).toMatchObject({ imported: 5, rejected: 1 });
    expect(s.rejections[0]).toMatchObject({ position: "line 4", ocid: rs[3]!.ocid });
    expect(s.rejections[0]!.reason).toMatch(/^the database refused this release: /);
  });
});
