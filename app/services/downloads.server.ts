/**
 * Downloads of a register view: every matching contract as CSV (streamed,
 * keyset page by page in the view's own sort) and an Atom feed of the view's
 * most recently changed contracts. Both take exactly the register's filters
 * (`resolveFilters`); a bad parameter is a BadRequest naming it.
 */
import type { DB } from "../../db/client";
import { latestChanged } from "../../db/queries/export";
import { type Cursor, type RegisterRow, searchRegister } from "../../db/queries/register";
import { atomFeed } from "../lib/atom.server";
import { type CsvColumn, csvStream, poundsText } from "../lib/csv.server";
import { formatPounds } from "../domain/money";
import { BUYER_TYPE_LABELS, METHOD_LABELS, formatDate, statusLabel } from "../lib/format";
import { type RegisterFilters, type Sort, SCALE_FILTERS, SUPPLIER_COUNTRIES, SUPPLIER_REGIONS, effectiveSort, filtersToQuery } from "./register-filters";
import { resolveFilters, toQuery } from "./register.server";
import { type Cursor as OpportunityCursor, type OpportunityRow, searchOpportunities } from "../../db/queries/opportunities";
import { getOrganisation } from "../../db/queries/register";
import { spendByBuyer, spendBySupplier } from "../../db/queries/stats";
import { smeShare } from "../domain/metrics/sme-share";
import { parseOpportunityFilters, toOpportunityQuery } from "./opportunities.server";
import { BadRequest } from "./register.server";
import { parseList } from "./stats.server";

const CSV_PAGE = 1000;
const day = (d: Date | string | null) => (d ? new Date(d).toISOString().slice(0, 10) : "");

export function contractCsvColumns(origin: string, now: Date): CsvColumn<RegisterRow>[] {
  return [
    { header: "ocid", value: (r) => r.ocid },
    { header: "title", value: (r) => r.title },
    { header: "buyer_id", value: (r) => (r.buyer_id === null ? "" : String(r.buyer_id)) },
    { header: "buyer", value: (r) => r.buyer_name },
    { header: "buyer_type", value: (r) => r.buyer_type },
    { header: "suppliers", value: (r) => r.supplier_names },
    { header: "supplier_scales", value: (r) => r.supplier_scales.join(" ") },
    { header: "status", value: (r) => (r.status === "open" && r.tender_deadline && new Date(r.tender_deadline) <= now ? "closed" : r.status) },
    { header: "procedure", value: (r) => r.procurement_method },
    { header: "cpv", value: (r) => r.cpv },
    { header: "consultancy", value: (r) => r.consultancy },
    { header: "award_date", value: (r) => day(r.award_date) },
    { header: "tender_deadline", value: (r) => (r.tender_deadline ? new Date(r.tender_deadline).toISOString() : "") },
    { header: "current_value_pence", value: (r) => r.current_value_pence },
    { header: "current_value", value: (r) => poundsText(r.current_value_pence) },
    { header: "original_value_pence", value: (r) => r.original_value_pence },
    { header: "currency", value: (r) => r.currency },
    { header: "url", value: (r) => `${origin}/contracts/${encodeURIComponent(r.ocid)}` },
  ];
}

/** GET /contracts.csv?<filters> — every matching contract, in the view's sort. */
export async function contractsCsv(db: DB, sp: URLSearchParams, now: Date, origin: string, pageSize = CSV_PAGE) {
  const { filters } = await resolveFilters(db, sp);
  const q = toQuery(filters, now);
  const sort = effectiveSort(filters) as Sort;
  // The download always starts at the top of the view (a page's cursor is ignored).
  const stream = csvStream<RegisterRow, Cursor>(contractCsvColumns(origin, now), (cursor) => searchRegister(db, q, sort, pageSize, cursor));
  return { stream, filename: `contracts${filenameSuffix(filters)}.csv` };
}

