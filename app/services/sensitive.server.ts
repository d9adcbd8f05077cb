/**
 * The sensitive-sector technology register (/sensitive): filters checked with
 * zod (a bad value is a BadRequest naming its parameter), the paginated list,
 * the summary by sector and by buyer with its charts, the CSV download, the
 * Atom feed and the statistics API — all from the same filters and queries.
 */
import { z } from "zod";
import type { DB } from "../../db/client";
import { getOrganisation } from "../../db/queries/register";
import {
  type SensitiveBuyerTotals,
  type SensitiveCursor,
  type SensitiveQuery,
  type SensitiveRow,
  latestSensitive,
  searchSensitive,
  sensitiveSummaryRows,
} from "../../db/queries/sensitive";
import type { ChartData, ChartPoint } from "../components/charts/types";
import { cpvLabel } from "../domain/cpv-labels";
import { parseFyLabel } from "../domain/metrics/fy";
import { formatPounds, penceFromAmount } from "../domain/money";
import {
  SECTOR_CODES,
  SENSITIVE_SORTS,
  type SensitiveSort,
  type SensitiveTotals,
  TRANSPARENCY_DOCUMENT_TYPE_LIST,
  sumTotals,
  transparencyShare,
} from "../domain/sensitive";
import { BUYER_TYPES, SENSITIVE_SECTORS, type SensitiveSector } from "../domain/types";
import { atomFeed } from "../lib/atom.server";
import { type CsvColumn, csvStream, poundsText } from "../lib/csv.server";
import { BUYER_TYPE_LABELS, buyerTypeLabel, formatCount, formatDate, sectorLabel, statusLabel } from "../lib/format";
import { type ParamError, type Parsed, parseParams, searchParamsObject } from "../lib/params";
import { BadRequest } from "./register.server";
import { cached } from "./stats.server";

// ---------------------------------------------------------------------------
// Filters

const fy = z.string().refine((v) => parseFyLabel(v) !== null, { message: "must be a financial year as YYYY-YY, e.g. 2024-25" });
/** Pounds as the register takes them (kept as text here, so links carry what was typed). */
const poundsParam = z.string().regex(/^\d{1,13}(\.\d{1,2})?$/, "must be an amount in pounds, e.g. 250000 (not negative)");
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((v) => !/^\d{4}-\d{2}-\d{2}$/.test(v) || (!Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v)), {
    message: "is not a real date",
  });

export const SensitiveFilterFields = z.object({
  sector: z
    .string()
    .refine((v) => Object.hasOwn(SENSITIVE_SECTORS, v), { message: `unknown sensitive sector; expected one of ${SECTOR_CODES.join(", ")}` })
    .optional(),
  buyer: z.string().regex(/^\d{1,18}$/, "must be a buyer id (digits)").optional(),
  buyerType: z
    .string()
    .refine((v) => (BUYER_TYPES as readonly string[]).includes(v), { message: `unknown buyer type; expected one of ${BUYER_TYPES.join(", ")}` })
    .optional(),
  cpv: z.string().regex(/^\d{2,8}$/, "must be a CPV code or prefix of 2 to 8 digits").optional(),
  fy: fy.optional(),
  transparency: z.enum(["yes", "no"], { message: "must be yes or no" }).optional(),
  supplier: z.string().regex(/^\d{1,18}$/, "must be a supplier id (digits)").optional(),
  /** Current value at least / at most, in pounds (as the register). */
  minValue: poundsParam.optional(),
  maxValue: poundsParam.optional(),
  /** Award date (the register's sort date: award, else tender publication) from … to, whole UK days. */
  from: isoDate.optional(),
  to: isoDate.optional(),
  sort: z
    .string()
    .refine((v) => Object.hasOwn(SENSITIVE_SORTS, v), { message: `unknown sort; expected one of ${Object.keys(SENSITIVE_SORTS).join(", ")}` })
    .optional(),
  cursor: z.string().max(400, "is too long").optional(),
});

