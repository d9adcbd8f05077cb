import type { Kysely } from "kysely";
import { runScript } from "./run-script";

/**
 * One counter for "anything a public page shows has changed": statement
 * triggers on the tables public pages read (processes — every write of the
 * register replaces its processes —, organisations and their groups and
 * aliases, flags, register_meta: thresholds in force, the demonstration
 * mark) bump `data_version` in the writing transaction, so the
 * page cache (app/server/page-cache.server.ts), keyed on it together with
 * spend_version (the rollups), can never serve a page older than the data.
 */
const TABLES = ["processes", "organisations", "org_groups", "organisation_aliases", "flags", "register_meta"];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
create table data_version (
  id smallint primary key default 1 check (id = 1),
  version bigint not null default 0,
  changed_at timestamptz not null default now()
);
insert into data_version (id) values (1);
create function bump_data_version() returns trigger language plpgsql as $$
begin
  update data_version set version = version + 1, changed_at = now();
  return null;
end $$;
${TABLES.map(
  (t) => `create trigger ${t}_data_version after insert or update or delete or truncate on ${t}
  for each statement execute function bump_data_version();`,
).join("\n")}
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
${TABLES.map((t) => `drop trigger if exists ${t}_data_version on ${t};`).join("\n")}
drop function if exists bump_data_version();
drop table if exists data_version;
`,
  );
}