function filenameSuffix(f: RegisterFilters): string {
  const bits = [f.fy, f.buyerType, f.scale, f.cpv, f.status, f.consultancy === "yes" ? "consultancy" : undefined]
    .filter((b): b is string => typeof b === "string" && b !== "")
    .map((b) => b.replace(/[^A-Za-z0-9-]/g, ""));
  return bits.length ? `-${bits.join("-")}` : "";
}

/** A plain title for a filtered view: "Contracts: consultancy, 2024-25, SME suppliers". */
export function viewTitle(f: RegisterFilters, names: { buyer?: string | null; supplier?: string | null } = {}): string {
  const bits = [
    f.q ? `“${f.q}”` : null,
    names.buyer ? `bought by ${names.buyer}` : null,
    f.buyerType ? (BUYER_TYPE_LABELS as Record<string, string>)[f.buyerType]?.toLowerCase() : null,
    names.supplier ? `supplied by ${names.supplier}` : null,
    f.scale ? `${SCALE_FILTERS[f.scale]} suppliers` : null,
    f.cpv ? `CPV ${f.cpv}` : null,
    f.consultancy === "yes" ? "consultancy" : f.consultancy === "no" ? "not consultancy" : null,
    f.status ? statusLabel(f.status).toLowerCase() : null,
    f.method ? (METHOD_LABELS as Record<string, string>)[f.method]?.toLowerCase() : null,
    f.fy ? f.fy : null,
    f.activeFy ? `active in ${f.activeFy}` : null,
    f.supplierCountry ? `suppliers ${SUPPLIER_COUNTRIES[f.supplierCountry].toLowerCase()}` : null,
    f.orgType ? `${f.orgType} suppliers` : null,
    f.supplierRegion ? `suppliers in ${SUPPLIER_REGIONS[f.supplierRegion]}` : null,
    f.from ? `from ${f.from}` : null,
    f.to ? `to ${f.to}` : null,
    f.minValue !== undefined ? `from ${formatPounds(f.minValue)}` : null,
    f.maxValue !== undefined ? `up to ${formatPounds(f.maxValue)}` : null,
  ].filter(Boolean);
  return bits.length ? `Contracts: ${bits.join(", ")}` : "Contracts";
}

/** GET /contracts/feed.atom?<filters> — the 50 contracts of the view most recently changed. */
export async function contractsFeed(db: DB, sp: URLSearchParams, now: Date, origin: string): Promise<string> {
  const { filters, buyer, supplier } = await resolveFilters(db, sp);
  const rows = await latestChanged(db, toQuery(filters, now), 50);
  const qs = filtersToQuery({ ...filters, cursor: undefined, sort: undefined });
  return atomFeed({
    id: `${origin}/contracts/feed.atom${qs}`,
    title: `${viewTitle(filters, { buyer: buyer?.name, supplier: supplier?.name })} – Public Tech Procurement Register`,
    subtitle: "Contracts in this view, most recently changed first (a new tender, award, contract or amendment).",
    fallbackUpdated: now,
    selfHref: `${origin}/contracts/feed.atom${qs}`,
    alternateHref: `${origin}/contracts${qs}`,
    generator: "Public Tech Procurement Register",
    entries: rows.map((r) => {
      const url = `${origin}/contracts/${encodeURIComponent(r.ocid)}`;
      const value = r.current_value_pence ?? r.tender_value_pence;
      const summary = [
        statusLabel(r.status === "open" ? "open" : r.status),
        r.buyer_name ? `Buyer: ${r.buyer_name}` : null,
        r.supplier_names ? `Supplier: ${r.supplier_names}` : null,
        value !== null ? `Value: ${formatPounds(value)}${r.currency && r.currency !== "GBP" ? ` ${r.currency}` : ""}` : null,
        r.award_date ? `Awarded ${formatDate(r.award_date)}` : null,
        r.consultancy ? "Consultancy" : null,
      ]
        .filter(Boolean)
        .join(". ");
      return {
        id: url,
        title: r.title,
        updated: r.last_release_at,
        published: r.first_release_at,
        link: url,
        links: [{ rel: "related", type: "application/json", href: `${origin}/api/v1/ocds/records/${encodeURIComponent(r.ocid)}` }],
        author: r.buyer_name,
        summary: `${summary}.${r.description ? `\n\n${r.description.slice(0, 1000)}` : ""}`,
        categories: r.cpv ? [{ term: r.cpv, scheme: "https://ted.europa.eu/cpv" }] : [],
      };
    }),
  });
}

