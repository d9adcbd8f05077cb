import type { Kysely } from "kysely";
import { runScript } from "./run-script";

/**
 * Merging organisations that supplier resolution kept apart (two spellings of
 * one supplier without identifiers, say), so that the merge sticks.
 *
 * - organisation_aliases: a resolution key (app/domain/organisations.ts) that
 *   now means another organisation. Resolution (upsertOrganisations) reads it
 *   before inserting, so a later release naming the merged-away organisation
 *   resolves to the survivor instead of recreating it.
 * - organisations.merged_into / merged_at: set on a merged-away organisation
 *   that something still points at (a publisher's buyer, a draft, the audit
 *   log) and so is kept; one that nothing references is deleted.
 * Written by mergeOrganisations (app/services/organisations-merge.server.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
create table organisation_aliases (
  key text primary key,
  organisation_id bigint not null references organisations(id),
  merged_at timestamptz not null default now(),
  merged_by text
);
create index organisation_aliases_organisation on organisation_aliases (organisation_id);

alter table organisations add column merged_into bigint references organisations(id);
alter table organisations add column merged_at timestamptz;
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
alter table organisations drop column if exists merged_at;
alter table organisations drop column if exists merged_into;
drop table if exists organisation_aliases;
`,
  );
}