export const SensitiveFiltersSchema = SensitiveFilterFields.superRefine((f, ctx) => {
  if (f.minValue !== undefined && f.maxValue !== undefined && Number(f.minValue) > Number(f.maxValue)) {
    ctx.addIssue({ code: "custom", path: ["maxValue"], message: "must be at least the minimum value" });
  }
  if (f.from && f.to && f.from > f.to) ctx.addIssue({ code: "custom", path: ["to"], message: "must be on or after the 'from' date" });
});

export type SensitiveFilters = z.infer<typeof SensitiveFiltersSchema>;

/** The parameters the page, CSV, feed and API take (the API refuses any other). */
export const SENSITIVE_PARAMS = Object.keys(SensitiveFilterFields.shape) as Array<keyof SensitiveFilters>;

export function parseSensitiveFilters(sp: URLSearchParams): Parsed<SensitiveFilters> {
  return parseParams(SensitiveFiltersSchema, searchParamsObject(sp));
}

/** Filters back to a query string ("" or "?a=b"), in a stable order; the cursor only when asked. */
export function sensitiveQueryString(f: Partial<Record<keyof SensitiveFilters, string | undefined>>, keep: { cursor?: boolean } = {}): string {
  const sp = new URLSearchParams();
  for (const k of SENSITIVE_PARAMS) {
    const v = f[k];
    if (v === undefined || v === "") continue;
    if (k === "cursor" && !keep.cursor) continue;
    sp.set(k, v);
  }
  const s = sp.toString();
  return s ? `?${s}` : "";
}

const encodeCursor = (c: SensitiveCursor) => Buffer.from(JSON.stringify(c)).toString("base64url");
function decodeCursor(s: string, sort: SensitiveSort): SensitiveCursor | null {
  try {
    const v = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as unknown;
    if (!v || typeof v !== "object") return null;
    const { k, o } = v as Record<string, unknown>;
    if (typeof k !== "string" || typeof o !== "string") return null;
    // The key must fit the sort, or the SQL cast would fail.
    const dateSort = sort === "newest" || sort === "oldest";
    if (dateSort ? Number.isNaN(Date.parse(k)) || !/^\d{4}-\d{2}-\d{2}T/.test(k) : !/^-?\d{1,19}$/.test(k)) return null;
    return { k, o };
  } catch {
    return null;
  }
}

export interface ResolvedSensitive {
  filters: SensitiveFilters;
  query: SensitiveQuery;
  sort: SensitiveSort;
  cursor: SensitiveCursor | null;
  buyer: { id: bigint; name: string } | null;
  supplier: { id: bigint; name: string } | null;
}

/** Parse and check the filters; throws BadRequest naming each bad parameter (an unknown buyer id included). */
export async function resolveSensitive(db: DB, sp: URLSearchParams, opts: { only?: readonly string[] } = {}): Promise<ResolvedSensitive> {
  const errors: ParamError[] = [];
  if (opts.only) {
    for (const k of new Set(sp.keys())) {
      if (!opts.only.includes(k)) errors.push({ param: k, message: `unknown parameter; this endpoint takes ${opts.only.join(", ")}` });
    }
  }
  const parsed = parseSensitiveFilters(sp);
  if (!parsed.ok) throw new BadRequest([...errors, ...parsed.errors]);
  const f = parsed.value;
  const sort = (f.sort ?? "newest") as SensitiveSort;
  let cursor: SensitiveCursor | null = null;
  if (f.cursor) {
    cursor = decodeCursor(f.cursor, sort);
    if (!cursor) errors.push({ param: "cursor", message: "is not a cursor this register issued for this sort" });
  }
  const [buyer, supplier] = await Promise.all([
    f.buyer ? getOrganisation(db, BigInt(f.buyer)) : null,
    f.supplier ? getOrganisation(db, BigInt(f.supplier)) : null,
  ]);
  if (f.buyer && !buyer?.is_buyer) errors.push({ param: "buyer", message: `no buyer with id ${f.buyer}` });
  if (f.supplier && !supplier?.is_supplier) errors.push({ param: "supplier", message: `no supplier with id ${f.supplier}` });
  if (errors.length) throw new BadRequest(errors);
  return {
    filters: f,
    sort,
    cursor,
    buyer: buyer ? { id: buyer.id, name: buyer.name } : null,
    supplier: supplier ? { id: supplier.id, name: supplier.name } : null,
    query: {
      sector: f.sector,
      buyer: f.buyer,
      buyerType: f.buyerType,
      cpv: f.cpv,
      fy: f.fy ? (parseFyLabel(f.fy) ?? undefined) : undefined,
      transparency: f.transparency,
      supplier: f.supplier,
      minValue: f.minValue !== undefined ? (penceFromAmount(f.minValue) ?? undefined) : undefined,
      maxValue: f.maxValue !== undefined ? (penceFromAmount(f.maxValue) ?? undefined) : undefined,
      from: f.from,
      to: f.to,
    },
  };
}

