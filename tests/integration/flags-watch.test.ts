/**
 * /watch's figures (issue 6, red flags item 4): counts and value by flag, each
 * buyer's flagged share, the list and its CSV, filters and bad input — checked
 * against plain SQL over the stored flags.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FLAG_CODES } from "../../app/domain/flags";
import type { OcdsRelease } from "../../app/domain/types";
import { ingestReleases } from "../../app/services/ingest.server";
import { BadRequest } from "../../app/services/register.server";
import { lookupSupplierName } from "../../app/services/register-form.server";
import {
  WATCH_BUYER_OPTIONS,
  parseWatchFilters,
  toWatchQuery,
  watchBuyerOptions,
  watchCsvRows,
  watchPage,
  watchSummary,
} from "../../app/services/flags.server";
import { normaliseName } from "../../app/domain/ocds/text";
import { loader as watchLoader } from "../../app/routes/watch";
import { loadDemo } from "../../seeds/load";
import { openTestDatabase, type TestDb } from "../setup/test-db";

let t: TestDb;
const sp = (q: string) => new URLSearchParams(q);

beforeAll(async () => {
  t = await openTestDatabase("flags_watch");
  await loadDemo(t.db, { contracts: 1_500, seed: 9, today: new Date("2025-05-01T00:00:00Z") });
}, 600_000);

afterAll(async () => {
  await t?.close();
});

const gbp = sql`case when upper(coalesce(p.currency, 'GBP')) = 'GBP' then p.current_value_pence end`;

describe(`/watch figures (${process.env.TEST_DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("counts contracts and their value by flag, as the stored flags say", async () => {
    const page = await watchPage(t.db, sp(""));
    const direct = await sql<{ code: string; status: string; n: number; v: bigint }>`
      select f.code, f.status, count(*)::int as n, coalesce(sum(${gbp}), 0)::int8 as v
      from flags f join processes p on p.ocid = f.ocid group by f.code, f.status`.execute(t.db);
    for (const code of FLAG_CODES) {
      const row = page.summary.byFlag.find((r) => r.code === code)!;
      const flagged = direct.rows.find((r) => r.code === code && r.status === "flagged");
      const unknown = direct.rows.find((r) => r.code === code && r.status === "unknown");
      expect(row).toEqual({
        code,
        flaggedContracts: flagged?.n ?? 0,
        flaggedValuePence: flagged?.v ?? 0n,
        unknownContracts: unknown?.n ?? 0,
        unknownValuePence: unknown?.v ?? 0n,
      });
    }
    const any = await sql<{ n: number; total: number }>`
      select count(distinct f.ocid)::int as n, (select count(*)::int from processes) as total from flags f where f.status = 'flagged'`.execute(t.db);
    expect(page.summary.flaggedContracts).toBe(any.rows[0]!.n);
    expect(page.summary.contracts).toBe(any.rows[0]!.total);
    expect(page.summary.byFlag.filter((r) => r.flaggedContracts > 0).length).toBeGreaterThanOrEqual(6);
  });

  it("gives each buyer the share of its contract value that carries the flag", async () => {
    const summary = await watchSummary(t.db, toWatchQuery(parseWatchFilters(sp("flag=non-competitive"))));
    const direct = await sql<{ buyer_id: bigint; total: bigint; flagged: bigint; n: number }>`
      select p.buyer_id, coalesce(sum(${gbp}), 0)::int8 as total,
             coalesce(sum(${gbp}) filter (where f.ocid is not null), 0)::int8 as flagged,
             (count(*) filter (where f.ocid is not null))::int as n
      from processes p left join flags f on f.ocid = p.ocid and f.code = 'non-competitive' and f.status = 'flagged'
      group by p.buyer_id having count(f.ocid) > 0`.execute(t.db);
    expect(summary.buyers).toHaveLength(direct.rows.length);
    for (const b of direct.rows) {
      const got = summary.buyers.find((x) => x.buyerId === b.buyer_id)!;
      expect({ valuePence: got.valuePence, flaggedValuePence: got.flaggedValuePence, flaggedContracts: got.flaggedContracts }).toEqual({
        valuePence: b.total,
        flaggedValuePence: b.flagged,
        flaggedContracts: b.n,
      });
      if (b.total > 0n) expect(got.share).toBeCloseTo(Number(b.flagged) / Number(b.total), 5);
    }
    // Most flagged value first.
    const values = summary.buyers.map((b) => b.flaggedValuePence);
    expect(values).toEqual([...values].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
  });

  it("lists the flagged contracts behind the figures, filtered, page by page, and as CSV", async () => {
    const buyer = (await sql<{ buyer_id: bigint; buyer_type: string }>`
      select p.buyer_id, p.buyer_type from flags f join processes p on p.ocid = f.ocid
      where f.code = 'short-tender' and f.status = 'flagged' group by 1, 2 order by count(*) desc limit 1`.execute(t.db)).rows[0]!;
    const query = `flag=short-tender&buyerType=${buyer.buyer_type}&minValue=10000`;
    const want = await sql<{ ocid: string }>`
      select p.ocid from processes p join flags f on f.ocid = p.ocid and f.code = 'short-tender' and f.status = 'flagged'
      where p.buyer_type = ${buyer.buyer_type} and p.current_value_pence >= 1000000 order by p.ocid`.execute(t.db);
    expect(want.rows.length).toBeGreaterThan(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof watchPage>> = await watchPage(t.db, sp(`${query}${cursor ? `&cursor=${cursor}` : ""}`), 3);
      for (const r of page.rows) {
        expect(r.flags).toContain("short-tender");
        seen.push(r.ocid);
      }
      cursor = page.next;
    } while (cursor);
    expect(seen.sort()).toEqual(want.rows.map((r) => r.ocid));
    const summary = (await watchPage(t.db, sp(query))).summary;
    expect(summary.flaggedContracts).toBe(want.rows.length);

    const csv: string[][] = [];
    for await (const row of watchCsvRows(t.db, parseWatchFilters(sp(query)), "https://register.example")) csv.push(row);
    expect(csv[0]).toEqual(["ocid", "title", "buyer", "buyer_type", "suppliers", "award_date", "financial_year", "value_pence", "value", "currency", "flags", "url"]);
    expect(csv.slice(1).map((r) => r[0]).sort()).toEqual(want.rows.map((r) => r.ocid));
    for (const r of csv.slice(1)) {
      expect(r[10]!.split(";")).toContain("short-tender");
      expect(r[11]).toBe(`https://register.example/contracts/${encodeURIComponent(r[0]!)}`);
    }
  });

  it("lists the contracts a rule could not check", async () => {
    const page = await watchPage(t.db, sp("flag=late-publication&status=unknown"), 500);
    const direct = await sql<{ n: number }>`select count(*)::int as n from flags where code = 'late-publication' and status = 'unknown'`.execute(t.db);
    expect(page.rows.length).toBe(direct.rows[0]!.n);
    for (const r of page.rows) expect(r.flags).toContain("late-publication");
  });

  it("refuses bad input with a 400 naming each parameter", async () => {
    const params = (q: string) =>
      watchPage(t.db, sp(q)).then(
        () => [],
        (e: unknown) => (e instanceof BadRequest ? e.errors.map((x) => x.param).sort() : ["not a BadRequest"]),
      );
    expect(await params("flag=bribery")).toEqual(["flag"]);
    expect(await params("minValue=-1&fy=2024")).toEqual(["fy", "minValue"]);
    expect(await params("threshold=5")).toEqual(["threshold"]);
    expect(await params("status=clear&buyerType=galactic")).toEqual(["buyerType", "status"]);
    expect(await params("supplier=123456789")).toEqual(["supplier"]);
  });

  it("shows a write at once: the figures follow the flag data", async () => {
    const before = (await watchPage(t.db, sp(""))).summary;
    const ocid = "ocds-watchtest-1";
    const release = {
      ocid,
      id: `${ocid}-1`,
      date: "2024-06-01T10:00:00Z",
      tag: ["award"],
      parties: [
        { id: "GB-GOR-WATCH", name: "Watch Test Agency", identifier: { scheme: "GB-GOR", id: "WATCH" }, roles: ["buyer"] },
        { id: "GB-COH-99999999", name: "Watched Supplier Ltd", identifier: { scheme: "GB-COH", id: "99999999" }, roles: ["supplier"] },
      ],
      buyer: { id: "GB-GOR-WATCH", name: "Watch Test Agency" },
      tender: { id: "t", title: "Urgent work", status: "complete", procurementMethod: "direct" },
      awards: [
        { id: "a", status: "active", date: "2024-06-01T10:00:00Z", value: { amount: 1_000, currency: "GBP" }, suppliers: [{ id: "GB-COH-99999999", name: "Watched Supplier Ltd" }] },
      ],
    } as unknown as OcdsRelease;
    await t.db.transaction().execute((trx) => ingestReleases(trx, [release], { source: "test" }));
    const after = (await watchPage(t.db, sp(""))).summary;
    const nc = (s: typeof before) => s.byFlag.find((r) => r.code === "non-competitive")!;
    expect(nc(after).flaggedContracts).toBe(nc(before).flaggedContracts + 1);
    expect(nc(after).flaggedValuePence).toBe(nc(before).flaggedValuePence + 100_000n);
    expect(after.buyers.some((b) => b.name === "Watch Test Agency" && b.share === 1)).toBe(true);
  });
});

describe("/watch filters a person can use without JavaScript", () => {
  const callLoader = async (query: string) => {
    const request = new Request(`http://register.example/watch${query}`);
    try {
      return await watchLoader({ request, context: { readDb: t.db, db: t.db, now: () => new Date("2025-05-01T00:00:00Z") }, params: {} } as never);
    } catch (e) {
      if (e instanceof Response) return e;
      throw e;
    }
  };

  it("offers the buyers with a flagged contract, and each option lists only that buyer's contracts", async () => {
    const opts = await watchBuyerOptions(t.db);
    const direct = await sql<{ id: string }>`
      select distinct p.buyer_id::text as id from flags f join processes p on p.ocid = f.ocid
      where f.status = 'flagged' and p.buyer_id is not null`.execute(t.db);
    expect(opts.total).toBe(direct.rows.length);
    expect(opts.buyers.length).toBe(Math.min(direct.rows.length, WATCH_BUYER_OPTIONS));
    for (const b of opts.buyers) expect(direct.rows.map((r) => r.id)).toContain(b.id);
    const names = opts.buyers.map((b) => b.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "en-GB")));
    const one = opts.buyers[0]!;
    const page = await watchPage(t.db, sp(`buyer=${one.id}`), 500);
    expect(page.rows.length).toBeGreaterThan(0);
    for (const r of page.rows) expect(String(r.buyer_id)).toBe(one.id);
  });

  it("resolves a supplier's name: one match filters by its id, several are offered to choose from, none says so", async () => {
    // A supplier of a flagged contract whose normalised name is its own.
    const sup = (
      await sql<{ id: string; name: string }>`
        select o.id::text as id, o.name from flags f join processes p on p.ocid = f.ocid
        join organisations o on o.id = any(p.supplier_ids)
        where f.status = 'flagged'
          and (select count(*) from organisations o2 where o2.normalised_name = o.normalised_name and o2.is_supplier) = 1
        order by o.id limit 1`.execute(t.db)
    ).rows[0]!;
    const one = await lookupSupplierName(t.db, sup.name.toUpperCase());
    expect(one).toEqual({ kind: "one", id: sup.id, name: sup.name });

    // The loader turns the name into the id (a redirect), keeping the other filters and dropping the cursor.
    const res = (await callLoader(`?flag=non-competitive&supplierName=${encodeURIComponent(sup.name)}&cursor=abc`)) as Response;
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("Location")!, "http://register.example");
    expect(location.pathname).toBe("/watch");
    expect(Object.fromEntries(location.searchParams)).toEqual({ flag: "non-competitive", supplier: sup.id });

    // A part of many names: a choice, each linking to the view with that supplier.
    const common = await sql<{ word: string; n: number }>`
      select w as word, count(*)::int as n from organisations o, unnest(string_to_array(o.normalised_name, ' ')) w
      where o.is_supplier and length(w) >= 4 group by w having count(*) between 3 and 15 order by count(*) desc, w limit 1`.execute(t.db);
    const word = common.rows[0]!.word;
    const many = await lookupSupplierName(t.db, word);
    expect(many.kind).toBe("many");
    if (many.kind !== "many") return;
    for (const m of many.matches) expect(normaliseName(m.name)).toContain(word);
    const data = (await callLoader(`?supplierName=${word}`)) as { supplierLookup: { choices: { matches: Array<{ id: string; href: string }> } | null; noMatch: string | null } };
    expect(data.supplierLookup.noMatch).toBeNull();
    expect(data.supplierLookup.choices!.matches.map((m) => m.href)).toEqual(many.matches.map((m) => `/watch?supplier=${m.id}`));

    // No match: the page still answers, with the message for the field.
    expect(await lookupSupplierName(t.db, "Zzqx Nonexistent Holdings")).toEqual({ kind: "none", query: "Zzqx Nonexistent Holdings" });
    const none = (await callLoader("?supplierName=Zzqx%20Nonexistent%20Holdings&flag=short-tender")) as {
      supplierLookup: { noMatch: string | null };
      filters: Record<string, unknown>;
    };
    expect(none.supplierLookup.noMatch).toBe("Zzqx Nonexistent Holdings");
    expect(none.filters).toEqual({ flag: "short-tender" });
  });

  it("names each supplier of a listed contract, by id, in the process's order", async () => {
    const page = await watchPage(t.db, sp(""), 25);
    const withSuppliers = page.rows.filter((r) => r.suppliers.length > 0);
    expect(withSuppliers.length).toBeGreaterThan(0);
    for (const r of withSuppliers) {
      const p = await t.db.selectFrom("processes").select(["supplier_ids", "supplier_names"]).where("ocid", "=", r.ocid).executeTakeFirstOrThrow();
      expect(r.suppliers.map((x) => x.id)).toEqual(p.supplier_ids.map(String));
      expect(r.suppliers.map((x) => x.name).join(" · ")).toBe(p.supplier_names);
    }
  });
});
