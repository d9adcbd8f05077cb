/**
 * The kysely Database interface: one place describing every table.
 * Money columns are bigint pence; int8 is parsed to bigint on both drivers.
 */
import type { JsonText } from "./queries/util";
import type { ColumnType, Generated, JSONColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Money = ColumnType<bigint, bigint | string | number, bigint | string | number>;
type Id = ColumnType<bigint, bigint | string | number, bigint | string | number>;

export interface OrgGroupsTable {
  id: Generated<bigint>;
  key: string;
  name: string;
  country_code: string | null;
}

export interface OrganisationsTable {
  id: Generated<bigint>;
  key: string;
  name: string;
  normalised_name: string;
  scheme: string | null;
  identifier: string | null;
  is_buyer: Generated<boolean>;
  is_supplier: Generated<boolean>;
  scale: Generated<string>;
  org_type: Generated<string>;
  buyer_type: string | null;
  country_code: string | null;
  region: string | null;
  postcode: string | null;
  group_id: Id | null;
  created_at: Generated<Date>;
  /** Set when merged into another organisation but kept (something still references it): migration 0010. */
  merged_into: Id | null;
  merged_at: Timestamp | null;
}

/** A resolution key that now means another organisation (a merge): migration 0010. */
export interface OrganisationAliasesTable {
  key: string;
  organisation_id: Id;
  merged_at: Generated<Date>;
  merged_by: string | null;
}

export interface ReleasesTable {
  id: Generated<bigint>;
  ocid: string;
  release_id: string;
  date: Timestamp;
  tags: string[];
  data: ColumnType<Record<string, unknown>, Record<string, unknown> | string | JsonText, never>;
  hash: string;
  source: string;
  published_at: Generated<Date>;
}

export interface ProcessesTable {
  ocid: string;
  title: string;
  description: string | null;
  buyer_id: Id | null;
  buyer_name: string | null;
  buyer_type: string | null;
  buyer_region: string | null;
  status: string;
  procurement_method: string | null;
  procurement_method_details: string | null;
  main_category: string | null;
  cpv: string | null;
  cpv_codes: string[];
  tender_value_pence: Money | null;
  tender_published_at: Timestamp | null;
  tender_deadline: Timestamp | null;
  suitable_sme: boolean | null;
  suitable_vcse: boolean | null;
  number_of_tenderers: number | null;
  award_date: Timestamp | null;
  award_fy: number | null;
  start_date: Timestamp | null;
  end_date: Timestamp | null;
  original_value_pence: Money | null;
  current_value_pence: Money | null;
  currency: string | null;
  terminated_at: Timestamp | null;
  consultancy_explicit: boolean | null;
  consultancy: boolean;
  consultancy_rule: string;
  missions: string[];
  sensitive_sector: string | null;
  supplier_ids: ColumnType<bigint[], bigint[] | string, bigint[] | string>;
  supplier_names: string | null;
  supplier_scales: string[];
  release_count: number;
  first_release_at: Timestamp;
  last_release_at: Timestamp;
  sort_date: Timestamp;
  sort_value: Money;
  updated_at: Generated<Date>;
  search: ColumnType<string, never, never>;
}

export interface AwardsTable {
  ocid: string;
  award_id: string;
  title: string | null;
  status: string | null;
  award_date: Timestamp | null;
  date_published: Timestamp | null;
  value_pence: Money | null;
  currency: string | null;
}

export interface AwardSuppliersTable {
  ocid: string;
  award_id: string;
  position: number;
  supplier_id: Id;
  published_value_pence: Money | null;
  scale: string;
}

export interface ContractItemsTable {
  ocid: string;
  contract_id: string;
  award_id: string | null;
  status: string | null;
  date_signed: Timestamp | null;
  start_date: Timestamp | null;
  end_date: Timestamp | null;
  value_pence: Money | null;
  original_value_pence: Money | null;
  currency: string | null;
}

export interface AmendmentsTable {
  ocid: string;
  contract_id: string;
  position: number;
  amendment_id: string | null;
  date: Timestamp | null;
  rationale: string | null;
  value_before_pence: Money | null;
  value_after_pence: Money | null;
}

export interface DocumentsTable {
  ocid: string;
  position: number;
  document_id: string | null;
  document_type: string | null;
  title: string | null;
  url: string | null;
  date_published: Timestamp | null;
}

export interface RegisterMetaTable {
  key: string;
  value: string;
  updated_at: Generated<Date>;
}

// ---------------------------------------------------------------------------
// Publishing (issue 4): accounts, sessions, drafts, audit log — 0003_publishing

export interface UsersTable {
  id: Generated<bigint>;
  email: string;
  name: string;
  role: "admin" | "publisher";
  password_hash: string;
  created_at: Generated<Date>;
  disabled_at: Timestamp | null;
}

export interface UserBuyersTable {
  user_id: Id;
  buyer_id: Id;
  created_at: Generated<Date>;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the session id the cookie carries. */
  id: string;
  user_id: Id;
  csrf_token: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginAttemptsTable {
  id: Generated<bigint>;
  email: string;
  ip: string;
  at: ColumnType<Date, Date | string | undefined, never>;
}

export interface DraftsTable {
  id: Generated<bigint>;
  user_id: Id;
  kind: string;
  ocid: string | null;
  buyer_id: Id | null;
  title: string | null;
  fields: JSONColumnType<Record<string, unknown>, string, string>;
  based_on: number | null;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AuditLogTable {
  id: Generated<bigint>;
  at: ColumnType<Date, Date | string | undefined, never>;
  user_id: Id | null;
  user_email: string | null;
  action: string;
  ocid: string | null;
  release_ids: ColumnType<string[], string[] | undefined, never>;
  buyer_id: Id | null;
  summary: string;
  details: JSONColumnType<Record<string, unknown> | null, string | null, never>;
  ip: string | null;
  user_agent: string | null;
  idempotency_key: string | null;
}

// ---------------------------------------------------------------------------
// Red flags and opportunities (issue 6) — 0004_flags

/** One row per contract and rule that is flagged or cannot tell (a clear rule has no row). */
export interface FlagsTable {
  ocid: string;
  code: string;
  status: "flagged" | "unknown";
  /** The evidence object the rule returned (inserted as an object, never as JSON text). */
  evidence: ColumnType<Record<string, string | number | boolean | null>, Record<string, string | number | boolean | null>, never>;
  threshold: string;
  computed_at: Generated<Date>;
}

/** The cross-contract rules' rows: one per contract and supplier (PeerAward, keyed by organisation ids). */
export interface FlagPeersTable {
  ocid: string;
  buyer_id: Id | null;
  supplier_id: Id;
  award_date: Timestamp | null;
  value_pence: Money | null;
  non_competitive: boolean | null;
}

/** Compiled fields the core tables do not keep, read by red flags (recompute) and opportunities. */
export interface ProcessExtrasTable {
  ocid: string;
  method_rationale: string | null;
  tender_start_date: Timestamp | null;
  award_published_at: Timestamp | null;
  termination_reason: string | null;
  lot_count: number;
}


// ---------------------------------------------------------------------------
// Dashboards (issue 3, migration 0002_dashboards): spend lines and their rollups.

/** One row per process × supplier: the supplier's part of the current value (awarded view). */
export interface SpendLinesTable {
  ocid: string;
  line: number;
  supplier_id: Id;
  buyer_id: Id | null;
  /** '' when the buyer has no type. */
  buyer_type: string;
  /** Main CPV code, '' when none. */
  cpv: string;
  consultancy: boolean;
  scale_class: string;
  /** Counts in pounds-sterling totals. */
  gbp: boolean;
  /** Financial year and quarter of the award (or signature) date. */
  fy: number | null;
  quarter: number | null;
  value_pence: Money;
  /** The process's first line: counts the contract once. */
  first_line: boolean;
  missing_value: boolean;
  fallback: boolean;
}

/** One row per process × supplier × financial year: the annualised part. */
export interface SpendAnnualTable {
  ocid: string;
  line: number;
  fy: number;
  supplier_id: Id;
  buyer_id: Id | null;
  buyer_type: string;
  cpv: string;
  consultancy: boolean;
  scale_class: string;
  gbp: boolean;
  value_pence: Money;
  /** The process's first line (counts the contract once in this year). */
  first_line: boolean;
  /** The line's first year (counts the contract once over all years). */
  first_year: boolean;
  missing_value: boolean;
  /** Annualised by its award date (no contract dates). */
  fallback: boolean;
}

/** Measures every rollup carries; maintained by triggers on spend_lines and spend_annual. */
interface RollupMeasures {
  value_pence: Money;
  contracts: Id;
  missing_value: Id;
  fallback: Id;
}

export interface SpendCubeTopTable extends RollupMeasures {
  view: string;
  fy: number;
  quarter: number;
  buyer_type: string;
  consultancy: boolean;
  scale_class: string;
  gbp: boolean;
}

export interface SpendCubeTable extends SpendCubeTopTable {
  /** First four digits of the main CPV code. */
  cpv4: string;
}

export interface SpendCubeBuyerTable extends SpendCubeTable {
  buyer_id: Id;
}

/** One row: bumped by every change to the spend tables. */
export interface SpendVersionTable {
  id: Generated<number>;
  version: Id;
  changed_at: Generated<Date>;
}

export interface SpendBuyerFyTable extends RollupMeasures {
  view: string;
  fy: number;
  buyer_id: Id;
  buyer_type: string;
  consultancy: boolean;
  scale_class: string;
  gbp: boolean;
}

/** Each supplier's GBP value per view and year (fy 0 = all years): the top-N of concentration. */
export interface SpendSupplierTotalTable {
  view: string;
  fy: number;
  supplier_id: Id;
  value_pence: Money;
  contracts: Id;
}

/** Per view and year (fy 0 = all years): Σ v and Σ v² over suppliers with a positive value (numeric, as text). */
export interface SpendConcentrationTable {
  view: string;
  fy: number;
  total_pence: ColumnType<string, string | bigint, string | bigint>;
  sum_squares: ColumnType<string, string | bigint, string | bigint>;
  suppliers: Id;
}

export interface SpendSupplierFyTable extends RollupMeasures {
  view: string;
  fy: number;
  supplier_id: Id;
  consultancy: boolean;
  gbp: boolean;
}

// ---------------------------------------------------------------------------
// Import (issue 5) — 0005_import

/** One row per import run: inputs, running counts (updated per committed batch), status and report. */
export interface ImportRunsTable {
  id: Generated<bigint>;
  started_at: Generated<Date>;
  finished_at: Timestamp | null;
  status: Generated<"running" | "done" | "failed">;
  inputs: string[];
  releases_read: Generated<number>;
  imported: Generated<number>;
  unchanged: Generated<number>;
  rejected: Generated<number>;
  report: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
}

export interface RateLimitsTable {
  key: string;
  window_start: Timestamp;
  hits: number;
}

/** Bumped by every write to what public pages show (migration 0012): the page cache's key. */
export interface DataVersionTable {
  id: Generated<number>;
  version: Generated<bigint>;
  changed_at: Generated<Date>;
}

/** One row per process: what /watch filters and counts (migration 0013). */
export interface FlagFactsTable {
  ocid: string;
  buyer_id: Id | null;
  buyer_name: string | null;
  buyer_type: string | null;
  award_fy: number | null;
  current_value_pence: Money | null;
  currency: string | null;
  supplier_ids: bigint[];
  flagged: string[];
  unknown: string[];
}

export interface Database {
  org_groups: OrgGroupsTable;
  organisations: OrganisationsTable;
  organisation_aliases: OrganisationAliasesTable;
  releases: ReleasesTable;
  processes: ProcessesTable;
  awards: AwardsTable;
  award_suppliers: AwardSuppliersTable;
  contract_items: ContractItemsTable;
  amendments: AmendmentsTable;
  documents: DocumentsTable;
  register_meta: RegisterMetaTable;
  rate_limits: RateLimitsTable;
  // Dashboards (issue 3)
  spend_lines: SpendLinesTable;
  spend_annual: SpendAnnualTable;
  spend_cube_top: SpendCubeTopTable;
  spend_cube: SpendCubeTable;
  spend_version: SpendVersionTable;
  data_version: DataVersionTable;
  flag_facts: FlagFactsTable;
  spend_cube_buyer: SpendCubeBuyerTable;
  spend_buyer_fy: SpendBuyerFyTable;
  spend_supplier_fy: SpendSupplierFyTable;
  spend_supplier_total: SpendSupplierTotalTable;
  spend_concentration: SpendConcentrationTable;
  // Publishing (issue 4)
  users: UsersTable;
  user_buyers: UserBuyersTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  drafts: DraftsTable;
  audit_log: AuditLogTable;
  // Red flags and opportunities (issue 6)
  flags: FlagsTable;
  flag_peers: FlagPeersTable;
  process_extras: ProcessExtrasTable;
  // Import (issue 5)
  import_runs: ImportRunsTable;
}