// ---------------------------------------------------------------------------
// /opportunities.csv, /suppliers.csv and /buyers.csv: every row of the page's
// view (not just the page), with exactly the page's parameters, validated by
// the same zod schemas (a page's `cursor` or `page` is checked, then ignored:
// a download always starts at the top of the view).

const fileSafe = (bits: Array<string | undefined>) => {
  const b = bits.filter((x): x is string => typeof x === "string" && x !== "").map((x) => x.replace(/[^A-Za-z0-9-]/g, ""));
  return b.length ? `-${b.join("-")}` : "";
};

/** Offset paging for the list queries (ordered by value or name with the id as tie-breaker, so pages neither repeat nor skip). */
function offsetPages<R>(fetch: (limit: number, offset: number) => Promise<{ rows: R[] }>, pageSize: number) {
  return async (cursor: number | null) => {
    const offset = cursor ?? 0;
    const r = await fetch(pageSize, offset);
    return { rows: r.rows, next: r.rows.length < pageSize ? null : offset + pageSize };
  };
}

export function opportunityCsvColumns(origin: string): CsvColumn<OpportunityRow>[] {
  return [
    { header: "ocid", value: (r) => r.ocid },
    { header: "title", value: (r) => r.title },
    { header: "stage", value: (r) => (r.status === "planned" ? "upcoming" : "open") },
    { header: "buyer_id", value: (r) => (r.buyer_id === null ? "" : String(r.buyer_id)) },
    { header: "buyer", value: (r) => r.buyer_name },
    { header: "buyer_region", value: (r) => r.buyer_region },
    { header: "cpv", value: (r) => r.cpv },
    { header: "estimated_value_pence", value: (r) => r.tender_value_pence },
    { header: "estimated_value", value: (r) => poundsText(r.tender_value_pence) },
    { header: "currency", value: (r) => r.currency },
    { header: "submission_deadline", value: (r) => (r.tender_deadline ? new Date(r.tender_deadline).toISOString() : "") },
    { header: "published", value: (r) => (r.tender_published_at ? new Date(r.tender_published_at).toISOString() : "") },
    { header: "suitable_sme", value: (r) => r.suitable_sme },
    { header: "suitable_vcse", value: (r) => r.suitable_vcse },
    { header: "lots", value: (r) => Number(r.lot_count) },
    { header: "url", value: (r) => `${origin}/opportunities/${encodeURIComponent(r.ocid)}` },
  ];
}

/** GET /opportunities.csv?<filters> — every matching opportunity, in the view's sort. */
export async function opportunitiesCsv(db: DB, sp: URLSearchParams, now: Date, origin: string, pageSize = CSV_PAGE) {
  const { filters } = parseOpportunityFilters(sp);
  if (filters.buyer) {
    const buyer = await getOrganisation(db, BigInt(filters.buyer));
    if (!buyer?.is_buyer) throw new BadRequest([{ param: "buyer", message: `no buyer with id ${filters.buyer}` }]);
  }
  const q = toOpportunityQuery(filters, now);
  const sort = filters.sort ?? "closing";
  const stream = csvStream<OpportunityRow, OpportunityCursor>(opportunityCsvColumns(origin), (cursor) =>
    searchOpportunities(db, q, sort, pageSize, cursor),
  );
  const suffix = fileSafe([filters.stage, filters.cpv, filters.region, filters.sme ? "sme" : undefined, filters.vcse ? "vcse" : undefined]);
  return { stream, filename: `opportunities${suffix}.csv` };
}

type SupplierListRow = Awaited<ReturnType<typeof spendBySupplier>>["rows"][number];
type BuyerListRow = Awaited<ReturnType<typeof spendByBuyer>>["rows"][number];

