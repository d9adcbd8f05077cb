/**
 * The JSON API's use cases: /api/v1/contracts, /api/v1/suppliers and
 * /api/v1/buyers. They take exactly the register's filters (the same zod
 * schema and `resolveFilters` as /contracts), plus `limit` (1–100, default
 * 25) and an opaque `cursor`; each page carries `links.next` until the last.
 * Sorting is stable: contracts by the register's sort with the ocid as
 * tie-break; suppliers and buyers by name, then id. Money is in fields ending
 * `Pence`, as strings of integer pence; ids are strings.
 */
import type { DB } from "../../db/client";
import { suppliersOfProcesses } from "../../db/queries/export";
import { type OrgRole, listOrganisations, organisationTotals } from "../../db/queries/organisations-api";
import { type Cursor, type RegisterRow, decodeCursor, encodeCursor, searchRegister } from "../../db/queries/register";
import { parseLimit, unknownParams } from "../lib/api.server";
import type { ParamError } from "../lib/params";
import { RegisterFiltersSchema, type Sort, effectiveSort, filtersToQuery } from "./register-filters";
import { BadRequest, resolveFilters, toQuery } from "./register.server";

/** Parameters of /api/v1/contracts (and of the OCDS release package). */
export const CONTRACT_PARAMS = [...Object.keys(RegisterFiltersSchema.shape), "limit"] as const;
/** Parameters of /api/v1/suppliers and /api/v1/buyers: the filters, without the contracts' sort. */
export const ORG_PARAMS = [...Object.keys(RegisterFiltersSchema.shape).filter((k) => k !== "sort"), "limit"] as const;

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const pence = (v: bigint | null) => (v === null ? null : v.toString());

/** A cursor that remembers its sort, so a cursor used with another sort is refused rather than misread. */
interface ApiCursor extends Cursor {
  s?: string;
}

function checkCursor(raw: string | undefined, sort: string): ParamError | null {
  if (!raw) return null;
  const c = decodeCursor(raw) as ApiCursor | null;
  if (!c) return { param: "cursor", message: "is not a cursor this register issued" };
  if (c.s !== sort) return { param: "cursor", message: `belongs to another sort order (${c.s ?? "unknown"}); start again without a cursor` };
  const ok =
    sort === "newest" || sort === "oldest"
      ? !Number.isNaN(Date.parse(c.k))
      : sort === "relevance"
        ? Number.isFinite(Number(c.k))
        : sort === "name"
          ? /^\d{1,18}$/.test(c.o)
          : /^-?\d{1,20}$/.test(c.k);
  return ok ? null : { param: "cursor", message: "is not a cursor this register issued" };
}

/** Parse the common parameters: the filters (resolveFilters), limit, unknown names, cursor/sort agreement. */
async function parseCommon(db: DB, sp: URLSearchParams, known: readonly string[], sortOf: (f: Awaited<ReturnType<typeof resolveFilters>>["filters"]) => string) {
  const errors = unknownParams(sp, known);
  const lim = parseLimit(sp);
  if ("error" in lim) errors.push(lim.error);
  let resolved: Awaited<ReturnType<typeof resolveFilters>> | null = null;
  try {
    resolved = await resolveFilters(db, sp);
  } catch (e) {
    if (e instanceof BadRequest) errors.push(...e.errors);
    else throw e;
  }
  if (resolved) {
    const bad = checkCursor(resolved.filters.cursor, sortOf(resolved.filters));
    if (bad) errors.push(bad);
  }
  if (errors.length || !resolved || "error" in lim) throw new BadRequest(dedupe(errors));
  return { ...resolved, limit: lim.limit };
}

