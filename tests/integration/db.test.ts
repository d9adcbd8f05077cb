import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDb } from "../setup/test-db";

let t: TestDb;
beforeAll(async () => {
  t = await openTestDatabase("db");
});
afterAll(async () => {
  await t?.close();
});

describe(`database layer (${process.env.TEST_DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("returns int8 as bigint, exactly, above 2^53", async () => {
    const big = 9007199254740993n; // 2^53 + 1: not representable as a JS number
    const r = await sql<{ v: bigint }>`select ${big.toString()}::int8 as v`.execute(t.db);
    expect(r.rows[0]!.v).toBe(big);
    expect(typeof r.rows[0]!.v).toBe("bigint");
  });

  it("refuses UPDATE and DELETE on releases", async () => {
    await t.db
      .insertInto("releases")
      .values({ ocid: "ocds-x-1", release_id: "r1", date: "2024-01-01T00:00:00Z", tags: ["tender"], data: "{}", hash: "h", source: "test" })
      .execute();
    await expect(t.db.updateTable("releases").set({ source: "changed" }).execute()).rejects.toThrow(/append-only/);
    await expect(t.db.deleteFrom("releases").execute()).rejects.toThrow(/append-only/);
    const rows = await t.db.selectFrom("releases").select(["source"]).execute();
    expect(rows).toEqual([{ source: "test" }]);
  });
});