export function supplierCsvColumns(origin: string, view: string): CsvColumn<SupplierListRow>[] {
  return [
    { header: "supplier_id", value: (r) => r.supplierId },
    { header: "name", value: (r) => r.name },
    { header: "scale", value: (r) => r.scale },
    { header: "organisation_type", value: (r) => r.orgType },
    { header: "group_id", value: (r) => r.groupId },
    { header: "group", value: (r) => r.groupName },
    { header: "contracts", value: (r) => r.contracts },
    { header: `value_${view}_pence`, value: (r) => r.valuePence },
    { header: `value_${view}`, value: (r) => poundsText(r.valuePence) },
    { header: "contracts_not_in_gbp", value: (r) => r.nonGbpContracts },
    { header: "url", value: (r) => `${origin}/suppliers/${r.supplierId}` },
  ];
}

/** GET /suppliers.csv?<the /suppliers parameters> — every supplier of the view, in its order. */
export async function suppliersCsv(db: DB, sp: URLSearchParams, origin: string, pageSize = CSV_PAGE) {
  const { p, filter } = parseList(sp);
  const groupId = p.group ? BigInt(p.group) : undefined;
  if (groupId !== undefined && !(await db.selectFrom("org_groups").select("id").where("id", "=", groupId).executeTakeFirst())) {
    throw new BadRequest([{ param: "group", message: `no supplier group with id ${p.group}` }]);
  }
  const order = p.sort ?? "value";
  const stream = csvStream<SupplierListRow, number>(
    supplierCsvColumns(origin, filter.view),
    offsetPages(
      (limit, offset) => spendBySupplier(db, filter, { limit, offset, order, ...(p.q ? { q: p.q } : {}), ...(groupId !== undefined ? { groupId } : {}) }),
      pageSize,
    ),
  );
  return { stream, filename: `suppliers${fileSafe([p.from, p.to, p.view, p.group ? `group${p.group}` : undefined])}.csv` };
}

export function buyerCsvColumns(origin: string, view: string): CsvColumn<BuyerListRow>[] {
  return [
    { header: "buyer_id", value: (r) => r.buyerId },
    { header: "name", value: (r) => r.name },
    { header: "buyer_type", value: (r) => r.buyerType },
    { header: "contracts", value: (r) => r.contracts },
    { header: `value_${view}_pence`, value: (r) => r.valuePence },
    { header: `value_${view}`, value: (r) => poundsText(r.valuePence) },
    { header: "sme_pence", value: (r) => r.smePence },
    { header: "large_pence", value: (r) => r.largePence },
    { header: "unknown_scale_pence", value: (r) => r.unknownPence },
    {
      header: "sme_share",
      value: (r) => {
        const { share } = smeShare([
          { scaleClass: "sme", valuePence: r.smePence },
          { scaleClass: "large", valuePence: r.largePence },
          { scaleClass: "unknown", valuePence: r.unknownPence },
        ]);
        return share === null ? "" : share.toFixed(4);
      },
    },
    { header: "consultancy_pence", value: (r) => r.consultancyPence },
    { header: "contracts_not_in_gbp", value: (r) => r.nonGbpContracts },
    { header: "url", value: (r) => `${origin}/buyers/${r.buyerId}` },
  ];
}

/** GET /buyers.csv?<the /buyers parameters> — every buyer of the view, in its order. */
export async function buyersCsv(db: DB, sp: URLSearchParams, origin: string, pageSize = CSV_PAGE) {
  const { p, filter } = parseList(sp);
  const order = p.sort ?? "value";
  const stream = csvStream<BuyerListRow, number>(
    buyerCsvColumns(origin, filter.view),
    offsetPages((limit, offset) => spendByBuyer(db, filter, { limit, offset, order, ...(p.q ? { q: p.q } : {}) }), pageSize),
  );
  return { stream, filename: `buyers${fileSafe([p.from, p.to, p.view])}.csv` };
}
