-- Verify platform:schema/core/auth_sessions on pg

begin;

select id, user_id, created_at, refreshed_at, expires_at, revoked_at, revoked_reason
  from auth.sessions where false;
select token_hash, session_id, issued_at, rotated_at from auth.refresh_tokens where false;
select 1 / (not pg_catalog.has_table_privilege('authenticated', 'auth.refresh_tokens', 'select'))::int;

rollback;