// ---------------------------------------------------------------------------
// Links

/** The sensitive register with these filters (no cursor, default sort dropped). */
export function sensitiveHref(f: SensitiveFilters, change: Partial<SensitiveFilters> = {}): string {
  return `/sensitive${sensitiveQueryString({ ...f, ...change, cursor: undefined })}`;
}

/** The general register (/contracts) behind the same figure, where its filters can say it (it has no transparency filter). */
export function registerHref(f: SensitiveFilters, change: Partial<SensitiveFilters> = {}): string {
  const g = { ...f, ...change };
  const sp = new URLSearchParams();
  for (const k of ["sector", "buyer", "buyerType", "supplier", "cpv", "minValue", "maxValue", "fy", "from", "to"] as const) if (g[k]) sp.set(k, g[k]!);
  const s = sp.toString();
  return `/contracts${s ? `?${s}` : ""}`;
}

// ---------------------------------------------------------------------------
// Summary and charts

export interface SectorFigure extends SensitiveTotals {
  sector: SensitiveSector;
  label: string;
  transparencyShare: number | null;
  href: string;
  registerHref: string;
}

export interface BuyerFigure extends SensitiveBuyerTotals {
  transparencyShare: number | null;
  href: string;
  registerHref: string | null;
}

const pounds = (pence: bigint) => Number(pence) / 100;
const pct = (share: number | null) => (share === null ? null : Math.round(share * 10_000) / 100);

export const SENSITIVE_DEFINITION =
  "A contract is in this register when it is technology (one of its CPV codes is computer or communication equipment, software, telecommunications or IT services) and is in a sensitive sector: its publisher tags it, else its type of buyer implies one (schools, NHS, police), else one of its CPV codes does (medical or educational software, health, education, justice, police or benefit services…). A transparency document is a data protection impact assessment or an algorithmic transparency record attached to any release of the contract. Value is the current value in pounds sterling.";

const CHART_IDS = ["sensitive-value-by-sector", "sensitive-transparency-by-sector"] as const;

function scopeText(f: SensitiveFilters, buyerName: string | null, supplierName: string | null = null): string {
  const money = (v: string) => formatPounds(penceFromAmount(v) ?? 0n);
  const bits = [
    buyerName ? `bought by ${buyerName}` : null,
    f.buyerType ? (BUYER_TYPE_LABELS as Record<string, string>)[f.buyerType]?.toLowerCase() : null,
    supplierName ? `supplied by ${supplierName}` : f.supplier ? `supplier ${f.supplier}` : null,
    f.cpv ? `CPV ${f.cpv}` : null,
    f.minValue !== undefined && f.maxValue !== undefined
      ? `worth ${money(f.minValue)} to ${money(f.maxValue)}`
      : f.minValue !== undefined
        ? `worth at least ${money(f.minValue)}`
        : f.maxValue !== undefined
          ? `worth at most ${money(f.maxValue)}`
          : null,
    f.fy ? `awarded in ${f.fy}` : null,
    f.from && f.to ? `dated ${f.from} to ${f.to}` : f.from ? `dated from ${f.from}` : f.to ? `dated up to ${f.to}` : null,
    f.transparency === "yes" ? "with a transparency document" : f.transparency === "no" ? "without a transparency document" : null,
  ].filter(Boolean);
  return bits.length ? bits.join(", ") : "all buyers and years";
}

