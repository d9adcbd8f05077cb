import type { Kysely } from "kysely";
import { runScript } from "./run-script";

/**
 * Aggregates for the dashboards (issue 3).
 *
 * Choice: ROLLUP TABLES MAINTAINED ON WRITE, by statement-level triggers, not
 * materialized views.
 * - `spend_lines` holds one row per process × supplier: the supplier's part of
 *   the process's current value (app/domain/metrics/spend-lines.ts, splitAward
 *   semantics), with the dimensions the dashboards filter on copied from the
 *   process (buyer, buyer type, main CPV code, consultancy, scale class,
 *   currency) and the financial year and quarter of the award (awarded view).
 * - `spend_annual` holds one row per process × supplier × financial year: the
 *   same part spread by day over the contract period (annualised view).
 * - Both are written by `writeSpendFor` (app/services/spend.server.ts) inside
 *   the ingest transaction, in bulk (one jsonb statement per batch).
 * - AFTER INSERT / AFTER DELETE statement triggers with transition tables add
 *   (or subtract) each statement's rows, grouped, into small rollup tables
 *   (`spend_cube_top`, `spend_cube`, `spend_cube_buyer`, `spend_buyer_fy`,
 *   `spend_supplier_fy`, `spend_supplier_total`) with INSERT … ON CONFLICT DO
 *   UPDATE, and keep each year's Σ value and Σ value² over suppliers
 *   (`spend_concentration`, for the HHI) exactly. Rows are taken in key order
 *   so concurrent writers lock rollup rows in the same order. They also bump
 *   `spend_version`, which keys the dashboards' in-process caches.
 * Why: the figures are right the moment an import or a publication commits
 * (no refresh step to forget, no stale window, nothing to schedule), a
 * publication of one notice touches a few dozen rollup rows rather than
 * recomputing everything (a REFRESH of a materialized view over a million
 * contracts takes tens of seconds and, without CONCURRENTLY, blocks readers),
 * and the same SQL runs on PGlite and PostgreSQL. The cost is a little more
 * work per write, which bulk seeding pays once per batch.
 * Rollup cells may fall to zero after a contract changes; every query sums and
 * filters on `contracts > 0`, so empty cells are harmless.
 *
 * Sentinels keep rollup keys NOT NULL: buyer_id 0 = no buyer, '' = no buyer
 * type / no CPV code, quarter 0 = annualised rows.
 *
 * `register_fy(ts)` is the SQL twin of fyOf (app/domain/metrics/fy.ts): the
 * financial year of the Europe/London calendar date of an instant.
 */

/**
 * Each rollup: its key dimensions, and whether it also keeps an all-years row
 * (fy = 0) so "every year" questions read one row per key instead of summing
 * every year. Measures are the same for all.
 */
export const ROLLUPS: Record<string, { cols: string[]; allYears: boolean }> = {
  // No buyer, no CPV: every unfiltered or buyer-type figure (a few thousand rows at 1,000,000 contracts).
  spend_cube_top: { cols: ["view", "fy", "quarter", "buyer_type", "consultancy", "scale_class", "gbp"], allYears: false },
  // With the CPV code's first four digits (every category the filters offer is at most four digits).
  spend_cube: { cols: ["view", "fy", "quarter", "buyer_type", "cpv4", "consultancy", "scale_class", "gbp"], allYears: false },
  spend_cube_buyer: {
    cols: ["buyer_id", "view", "fy", "quarter", "buyer_type", "cpv4", "consultancy", "scale_class", "gbp"],
    allYears: false,
  },
  spend_buyer_fy: { cols: ["view", "fy", "buyer_id", "buyer_type", "consultancy", "scale_class", "gbp"], allYears: true },
  spend_supplier_fy: { cols: ["view", "fy", "supplier_id", "consultancy", "gbp"], allYears: true },
};

/** How each key column is read from a spend_lines / spend_annual row. */
function source(col: string, view: "awarded" | "annualised"): string {
  switch (col) {
    case "view":
      return `'${view}'::text`;
    case "quarter":
      return view === "awarded" ? "quarter" : "0::smallint";
    case "buyer_id":
      return "coalesce(buyer_id, 0)";
    case "cpv4":
      return "left(cpv, 4)";
    default:
      return col;
  }
}

const TYPES: Record<string, string> = {
  view: "text not null",
  fy: "smallint not null",
  quarter: "smallint not null",
  buyer_id: "bigint not null",
  buyer_type: "text not null",
  cpv4: "text not null",
  consultancy: "boolean not null",
  scale_class: "text not null",
  gbp: "boolean not null",
  supplier_id: "bigint not null",
};

