/**
 * The one path by which releases enter the register — seeding, importing and
 * publishing all call `ingestReleases`: store each release once (immutable),
 * recompile every affected process from all its releases, resolve its buyer and
 * suppliers to organisations, and replace the process's compiled state.
 * The caller owns the transaction (pass a Transaction for all-or-nothing).
 */
import { createHash } from "node:crypto";
import {
  type OrgRecord,
  type OrgUpsert,
  type ProcessWrite,
  insertReleases,
  loadReleases,
  releaseCounts,
  replaceProcesses,
} from "../../db/queries/write";
import { type Executor, JsonText, insertChunked } from "../../db/queries/util";
import { upsertOrganisations } from "../../db/queries/write";
import { afterProcessesWritten } from "./derived.server";
import { metricsConfigFromProcessEnv } from "./metrics-config.server";
import { classifyConsultancy } from "../domain/metrics/consultancy";
import { fyOf } from "../domain/metrics/fy";
import { resolveScale, scaleClass } from "../domain/metrics/scale";
import { compileReleases } from "../domain/ocds/compile";
import { mapCompiledRelease } from "../domain/ocds/map";
import { normaliseName } from "../domain/ocds/text";
import { organisationKey, normalisePostcode } from "../domain/organisations";
import { classifySensitiveSector } from "../domain/sectors";
import type { BuyerType, ContractState, OcdsRelease, PartyInfo, Scale } from "../domain/types";

export interface IngestOptions {
  /** Where the releases came from: "demo", "import:<file>", "publish:<user id>". */
  source: string;
  /** The caller guarantees every ocid is new to the database (bulk seeding): skips look-ups. */
  fresh?: boolean;
  /** `JSON.stringify` of each release, when the caller has it already (the importer). */
  texts?: readonly string[];
}

export interface IngestResult {
  releasesNew: number;
  releasesUnchanged: number;
  /** Releases refused because the same ocid and id was already published with other content. */
  conflicts: Array<{ ocid: string; id: string; reason: string }>;
  /** The processes whose compiled state was rewritten. */
  ocids: string[];
  states: ContractState[];
}

export function releaseHash(json: string): string {
  return createHash("sha256").update(json).digest("hex");
}

export async function ingestReleases(db: Executor, releases: OcdsRelease[], opts: IngestOptions): Promise<IngestResult> {
  const texts = opts.texts ?? releases.map((r) => JSON.stringify(r));
  const rows = releases.map((r, i) => ({
    ocid: r.ocid,
    release_id: r.id,
    date: r.date,
    tags: r.tag,
    data: new JsonText(texts[i]!),
    hash: releaseHash(texts[i]!),
    source: opts.source,
  }));
  const result: IngestResult = { releasesNew: 0, releasesUnchanged: 0, conflicts: [], ocids: [], states: [] };

  let affected: string[];
  const inMemory = new Map<string, OcdsRelease[]>();
  /** Fresh processes: their releases are stored while the processes compile (below), not before. */
  let storing: Promise<void> | null = null;
  if (opts.fresh) {
    storing = insertChunked(db, "releases", rows);
    storing.catch(() => {}); // awaited below
    await new Promise<void>((resolve) => setImmediate(resolve)); // let the statement go out first
    result.releasesNew = rows.length;
    for (const r of releases) {
      const list = inMemory.get(r.ocid) ?? [];
      list.push(r);
      inMemory.set(r.ocid, list);
    }
    affected = [...inMemory.keys()];
  } else {
    const outcome = await insertReleases(db, rows);
    const touched = new Set<string>();
    outcome.forEach((o, i) => {
      const r = releases[i]!;
      if (o === "new") {
        result.releasesNew++;
        touched.add(r.ocid);
        const list = inMemory.get(r.ocid) ?? [];
        list.push(r);
        inMemory.set(r.ocid, list);
      } else if (o === "unchanged") result.releasesUnchanged++;
      else
        result.conflicts.push({
          ocid: r.ocid,
          id: r.id,
          reason: "a release with this ocid and id is already published with different content; publish a new release instead",
        });
    });
    affected = [...touched];
    // Processes that already had releases before this batch are recompiled from all of them.
    const counts = await releaseCounts(db, affected);
    const needLoad = affected.filter((o) => (counts.get(o) ?? 0) > (inMemory.get(o)?.length ?? 0));
    const loaded = await loadReleases(db, needLoad);
    for (const [ocid, list] of loaded) inMemory.set(ocid, list as unknown as OcdsRelease[]);
  }

  const states = affected.map((ocid) => {
    const list = inMemory.get(ocid)!;
    return mapCompiledRelease(compileReleases(list), list);
  });
  if (storing) await storing;
  await writeStates(db, states, { fresh: opts.fresh ?? false });
  result.ocids = affected;
  result.states = states;
  return result;
}