function dedupe(errors: ParamError[]): ParamError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.param}\u0000${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function pageLinks(origin: string, path: string, filters: Record<string, unknown>, limit: number, next: string | null) {
  const q = (extra: Record<string, unknown>) => {
    const qs = filtersToQuery({ ...filters, ...extra }, { cursor: true });
    const sp = new URLSearchParams(qs.replace(/^\?/, ""));
    if (limit !== 25) sp.set("limit", String(limit));
    const s = sp.toString();
    return s ? `?${s}` : "";
  };
  return {
    self: `${origin}${path}${q({})}`,
    next: next ? `${origin}${path}${q({ cursor: next })}` : null,
    first: `${origin}${path}${q({ cursor: undefined })}`,
  };
}

function effectiveStatus(r: RegisterRow, now: Date): string {
  return r.status === "open" && r.tender_deadline && new Date(r.tender_deadline) <= now ? "closed" : r.status;
}

export interface ApiContract {
  ocid: string;
  title: string;
  status: string;
  buyer: { id: string | null; name: string | null; type: string | null } | null;
  suppliers: Array<{ id: string; name: string }>;
  supplierScales: string[];
  procurementMethod: string | null;
  cpv: string | null;
  consultancy: boolean;
  awardDate: string | null;
  tenderDeadline: string | null;
  sortDate: string;
  currentValuePence: string | null;
  originalValuePence: string | null;
  currency: string | null;
  links: { html: string; ocds: string };
}

/** GET /api/v1/contracts */
export async function contractsApi(db: DB, sp: URLSearchParams, now: Date, origin: string) {
  const { filters, limit } = await parseCommon(db, sp, CONTRACT_PARAMS, (f) => effectiveSort(f));
  const sort = effectiveSort(filters) as Sort;
  const query = toQuery(filters, now);
  const cursor = filters.cursor ? decodeCursor(filters.cursor) : null;
  const page = await searchRegister(db, query, sort, limit, cursor);
  const suppliers = await suppliersOfProcesses(
    db,
    page.rows.map((r) => r.ocid),
  );
  const next = page.next ? encodeCursor({ ...page.next, s: sort } as ApiCursor) : null;
  const contracts: ApiContract[] = page.rows.map((r) => ({
    ocid: r.ocid,
    title: r.title,
    status: effectiveStatus(r, now),
    buyer: r.buyer_id !== null || r.buyer_name ? { id: r.buyer_id !== null ? String(r.buyer_id) : null, name: r.buyer_name, type: r.buyer_type } : null,
    suppliers: (suppliers.get(r.ocid) ?? []).map((s) => ({ id: String(s.id), name: s.name })),
    supplierScales: r.supplier_scales,
    procurementMethod: r.procurement_method,
    cpv: r.cpv,
    consultancy: r.consultancy,
    awardDate: iso(r.award_date),
    tenderDeadline: iso(r.tender_deadline),
    sortDate: iso(r.sort_date)!,
    currentValuePence: pence(r.current_value_pence),
    originalValuePence: pence(r.original_value_pence),
    currency: r.currency,
    links: {
      html: `${origin}/contracts/${encodeURIComponent(r.ocid)}`,
      ocds: `${origin}/api/v1/ocds/records/${encodeURIComponent(r.ocid)}`,
    },
  }));
  const base = { ...filters, cursor: filters.cursor };
  return {
    sort,
    limit,
    contracts,
    links: {
      ...pageLinks(origin, "/api/v1/contracts", base, limit, next),
      html: `${origin}/contracts${filtersToQuery({ ...filters, cursor: undefined })}`,
      csv: `${origin}/contracts.csv${filtersToQuery({ ...filters, cursor: undefined })}`,
      atom: `${origin}/contracts/feed.atom${filtersToQuery({ ...filters, cursor: undefined })}`,
    },
  };
}

export interface ApiOrganisation {
  id: string;
  name: string;
  scheme: string | null;
  identifier: string | null;
  /** Supplier scale on the register entry (suppliers only). */
  scale?: string;
  orgType: string;
  /** Buyer type (buyers only). */
  buyerType?: string | null;
  countryCode: string | null;
  region: string | null;
  group: { id: string; name: string | null } | null;
  /** Contracts in the filtered view. */
  contracts: number;
  /** GBP value of those contracts (a supplier's share when several suppliers share a contract). */
  valuePence: string;
  links: { html: string; contracts: string; api: string };
}

/** GET /api/v1/suppliers and /api/v1/buyers */
export async function organisationsApi(db: DB, role: OrgRole, sp: URLSearchParams, now: Date, origin: string) {
  const { filters, limit } = await parseCommon(db, sp, ORG_PARAMS, () => "name");
  const query = toQuery(filters, now);
  const cursor = filters.cursor ? decodeCursor(filters.cursor) : null;
  const page = await listOrganisations(db, role, query, limit, cursor);
  const totals = await organisationTotals(
    db,
    role,
    page.rows.map((r) => r.id),
    query,
  );
  const next = page.next ? encodeCursor({ ...page.next, s: "name" } as ApiCursor) : null;
  const plural = role === "supplier" ? "suppliers" : "buyers";
  const { sort: _sort, ...filterOnly } = filters;
  const items: ApiOrganisation[] = page.rows.map((o) => {
    const t = totals.get(String(o.id)) ?? { contracts: 0, valuePence: 0n };
    const contractsQuery = filtersToQuery({ ...filterOnly, cursor: undefined, [role]: String(o.id) });
    return {
      id: String(o.id),
      name: o.name,
      scheme: o.scheme,
      identifier: o.identifier,
      ...(role === "supplier" ? { scale: o.scale } : { buyerType: o.buyer_type }),
      orgType: o.org_type,
      countryCode: o.country_code,
      region: o.region,
      group: o.group_id !== null ? { id: String(o.group_id), name: o.group_name } : null,
      contracts: t.contracts,
      valuePence: t.valuePence.toString(),
      links: {
        html: `${origin}/${plural}/${o.id}`,
        contracts: `${origin}/contracts${contractsQuery}`,
        api: `${origin}/api/v1/contracts${contractsQuery}`,
      },
    };
  });
  return {
    sort: "name",
    limit,
    [plural]: items,
    links: pageLinks(origin, `/api/v1/${plural}`, { ...filterOnly, cursor: filters.cursor }, limit, next),
  };
}
