/**
 * The importer against the real files in ../shared/data/real: counts, ids for
 * releases without one, idempotency, updates, conflicts, formats (record
 * packages, JSON Lines, gzip, arrays), batching, and supplier resolution on
 * real parties.
 */
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson, generatedReleaseId, importSources, prepareRelease, sameJson } from "../../app/services/import.server";
import { type TestDb, openTestDatabase } from "../setup/test-db";
import { type Json, REAL, freshCopies, realReleases, tempDir, writeJsonLines } from "./import-fixtures";

let t: TestDb;
const tmp = tempDir("import");
const all = realReleases();
const distinctOcids = new Set(all.map((r) => String(r.release.ocid))).size;
const count = async (table: "releases" | "processes" | "organisations") =>
  Number((await t.db.selectFrom(table).select(sql<string>`count(*)`.as("n")).executeTakeFirstOrThrow()).n);

beforeAll(async () => {
  t = await openTestDatabase("import");
});
afterAll(async () => {
  await t?.close();
  tmp.cleanup();
});

describe(`import of the real files (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("imports every real release, giving the ones without an id a content id", async () => {
    expect(all.length).toBe(606);
    const s = await importSources(t.db, [REAL]);
    expect(s.rejections).toEqual([]);
    expect(s).toMatchObject({ releasesRead: 606, imported: 606, unchanged: 0, rejected: 0, sources: 404 });
    expect(await count("releases")).toBe(606);
    expect(await count("processes")).toBe(distinctOcids);
    // Every release is stored as a JSON object equal to what was read (with an id added where there was none).
    const pcs = await t.db.selectFrom("releases").select(["ocid", "release_id", "data", "source"]).where("ocid", "like", "ocds-r6ebe6-%").execute();
    expect(pcs).toHaveLength(90);
    for (const row of pcs) {
      expect(row.release_id).toMatch(/^sha256-[0-9a-f]{32}$/);
      expect(typeof row.data).toBe("object");
      const original = all.find((r) => r.release.ocid === row.ocid)!.release;
      expect(row.release_id).toBe(generatedReleaseId(original));
      expect(sameJson(row.data, { ...original, id: row.release_id })).toBe(true);
      expect(row.source).toMatch(/^import:/);
    }
    const run = await t.db.selectFrom("import_runs").selectAll().orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: "done", releases_read: 606, imported: 606, unchanged: 0, rejected: 0 });
  });

  it("maps real data into the register: awards in tender-tagged releases, CF sme flags, HTML entities", async () => {
    // contracts-finder: tagged "tender" yet carrying an award with a supplier.
    const p = await t.db
      .selectFrom("processes")
      .select(["ocid", "status", "supplier_names", "current_value_pence", "buyer_name"])
      .where("ocid", "=", "ocds-b5fd17raw-9c26b900-06ef-4059-8332-7db676c30b8d")
      .executeTakeFirstOrThrow();
    expect(p.supplier_names).toContain("DELOITTE LLP");
    expect(p.buyer_name).toBe("NUCLEAR DECOMMISSIONING AUTHORITY");
    const entities = await t.db.selectFrom("organisations").select("name").where("name", "like", "%&amp;%").execute();
    expect(entities).toEqual([]);
  });

  it("resolves real suppliers: by identifier when given, else by name within the buyer (party ids mean nothing across releases)", async () => {
    const orgs = await t.db.selectFrom("organisations").select(["key", "name", "scale", "is_supplier"]).execute();
    // One identifier, two spellings in one release (a repeated party id): one organisation.
    expect(orgs.filter((o) => o.key === "id:GB-COH:03794455")).toHaveLength(1);
    // DELOITTE LLP has GB-COH OC303675; CF's `sme: false` makes it large.
    expect(orgs.find((o) => o.key === "id:GB-COH:OC303675")).toMatchObject({ name: "DELOITTE LLP", scale: "large", is_supplier: true });
    // Letterbox Distribution: empty identifier and no postcode → name within the buyer; `sme: true` → SME of unspecified size.
    const letterbox = orgs.filter((o) => o.name === "Letterbox Distribution");
    expect(letterbox).toHaveLength(1);
    expect(letterbox[0]!.key).toMatch(/^name:letterbox distribution\|buyer:/);
    expect(letterbox[0]!.scale).toBe("sme");
    // Party id "1" names different suppliers in different releases: they stay different organisations.
    const ones = ["Letterbox Distribution", "Acorn Analytical Services Limited", "Sarabec Ltd", "DELOITTE LLP"];
    const ids = new Set(orgs.filter((o) => ones.includes(o.name)).map((o) => o.key));
    expect(ids.size).toBe(4);
  });

  it("re-importing the same files changes nothing and says so", async () => {
    const before = await t.db.selectFrom("processes").select(["ocid", "updated_at"]).orderBy("ocid").execute();
    const orgs = await count("organisations");
    const s = await importSources(t.db, [REAL]);
    expect(s).toMatchObject({ releasesRead: 606, imported: 0, unchanged: 606, rejected: 0, processesWritten: 0 });
    expect(await count("releases")).toBe(606);
    expect(await count("organisations")).toBe(orgs);
    expect(await t.db.selectFrom("processes").select(["ocid", "updated_at"]).orderBy("ocid").execute()).toEqual(before);
  });

  it("treats the same release with its keys in another order as unchanged", async () => {
    const r = all.find((x) => x.folder === "cf-2022-search-pages")!.release;
    const reordered = Object.fromEntries(Object.entries(r).reverse());
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(r));
    writeJsonLines(tmp.file("reordered.jsonl"), [reordered]);
    const s = await importSources(t.db, [tmp.file("reordered.jsonl")]);
    expect(s).toMatchObject({ imported: 0, unchanged: 1, rejected: 0 });
  });

  it("rejects a changed release under a published ocid and id as a conflict, and keeps the published one", async () => {
    const r = all.find((x) => x.folder === "contracts-finder")!.release;
    const changed = { ...r, tender: { ...(r.tender as Json), title: "Changed after publication" } };
    writeFileSync(tmp.file("changed.json"), JSON.stringify({ releases: [changed] }));
    const s = await importSources(t.db, [tmp.file("changed.json")]);
    expect(s).toMatchObject({ imported: 0, rejected: 1 });
    expect(s.rejections[0]).toMatchObject({ file: tmp.file("changed.json"), position: "releases[0]", ocid: r.ocid, id: r.id });
    expect(s.rejections[0]!.reason).toMatch(/^conflict: .*already published with different content/);
    const stored = await t.db.selectFrom("releases").select("data").where("ocid", "=", String(r.ocid)).executeTakeFirstOrThrow();
    expect(sameJson(stored.data, r)).toBe(true);
  });

  it("a newer release for a process updates its compiled state", async () => {
    // A real Contracts Finder process (March 2025) whose second award release adds a second award; under a fresh ocid.
    const ocid = "ocds-b5fd17-3acef0bd-20d7-4df8-bbd7-01a3540dc2d6";
    const pair = all
      .filter((x) => x.release.ocid === ocid)
      .map((x) => x.release)
      .sort((x, y) => Date.parse(String(x.date)) - Date.parse(String(y.date)));
    expect(pair).toHaveLength(2);
    const [first, second] = freshCopies(pair, 1, "update") as [Json, Json];
    writeJsonLines(tmp.file("first.jsonl"), [first]);
    writeJsonLines(tmp.file("second.jsonl"), [second]);
    await importSources(t.db, [tmp.file("first.jsonl")]);
    const awards = (o: string) => t.db.selectFrom("awards").select("award_id").where("ocid", "=", o).execute();
    const before = await t.db.selectFrom("processes").selectAll().where("ocid", "=", String(first.ocid)).executeTakeFirstOrThrow();
    expect(before.release_count).toBe(1);
    expect(await awards(String(first.ocid))).toHaveLength(1);
    const s = await importSources(t.db, [tmp.file("second.jsonl")]);
    expect(s).toMatchObject({ imported: 1, rejected: 0, processesWritten: 1 });
    const after = await t.db.selectFrom("processes").selectAll().where("ocid", "=", String(first.ocid)).executeTakeFirstOrThrow();
    expect(after.release_count).toBe(2);
    expect(await awards(String(first.ocid))).toHaveLength(2);
    expect(new Date(after.last_release_at).getTime()).toBe(Date.parse(String(second.date)));
    expect(after.supplier_ids.length).toBeGreaterThan(before.supplier_ids.length);
  });

  it("reads record packages (embedded releases; linked releases rejected; compiled release when alone)", async () => {
    const [a, b] = freshCopies(
      all.filter((x) => x.folder === "contracts-finder").slice(0, 2).map((x) => x.release),
      1,
      "rec",
    ) as [Json, Json];
    const c = freshCopies([all.find((x) => x.folder === "cf-2025-03-releases")!.release], 1, "rec")[0]!;
    const pkg = {
      uri: "https://example.org/records",
      version: "1.1",
      publishedDate: "2024-01-01T00:00:00Z",
      publisher: { name: "Test" },
      records: [
        { ocid: a.ocid, releases: [a, { url: "https://example.org/p.json#x", date: "2019-01-01T00:00:00Z", tag: ["award"] }] },
        { ocid: b.ocid, releases: [b], compiledRelease: { ...b, id: "compiled", tag: ["compiled"] } },
        { ocid: c.ocid, releases: [{ url: "https://example.org/c.json", date: "2025-03-11T00:00:00Z", tag: ["award"] }], compiledRelease: c },
        { ocid: "ocds-x-none", releases: [{ url: "https://example.org/n.json", date: "2025-03-11T00:00:00Z", tag: ["award"] }] },
      ],
    };
    writeFileSync(tmp.file("records.json"), JSON.stringify(pkg));
    const s = await importSources(t.db, [tmp.file("records.json")]);
    expect(s.imported).toBe(3);
    expect(s.rejections.map((r) => [r.position, r.reason.split(":")[0]])).toEqual([
      ["records[0].releases[1]", "linked release (https"],
      ["records[3]", "record holds only linked releases (urls) and no compiledRelease"],
    ]);
    const stored = await t.db.selectFrom("releases").select("release_id").where("ocid", "in", [String(a.ocid), String(b.ocid), String(c.ocid)]).execute();
    expect(stored.map((r) => r.release_id).sort()).toEqual([String(a.id), String(b.id), String(c.id)].sort());
  });

  it("reads JSON Lines, gzip (by magic bytes, whatever the name), a top-level array and concatenated documents", async () => {
    const src = all.filter((x) => x.folder === "cf-2022-search-pages").map((x) => x.release);
    const lines = freshCopies(src.slice(0, 20), 1, "jl");
    const gz = freshCopies(src.slice(20, 40), 1, "gz");
    const arr = freshCopies(src.slice(40, 50), 1, "arr");
    const docs = freshCopies(src.slice(50, 53), 1, "docs");
    writeJsonLines(tmp.file("lines.jsonl"), lines);
    writeJsonLines(tmp.file("zipped.data"), gz, true);
    writeFileSync(tmp.file("array.json"), JSON.stringify(arr, null, 2));
    writeFileSync(tmp.file("docs.json"), docs.map((d) => JSON.stringify({ releases: [d] }, null, 1)).join("\n"));
    writeFileSync(tmp.file("package.json.gz"), gzipSync(JSON.stringify({ releases: freshCopies(src.slice(53, 60), 1, "pgz") }, null, 2)));
    const s = await importSources(t.db, [tmp.file("lines.jsonl"), tmp.file("zipped.data"), tmp.file("array.json"), tmp.file("docs.json"), tmp.file("package.json.gz")]);
    expect(s.rejections).toEqual([]);
    expect(s).toMatchObject({ releasesRead: 60, imported: 60 });
  });

  it("commits in batches without splitting a package that fits in one", async () => {
    const src = all.filter((x) => x.folder === "cf-2022-search-pages").map((x) => x.release);
    const copies = freshCopies(src, 1, "batch"); // 206 releases
    const files = [0, 1, 2, 3].map((i) => {
      const f = tmp.file(`batch-${i}.json`);
      writeFileSync(f, JSON.stringify({ releases: copies.slice(i * 40, i * 40 + 40) }));
      return f;
    });
    const sizes: number[] = [];
    const s = await importSources(t.db, files, { batchSize: 50, onBatch: (b) => sizes.push(b.releases) });
    expect(s.imported).toBe(160);
    // 40-release packages in 50-release batches: each batch holds whole packages.
    expect(sizes).toEqual([40, 40, 40, 40]);
    // A JSON Lines stream (or a package bigger than a batch) commits batch by batch.
    writeJsonLines(tmp.file("stream.jsonl"), copies.slice(160));
    const sizes2: number[] = [];
    await importSources(t.db, [tmp.file("stream.jsonl")], { batchSize: 20, onBatch: (b) => sizes2.push(b.releases) });
    expect(sizes2).toEqual([20, 20, 6]);
  });

  it("resolves suppliers without identifier by name and postcode, else by name within the buyer", async () => {
    const base = all.find((x) => x.release.ocid === "ocds-b5fd17raw-47ed1c02-9720-4542-90e5-2605792d11a7")!.release;
    const withSupplier = (tag: string, postalCode: string | null, buyer?: { id: string; name: string }) => {
      const r = JSON.parse(JSON.stringify(base)) as Json;
      r.ocid = `${String(base.ocid)}-${tag}`;
      r.id = `${String(base.id)}-${tag}`;
      for (const p of r.parties as Json[]) {
        if ((p.roles as string[]).includes("supplier")) (p.address as Json).postalCode = postalCode ?? "";
        if (buyer && (p.roles as string[]).includes("buyer")) {
          p.id = buyer.id;
          p.name = buyer.name;
        }
      }
      if (buyer) r.buyer = buyer;
      return r;
    };
    writeJsonLines(tmp.file("resolution.jsonl"), [
      withSupplier("pc1", "EN4 8AS"),
      withSupplier("pc1b", "en48as"),
      withSupplier("pc2", "LS1 4AP"),
      withSupplier("samebuyer", null),
      withSupplier("otherbuyer", null, { id: "other-buyer", name: "Another County Council" }),
    ]);
    const s = await importSources(t.db, [tmp.file("resolution.jsonl")]);
    expect(s.rejected).toBe(0);
    const keys = (await t.db.selectFrom("organisations").select("key").where("name", "=", "Letterbox Distribution").execute()).map((o) => o.key).sort();
    expect(keys).toHaveLength(4);
    expect(keys.filter((k) => k.endsWith("|pc:EN48AS"))).toHaveLength(1); // same postcode however written: one organisation
    expect(keys.filter((k) => k.endsWith("|pc:LS14AP"))).toHaveLength(1); // same name, other postcode: another one
    expect(keys.filter((k) => k.includes("|buyer:"))).toHaveLength(2); // no postcode: one per buyer (the earlier import's, and the other buyer's)
  });
});

describe("checking single releases", () => {
  it("gives the same id to the same content whatever its key order, and another id to other content", () => {
    const r = { ocid: "ocds-x-1", date: "2024-01-01T00:00:00Z", tag: ["tender"], tender: { id: "t", title: "A" } };
    const same = { tag: ["tender"], tender: { title: "A", id: "t" }, date: "2024-01-01T00:00:00Z", ocid: "ocds-x-1" };
    expect(generatedReleaseId(r)).toBe(generatedReleaseId(same));
    expect(generatedReleaseId(r)).not.toBe(generatedReleaseId({ ...r, tender: { id: "t", title: "B" } }));
    expect(canonicalJson(same)).toBe('{"date":"2024-01-01T00:00:00Z","ocid":"ocds-x-1","tag":["tender"],"tender":{"id":"t","title":"A"}}');
    const p = prepareRelease({ ...r, id: "" });
    expect(p.ok && p.generatedId && p.release.id).toBe(generatedReleaseId(r));
  });

  it("names every problem with its path", () => {
    const p = prepareRelease({
      ocid: "ocds-x-2",
      id: "r1",
      date: "2024-01-01T00:00:00Z",
      tag: ["award"],
      tender: { value: "1000000", minValue: { amount: 1, currency: "XYZ" } },
      awards: { id: "a" },
    });
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.reason).toContain("awards: must be an array (an object)");
      expect(p.reason).toContain("tender.value: must be an object with amount and currency (a string");
      expect(p.reason).toContain('tender.minValue.currency: unknown currency code "XYZ"');
      expect(p).toMatchObject({ ocid: "ocds-x-2", id: "r1" });
    }
  });
});

