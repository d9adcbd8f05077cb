import type { Kysely } from "kysely";
import { runScript } from "./run-script";

/**
 * Import bookkeeping (issue 5).
 *
 * - import_runs: one row per `npm run import` (or importSources call): its
 *   inputs, its running counts (updated inside each batch's own transaction,
 *   so after a crash the row says how far the committed batches got), and at
 *   the end its status and report (the summary, with the first rejections).
 *   The releases themselves carry their provenance in releases.source
 *   (`import:<file or URL>`).
 * - releases_unwrap_json: a release's JSON must be stored as a JSON object.
 *   The bulk writer sends each release as JSON text inside the jsonb row
 *   set, which jsonb_populate_recordset keeps as a jsonb *string*; readers
 *   (recompiling a process from its stored releases, the OCDS export) need
 *   the object. The trigger parses such a string once, on insert (only rows
 *   whose data is a string pay for it), and the rows already stored as
 *   strings are converted here (releases are otherwise append-only: the
 *   immutability trigger is paused for this one statement).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
create table import_runs (
  id bigserial primary key,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  status text not null default 'running' check (status in ('running', 'done', 'failed')),
  inputs text[] not null,
  releases_read integer not null default 0,
  imported integer not null default 0,
  unchanged integer not null default 0,
  rejected integer not null default 0,
  report jsonb
);
create index import_runs_started on import_runs (started_at desc);

create function releases_unwrap_json() returns trigger language plpgsql as $$
begin
  new.data := (new.data #>> '{}')::jsonb;
  return new;
end $$;
create trigger releases_unwrap_json before insert on releases
  for each row when (jsonb_typeof(new.data) = 'string') execute function releases_unwrap_json();

alter table releases disable trigger releases_immutable;
update releases set data = (data #>> '{}')::jsonb where jsonb_typeof(data) = 'string';
alter table releases enable trigger releases_immutable;
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
drop trigger if exists releases_unwrap_json on releases;
drop function if exists releases_unwrap_json();
drop table if exists import_runs;
`,
  );
}