function charts(bySector: SectorFigure[], f: SensitiveFilters, buyerName: string | null, supplierName: string | null): ChartData[] {
  const query = sensitiveQueryString({ ...f, cursor: undefined, sort: undefined });
  const scope = scopeText(f, buyerName, supplierName);
  const definition = { text: SENSITIVE_DEFINITION, href: "/methodology#sensitive-sectors" };
  const valuePoints: ChartPoint[] = bySector.map((s) => ({
    x: s.label,
    values: { value: pounds(s.valuePence) },
    links: { value: s.href },
    extra: {
      contracts: formatCount(s.contracts),
      noValue: formatCount(s.noValue),
      nonGbp: formatCount(s.nonGbp),
    },
  }));
  const transparencyPoints: ChartPoint[] = bySector.map((s) => ({
    x: s.label,
    values: {
      either: pct(s.transparencyShare),
      dataProtection: pct(s.contracts ? s.withDataProtection / s.contracts : null),
      algorithmic: pct(s.contracts ? s.withAlgorithmic / s.contracts : null),
    },
    links: {
      either: sensitiveHref(f, { sector: s.sector, transparency: "yes" }),
      dataProtection: sensitiveHref(f, { sector: s.sector, transparency: "yes" }),
      algorithmic: sensitiveHref(f, { sector: s.sector, transparency: "yes" }),
    },
    extra: { with: formatCount(s.withEither), contracts: formatCount(s.contracts) },
  }));
  const emptyText = `No contracts in a sensitive sector match (${scope}). Try fewer filters.`;
  return [
    {
      id: CHART_IDS[0],
      title: "Value of technology contracts by sensitive sector",
      caption: `Current value in pounds sterling of the contracts in each sensitive sector, ${scope}. Contracts with no value yet (tenders) or in other currencies are counted in the table but not in the bars.`,
      definition,
      xLabel: "Sector",
      layout: "rows",
      series: [{ key: "value", label: "Value", kind: "bar", unit: "pounds", color: "#1d70b8" }],
      points: valuePoints,
      extraColumns: [
        { key: "contracts", label: "Contracts", numeric: true },
        { key: "noValue", label: "No value yet", numeric: true },
        { key: "nonGbp", label: "Other currency", numeric: true },
      ],
      csvHref: `/sensitive/charts/${CHART_IDS[0]}.csv${query}`,
      linkNote: "Each bar links to the sector's contracts in this register.",
      emptyText,
    },
    {
      id: CHART_IDS[1],
      title: "Share of contracts with a published transparency document",
      caption: `Share of each sector's contracts with a data protection impact assessment, an algorithmic transparency record, or either, attached to a release, ${scope}.`,
      definition,
      xLabel: "Sector",
      layout: "rows",
      series: [
        { key: "either", label: "Either document", kind: "bar", unit: "percent", color: "#00703c" },
        { key: "dataProtection", label: "Data protection impact assessment", kind: "bar", unit: "percent", color: "#1d70b8" },
        { key: "algorithmic", label: "Algorithmic transparency record", kind: "bar", unit: "percent", color: "#f47738" },
      ],
      points: transparencyPoints,
      extraColumns: [
        { key: "with", label: "Contracts with either", numeric: true },
        { key: "contracts", label: "Contracts", numeric: true },
      ],
      csvHref: `/sensitive/charts/${CHART_IDS[1]}.csv${query}`,
      linkNote: "Each bar links to the sector's contracts that have a transparency document.",
      emptyText,
    },
  ];
}