function rollupTable(name: string, cols: string[]): string {
  return `
create table ${name} (
  ${cols.map((c) => `${c} ${TYPES[c]}`).join(",\n  ")},
  value_pence bigint not null default 0,
  contracts bigint not null default 0,
  missing_value bigint not null default 0,
  fallback bigint not null default 0,
  primary key (${cols.join(", ")})
);`;
}

/**
 * The rows of a transition table that have a year, plus (when asked) the same
 * rows again as year 0 ("all years"). `line_once` marks the row that counts a
 * supplier's contract, `first_line` the row that counts the contract: in the
 * all-years copy of annualised rows only a line's first year counts, so a
 * contract spread over three years is still one contract.
 */
function withAllYears(rows: string, allYears: boolean, view: "awarded" | "annualised"): string {
  const cols = [
    "supplier_id",
    "buyer_id",
    "buyer_type",
    "cpv",
    "consultancy",
    "scale_class",
    "gbp",
    ...(view === "awarded" ? ["quarter"] : []),
    "value_pence",
    "missing_value",
    "fallback",
  ].join(", ");
  const once = `select ${cols}, fy, true as line_once, first_line from ${rows} where fy is not null`;
  if (!allYears) return `(${once})`;
  const firstYear = view === "annualised" ? "first_year" : "true";
  return `(${once}
    union all select ${cols}, 0::smallint as fy, ${firstYear} as line_once, first_line and ${firstYear} as first_line
    from ${rows} where fy is not null)`;
}

/**
 * One INSERT … ON CONFLICT per rollup, summing a transition table with a sign.
 * For supplier rollups every line is a contract of that supplier; elsewhere a
 * contract counts once, on its first line (first_line).
 */
export function rollupUpserts(rows: string, sign: 1 | -1, view: "awarded" | "annualised"): string {
  const s = sign === 1 ? "" : "-";
  const upserts = Object.entries(ROLLUPS).map(([name, { cols, allYears }]) => {
    const perLine = cols.includes("supplier_id");
    const exprs = cols.map((c) => source(c, view));
    const counted = perLine ? "line_once" : "first_line";
    const positions = exprs.map((_, i) => i + 1).join(", ");
    // The comment before INSERT keeps runScript from splitting the function body here.
    return `
  /* ${name} */ insert into ${name} (${cols.join(", ")}, value_pence, contracts, missing_value, fallback)
  select ${exprs.join(", ")},
    ${s}sum(value_pence)::bigint,
    ${s}count(*) filter (where ${counted}),
    ${s}count(*) filter (where ${counted} and missing_value),
    ${s}count(*) filter (where ${counted} and fallback)
  from ${withAllYears(rows, allYears, view)} r
  group by ${positions}
  order by ${positions}
  on conflict (${cols.join(", ")}) do update set
    value_pence = ${name}.value_pence + excluded.value_pence,
    contracts = ${name}.contracts + excluded.contracts,
    missing_value = ${name}.missing_value + excluded.missing_value,
    fallback = ${name}.fallback + excluded.fallback;`;
  });
  // Concentration: each supplier's GBP value per view and year (and all years, fy = 0), and per
  // view and year the total and the sum of squares of the positive values, updated by the change
  // in each supplier's square (new² − old²), exactly, in numeric.
  upserts.push(`
  /* spend_concentration */ with d as (
    select fy, supplier_id, sum(value_pence)::bigint as delta, count(*) filter (where line_once) as dc
    from ${withAllYears(rows, true, view)} r where gbp
    group by 1, 2
  ), up as (
    insert into spend_supplier_total as t (view, fy, supplier_id, value_pence, contracts)
    select '${view}', fy, supplier_id, ${s}delta, ${s}dc from d order by 2, 3
    on conflict (view, fy, supplier_id) do update set
      value_pence = t.value_pence + excluded.value_pence, contracts = t.contracts + excluded.contracts
    returning t.fy, t.supplier_id, t.value_pence as new_v
  ), z as (
    select up.fy, greatest(up.new_v, 0)::numeric as new_v, greatest(up.new_v - ${s}d.delta, 0)::numeric as old_v
    from up join d using (fy, supplier_id)
  )
  insert into spend_concentration as c (view, fy, total_pence, sum_squares, suppliers)
  select '${view}', fy, sum(new_v - old_v), sum(new_v * new_v - old_v * old_v),
    count(*) filter (where new_v > 0 and old_v = 0) - count(*) filter (where new_v = 0 and old_v > 0)
  from z group by fy order by fy
  on conflict (view, fy) do update set
    total_pence = c.total_pence + excluded.total_pence,
    sum_squares = c.sum_squares + excluded.sum_squares,
    suppliers = c.suppliers + excluded.suppliers;`);
  // Every change bumps the data version, which keys the dashboards' caches.
  upserts.push(`
  /* spend_version */ update spend_version set version = version + 1, changed_at = now();`);
  return upserts.join("\n");
}