function partyOrg(p: PartyInfo, key: string, role: "buyer" | "supplier"): OrgUpsert {
  return {
    key,
    name: p.name || "(unnamed)",
    normalised_name: normaliseName(p.name),
    scheme: p.scheme,
    identifier: p.identifier,
    is_buyer: role === "buyer",
    is_supplier: role === "supplier",
    scale: role === "supplier" ? (p.scale ?? "unknown") : "unknown",
    org_type: p.orgType ?? "unknown",
    buyer_type: role === "buyer" ? p.buyerType : null,
    country_code: p.countryCode,
    region: p.region,
    postcode: normalisePostcode(p.postcode),
  };
}

function mergeOrg(a: OrgUpsert, b: OrgUpsert): OrgUpsert {
  return {
    ...a,
    name: b.name || a.name,
    is_buyer: a.is_buyer || b.is_buyer,
    is_supplier: a.is_supplier || b.is_supplier,
    scale: b.scale !== "unknown" ? b.scale : a.scale,
    org_type: b.org_type !== "unknown" ? b.org_type : a.org_type,
    buyer_type: b.buyer_type ?? a.buyer_type,
    country_code: b.country_code ?? a.country_code,
    region: b.region ?? a.region,
    postcode: b.postcode ?? a.postcode,
  };
}

const ts = (v: string | null | undefined) => (v ? v : null);

/** Resolve organisations and write the compiled state of each process. */
export async function writeStates(db: Executor, states: ContractState[], opts: { fresh: boolean }): Promise<void> {
  if (states.length === 0) return;
  const orgs = new Map<string, OrgUpsert>();
  const add = (o: OrgUpsert) => {
    const prev = orgs.get(o.key);
    orgs.set(o.key, prev ? mergeOrg(prev, o) : o);
  };
  const keysByState = states.map((s) => {
    const buyerKey = s.buyer ? organisationKey(s.buyer) : null;
    if (s.buyer && buyerKey) add(partyOrg(s.buyer, buyerKey, "buyer"));
    const supplierKeys = s.awards.map((a) =>
      a.suppliers.map((sup) => {
        const k = organisationKey(sup.party, { buyerKey });
        add(partyOrg(sup.party, k, "supplier"));
        return k;
      }),
    );
    return { buyerKey, supplierKeys };
  });
  const records = await upsertOrganisations(db, [...orgs.values()]);
  const writes = states.map((s, i) => buildWrite(s, keysByState[i]!, records));
  await replaceProcesses(db, writes, { fresh: opts.fresh });
  await afterProcessesWritten(db, states, { fresh: opts.fresh }, writes);
}

