-- Deploy platform:functions/core/auth_claims to pg
-- requires: schema/core/namespaces
-- requires: schema/core/modules
--
-- What policies ask about the caller. PostgREST puts the verified JWT claims
-- in the transaction-local setting `request.jwt.claims`; the gateway sets the
-- same setting when it asks SQL on a subscriber's behalf. All three are STABLE
-- and cheap: call them in policies as `(select auth.uid())` so they run once
-- per statement, not once per row.
--
-- No `set search_path` clause: a SET clause stops PostgreSQL from inlining a
-- SQL function (16 us per call instead of 2 us, measured), and these run on
-- every request. Their bodies are SQL-standard (`return ...`) instead: parsed
-- when the function is created (under this script's empty search_path), so
-- no name in them is looked up again at run time, and still inlined.

begin;

set local search_path = '';

create function auth.claims() returns jsonb
language sql stable parallel safe
return coalesce(nullif(pg_catalog.current_setting('request.jwt.claims', true), ''), '{}')::pg_catalog.jsonb;
comment on function auth.claims() is 'The verified JWT claims of the current request ({} when anonymous).';

create function auth.uid() returns uuid
language sql stable parallel safe
return nullif(auth.claims() operator(pg_catalog.->>) 'sub', '')::pg_catalog.uuid;
comment on function auth.uid() is 'The current user''s id (JWT `sub`), or null when anonymous.';

create function auth.has_privilege(privilege text) returns boolean
language sql stable parallel safe
return coalesce((auth.claims() operator(pg_catalog.->) 'privileges') operator(pg_catalog.?) privilege, false);
comment on function auth.has_privilege(text) is
  'Whether the caller holds an app privilege (reader, author, editor, moderator, admin). '
  'The token carries the closure of the user''s privileges, so admin implies editor, and so on.';

-- THE rule from a token's claims to who is calling, shared by PostgREST's
-- pre-request hook (auth.check_request) and the realtime gateway
-- (events.principal_keys), so the two cannot disagree:
--   'anonymous'  no claims, or only {"role": "anon"} (PostgREST's anon role);
--   'user'       role 'authenticated' and a `sub`: that user, once
--                check_request has found the token's session live;
--   'invalid'    anything else, e.g. a `sub` and `sid` under role anon or no
--                role: anonymous to PostgREST's role switch but carrying a
--                user's id, so refused (401) rather than half signed in.
-- A SQL-standard body like the helpers above, not `set search_path`: the pre-request
-- hook calls it on every request, and a SET clause made it a planned function call
-- per request instead of an inlined expression (bench.auth: 13 % fewer requests/s).
create function auth.claims_principal(claims jsonb) returns text
language sql immutable parallel safe
return case
    when claims operator(pg_catalog.-) 'role' = '{}'::pg_catalog.jsonb
         and coalesce(claims operator(pg_catalog.->>) 'role', 'anon') = 'anon' then 'anonymous'
    when claims operator(pg_catalog.->>) 'role' = 'authenticated'
         and coalesce(claims operator(pg_catalog.->>) 'sub', '') <> '' then 'user'
    else 'invalid' end;
comment on function auth.claims_principal(jsonb) is
  'Who a token''s claims make the caller: anonymous, user, or invalid (refused by auth.check_request).';

grant execute on function auth.claims() to anon, authenticated, platform_jobs;
grant execute on function auth.uid() to anon, authenticated, platform_jobs;
grant execute on function auth.has_privilege(text) to anon, authenticated, platform_jobs;
grant execute on function auth.claims_principal(jsonb) to anon, authenticated, platform_jobs;
select platform.declare_api_function('core', 'auth.claims()',
  array['anon', 'authenticated'],
  'Policies and caller-run functions read the request''s own verified JWT claims.');
select platform.declare_api_function('core', 'auth.uid()',
  array['anon', 'authenticated'],
  'Policies and caller-run functions ask who the caller is (the JWT sub).');
select platform.declare_api_function('core', 'auth.has_privilege(text)',
  array['anon', 'authenticated'],
  'Policies and caller-run functions ask whether the caller''s token carries an app privilege.');
select platform.declare_api_function('core', 'auth.claims_principal(jsonb)',
  array['anon', 'authenticated'],
  'The one rule from a token''s claims to who calls; PostgREST''s pre-request hook runs it as the caller.');

commit;
