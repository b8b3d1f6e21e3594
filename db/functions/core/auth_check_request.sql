-- Deploy platform:functions/core/auth_check_request to pg
-- requires: functions/core/auth_check_request@platform-2.0
-- requires: functions/core/auth_cookies
--
-- Rework (issue 21): the pre-request hook also accepts the access cookie.
-- PostgREST verifies only the Authorization header's JWT; a request that sends
-- the __Host-access cookie instead reaches the hook as an anonymous one (role
-- anon, claims {"role": "anon"}). The hook then asks auth.request_claims (the
-- one cookie rule, shared with the gateway: signature and claims verified in
-- SQL, live session, X-CSRF-Token on state-changing methods, Origin) and
-- switches to the token's role and claims exactly as PostgREST does for a
-- Bearer token, so row-level security sees the user:
--     set_config('request.jwt.claims', claims), set_config('role', 'authenticated')
-- both transaction-local. It marks the request `auth.session_via = cookie`,
-- so login, refresh and change_password answer with cookies.
--   * A Bearer token (any claims PostgREST verified) is checked as before, by
--     auth.check_session: a user's token needs exp, sid and a live session
--     (401 auth.token_incomplete, auth.session_revoked); cookies are ignored.
--   * Anonymous without the cookie: one setting read and one string search.
-- No longer SECURITY DEFINER: PostgreSQL refuses `set role` inside a definer
-- function. The definer work (sessions, the secret) is in auth.check_session
-- and auth.request_claims. The SET clause (search_path) does not undo the role
-- change: only the clause's own setting is restored when the function returns.
-- A cookie request refused for lack of a privilege answers 401, not 403:
-- PostgREST decides that from the role it started with (anon).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create or replace function auth.check_request() returns void
language plpgsql volatile
security invoker
set search_path = ''
as $$
declare
  claims jsonb := auth.claims();
  cookies text;
begin
  if auth.claims_principal(claims) <> 'anonymous' then
    perform auth.check_session(claims);
    return;
  end if;
  cookies := pg_catalog.current_setting('request.cookies', true);
  if cookies is null or pg_catalog.strpos(cookies, '"__Host-access"') = 0 then
    return;
  end if;
  claims := auth.request_claims(pg_catalog.current_setting('request.method', true),
                                pg_catalog.current_setting('request.headers', true)::jsonb,
                                cookies::jsonb);
  if claims is not null then
    perform pg_catalog.set_config('request.jwt.claims', claims::text, true);
    perform pg_catalog.set_config('auth.session_via', 'cookie', true);
    perform pg_catalog.set_config('role', claims ->> 'role', true);
  end if;
end
$$;
comment on function auth.check_request() is
  'PostgREST db-pre-request: refuse tokens without exp/sid or of revoked sessions; accept the access cookie (CSRF checked).';

select platform.forget_api_function('auth.check_request()');
select platform.declare_api_function('core', 'auth.check_request()',
  array['anon', 'authenticated'],
  'PostgREST''s db-pre-request runs it as the caller on every request (invoker: it switches role for cookie sessions).');

commit;
