/**
 * Migration 0011's backfills on data stored the old way (db/migrations/
 * 0011_sensitive_technology_regions.ts): regions from postcodes for
 * organisations and processes, and late publication measured to the
 * contract's first publication — each giving what ingest now gives. (The
 * technology rule for the sensitive register is tested in sensitive.test.ts.)
 * PGlite, or PostgreSQL with TEST_DATABASE_URL.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backfillContractPublication, backfillRegionsFromPostcodes } from "../../db/migrations/0011_sensitive_technology_regions";
import type { OcdsRelease } from "../../app/domain/types";
import { ingestReleases } from "../../app/services/ingest.server";
import { openTestDatabase, type TestDb } from "../setup/test-db";

let t: TestDb;

const buyer = (id: string, name: string, address: Record<string, unknown>) => ({
  id,
  name,
  identifier: { scheme: "GB-GOR", id: id.replace("GB-GOR-", "") },
  roles: ["buyer"],
  address,
});
const supplier = { id: "GB-COH-11110000", name: "Postcode Test Supplier Ltd", identifier: { scheme: "GB-COH", id: "11110000" }, roles: ["supplier"], address: { postalCode: "LS1 4PL", countryName: "England" } };

function award(n: number, party: ReturnType<typeof buyer>, extra: OcdsRelease[] = []): OcdsRelease[] {
  const ocid = `ocds-m0011-${n}`;
  return [
    {
      ocid,
      id: `${ocid}-1`,
      date: "2024-03-01T09:00:00Z",
      tag: ["award"],
      parties: [party, supplier],
      buyer: { id: party.id, name: party.name },
      tender: { id: "t", title: `Migration test ${n}`, status: "complete", procurementMethod: "open", items: [{ id: "1", classification: { scheme: "CPV", id: "72000000" } }] },
      awards: [{ id: "a1", status: "active", date: "2024-02-20T00:00:00Z", value: { amount: 50_000, currency: "GBP" }, suppliers: [{ id: supplier.id, name: supplier.name }] }],
    } as unknown as OcdsRelease,
    ...extra,
  ];
}
const contract = (n: number, date: string): OcdsRelease =>
  ({
    ocid: `ocds-m0011-${n}`,
    id: `ocds-m0011-${n}-2`,
    date,
    tag: ["contract"],
    contracts: [{ id: "c1", awardID: "a1", status: "active", dateSigned: "2024-03-10T00:00:00Z", value: { amount: 50_000, currency: "GBP" } }],
  }) as unknown as OcdsRelease;

beforeAll(async () => {
  t = await openTestDatabase("migration_0011");
  const releases = [
    ...award(1, buyer("GB-GOR-M1", "Telford Test Council", { postalCode: "TF3 4JA", countryName: "United Kingdom" }), [contract(1, "2024-09-20T09:00:00Z")]),
    ...award(2, buyer("GB-GOR-M2", "Perth Test Council", { postalCode: "PH1", countryName: "Scotland" }), [contract(2, "2024-03-12T09:00:00Z")]),
    ...award(3, buyer("GB-GOR-M3", "Paris Test Office", { postalCode: "SW1A 2AA", countryName: "France" })),
    ...award(4, buyer("GB-GOR-M4", "Dublin Test Office", { postalCode: "D02 X285" })),
  ];
  await t.db.transaction().execute((trx) => ingestReleases(trx, releases, { source: "test" }));
}, 120_000);

afterAll(async () => {
  await t?.close();
});

const regions = async () =>
  Object.fromEntries(
    (await t.db.selectFrom("organisations").select(["name", "region"]).orderBy("name").execute()).map((o) => [o.name, o.region]),
  );
const buyerRegions = async () =>
  (await t.db.selectFrom("processes").select(["ocid", "buyer_region"]).orderBy("ocid").execute()).map((p) => [p.ocid, p.buyer_region]);

describe("regions from postcodes", () => {
  it("ingest gives them now; the backfill gives the same to data stored before, and nothing else", async () => {
    const now = await regions();
    expect(now).toEqual({
      "Dublin Test Office": null,
      "Paris Test Office": null,
      "Perth Test Council": "TLM",
      "Postcode Test Supplier Ltd": "TLE",
      "Telford Test Council": "TLG",
    });
    const processes = await buyerRegions();
    expect(processes).toEqual([
      ["ocds-m0011-1", "TLG"],
      ["ocds-m0011-2", "TLM"],
      ["ocds-m0011-3", null],
      ["ocds-m0011-4", null],
    ]);
    // As stored before postcodes were read.
    await t.db.updateTable("organisations").set({ region: null }).execute();
    await t.db.updateTable("processes").set({ buyer_region: null }).execute();
    expect(await backfillRegionsFromPostcodes(t.db as never, 2)).toBe(2);
    // The register keeps only whole postcodes, so an outward code alone ("PH1") is read again on the next write, not here.
    expect(await regions()).toEqual({ ...now, "Perth Test Council": null });
    expect(await buyerRegions()).toEqual(processes.map(([o, r]) => [o, o === "ocds-m0011-2" ? null : r]));
    await t.db.updateTable("organisations").set({ region: "TLM" }).where("name", "=", "Perth Test Council").execute();
  });

  it("never overwrites a region the publisher gave", async () => {
    await t.db.updateTable("organisations").set({ region: "TLD" }).where("name", "=", "Telford Test Council").execute();
    await backfillRegionsFromPostcodes(t.db as never);
    expect((await regions())["Telford Test Council"]).toBe("TLD");
    await t.db.updateTable("organisations").set({ region: "TLG" }).where("name", "=", "Telford Test Council").execute();
  });
});

describe("late publication: to the contract's first publication", () => {
  const late = async (n: number) =>
    (
      await sql<{ status: string; evidence: Record<string, unknown> }>`
        select status, evidence from flags where ocid = ${`ocds-m0011-${n}`} and code = 'late-publication'`.execute(t.db)
    ).rows[0] ?? null;
  const extras = async (n: number) =>
    (await sql<{ at: Date | null }>`select award_published_at as at from process_extras where ocid = ${`ocds-m0011-${n}`}`.execute(t.db)).rows[0]?.at;

  it("ingest flags a contract published six months after signature though its award came first", async () => {
    expect(new Date((await extras(1))!).toISOString()).toBe("2024-09-20T09:00:00.000Z");
    expect(await late(1)).toMatchObject({ status: "flagged", evidence: { publishedSource: "contract", days: 194 } });
    expect(await late(2)).toBeNull(); // published two days after signature: clear
  });

  it("the backfill turns outcomes stored by the old reading (award publication) into the new ones", async () => {
    const before = await sql<{ ocid: string; code: string; status: string; evidence: unknown }>`select ocid, code, status, evidence from flags order by ocid, code`.execute(t.db);
    const version = (await sql<{ value: string }>`select value from register_meta where key = 'flags_version'`.execute(t.db)).rows[0]?.value;
    // As the old reading stored them: published with the award (1 March), so process 1 was clear; and a stale flag on process 2.
    await sql`update process_extras set award_published_at = '2024-03-01T09:00:00Z' where ocid in ('ocds-m0011-1', 'ocds-m0011-2')`.execute(t.db);
    await sql`delete from flags where ocid = 'ocds-m0011-1' and code = 'late-publication'`.execute(t.db);
    await sql`insert into flags (ocid, code, status, evidence, threshold) values ('ocds-m0011-2', 'late-publication', 'flagged', '{}'::jsonb, 'old')`.execute(t.db);

    expect(await backfillContractPublication(t.db as never, 1)).toBe(2);
    expect(new Date((await extras(1))!).toISOString()).toBe("2024-09-20T09:00:00.000Z");
    expect(new Date((await extras(2))!).toISOString()).toBe("2024-03-12T09:00:00.000Z");
    const after = await sql<{ ocid: string; code: string; status: string; evidence: unknown }>`select ocid, code, status, evidence from flags order by ocid, code`.execute(t.db);
    expect(after.rows).toEqual(before.rows);
    const version2 = (await sql<{ value: string }>`select value from register_meta where key = 'flags_version'`.execute(t.db)).rows[0]?.value;
    expect(version2).not.toBe(version);
  });
});