/** Summary of the view: by sector (with charts), by buyer (top `buyerLimit`), totals and coverage. */
export async function sensitiveSummary(db: DB, r: ResolvedSensitive, buyerLimit = 20) {
  const f = r.filters;
  // One scan of the view's contracts gives both (grouping sets), computed once per data version
  // (spend_version: bumped by every write to the register) and view, like the dashboards.
  const key = `sensitive-summary:${JSON.stringify(r.query, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}:${buyerLimit}`;
  const { sectors: sectorRows, buyers: buyerTop, buyerCount } = await cached(db, key, () => sensitiveSummaryRows(db, r.query, buyerLimit));
  const bySector: SectorFigure[] = SECTOR_CODES.flatMap((code) => {
    const row = sectorRows.find((x) => x.sector === code);
    if (!row) return [];
    const { sector: _s, ...t } = row;
    return [
      {
        ...t,
        sector: code,
        label: SENSITIVE_SECTORS[code],
        transparencyShare: transparencyShare(t),
        href: sensitiveHref(f, { sector: code }),
        registerHref: registerHref(f, { sector: code }),
      },
    ];
  });
  const byBuyer: BuyerFigure[] = buyerTop.map((b) => ({
    ...b,
    transparencyShare: transparencyShare(b),
    href: b.buyerId ? sensitiveHref(f, { buyer: b.buyerId }) : sensitiveHref(f),
    registerHref: b.buyerId ? registerHref(f, { buyer: b.buyerId }) : null,
  }));
  return {
    bySector,
    byBuyer,
    buyers: buyerCount,
    total: sumTotals(bySector),
    charts: charts(bySector, f, r.buyer?.name ?? null, r.supplier?.name ?? null),
  };
}

// ---------------------------------------------------------------------------
// The page

export interface SensitiveListRow {
  ocid: string;
  title: string;
  sector: string;
  sectorLabel: string;
  buyerId: string | null;
  buyerName: string | null;
  buyerType: string | null;
  status: string;
  cpv: string | null;
  cpvLabel: string | null;
  suppliers: string | null;
  awardDate: Date | null;
  startDate: Date | null;
  endDate: Date | null;
  valuePence: bigint | null;
  /** The tender's estimate, for a contract not yet awarded. */
  estimatePence: bigint | null;
  currency: string | null;
  hasDataProtection: boolean;
  hasAlgorithmic: boolean;
}

const listRow = (r: SensitiveRow): SensitiveListRow => ({
  ocid: r.ocid,
  title: r.title,
  sector: r.sector,
  sectorLabel: sectorLabel(r.sector),
  buyerId: r.buyer_id === null ? null : String(r.buyer_id),
  buyerName: r.buyer_name,
  buyerType: r.buyer_type,
  status: r.status,
  cpv: r.cpv,
  cpvLabel: cpvLabel(r.cpv),
  suppliers: r.supplier_names,
  awardDate: r.award_date,
  startDate: r.start_date,
  endDate: r.end_date,
  valuePence: r.current_value_pence,
  estimatePence: r.current_value_pence === null ? r.tender_value_pence : null,
  currency: r.currency,
  hasDataProtection: r.has_data_protection,
  hasAlgorithmic: r.has_algorithmic,
});

/** Everything /sensitive shows: the summary, its charts and one page of contracts. */
export async function sensitivePage(db: DB, sp: URLSearchParams, limit = 25) {
  const r = await resolveSensitive(db, sp);
  const [summary, page] = await Promise.all([sensitiveSummary(db, r), searchSensitive(db, r.query, r.sort, limit, r.cursor)]);
  const f = r.filters;
  return {
    filters: f,
    sort: r.sort,
    buyer: r.buyer ? { id: r.buyer.id.toString(), name: r.buyer.name } : null,
    supplier: r.supplier ? { id: r.supplier.id.toString(), name: r.supplier.name } : null,
    summary,
    rows: page.rows.map(listRow),
    next: page.next ? `/sensitive${sensitiveQueryString({ ...f, cursor: encodeCursor(page.next) }, { cursor: true })}` : null,
    first: sensitiveHref(f),
    query: sensitiveQueryString({ ...f, cursor: undefined }),
    registerHref: registerHref(f),
  };
}

