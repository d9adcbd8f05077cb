/**
 * OCDS 1.1 exports: release packages (filtered like the register, paged with
 * `links.next`), record packages (the releases and the compiled release of
 * one process), and the full dump of every release as JSON Lines.
 *
 * What is exported: each release exactly as the register received it — as
 * published, or as an official published it here — with two differences a
 * reader should know: a release published without an `id` carries the id the
 * importer gave it (`sha256-…`, see import.server.ts), and object keys may
 * come back in another order (the database stores JSON values, not text).
 * Releases are never "corrected": a publisher's schema error (say, an award
 * status outside the codelist) is exported as published. The package
 * envelopes and the compiled releases are the register's own and valid
 * against the OCDS 1.1.5 schemas (the tests check both).
 *
 * `publishedDate` is the time the newest release in the package reached the
 * register, so an unchanged package is byte-identical (and its ETag stable).
 */
import type { DB } from "../../db/client";
import { lastPublished, releaseDumpPage, releasesOf } from "../../db/queries/export";
import { decodeCursor, encodeCursor, getProcessReleases, searchRegister } from "../../db/queries/register";
import { parseLimit, unknownParams } from "../lib/api.server";
import { compileReleases } from "../domain/ocds/compile";
import type { OcdsRelease } from "../domain/types";
import { CONTRACT_PARAMS } from "./api.server";
import { type Sort, effectiveSort, filtersToQuery } from "./register-filters";
import { BadRequest, resolveFilters, toQuery } from "./register.server";

export const PUBLISHER = { name: "Public Tech Procurement Register" };
export const LICENSE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/";
export const PUBLICATION_POLICY = "/methodology";

/**
 * Extensions whose fields the exported releases may carry: those Contracts
 * Finder declares (UK publishers' data is exported as published: EU profile,
 * tender date published, budget breakdown, the three CCS extensions,
 * pagination for `links`), organisation scale, and process title.
 */
export const EXTENSIONS = [
  "https://standard.open-contracting.org/profiles/eu/master/en/extension.json",
  "https://raw.githubusercontent.com/portaledcahn/ocds_tenderDatePublished_extension/master/extension.json",
  "https://raw.githubusercontent.com/open-contracting-extensions/ocds_budget_breakdown_extension/master/extension.json",
  "https://raw.githubusercontent.com/Crown-Commercial-Service/ocds_awards_datePublished_extension/main/extension.json",
  "https://raw.githubusercontent.com/Crown-Commercial-Service/ocds_partyDetails_vcse_extension/main/extension.json",
  "https://raw.githubusercontent.com/Crown-Commercial-Service/ocds_tender_suitability_extension/main/extension.json",
  "https://raw.githubusercontent.com/open-contracting-extensions/ocds_partyDetails_scale_extension/master/extension.json",
  "https://raw.githubusercontent.com/open-contracting/ocds_process_title_extension/v1.1/extension.json",
  "https://raw.githubusercontent.com/open-contracting-extensions/ocds_pagination_extension/master/extension.json",
];

/** A release as stored: the JSON object (older databases may hold it as JSON text). */
export function storedRelease(data: unknown): OcdsRelease {
  return (typeof data === "string" ? JSON.parse(data) : data) as OcdsRelease;
}

const envelope = (uri: string, baseUrl: string, published: Date | null, now: Date) => ({
  uri,
  version: "1.1",
  extensions: EXTENSIONS,
  publishedDate: (published ?? now).toISOString().replace(/\.\d{3}Z$/, "Z"),
  publisher: { ...PUBLISHER, uri: baseUrl },
  license: LICENSE,
  publicationPolicy: `${baseUrl}${PUBLICATION_POLICY}`,
});

/** GET /api/v1/ocds/records/:ocid — null when the register has no such process. */
export async function recordPackage(db: DB, ocid: string, baseUrl: string, now = new Date()) {
  const rows = await getProcessReleases(db, ocid);
  if (rows.length === 0) return null;
  const releases = rows.map((r) => storedRelease(r.data));
  const published = rows.reduce<Date | null>((m, r) => (m === null || new Date(r.published_at) > m ? new Date(r.published_at) : m), null);
  return {
    ...envelope(`${baseUrl}/api/v1/ocds/records/${encodeURIComponent(ocid)}`, baseUrl, published, now),
    records: [{ ocid, releases, compiledRelease: compileReleases(releases) }],
  };
}

/**
 * GET /api/v1/ocds/releases?<register filters>&limit=N&cursor=… — the releases
 * of one page of processes (N processes, default 25, at most 100, in the
 * register's sort), all of each process's releases in date order; `links.next`
 * until the last page.
 */
export async function releasePackage(db: DB, sp: URLSearchParams, baseUrl: string, now: Date) {
  const errors = unknownParams(sp, CONTRACT_PARAMS);
  const lim = parseLimit(sp);
  if ("error" in lim) errors.push(lim.error);
  let resolved: Awaited<ReturnType<typeof resolveFilters>> | null = null;
  try {
    resolved = await resolveFilters(db, sp);
  } catch (e) {
    if (e instanceof BadRequest) errors.push(...e.errors);
    else throw e;
  }
  const sort = resolved ? (effectiveSort(resolved.filters) as Sort) : "newest";
  const raw = resolved?.filters.cursor ? (decodeCursor(resolved.filters.cursor) as { s?: string } | null) : null;
  if (raw && raw.s !== `ocds:${sort}`) errors.push({ param: "cursor", message: "belongs to another listing or sort order; start again without a cursor" });
  if (errors.length || !resolved || "error" in lim) throw new BadRequest(errors);
  const { filters } = resolved;
  const page = await searchRegister(db, toQuery(filters, now), sort, lim.limit, resolved.cursor);
  const ocids = page.rows.map((r) => r.ocid);
  const rows = await releasesOf(db, ocids);
  const order = new Map(ocids.map((o, i) => [o, i]));
  rows.sort((a, b) => order.get(a.ocid)! - order.get(b.ocid)!);
  const published = await lastPublished(db, ocids);
  const query = (cursor: string | undefined) => {
    const sp2 = new URLSearchParams(filtersToQuery({ ...filters, cursor }, { cursor: true }).replace(/^\?/, ""));
    if (lim.limit !== 25) sp2.set("limit", String(lim.limit));
    const s = sp2.toString();
    return s ? `?${s}` : "";
  };
  const next = page.next ? encodeCursor({ ...page.next, s: `ocds:${sort}` } as Parameters<typeof encodeCursor>[0]) : null;
  return {
    ...envelope(`${baseUrl}/api/v1/ocds/releases${query(filters.cursor)}`, baseUrl, published, now),
    releases: rows.map((r) => storedRelease(r.data)),
    links: next ? { next: `${baseUrl}/api/v1/ocds/releases${query(next)}` } : {},
  };
}

/**
 * GET /api/v1/ocds/releases.jsonl — every release, one JSON object per line,
 * in the order the register received them. Read in pages of `pageSize` by the
 * releases' serial id and written as they come (a page is asked for only when
 * the client has taken the previous one), so memory stays flat whatever the
 * size of the register.
 */
export function releaseDump(db: DB, pageSize = 1000): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after = 0n;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (done) return;
        const rows = await releaseDumpPage(db, after, pageSize);
        if (rows.length === 0) {
          done = true;
          controller.close();
          return;
        }
        after = BigInt(rows[rows.length - 1]!.id);
        let text = "";
        for (const r of rows) text += `${r.json.startsWith('"') ? (JSON.parse(r.json) as string) : r.json}\n`;
        controller.enqueue(encoder.encode(text));
      },
    },
    { highWaterMark: 1 },
  );
}
