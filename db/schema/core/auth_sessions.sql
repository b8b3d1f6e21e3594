-- Deploy platform:schema/core/auth_sessions to pg
-- requires: schema/core/auth_users
--
-- A session starts at login (or register) and ends when revoked (logout,
-- password change, refresh-token reuse) or expired. Access tokens carry the
-- session id (`sid`); the pre-request check refuses tokens of a revoked
-- session. Refresh tokens are opaque, stored only as SHA-256 hashes, and
-- rotate on every use: a rotated token presented again revokes its session.

begin;

set local search_path = '';

create table auth.sessions (
  id uuid primary key default pg_catalog.gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default pg_catalog.now(),
  refreshed_at timestamptz,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text constraint sessions_revoked_reason check (
    revoked_reason in ('logout', 'password_change', 'refresh_token_reuse', 'privilege_change', 'admin')),
  constraint sessions_revocation_complete check ((revoked_at is null) = (revoked_reason is null))
);
create index sessions_user_id_idx on auth.sessions (user_id);
comment on table auth.sessions is 'Login sessions; access tokens name theirs in the `sid` claim.';

create table auth.refresh_tokens (
  token_hash bytea primary key constraint refresh_tokens_hash_length check (pg_catalog.length(token_hash) = 32),
  session_id uuid not null references auth.sessions (id) on delete cascade,
  issued_at timestamptz not null default pg_catalog.now(),
  rotated_at timestamptz
);
create index refresh_tokens_session_id_idx on auth.refresh_tokens (session_id);
comment on table auth.refresh_tokens is 'SHA-256 of each issued refresh token; rotated_at set when exchanged.';

alter table auth.sessions enable row level security;
alter table auth.refresh_tokens enable row level security;

commit;