function triggers(table: "spend_lines" | "spend_annual", view: "awarded" | "annualised"): string {
  return `
create function ${table}_added() returns trigger language plpgsql as $$
begin
${rollupUpserts("new_rows", 1, view)}
  return null;
end $$;
create function ${table}_removed() returns trigger language plpgsql as $$
begin
${rollupUpserts("old_rows", -1, view)}
  return null;
end $$;
create trigger ${table}_added after insert on ${table}
  referencing new table as new_rows for each statement execute function ${table}_added();
create trigger ${table}_removed after delete on ${table}
  referencing old table as old_rows for each statement execute function ${table}_removed();
create trigger ${table}_no_update before update on ${table}
  for each row execute function refuse_change();`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
create function register_fy(ts timestamptz) returns smallint language sql stable as $$
  select (extract(year from ((ts at time zone 'Europe/London')::date - interval '3 months')))::smallint
$$;

create table spend_lines (
  ocid text not null,
  line smallint not null,
  supplier_id bigint not null,
  buyer_id bigint,
  buyer_type text not null,
  cpv text not null,
  consultancy boolean not null,
  scale_class text not null check (scale_class in ('sme','large','unknown')),
  gbp boolean not null,
  fy smallint,
  quarter smallint,
  value_pence bigint not null,
  first_line boolean not null,
  missing_value boolean not null,
  fallback boolean not null default false,
  primary key (ocid, line)
);
create index spend_lines_buyer on spend_lines (buyer_id, fy);
create index spend_lines_supplier on spend_lines (supplier_id, fy);
create index spend_lines_fy on spend_lines (fy, buyer_type);
create index spend_lines_cpv on spend_lines (cpv text_pattern_ops);

create table spend_annual (
  ocid text not null,
  line smallint not null,
  fy smallint not null,
  supplier_id bigint not null,
  buyer_id bigint,
  buyer_type text not null,
  cpv text not null,
  consultancy boolean not null,
  scale_class text not null,
  gbp boolean not null,
  value_pence bigint not null,
  first_line boolean not null,
  first_year boolean not null,
  missing_value boolean not null,
  fallback boolean not null,
  primary key (ocid, line, fy)
);
create index spend_annual_buyer on spend_annual (buyer_id, fy);
create index spend_annual_supplier on spend_annual (supplier_id, fy);
create index spend_annual_fy on spend_annual (fy, buyer_type);
create index spend_annual_cpv on spend_annual (cpv text_pattern_ops);
${Object.entries(ROLLUPS)
  .map(([name, { cols }]) => rollupTable(name, cols))
  .join("\n")}
create index spend_supplier_fy_year on spend_supplier_fy (view, fy, consultancy, gbp);

create table spend_supplier_total (
  view text not null,
  fy smallint not null,
  supplier_id bigint not null,
  value_pence bigint not null default 0,
  contracts bigint not null default 0,
  primary key (view, fy, supplier_id)
);
create index spend_supplier_total_top on spend_supplier_total (view, fy, value_pence desc);

create table spend_version (
  id smallint primary key default 1 check (id = 1),
  version bigint not null default 0,
  changed_at timestamptz not null default now()
);
insert into spend_version (id) values (1);

create table spend_concentration (
  view text not null,
  fy smallint not null,
  total_pence numeric not null default 0,
  sum_squares numeric not null default 0,
  suppliers bigint not null default 0,
  primary key (view, fy)
);
${triggers("spend_lines", "awarded")}
${triggers("spend_annual", "annualised")}
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
drop table if exists spend_lines, spend_annual cascade;
drop function if exists spend_lines_added, spend_lines_removed, spend_annual_added, spend_annual_removed cascade;
drop table if exists ${Object.keys(ROLLUPS).join(", ")}, spend_supplier_total, spend_concentration, spend_version cascade;
drop function if exists register_fy;
`,
  );
}