function buildWrite(
  s: ContractState,
  keys: { buyerKey: string | null; supplierKeys: string[][] },
  records: Map<string, OrgRecord>,
): ProcessWrite {
  const buyer = keys.buyerKey ? records.get(keys.buyerKey) : undefined;
  const cls = classifyConsultancy(
    { explicit: s.consultancyExplicit, cpvCodes: s.cpvCodes.map((c) => c.code) },
    metricsConfigFromProcessEnv().consultancy,
  );
  const buyerType = (buyer?.buyer_type ?? s.buyer?.buyerType ?? null) as BuyerType | null;
  const sector = classifySensitiveSector({ explicit: s.sensitiveSectorExplicit, buyerType, cpvCodes: s.cpvCodes.map((c) => c.code) });
  const awardSuppliers: ProcessWrite["awardSuppliers"] = [];
  const supplierIds: bigint[] = [];
  const supplierNames: string[] = [];
  const scaleClasses = new Set<string>();
  s.awards.forEach((a, ai) => {
    a.suppliers.forEach((sup, si) => {
      const rec = records.get(keys.supplierKeys[ai]![si]!)!;
      const scale = resolveScale(sup.party.scale, rec.scale as Scale);
      scaleClasses.add(scaleClass(scale));
      if (!supplierIds.includes(rec.id)) {
        supplierIds.push(rec.id);
        supplierNames.push(rec.name);
      }
      awardSuppliers.push({
        ocid: s.ocid,
        award_id: a.id,
        position: si,
        supplier_id: rec.id,
        published_value_pence: sup.valuePence,
        scale,
      });
    });
  });
  return {
    process: {
      ocid: s.ocid,
      title: s.title,
      description: s.description,
      buyer_id: buyer?.id ?? null,
      buyer_name: buyer?.name ?? s.buyer?.name ?? null,
      buyer_type: buyerType,
      buyer_region: buyer?.region ?? s.buyer?.region ?? null,
      status: s.status,
      procurement_method: s.procurementMethod,
      procurement_method_details: s.procurementMethodDetails,
      main_category: s.mainCategory,
      cpv: s.cpv,
      cpv_codes: s.cpvCodes.map((c) => c.code),
      tender_value_pence: s.tender.valuePence,
      tender_published_at: ts(s.tender.publishedAt),
      tender_deadline: ts(s.tender.deadline),
      suitable_sme: s.tender.suitableSme,
      suitable_vcse: s.tender.suitableVcse,
      number_of_tenderers: s.tender.numberOfTenderers,
      award_date: ts(s.awardDate),
      award_fy: s.awardDate ? fyOf(s.awardDate) : null,
      start_date: ts(s.startDate),
      end_date: ts(s.endDate),
      original_value_pence: s.originalValuePence,
      current_value_pence: s.currentValuePence,
      currency: s.currency,
      terminated_at: ts(s.terminatedAt),
      consultancy_explicit: s.consultancyExplicit,
      consultancy: cls.consultancy,
      consultancy_rule: cls.rule,
      missions: s.missions,
      sensitive_sector: sector.sector,
      supplier_ids: `{${supplierIds.join(",")}}`,
      supplier_names: supplierNames.join(" · ") || null,
      supplier_scales: [...scaleClasses],
      release_count: s.releaseCount,
      first_release_at: s.firstReleaseDate,
      last_release_at: s.lastReleaseDate,
      sort_date: s.awardDate ?? s.tender.publishedAt ?? s.firstReleaseDate,
      sort_value: s.currentValuePence ?? s.tender.valuePence ?? -1n,
    },
    awards: s.awards.map((a) => ({
      ocid: s.ocid,
      award_id: a.id,
      title: a.title,
      status: a.status,
      award_date: ts(a.date),
      date_published: ts(a.datePublished),
      value_pence: a.valuePence,
      currency: a.currency,
    })),
    awardSuppliers,
    contractItems: s.contracts.map((c) => ({
      ocid: s.ocid,
      contract_id: c.id,
      award_id: c.awardId,
      status: c.status,
      date_signed: ts(c.dateSigned),
      start_date: ts(c.startDate),
      end_date: ts(c.endDate),
      value_pence: c.valuePence,
      original_value_pence: c.originalValuePence,
      currency: c.currency,
    })),
    amendments: s.contracts.flatMap((c) =>
      c.amendments.map((am, i) => ({
        ocid: s.ocid,
        contract_id: c.id,
        position: i,
        amendment_id: am.id,
        date: ts(am.date),
        rationale: am.rationale,
        value_before_pence: am.valueBeforePence,
        value_after_pence: am.valueAfterPence,
      })),
    ),
    documents: s.documents.map((d, i) => ({
      ocid: s.ocid,
      position: i,
      document_id: d.id,
      document_type: d.documentType,
      title: d.title,
      url: d.url,
      date_published: ts(d.datePublished),
    })),
  };
}
