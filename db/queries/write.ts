/**
 * Writes of the register: releases (append-only), organisations (upserted by
 * resolution key) and the compiled state of each process (replaced whole).
 * Every function takes the executor to use, so callers own the transaction.
 */
import { sql } from "kysely";
import type { Executor } from "./util";
import { type JsonText, insertChunked } from "./util";

export interface ReleaseRow {
  ocid: string;
  release_id: string;
  date: string;
  tags: string[];
  /** The release as published (or its JSON text): stored as a jsonb object. */
  data: Record<string, unknown> | JsonText;
  hash: string;
  source: string;
}

/**
 * Insert releases that are not already published. Returns, for each given
 * release, "new", "unchanged" (same ocid, id and content already there) or
 * "conflict" (same ocid and id with different content: published releases are
 * never edited).
 */
export async function insertReleases(db: Executor, rows: ReleaseRow[]): Promise<Array<"new" | "unchanged" | "conflict">> {
  if (rows.length === 0) return [];
  const ocids = [...new Set(rows.map((r) => r.ocid))];
  const existing = await db
    .selectFrom("releases")
    .select(["ocid", "release_id", "hash"])
    .where("ocid", "in", ocids)
    .execute();
  const known = new Map(existing.map((r) => [`${r.ocid}\u0000${r.release_id}`, r.hash]));
  const outcome: Array<"new" | "unchanged" | "conflict"> = [];
  const fresh: ReleaseRow[] = [];
  for (const r of rows) {
    const k = `${r.ocid}\u0000${r.release_id}`;
    const h = known.get(k);
    if (h === undefined) {
      known.set(k, r.hash);
      fresh.push(r);
      outcome.push("new");
    } else outcome.push(h === r.hash ? "unchanged" : "conflict");
  }
  await insertChunked(db, "releases", fresh);
  return outcome;
}

/** Count of stored releases per ocid. */
export async function releaseCounts(db: Executor, ocids: string[]): Promise<Map<string, number>> {
  if (ocids.length === 0) return new Map();
  const rows = await db
    .selectFrom("releases")
    .select(["ocid", sql<number>`count(*)::int`.as("n")])
    .where("ocid", "in", ocids)
    .groupBy("ocid")
    .execute();
  return new Map(rows.map((r) => [r.ocid, r.n]));
}

/** Every stored release of these ocids, in date order. */
export async function loadReleases(db: Executor, ocids: string[]): Promise<Map<string, Record<string, unknown>[]>> {
  const out = new Map<string, Record<string, unknown>[]>();
  if (ocids.length === 0) return out;
  const rows = await db
    .selectFrom("releases")
    .select(["ocid", "data"])
    .where("ocid", "in", ocids)
    .orderBy("ocid")
    .orderBy("date")
    .orderBy("id")
    .execute();
  for (const r of rows) {
    const list = out.get(r.ocid) ?? [];
    list.push(r.data);
    out.set(r.ocid, list);
  }
  return out;
}

export interface OrgUpsert {
  key: string;
  name: string;
  normalised_name: string;
  scheme: string | null;
  identifier: string | null;
  is_buyer: boolean;
  is_supplier: boolean;
  scale: string;
  org_type: string;
  buyer_type: string | null;
  country_code: string | null;
  region: string | null;
  postcode: string | null;
}

export interface OrgRecord {
  id: bigint;
  key: string;
  name: string;
  scale: string;
  buyer_type: string | null;
  region: string | null;
}

/** What the upsert below would change on an organisation already on record (nothing: false). */
function changesOnRecord(o: OrgUpsert, r: OrgUpsert): boolean {
  return (
    o.name !== r.name ||
    (o.is_buyer && !r.is_buyer) ||
    (o.is_supplier && !r.is_supplier) ||
    (o.scale !== "unknown" && o.scale !== r.scale) ||
    (o.org_type !== "unknown" && o.org_type !== r.org_type) ||
    (o.buyer_type !== null && o.buyer_type !== r.buyer_type) ||
    (o.country_code !== null && o.country_code !== r.country_code) ||
    (o.region !== null && o.region !== r.region) ||
    (o.postcode !== null && o.postcode !== r.postcode)
  );
}

