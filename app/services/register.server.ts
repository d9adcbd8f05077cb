/**
 * Register use cases shared by the page, the API, CSV and feeds: validate the
 * filters (including that a named buyer or supplier exists), run the search.
 */
import { data } from "@remix-run/node";
import type { DB } from "../../db/client";
import {
  type Cursor,
  type RegisterQuery,
  countRegister,
  decodeCursor,
  encodeCursor,
  getOrganisation,
  searchRegister,
} from "../../db/queries/register";
import { sumRegisterValue } from "../../db/queries/stats";
import { DEFAULT_POLICY_CONFIG } from "../domain/metrics/policy";
import { parseFyLabel } from "../domain/metrics/fy";
import type { ParamError } from "../lib/params";
import { type RegisterFilters, effectiveSort, parseRegisterFilters, policyRegisterQuery } from "./register-filters";

export class BadRequest extends Error {
  constructor(public errors: ParamError[]) {
    super(errors.map((e) => `${e.param}: ${e.message}`).join("; "));
  }
}

export function toQuery(f: RegisterFilters, now: Date): RegisterQuery {
  return {
    q: f.q || undefined,
    buyer: f.buyer,
    buyerType: f.buyerType,
    supplier: f.supplier,
    scale: f.scale,
    cpv: f.cpv,
    consultancy: f.consultancy,
    status: f.status,
    method: f.method,
    region: f.region,
    mission: f.mission,
    sector: f.sector,
    minValue: f.minValue,
    maxValue: f.maxValue,
    fy: f.fy ? (parseFyLabel(f.fy) ?? undefined) : undefined,
    activeFy: f.activeFy ? (parseFyLabel(f.activeFy) ?? undefined) : undefined,
    from: f.from,
    to: f.to,
    flag: f.flag,
    supplierCountry: f.supplierCountry,
    orgType: f.orgType,
    supplierRegion: f.supplierRegion,
    ...policyRegisterQuery(f),
    ukCountryCodes: DEFAULT_POLICY_CONFIG.ukCountryCodes,
    now,
  };
}

/** Parse and check filters; throws BadRequest naming each bad parameter. */
export async function resolveFilters(db: DB, sp: URLSearchParams) {
  const parsed = parseRegisterFilters(sp);
  if (!parsed.ok) throw new BadRequest(parsed.errors);
  const f = parsed.value;
  const errors: ParamError[] = [];
  let cursor: Cursor | null = null;
  if (f.cursor) {
    cursor = decodeCursor(f.cursor);
    if (!cursor) errors.push({ param: "cursor", message: "is not a cursor this register issued" });
  }
  const [buyer, supplier] = await Promise.all([
    f.buyer ? getOrganisation(db, BigInt(f.buyer)) : null,
    f.supplier ? getOrganisation(db, BigInt(f.supplier)) : null,
  ]);
  if (f.buyer && !buyer?.is_buyer) errors.push({ param: "buyer", message: `no buyer with id ${f.buyer}` });
  if (f.supplier && !supplier?.is_supplier) errors.push({ param: "supplier", message: `no supplier with id ${f.supplier}` });
  if (errors.length) throw new BadRequest(errors);
  return { filters: f, cursor, buyer: buyer ?? null, supplier: supplier ?? null };
}

export async function searchContracts(db: DB, sp: URLSearchParams, now: Date, limit = 25) {
  const { filters, cursor, buyer, supplier } = await resolveFilters(db, sp);
  const q = toQuery(filters, now);
  const sort = effectiveSort(filters);
  const [page, count] = await Promise.all([searchRegister(db, q, sort, limit, cursor), countRegister(db, q)]);
  // The total of a view, when the count is exact: the same spend lines the
  // dashboards sum, so a chart's bar and the register view behind it agree.
  const total = count.capped ? null : await sumRegisterValue(db, q);
  return {
    total,
    filters,
    sort,
    buyer,
    supplier,
    rows: page.rows,
    next: page.next ? encodeCursor(page.next) : null,
    count,
  };
}

/** Turn a BadRequest into a 400 response (page ErrorBoundary or problem+json). */
export function badRequestResponse(e: BadRequest) {
  return data({ errors: e.errors }, { status: 400 });
}
