/**
 * Load deterministic demonstration data through the same path as imports and
 * publishing (ingestReleases), in batches, each batch one transaction.
 */
import { SingleBar } from "cli-progress";
import { sql } from "kysely";
import type { DB } from "../db/client";
import { insertChunked } from "../db/queries/util";
import { getMeta, setMeta } from "../db/queries/write";
import { normaliseName } from "../app/domain/ocds/text";
import { normalisePostcode, organisationKey } from "../app/domain/organisations";
import type { OcdsRelease } from "../app/domain/types";
import { ingestReleases } from "../app/services/ingest.server";
import { deferRollups, rebuildRollups } from "../app/services/rollups.server";
import { seedDemoUsers } from "./demo-users";
import { type DemoOrg, generateDemo } from "./generate";

export interface LoadDemoOptions {
  contracts: number;
  seed?: number;
  /** Anchor for open tenders' deadlines; defaults to now (rounded to the day for determinism within a day). */
  today?: Date;
  progress?: boolean;
  batchSize?: number;
  onBatch?: (done: number, total: number) => void;
}

export function demoToday(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

function orgKey(o: DemoOrg): string {
  return organisationKey({
    partyId: o.key,
    name: o.name,
    scheme: o.scheme,
    identifier: o.identifier,
    scale: null,
    orgType: null,
    buyerType: null,
    countryCode: o.countryCode,
    region: o.region,
    postcode: o.postcode,
  });
}

export async function loadDemo(db: DB, opts: LoadDemoOptions): Promise<{ contracts: number; releases: number; seconds: number }> {
  const started = Date.now();
  const today = opts.today ?? demoToday();
  const seed = opts.seed ?? 1;
  const demo = generateDemo({ contracts: opts.contracts, seed, today });

  // Organisations first: the register entries (scale, type, region, parent group) that releases refer to.
  await db.transaction().execute(async (trx) => {
    await insertChunked(
      trx,
      "org_groups",
      demo.groups.map((g) => ({ key: `demo:${g.key}`, name: g.name, country_code: g.countryCode })),
    );
    const groups = await trx.selectFrom("org_groups").select(["id", "key"]).execute();
    const groupId = new Map(groups.map((g) => [g.key, g.id]));
    const orgs = [...demo.buyers, ...demo.suppliers].map((o) => ({
      key: orgKey(o),
      name: o.name,
      normalised_name: normaliseName(o.name),
      scheme: o.scheme,
      identifier: o.identifier,
      is_buyer: o.role === "buyer",
      is_supplier: o.role === "supplier",
      scale: o.role === "supplier" ? (o.scale ?? "unknown") : "unknown",
      org_type: o.orgType,
      buyer_type: o.role === "buyer" ? o.buyerType : null,
      country_code: o.countryCode,
      region: o.region,
      postcode: normalisePostcode(o.postcode),
      group_id: o.groupKey ? (groupId.get(`demo:${o.groupKey}`) ?? null) : null,
    }));
    await insertChunked(trx, "organisations", orgs);
  });

  const batchSize = opts.batchSize ?? 500;
  const bar = opts.progress
    ? new SingleBar({ format: "Demonstration data |{bar}| {value}/{total} contracts · {rate}/s · ETA {eta_formatted}", hideCursor: true })
    : null;
  bar?.start(opts.contracts, 0, { rate: 0 });
  let done = 0;
  let releases = 0;
  let batch: OcdsRelease[] = [];
  let inBatch = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const list = batch;
    batch = [];
    await db.transaction().execute(async (trx) => {
      await deferRollups(trx);
      await ingestReleases(trx, list, { source: "demo", fresh: true });
    });
    releases += list.length;
    done += inBatch;
    inBatch = 0;
    const rate = Math.round(done / ((Date.now() - started) / 1000));
    bar?.update(done, { rate });
    opts.onBatch?.(done, opts.contracts);
  };
  for (const rels of demo.processes()) {
    batch.push(...rels);
    inBatch++;
    if (inBatch >= batchSize) await flush();
  }
  await flush();
  bar?.stop();
  // The rollups were not kept per batch (deferRollups): build them once, from every spend row.
  await rebuildRollups(db);
  await seedDemoUsers(db);
  await setMeta(db, "demo", JSON.stringify({ contracts: opts.contracts, seed, today: today.toISOString() }));
  await sql`analyze`.execute(db);
  return { contracts: done, releases, seconds: (Date.now() - started) / 1000 };
}

/**
 * At start: load demonstration data (with its demonstration accounts, whose passwords are
 * published) only when it is asked for (`enabled`: env.DEMO, off by default in production)
 * and the database holds no contracts and no user account: a register with a real account
 * (e.g. a first administrator from `npm run user:create`) never gets demonstration data.
 */
export async function loadDemoIfEmpty(
  db: DB,
  opts: LoadDemoOptions & { enabled: boolean; log?: (message: string) => void },
): Promise<boolean> {
  const { enabled, log = (m: string) => console.log(m), ...demo } = opts;
  if (demo.contracts === 0) return false;
  const any = await db.selectFrom("processes").select("ocid").limit(1).executeTakeFirst();
  if (any) return false;
  if (await getMeta(db, "demo")) return false;
  if (!enabled) {
    log("The register is empty; no demonstration data loaded (DEMO=0, or production without DEMO=1 or DEMO_CONTRACTS).");
    return false;
  }
  if (await db.selectFrom("users").select("id").limit(1).executeTakeFirst()) {
    log("The register is empty but has user accounts: no demonstration data loaded (it would add demonstration accounts).");
    return false;
  }
  log(`The register is empty: loading ${demo.contracts.toLocaleString("en-GB")} demonstration contracts (fictional)…`);
  const r = await loadDemo(db, { ...demo, progress: demo.progress ?? true });
  log(`Loaded ${r.contracts.toLocaleString("en-GB")} contracts (${r.releases.toLocaleString("en-GB")} releases) in ${r.seconds.toFixed(1)} s.`);
  return true;
}
