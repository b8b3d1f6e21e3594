-- Deploy platform:functions/core/auth_tokens to pg
-- requires: functions/core/auth_tokens@platform-2.0
-- requires: schema/core/auth_sessions_created_from
-- requires: functions/core/auth_cookies
--
-- Rework (issue 21): a session records the client address it was opened from
-- (auth.request_address(): nginx's X-Real-IP, null on the direct ports). The
-- login throttle asks it past an e-mail's failure ceiling: only addresses the
-- account signed in from may still try (functions/core/auth_throttle).
-- auth.base64url gets a SQL-standard body instead of `set search_path`: it is
-- inlined where it is called, where the SET clause made every call a planned
-- function call (13 us instead of 1 us, measured); the cookie path
-- (functions/core/auth_cookies) calls it on every request.
-- The other functions of platform-2.0's script are unchanged.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create or replace function auth.base64url(data bytea) returns text
language sql immutable strict parallel safe
return pg_catalog.translate(pg_catalog.rtrim(pg_catalog.encode(data, 'base64'), '='), E'+/\n', '-_');
comment on function auth.base64url(bytea) is 'Base64url without padding (RFC 7515).';

create or replace function auth.start_session(user_id uuid) returns json
language plpgsql volatile
set search_path = ''
as $$
declare
  session_id uuid;
begin
  insert into auth.sessions (user_id, expires_at, created_from)
  values (start_session.user_id, pg_catalog.now() + (select c.refresh_token_ttl from auth.config c),
          auth.request_address())
  returning id into session_id;
  return auth.issue_tokens(start_session.user_id, session_id);
end
$$;
comment on function auth.start_session(uuid) is
  'Open a session for a user (recording the client address) and issue its first tokens.';

commit;