/**
 * Upsert organisations by key. Known attributes are never overwritten by
 * unknown ones (a later release without a scale keeps the scale on record).
 * Organisations already on record with nothing to change are read, not
 * rewritten (a batch names the same buyers and suppliers again and again:
 * rewriting them would only add dead row versions and lock them); the rest
 * are upserted in key order, so concurrent writers lock rows in one order.
 *
 * A key that is an alias (organisation_aliases: the key of an organisation
 * merged into another, see app/services/organisations-merge.server.ts)
 * resolves to the organisation it points to, as on record: it is never
 * inserted again, and its attributes do not overwrite the survivor's (which
 * only gains the role, buyer or supplier, it is named in). Per chunk of keys:
 * one read of aliases, one of organisations on record; then the upserts.
 */
export async function upsertOrganisations(db: Executor, orgs: OrgUpsert[]): Promise<Map<string, OrgRecord>> {
  const out = new Map<string, OrgRecord>();
  const CHUNK = 2000;
  const sorted = [...orgs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const write: OrgUpsert[] = [];
  /** Alias keys by the id of the organisation they resolve to (refreshed if that one is written below). */
  const aliasKeys = new Map<bigint, string[]>();
  const roles = new Map<bigint, { buyer: boolean; supplier: boolean }>();
  for (let i = 0; i < sorted.length; i += CHUNK) {
    const part = sorted.slice(i, i + CHUNK);
    const keys = part.map((o) => o.key);
    const aliased = await db
      .selectFrom("organisation_aliases as a")
      .innerJoin("organisations as o", "o.id", "a.organisation_id")
      .select(["a.key as alias", "o.id", "o.key", "o.name", "o.is_buyer", "o.is_supplier", "o.scale", "o.buyer_type", "o.region"])
      .where("a.key", "in", keys)
      .execute();
    const byAlias = new Map(aliased.map((r) => [r.alias, r]));
    const direct = part.filter((o) => !byAlias.has(o.key));
    const onRecord =
      direct.length === 0
        ? []
        : await db
            .selectFrom("organisations")
            .select(["id", "key", "name", "is_buyer", "is_supplier", "scale", "org_type", "buyer_type", "country_code", "region", "postcode"])
            .where(
              "key",
              "in",
              direct.map((o) => o.key),
            )
            .execute();
    const byKey = new Map(onRecord.map((r) => [r.key, r]));
    for (const o of part) {
      const a = byAlias.get(o.key);
      if (a) {
        out.set(o.key, { id: a.id, key: a.key, name: a.name, scale: a.scale, buyer_type: a.buyer_type, region: a.region });
        aliasKeys.set(a.id, [...(aliasKeys.get(a.id) ?? []), o.key]);
        if ((o.is_buyer && !a.is_buyer) || (o.is_supplier && !a.is_supplier)) {
          const r = roles.get(a.id) ?? { buyer: false, supplier: false };
          roles.set(a.id, { buyer: r.buyer || (o.is_buyer && !a.is_buyer), supplier: r.supplier || (o.is_supplier && !a.is_supplier) });
        }
        continue;
      }
      const r = byKey.get(o.key);
      if (r && !changesOnRecord(o, r as unknown as OrgUpsert)) {
        out.set(o.key, { id: r.id, key: r.key, name: r.name, scale: r.scale, buyer_type: r.buyer_type, region: r.region });
      } else write.push(o);
    }
  }
  if (roles.size > 0) {
    const ids = [...roles.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const buyers = ids.filter((id) => roles.get(id)!.buyer);
    const suppliers = ids.filter((id) => roles.get(id)!.supplier);
    await db
      .updateTable("organisations")
      .set({
        is_buyer: buyers.length ? sql<boolean>`is_buyer or id in (${sql.join(buyers)})` : sql<boolean>`is_buyer`,
        is_supplier: suppliers.length ? sql<boolean>`is_supplier or id in (${sql.join(suppliers)})` : sql<boolean>`is_supplier`,
      })
      .where("id", "in", ids)
      .execute();
  }
  for (let i = 0; i < write.length; i += CHUNK) {
    const rows = await db
      .insertInto("organisations")
      .values(write.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.column("key").doUpdateSet({
          name: sql`excluded.name`,
          is_buyer: sql`organisations.is_buyer or excluded.is_buyer`,
          is_supplier: sql`organisations.is_supplier or excluded.is_supplier`,
          scale: sql`case when excluded.scale <> 'unknown' then excluded.scale else organisations.scale end`,
          org_type: sql`case when excluded.org_type <> 'unknown' then excluded.org_type else organisations.org_type end`,
          buyer_type: sql`coalesce(excluded.buyer_type, organisations.buyer_type)`,
          country_code: sql`coalesce(excluded.country_code, organisations.country_code)`,
          region: sql`coalesce(excluded.region, organisations.region)`,
          postcode: sql`coalesce(excluded.postcode, organisations.postcode)`,
        }),
      )
      .returning(["id", "key", "name", "scale", "buyer_type", "region"])
      .execute();
    for (const r of rows) {
      out.set(r.key, r);
      // An alias of an organisation written in this batch resolves to it as written.
      for (const k of aliasKeys.get(r.id) ?? []) out.set(k, r);
    }
  }
  return out;
}

export interface ProcessWrite {
  process: Parameters<typeof insertChunked<"processes">>[2][number];
  awards: Parameters<typeof insertChunked<"awards">>[2];
  awardSuppliers: Parameters<typeof insertChunked<"award_suppliers">>[2];
  contractItems: Parameters<typeof insertChunked<"contract_items">>[2];
  amendments: Parameters<typeof insertChunked<"amendments">>[2];
  documents: Parameters<typeof insertChunked<"documents">>[2];
}

/** Replace the compiled state of these processes (children cascade). */
export async function replaceProcesses(db: Executor, writes: ProcessWrite[], opts: { fresh?: boolean } = {}): Promise<void> {
  if (writes.length === 0) return;
  if (!opts.fresh) {
    await db
      .deleteFrom("processes")
      .where(
        "ocid",
        "in",
        writes.map((w) => w.process.ocid),
      )
      .execute();
  }
  await insertChunked(
    db,
    "processes",
    writes.map((w) => w.process),
  );
  await insertChunked(
    db,
    "awards",
    writes.flatMap((w) => w.awards),
  );
  await insertChunked(
    db,
    "award_suppliers",
    writes.flatMap((w) => w.awardSuppliers),
  );
  await insertChunked(
    db,
    "contract_items",
    writes.flatMap((w) => w.contractItems),
  );
  await insertChunked(
    db,
    "amendments",
    writes.flatMap((w) => w.amendments),
  );
  await insertChunked(
    db,
    "documents",
    writes.flatMap((w) => w.documents),
  );
}

export async function setMeta(db: Executor, key: string, value: string): Promise<void> {
  await db
    .insertInto("register_meta")
    .values({ key, value })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: sql`now()` }))
    .execute();
}

export async function getMeta(db: Executor, key: string): Promise<string | null> {
  const r = await db.selectFrom("register_meta").select("value").where("key", "=", key).executeTakeFirst();
  return r?.value ?? null;
}

/** Several register_meta values in one read (absent keys are missing from the map). */
export async function getMetas(db: Executor, keys: readonly string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await db.selectFrom("register_meta").select(["key", "value"]).where("key", "in", [...keys]).execute();
  return new Map(rows.map((r) => [r.key, r.value]));
}
