-- Deploy platform:functions/core/auth_check_request to pg
-- requires: schema/core/auth_sessions
-- requires: functions/core/auth_claims
-- requires: functions/core/platform_errors
--
-- PostgREST's `db-pre-request` hook: runs before every request, after the
-- JWT signature and `exp` were checked and the role was switched.
-- PostgREST 12 does not require `exp` nor know about sessions, so this does:
--   * anonymous requests pass; who a token makes the caller is decided by
--     auth.claims_principal (functions/auth_claims), the rule the realtime
--     gateway shares: a token that is neither anonymous nor a user's
--     (e.g. `sub` and `sid` under role anon) is refused (401
--     auth.token_incomplete);
--   * any token must carry a numeric `exp` and a session id `sid`
--     (401 auth.token_incomplete);
--   * the session must be live and belong to `sub` (401 auth.session_revoked):
--     logout, password change and refresh-token reuse take effect on the
--     very next request, not when the access token expires.
-- One primary-key lookup; SECURITY DEFINER because API roles cannot read
-- auth.sessions.

begin;

set local search_path = '';

create function auth.check_request() returns void
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  claims jsonb := auth.claims();
  session_id text;
  live boolean;
begin
  case auth.claims_principal(claims)
    when 'anonymous' then
      return;
    when 'invalid' then
      perform platform.raise_error(401, 'auth.token_incomplete',
        'the access token must have the role authenticated and name a user (sub)', null,
        'log in to get a complete token');
    else
      null;  -- a user's token: check it below
  end case;
  if pg_catalog.jsonb_typeof(claims -> 'exp') is distinct from 'number' then
    perform platform.raise_error(401, 'auth.token_incomplete',
      'the access token has no expiry (exp)', null, 'log in to get a complete token');
  end if;
  session_id := claims ->> 'sid';
  if session_id is null
     or session_id !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    perform platform.raise_error(401, 'auth.token_incomplete',
      'the access token names no session (sid)', null, 'log in to get a complete token');
  end if;
  select s.revoked_at is null
         and s.expires_at > pg_catalog.now()
         and s.user_id::text = claims ->> 'sub'
    into live
    from auth.sessions s
   where s.id = session_id::uuid;
  if live is distinct from true then
    perform platform.raise_error(401, 'auth.session_revoked',
      'the session of this access token has ended', null, 'log in again');
  end if;
end
$$;
comment on function auth.check_request() is
  'PostgREST db-pre-request: refuse tokens without exp/sid and tokens of revoked sessions.';

revoke execute on function auth.check_request() from public;
grant execute on function auth.check_request() to anon, authenticated;
select platform.declare_api_function('core', 'auth.check_request()',
  array['anon', 'authenticated'],
  'PostgREST''s db-pre-request runs it as the caller on every request (definer: reads auth.sessions).');

commit;
