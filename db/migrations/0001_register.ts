import type { Kysely } from "kysely";
import { runScript } from "./run-script";

/**
 * The register's core, shaped on OCDS 1.1:
 * - releases: immutable (a trigger refuses UPDATE and DELETE), full JSON kept;
 * - processes: the current state of each contracting process compiled from its releases;
 * - awards, award_suppliers, contract_items, amendments, documents: that state, normalised;
 * - organisations and org_groups: buyers and suppliers, resolved across releases.
 * Release JSON is written once and read whole, so it is stored uncompressed
 * (storage external): much faster writes on PGlite.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
create table org_groups (
  id bigserial primary key,
  key text not null unique,
  name text not null,
  country_code text
);

create table organisations (
  id bigserial primary key,
  key text not null unique,
  name text not null,
  normalised_name text not null,
  scheme text,
  identifier text,
  is_buyer boolean not null default false,
  is_supplier boolean not null default false,
  scale text not null default 'unknown'
    check (scale in ('micro','small','medium','sme','large','unknown')),
  org_type text not null default 'unknown'
    check (org_type in ('company','vcse','cooperative','public','unknown')),
  buyer_type text
    check (buyer_type in ('central','alb','local','combined','nhs','school','police','devolved','other')),
  country_code text,
  region text,
  postcode text,
  group_id bigint references org_groups(id),
  created_at timestamptz not null default now()
);
create index organisations_scheme_identifier on organisations (scheme, identifier) where scheme is not null;
create index organisations_normalised_name on organisations (normalised_name);
create index organisations_group on organisations (group_id);
create index organisations_buyers on organisations (name) where is_buyer;
create index organisations_suppliers on organisations (name) where is_supplier;

create table releases (
  id bigserial primary key,
  ocid text not null,
  release_id text not null,
  date timestamptz not null,
  tags text[] not null,
  data jsonb not null,
  hash text not null,
  source text not null,
  published_at timestamptz not null default now(),
  unique (ocid, release_id)
);
create index releases_ocid_date on releases (ocid, date);
alter table releases alter column data set storage external;

create function refuse_change() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only: % refused', TG_TABLE_NAME, TG_OP using errcode = 'insufficient_privilege';
end $$;
create trigger releases_immutable before update or delete on releases
  for each row execute function refuse_change();
create trigger releases_no_truncate before truncate on releases
  for each statement execute function refuse_change();

create table processes (
  ocid text primary key,
  title text not null,
  description text,
  buyer_id bigint references organisations(id),
  buyer_name text,
  buyer_type text,
  buyer_region text,
  status text not null,
  procurement_method text,
  procurement_method_details text,
  main_category text,
  cpv text,
  cpv_codes text[] not null default '{}',
  tender_value_pence bigint,
  tender_published_at timestamptz,
  tender_deadline timestamptz,
  suitable_sme boolean,
  suitable_vcse boolean,
  number_of_tenderers integer,
  award_date timestamptz,
  award_fy smallint,
  start_date timestamptz,
  end_date timestamptz,
  original_value_pence bigint,
  current_value_pence bigint,
  currency text,
  terminated_at timestamptz,
  consultancy_explicit boolean,
  consultancy boolean not null,
  consultancy_rule text not null,
  missions text[] not null default '{}',
  sensitive_sector text,
  supplier_ids bigint[] not null default '{}',
  supplier_names text,
  supplier_scales text[] not null default '{}',
  release_count integer not null,
  first_release_at timestamptz not null,
  last_release_at timestamptz not null,
  -- Sort keys for keyset pagination (never null): newest first / highest value first.
  sort_date timestamptz not null,
  sort_value bigint not null,
  updated_at timestamptz not null default now(),
  search tsvector generated always as (
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(buyer_name, '') || ' ' || coalesce(supplier_names, '')), 'B') ||
    setweight(to_tsvector('english', left(coalesce(description, ''), 4000)), 'C')
  ) stored
);
create index processes_search on processes using gin (search);
create index processes_date on processes (sort_date, ocid);
create index processes_value on processes (sort_value, ocid);
create index processes_buyer on processes (buyer_id, sort_date);
create index processes_buyer_type on processes (buyer_type, sort_date);
create index processes_cpv on processes (cpv text_pattern_ops);
create index processes_suppliers on processes using gin (supplier_ids);
create index processes_fy on processes (award_fy, sort_date);
create index processes_open on processes (tender_deadline) where status = 'open';

create table awards (
  ocid text not null references processes(ocid) on delete cascade,
  award_id text not null,
  title text,
  status text,
  award_date timestamptz,
  date_published timestamptz,
  value_pence bigint,
  currency text,
  primary key (ocid, award_id)
);

create table award_suppliers (
  ocid text not null,
  award_id text not null,
  position integer not null,
  supplier_id bigint not null references organisations(id),
  published_value_pence bigint,
  scale text not null,
  primary key (ocid, award_id, position),
  foreign key (ocid, award_id) references awards(ocid, award_id) on delete cascade
);
create index award_suppliers_supplier on award_suppliers (supplier_id);

create table contract_items (
  ocid text not null references processes(ocid) on delete cascade,
  contract_id text not null,
  award_id text,
  status text,
  date_signed timestamptz,
  start_date timestamptz,
  end_date timestamptz,
  value_pence bigint,
  original_value_pence bigint,
  currency text,
  primary key (ocid, contract_id)
);

create table amendments (
  ocid text not null references processes(ocid) on delete cascade,
  contract_id text not null,
  position integer not null,
  amendment_id text,
  date timestamptz,
  rationale text,
  value_before_pence bigint,
  value_after_pence bigint,
  primary key (ocid, contract_id, position)
);

create table documents (
  ocid text not null references processes(ocid) on delete cascade,
  position integer not null,
  document_id text,
  document_type text,
  title text,
  url text,
  date_published timestamptz,
  primary key (ocid, position)
);
create index documents_type on documents (document_type);

create table register_meta (
  key text primary key,
  value text not null,
  updated_at timestamptz not null default now()
);
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
drop table if exists register_meta, documents, amendments, contract_items, award_suppliers, awards, processes cascade;
drop table if exists releases cascade;
drop function if exists refuse_change cascade;
drop table if exists organisations, org_groups cascade;
`,
  );
}