/** One of the page's charts by id (for its CSV); null for an unknown id. */
export async function sensitiveChartById(db: DB, id: string, sp: URLSearchParams): Promise<ChartData | null> {
  if (!(CHART_IDS as readonly string[]).includes(id)) return null;
  const r = await resolveSensitive(db, sp);
  const s = await sensitiveSummary(db, r, 1);
  return s.charts.find((c) => c.id === id) ?? null;
}

// ---------------------------------------------------------------------------
// CSV and Atom

const day = (d: Date | string | null) => (d ? new Date(d).toISOString().slice(0, 10) : "");

export function sensitiveCsvColumns(origin: string): CsvColumn<SensitiveRow>[] {
  return [
    { header: "ocid", value: (r) => r.ocid },
    { header: "title", value: (r) => r.title },
    { header: "sector", value: (r) => r.sector },
    { header: "buyer_id", value: (r) => (r.buyer_id === null ? "" : String(r.buyer_id)) },
    { header: "buyer", value: (r) => r.buyer_name },
    { header: "buyer_type", value: (r) => r.buyer_type },
    { header: "cpv", value: (r) => r.cpv },
    { header: "cpv_label", value: (r) => cpvLabel(r.cpv) },
    { header: "suppliers", value: (r) => r.supplier_names },
    { header: "status", value: (r) => r.status },
    { header: "award_date", value: (r) => day(r.award_date) },
    { header: "start_date", value: (r) => day(r.start_date) },
    { header: "end_date", value: (r) => day(r.end_date) },
    { header: "current_value_pence", value: (r) => r.current_value_pence },
    { header: "current_value", value: (r) => poundsText(r.current_value_pence) },
    { header: "tender_value_pence", value: (r) => r.tender_value_pence },
    { header: "currency", value: (r) => r.currency },
    { header: "data_protection_document", value: (r) => r.has_data_protection },
    { header: "algorithmic_transparency_document", value: (r) => r.has_algorithmic },
    { header: "url", value: (r) => `${origin}/contracts/${encodeURIComponent(r.ocid)}` },
  ];
}

/** GET /sensitive.csv?<filters> — every contract of the view, in its sort, streamed page by page. */
export async function sensitiveCsv(db: DB, sp: URLSearchParams, origin: string, pageSize = 1000) {
  const r = await resolveSensitive(db, sp);
  // A download always starts at the top of the view (a page's cursor is ignored).
  const stream = csvStream<SensitiveRow, SensitiveCursor>(sensitiveCsvColumns(origin), (cursor) => searchSensitive(db, r.query, r.sort, pageSize, cursor));
  const bits = [r.filters.sector, r.filters.buyerType, r.filters.cpv, r.filters.fy].filter((b): b is string => !!b);
  return { stream, filename: `sensitive-contracts${bits.length ? `-${bits.join("-")}` : ""}.csv` };
}

