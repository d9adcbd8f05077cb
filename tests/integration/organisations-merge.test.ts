/**
 * Merging organisations for good: the real releases (../shared/data/real)
 * name Ernst & Young three ways (a Contracts Finder id, a Companies House
 * number, and a name without identifier under one buyer), so supplier
 * resolution keeps three organisations. Merging them moves every contract
 * and figure to the survivor, and later imports naming the merged-away
 * organisations resolve to it instead of recreating them.
 */
import { spawn } from "node:child_process";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSources } from "../../app/services/import.server";
import { MergeError, mergeOrganisations } from "../../app/services/organisations-merge.server";
import { searchContracts } from "../../app/services/register.server";
import { concentrationApi, listSuppliers, supplierProfile } from "../../app/services/stats.server";
import { type DbHandle, openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { type Json, REAL, freshCopies, realReleases, tempDir, writeJsonLines } from "./import-fixtures";
import { type TestDb, openTestDatabase } from "../setup/test-db";

let t: TestDb;
const tmp = tempDir("merge");
const sp = (o: Record<string, string> = {}) => new URLSearchParams(o);
const now = new Date("2026-01-15T12:00:00Z");
const EY = {
  coh: "id:GB-COH:OC300001",
  cfs: "id:GB-CFS:144822",
  name: "name:ernst and young|buyer:name:nhs shared business services ltd nhs sbs|pc:M502UW",
};

const idOf = async (key: string) => (await t.db.selectFrom("organisations").select("id").where("key", "=", key).executeTakeFirst())?.id ?? null;
const orgCount = async () => Number((await sql<{ n: string }>`select count(*) as n from organisations`.execute(t.db)).rows[0]!.n);
const supplierFigures = async (id: bigint) => {
  const p = await supplierProfile(t.db, String(id), sp());
  const r = await searchContracts(t.db, sp({ supplier: String(id) }), now);
  return { totalPence: p?.totalPence ?? null, contracts: p?.contracts ?? null, registerCount: r.count.count, registerTotal: r.total?.attributedPence ?? null };
};
const refsTo = async (id: bigint) =>
  (
    await sql<{ n: number }>`select (
      (select count(*) from processes where buyer_id = ${id} or ${id} = any(supplier_ids)) +
      (select count(*) from award_suppliers where supplier_id = ${id}) +
      (select count(*) from spend_lines where supplier_id = ${id} or buyer_id = ${id}) +
      (select count(*) from spend_annual where supplier_id = ${id} or buyer_id = ${id}) +
      (select count(*) from flag_peers where supplier_id = ${id} or buyer_id = ${id}))::int as n`.execute(t.db)
  ).rows[0]!.n;
const grandTotal = async () => (await concentrationApi(t.db, sp())).totalPence;

beforeAll(async () => {
  t = await openTestDatabase("organisations_merge");
  const s = await importSources(t.db, [REAL]);
  expect(s).toMatchObject({ releasesRead: 606, imported: 606 });
}, 120_000);
afterAll(async () => {
  await t?.close();
  tmp.cleanup();
});

describe(`merging organisations (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  let survivor: bigint;
  let merged: { total: bigint; contracts: number };
  let eyOcids: string[];

  it("merges suppliers: contracts, register and dashboard figures move to the survivor, the others are deleted", async () => {
    const [coh, cfs, byName] = [await idOf(EY.coh), await idOf(EY.cfs), await idOf(EY.name)];
    expect(coh && cfs && byName).toBeTruthy();
    survivor = coh!;
    const before = { coh: await supplierFigures(coh!), cfs: await supplierFigures(cfs!), byName: await supplierFigures(byName!) };
    for (const f of Object.values(before)) expect(f.contracts).toBeGreaterThan(0);
    const sumTotal = before.coh.totalPence! + before.cfs.totalPence! + before.byName.totalPence!;
    const sumContracts = before.coh.contracts! + before.cfs.contracts! + before.byName.contracts!;
    const three = [coh!, cfs!, byName!];
    const ey = await listSuppliers(t.db, sp({ q: "ernst" }));
    const others = ey.rows.filter((r) => !three.includes(r.supplierId));
    expect(ey.rows.filter((r) => three.includes(r.supplierId))).toHaveLength(3);
    const grand = await grandTotal();
    const orgs = await orgCount();
    eyOcids = (await sql<{ ocid: string }>`select distinct ocid from award_suppliers where supplier_id in (${coh}, ${cfs}, ${byName})`.execute(t.db)).rows.map(
      (r) => r.ocid,
    );

    // First the name-only one into the Contracts Finder one, then that one into the Companies House one.
    const first = await mergeOrganisations(t.db, { from: byName!, into: cfs!, by: "reviewer@example.org" });
    expect(first).toMatchObject({ outcome: "deleted", movedProcesses: before.byName.contracts, aliases: [EY.name] });
    const second = await mergeOrganisations(t.db, { from: cfs!, into: coh!, by: "reviewer@example.org" });
    expect(second.outcome).toBe("deleted");
    expect(second.aliases).toEqual([EY.cfs, EY.name]);
    expect(second.movedProcesses).toBe(before.cfs.contracts! + before.byName.contracts!);

    // The aliases chain to the survivor; the merged-away organisations are gone, and nothing names them.
    const aliases = await t.db.selectFrom("organisation_aliases").select(["key", "organisation_id", "merged_by"]).orderBy("key").execute();
    expect(aliases).toEqual([
      { key: EY.cfs, organisation_id: coh, merged_by: "reviewer@example.org" },
      { key: EY.name, organisation_id: coh, merged_by: "reviewer@example.org" },
    ]);
    expect(await idOf(EY.cfs)).toBeNull();
    expect(await idOf(EY.name)).toBeNull();
    expect(await orgCount()).toBe(orgs - 2);
    expect(await refsTo(cfs!)).toBe(0);
    expect(await refsTo(byName!)).toBe(0);

    // Figures: the survivor has the three's contracts and value; the register agrees; the grand total is unchanged.
    const after = await supplierFigures(coh!);
    merged = { total: sumTotal, contracts: sumContracts };
    expect(after).toMatchObject({ totalPence: sumTotal, contracts: sumContracts, registerCount: sumContracts, registerTotal: sumTotal });
    expect(await supplierProfile(t.db, String(cfs), sp())).toBeNull();
    await expect(searchContracts(t.db, sp({ supplier: String(byName) }), now)).rejects.toMatchObject({ errors: [{ param: "supplier" }] });
    const eyAfter = await listSuppliers(t.db, sp({ q: "ernst" }));
    expect(eyAfter.rows.filter((r) => three.includes(r.supplierId)).map((r) => [r.supplierId, r.valuePence, r.contracts])).toEqual([[coh, sumTotal, sumContracts]]);
    // Other suppliers matching the search ("Ernst …" that is not Ernst & Young) are untouched.
    expect(eyAfter.rows.filter((r) => !three.includes(r.supplierId))).toEqual(others);
    expect(await grandTotal()).toBe(grand);
    const top = await listSuppliers(t.db, sp());
    expect(top.rows.some((r) => r.supplierId === cfs || r.supplierId === byName)).toBe(false);
    // Each contract names the survivor, by id and by name.
    const rows = await t.db.selectFrom("processes").select(["ocid", "supplier_ids", "supplier_names"]).where("ocid", "in", eyOcids).execute();
    expect(rows).toHaveLength(eyOcids.length);
    for (const r of rows) expect(r.supplier_ids.map(String)).toContain(String(coh)); // int8[] comes back as text on pg

    // Audited.
    const audit = await t.db.selectFrom("audit_log").select(["action", "user_email", "details"]).where("action", "=", "organisations-merge").orderBy("id").execute();
    expect(audit.map((a) => [a.user_email, (a.details as Json).from, (a.details as Json).into])).toEqual([
      ["reviewer@example.org", String(byName), String(cfs)],
      ["reviewer@example.org", String(cfs), String(coh)],
    ]);
  });

  it("re-importing the same files recreates no organisation and leaves the figures where they are", async () => {
    const orgs = await orgCount();
    const grand = await grandTotal();
    const s = await importSources(t.db, [REAL]);
    expect(s).toMatchObject({ imported: 0, unchanged: 606, rejected: 0 });
    expect(await orgCount()).toBe(orgs);
    expect(await idOf(EY.cfs)).toBeNull();
    expect(await idOf(EY.name)).toBeNull();
    expect(await supplierFigures(survivor)).toMatchObject({ totalPence: merged.total, contracts: merged.contracts, registerCount: merged.contracts });
    expect(await grandTotal()).toBe(grand);
  });

  it("new releases naming a merged-away supplier resolve to the survivor (nothing recreated)", async () => {
    // The same contracts again under new ocids: each names Ernst & Young as before (all three ways).
    const copies = freshCopies(
      realReleases()
        .map((r) => r.release)
        .filter((r) => eyOcids.includes(String(r.ocid))),
      1,
      "again",
    );
    expect(copies.length).toBeGreaterThanOrEqual(3);
    writeJsonLines(tmp.file("again.jsonl"), copies);
    const orgs = await orgCount();
    const s = await importSources(t.db, [tmp.file("again.jsonl")]);
    expect(s).toMatchObject({ imported: copies.length, rejected: 0 });
    expect(await orgCount()).toBe(orgs);
    expect(await idOf(EY.cfs)).toBeNull();
    expect(await idOf(EY.name)).toBeNull();
    // The copies doubled the survivor's contracts and value.
    expect(await supplierFigures(survivor)).toMatchObject({ totalPence: 2n * merged.total, contracts: 2 * merged.contracts });
    const named = await t.db
      .selectFrom("processes")
      .select("supplier_ids")
      .where("ocid", "in", copies.map((c) => String(c.ocid)))
      .execute();
    for (const r of named) expect(r.supplier_ids.map(String)).toContain(String(survivor));
  });

  it("merges buyers; one a publisher acts for is kept, marked merged, and resolves to the survivor", async () => {
    const mojs = await t.db
      .selectFrom("organisations as o")
      .select(["o.id", "o.key", sql<number>`(select count(*)::int from processes p where p.buyer_id = o.id)`.as("n")])
      .where("o.normalised_name", "=", "ministry of justice")
      .where("o.is_buyer", "=", true)
      .orderBy("o.id")
      .execute();
    expect(mojs).toHaveLength(2);
    const [into, from] = mojs as [(typeof mojs)[number], (typeof mojs)[number]];
    expect(from.n).toBeGreaterThan(0);
    const user = await t.db
      .insertInto("users")
      .values({ email: "moj-publisher@example.org", name: "MoJ publisher", role: "publisher", password_hash: "scrypt$x" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db.insertInto("user_buyers").values({ user_id: user.id, buyer_id: from.id }).execute();
    const contracts = async (id: bigint) => (await searchContracts(t.db, sp({ buyer: String(id) }), now)).count.count;
    const before = { into: await contracts(into.id), from: await contracts(from.id) };
    expect(before.from).toBe(from.n);

    const r = await mergeOrganisations(t.db, { from: from.id, into: into.id, by: null });
    expect(r).toMatchObject({ outcome: "kept", keptFor: ["a publisher account (user_buyers)"], movedProcesses: from.n });
    const kept = await t.db.selectFrom("organisations").select(["merged_into", "merged_at"]).where("id", "=", from.id).executeTakeFirstOrThrow();
    expect(kept.merged_into).toBe(into.id);
    expect(kept.merged_at).toBeInstanceOf(Date);
    expect(await contracts(into.id)).toBe(before.into + before.from);
    expect(await contracts(from.id)).toBe(0);
    expect(await refsTo(from.id)).toBe(0);

    // A later release from the kept buyer's key lands on the survivor, and the kept one is not rewritten.
    const mojOcids = new Set((await t.db.selectFrom("processes").select("ocid").where("buyer_id", "=", into.id).execute()).map((p) => p.ocid));
    const copies = freshCopies(
      realReleases()
        .map((x) => x.release)
        .filter((x) => mojOcids.has(String(x.ocid))),
      1,
      "moj",
    );
    writeJsonLines(tmp.file("moj.jsonl"), copies);
    const orgs = await orgCount();
    await importSources(t.db, [tmp.file("moj.jsonl")]);
    expect(await orgCount()).toBe(orgs);
    expect(await contracts(into.id)).toBe(2 * (before.into + before.from));
    expect(await refsTo(from.id)).toBe(0);

    // Merging into the kept (merged) one, or from it again, is refused, naming the parameter.
    const other = survivor;
    await expect(mergeOrganisations(t.db, { from: other, into: from.id, by: null })).rejects.toMatchObject({ field: "into" });
    await expect(mergeOrganisations(t.db, { from: from.id, into: other, by: null })).rejects.toMatchObject({ field: "from" });
  });

  it("refuses a merge with itself or with an organisation that does not exist, changing nothing", async () => {
    const orgs = await orgCount();
    await expect(mergeOrganisations(t.db, { from: survivor, into: survivor, by: null })).rejects.toBeInstanceOf(MergeError);
    await expect(mergeOrganisations(t.db, { from: 999_999_999n, into: survivor, by: null })).rejects.toMatchObject({
      field: "from",
      message: "--from: no organisation with id 999999999",
    });
    await expect(mergeOrganisations(t.db, { from: survivor, into: 999_999_999n, by: null })).rejects.toMatchObject({ field: "into" });
    expect(await orgCount()).toBe(orgs);
  });
});

describe("npm run organisations:merge", () => {
  const dataDir = tmp.file("pglite");
  function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", "scripts/organisations-merge.ts", ...args], { cwd: process.cwd(), env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => {
        out += String(d);
      });
      child.stderr.on("data", (d) => {
        err += String(d);
      });
      child.on("exit", (code) => resolve({ code, out, err }));
    });
  }
  const env = (): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "test", DATA_DIR: dataDir };
    delete e.DATABASE_URL;
    return e;
  };

  it("validates its arguments, naming each", async () => {
    const r = await run(["--from", "12x"], env());
    expect(r.code).toBe(2);
    expect(r.err).toContain("--from must be a register organisation id (a whole number)");
    expect(r.err).toContain("--into is required (a register organisation id)");
  }, 60_000);

  it("merges and prints a summary; a missing organisation is a clear error", async () => {
    // Its own embedded database: two suppliers without contracts.
    let h: DbHandle = await openDatabase({ dataDir });
    let ids: bigint[];
    try {
      await migrateToLatest(h.db);
      const base = { normalised_name: "acme", scheme: null, identifier: null, is_supplier: true, buyer_type: null, country_code: null, region: null, postcode: null };
      ids = (
        await h.db
          .insertInto("organisations")
          .values([
            { ...base, key: "name:acme|pc:AB12CD", name: "Acme Ltd" },
            { ...base, key: "name:acme|pc:AB12CE", name: "ACME Limited", scale: "sme" },
          ])
          .returning("id")
          .execute()
      ).map((r) => r.id);
    } finally {
      await h.close();
    }
    const r = await run(["--from", String(ids[0]), "--into", String(ids[1]), "--by", "cli-test"], env());
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Merged organisation ${ids[0]} (Acme Ltd) into ${ids[1]} (ACME Limited)`);
    expect(r.out).toContain(`resolution keys now resolving to ${ids[1]}: name:acme|pc:AB12CD`);
    expect(r.out).toContain(`organisation ${ids[0]}: deleted`);
    const missing = await run(["--from", String(ids[0]), "--into", String(ids[1])], env());
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`--from: no organisation with id ${ids[0]}`);
    h = await openDatabase({ dataDir });
    try {
      const left = await h.db.selectFrom("organisations").select("id").execute();
      expect(left.map((x) => x.id)).toEqual([ids[1]]);
      const alias = await h.db.selectFrom("organisation_aliases").selectAll().execute();
      expect(alias).toMatchObject([{ key: "name:acme|pc:AB12CD", organisation_id: ids[1], merged_by: "cli-test" }]);
    } finally {
      await h.close();
    }
  }, 120_000);
});
