import type { Kysely } from "kysely";
import { runScript } from "./run-script";

/**
 * Accounts, sessions, drafts and the audit log for publishing (issue 4).
 *
 * - users: admins and publishers; passwords as scrypt hashes
 *   (`scrypt$N$r$p$salt$hash`, base64url), never in clear.
 * - user_buyers: the buyer organisations a publisher may act for.
 * - sessions: server-side sessions. The cookie carries a random 32-byte id
 *   (signed with SESSION_SECRET); the table keeps only its SHA-256, so a copy
 *   of the table cannot be replayed as cookies. Revoked = revoked_at set.
 * - login_attempts: failed sign-ins by account and by address, for
 *   throttling shared by every instance of the app.
 * - drafts: notice forms saved per user (raw field values), so nothing typed
 *   is lost to an expired session or a conflict; bulk uploads awaiting commit.
 * - audit_log: append-only (who, when, what, from where). The database
 *   refuses UPDATE, DELETE and TRUNCATE on it with refuse_change() from 0001.
 *   idempotency_key is unique: a double-submitted form publishes once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
create table users (
  id bigserial primary key,
  email text not null,
  name text not null,
  role text not null check (role in ('admin','publisher')),
  password_hash text not null,
  created_at timestamptz not null default now(),
  disabled_at timestamptz
);
create unique index users_email on users (lower(email));

create table user_buyers (
  user_id bigint not null references users(id),
  buyer_id bigint not null references organisations(id),
  created_at timestamptz not null default now(),
  primary key (user_id, buyer_id)
);
create index user_buyers_buyer on user_buyers (buyer_id);

create table sessions (
  id text primary key,
  user_id bigint not null references users(id),
  csrf_token text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  ip text,
  user_agent text
);
create index sessions_user on sessions (user_id);

create table login_attempts (
  id bigserial primary key,
  email text not null,
  ip text not null,
  at timestamptz not null default now()
);
create index login_attempts_email on login_attempts (email, at);
create index login_attempts_ip on login_attempts (ip, at);

create table drafts (
  id bigserial primary key,
  user_id bigint not null references users(id),
  kind text not null,
  ocid text,
  buyer_id bigint,
  title text,
  fields jsonb not null,
  based_on integer,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index drafts_user on drafts (user_id, updated_at);

create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  user_id bigint references users(id),
  user_email text,
  action text not null,
  ocid text,
  release_ids text[] not null default '{}',
  buyer_id bigint,
  summary text not null,
  details jsonb,
  ip text,
  user_agent text,
  idempotency_key text unique
);
create index audit_log_at on audit_log (at desc, id desc);
create index audit_log_user on audit_log (user_id, id desc);
create index audit_log_ocid on audit_log (ocid) where ocid is not null;
create trigger audit_log_immutable before update or delete on audit_log
  for each row execute function refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function refuse_change();
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
drop table if exists audit_log cascade;
drop table if exists drafts, login_attempts, sessions, user_buyers, users cascade;
`,
  );
}
