import type { Kysely } from "kysely";
import { runScript } from "./run-script";

/**
 * Red flags and opportunities (issue 6).
 *
 * - flags: the stored outcome of each red-flag rule for each contract, with
 *   the evidence the rule used and the threshold in force (in words). Only
 *   `flagged` and `unknown` ("cannot tell") outcomes are stored; a rule with
 *   no row for a contract was checked and raised nothing. Rows are replaced
 *   whenever their contract is written (app/services/flags.server.ts) and all
 *   of them by `npm run flags:recompute`. No foreign key: the writer replaces
 *   a process's flags itself, and bulk recomputes stay fast.
 * - flag_peers: the rows the cross-contract rules compare (one per contract
 *   and supplier: buyer, supplier, award date, the supplier's share of the
 *   value, competitive or not), indexed by buyer and supplier so that a
 *   contract's peers are one index range away.
 * - process_extras: compiled fields the core tables do not keep (procedure
 *   justification, tender start, first publication of the award, termination
 *   reason, number of lots), so flags can be recomputed from the database
 *   without recompiling every release, and the opportunities list can show lots.
 * - Partial indexes for the opportunities list (open and planned processes
 *   only: a few per cent of the register), one per sort order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
create table flags (
  ocid text not null,
  code text not null,
  status text not null check (status in ('flagged','unknown')),
  evidence jsonb not null,
  threshold text not null,
  computed_at timestamptz not null default now(),
  primary key (ocid, code)
);
create index flags_code_status on flags (code, status, ocid);

create table flag_peers (
  ocid text not null,
  buyer_id bigint,
  supplier_id bigint not null,
  award_date timestamptz,
  value_pence bigint,
  non_competitive boolean
);
create index flag_peers_pair on flag_peers (buyer_id, supplier_id, award_date);
create index flag_peers_ocid on flag_peers (ocid);

create table process_extras (
  ocid text primary key,
  method_rationale text,
  tender_start_date timestamptz,
  award_published_at timestamptz,
  termination_reason text,
  lot_count integer not null default 0
);

create index processes_opportunities_deadline on processes ((coalesce(tender_deadline, 'infinity'::timestamptz)), ocid)
  where status in ('open', 'planned');
create index processes_opportunities_newest on processes (sort_date, ocid)
  where status in ('open', 'planned');
create index processes_opportunities_value on processes ((coalesce(tender_value_pence, -1)), ocid)
  where status in ('open', 'planned');
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
drop index if exists processes_opportunities_deadline;
drop index if exists processes_opportunities_newest;
drop index if exists processes_opportunities_value;
drop table if exists flags, flag_peers, process_extras;
`,
  );
}