/** GET /sensitive/feed.atom?<filters> — the view's 50 most recently changed contracts. */
export async function sensitiveFeed(db: DB, sp: URLSearchParams, origin: string, now: Date): Promise<string> {
  const r = await resolveSensitive(db, sp);
  const rows = await latestSensitive(db, r.query, 50);
  const qs = sensitiveQueryString({ ...r.filters, cursor: undefined, sort: undefined });
  const f = r.filters;
  const title = [f.sector ? SENSITIVE_SECTORS[f.sector as SensitiveSector] : null, scopeText(f, r.buyer?.name ?? null, r.supplier?.name ?? null)]
    .filter(Boolean)
    .join(", ");
  return atomFeed({
    id: `${origin}/sensitive/feed.atom${qs}`,
    title: `Sensitive-sector technology contracts: ${title} – Public Tech Procurement Register`,
    subtitle: "Technology contracts in sensitive sectors (education, health, policing, justice, immigration, welfare), most recently changed first.",
    fallbackUpdated: now,
    selfHref: `${origin}/sensitive/feed.atom${qs}`,
    alternateHref: `${origin}/sensitive${qs}`,
    generator: "Public Tech Procurement Register",
    entries: rows.map((row) => {
      const url = `${origin}/contracts/${encodeURIComponent(row.ocid)}`;
      const docs = [row.has_data_protection ? "data protection impact assessment" : null, row.has_algorithmic ? "algorithmic transparency record" : null].filter(
        Boolean,
      );
      const summary = [
        `Sector: ${sectorLabel(row.sector)}`,
        statusLabel(row.status),
        row.buyer_name ? `Buyer: ${row.buyer_name} (${buyerTypeLabel(row.buyer_type)})` : null,
        row.cpv ? `Technology: ${row.cpv}${cpvLabel(row.cpv) ? ` ${cpvLabel(row.cpv)}` : ""}` : null,
        row.supplier_names ? `Supplier: ${row.supplier_names}` : null,
        row.current_value_pence !== null ? `Value: ${formatPounds(row.current_value_pence)}${row.currency && row.currency !== "GBP" ? ` ${row.currency}` : ""}` : null,
        row.award_date ? `Awarded ${formatDate(row.award_date)}` : null,
        docs.length ? `Published: ${docs.join(" and ")}` : "No transparency document published",
      ]
        .filter(Boolean)
        .join(". ");
      return {
        id: url,
        title: row.title,
        updated: row.last_release_at,
        published: row.first_release_at,
        link: url,
        links: [{ rel: "related", type: "application/json", href: `${origin}/api/v1/ocds/records/${encodeURIComponent(row.ocid)}` }],
        author: row.buyer_name,
        summary: `${summary}.`,
        categories: [
          { term: row.sector, label: sectorLabel(row.sector) },
          ...(row.cpv ? [{ term: row.cpv, scheme: "https://ted.europa.eu/cpv" }] : []),
        ],
      };
    }),
  });
}

// ---------------------------------------------------------------------------
// API

const totalsJson = (t: SensitiveTotals) => ({
  contracts: t.contracts,
  valuePence: t.valuePence,
  nonGbpContracts: t.nonGbp,
  noValueContracts: t.noValue,
  noCpvContracts: t.noCpv,
  noCpvValuePence: t.noCpvValuePence,
  noSupplierContracts: t.noSupplier,
  noSupplierValuePence: t.noSupplierValuePence,
  withDataProtection: t.withDataProtection,
  withAlgorithmicTransparency: t.withAlgorithmic,
  withTransparencyDocument: t.withEither,
  transparencyShare: transparencyShare(t),
});

/** The parameters of /api/v1/stats/sensitive: the filters (no sort or cursor: it returns figures, not a list). */
export const SENSITIVE_API_PARAMS = ["sector", "buyer", "buyerType", "cpv", "fy", "transparency", "supplier", "minValue", "maxValue", "from", "to"] as const;

/** GET /api/v1/stats/sensitive — the page's numbers as JSON (money as strings of pence). Unknown parameters are refused. */
export async function sensitiveApi(db: DB, sp: URLSearchParams) {
  const r = await resolveSensitive(db, sp, { only: SENSITIVE_API_PARAMS });
  const s = await sensitiveSummary(db, r, 50);
  const f = r.filters;
  return {
    filters: {
      sector: f.sector ?? null,
      buyer: f.buyer ?? null,
      buyerType: f.buyerType ?? null,
      cpv: f.cpv ?? null,
      fy: f.fy ?? null,
      transparency: f.transparency ?? null,
      supplier: f.supplier ?? null,
      minValue: f.minValue ?? null,
      maxValue: f.maxValue ?? null,
      from: f.from ?? null,
      to: f.to ?? null,
    },
    documentTypes: TRANSPARENCY_DOCUMENT_TYPE_LIST,
    total: totalsJson(s.total),
    sectors: s.bySector.map((x) => ({ sector: x.sector, label: x.label, ...totalsJson(x), links: { html: x.href, contracts: x.registerHref } })),
    buyers: s.byBuyer.map((b) => ({
      id: b.buyerId,
      name: b.name,
      buyerType: b.buyerType,
      ...totalsJson(b),
      links: { html: b.href, contracts: b.registerHref },
    })),
    buyersTotal: s.buyers,
  };
}

