-- Deploy platform:functions/core/platform_errors to pg
-- requires: schema/core/namespaces
-- requires: schema/core/modules
--
-- How every module reports an error to the client: PostgREST's JSON error
-- shape with a stable, dotted `code` ("auth.email_taken"), a `message` that
-- names the field, optional `details` and `hint`, and the HTTP status.
--
-- platform.raise_error raises SQLSTATE 'PGRST' (PostgREST >= 11.2 turns the
-- JSON message into the response body and the detail into status and
-- headers); the transaction rolls back.
--
-- platform.error_response is for the few failures whose bookkeeping must be
-- committed (a failed login counts towards throttling, a reused refresh token
-- revokes its session): it sets the response status and headers through
-- PostgREST's response GUCs and returns the same JSON body instead of raising.

begin;

set local search_path = '';

create function platform.error_body(
  code text, message text, details text default null, hint text default null
) returns json
language sql immutable parallel safe
set search_path = ''
as $$
  select pg_catalog.json_build_object('code', code, 'message', message, 'details', details, 'hint', hint)
$$;
comment on function platform.error_body(text, text, text, text) is
  'The JSON body of an error, in PostgREST''s shape {code, message, details, hint}.';

create function platform.raise_error(
  status integer, code text, message text,
  details text default null, hint text default null, headers json default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  raise sqlstate 'PGRST' using
    message = platform.error_body(code, message, details, hint)::text,
    detail = pg_catalog.json_build_object(
      'status', status,
      'headers', coalesce(headers, case when status = 401
        then pg_catalog.json_build_object('WWW-Authenticate', 'Bearer error="invalid_token"')
        else '{}'::json end))::text;
end
$$;
comment on function platform.raise_error(integer, text, text, text, text, json) is
  'Abort with an HTTP error: status, stable code, message naming the field. Rolls the transaction back.';

-- A statement timeout (SQLSTATE 57014) reaches PostgREST 12.0.2's clients
-- as 500 with code 57014, and no setting changes that mapping. An
-- expensive RPC written in PL/pgSQL traps it and calls this instead:
--   exception when query_canceled then perform platform.raise_timeout();
-- 503 platform.timeout; the wait goes in `details` and `hint`, not in a
-- header: PostgREST 12.0.2 adds `Retry-After: 0` to every 503 itself, and
-- a second Retry-After would make the header unreadable (the front door
-- sets the real one: docs/security-findings.md). Table reads cannot trap
-- the timeout: the front door maps those too.
create function platform.raise_timeout(retry_after integer default 5) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  perform platform.raise_error(503, 'platform.timeout',
    'the request took too long and was stopped',
    pg_catalog.json_build_object('retry_after', retry_after)::text,
    pg_catalog.format('try again in %s seconds, or ask for less', retry_after));
end
$$;
comment on function platform.raise_timeout(integer) is
  'Abort with 503 platform.timeout, the suggested wait in details: what an RPC answers when it traps a statement timeout.';

create function platform.error_response(
  status integer, code text, message text,
  details text default null, hint text default null, headers json default null
) returns json
language plpgsql volatile
set search_path = ''
as $$
begin
  perform pg_catalog.set_config('response.status', status::text, true);
  if headers is not null then
    perform pg_catalog.set_config('response.headers',
      (select pg_catalog.json_agg(pg_catalog.json_build_object(h.key, h.value))::text
         from pg_catalog.json_each_text(headers) h), true);
  end if;
  return platform.error_body(code, message, details, hint);
end
$$;
comment on function platform.error_response(integer, text, text, text, text, json) is
  'Answer with an HTTP error without rolling back (for failures whose bookkeeping must commit).';

grant execute on function platform.error_body(text, text, text, text) to anon, authenticated, platform_jobs;
grant execute on function platform.raise_error(integer, text, text, text, text, json) to anon, authenticated, platform_jobs;
grant execute on function platform.error_response(integer, text, text, text, text, json) to anon, authenticated;
grant execute on function platform.raise_timeout(integer) to anon, authenticated, platform_jobs;
select platform.declare_api_function('core', 'platform.error_body(text, text, text, text)',
  array['anon', 'authenticated'],
  'Builds the JSON error body for functions and triggers that run as the caller; reads no data.');
select platform.declare_api_function('core', 'platform.raise_error(integer, text, text, text, text, json)',
  array['anon', 'authenticated'],
  'Every module''s caller-run functions and triggers raise their client errors through it; reads no data.');
select platform.declare_api_function('core', 'platform.error_response(integer, text, text, text, text, json)',
  array['anon', 'authenticated'],
  'Login and refresh answer errors whose bookkeeping must commit (throttling, token reuse); sets response settings only.');
select platform.declare_api_function('core', 'platform.raise_timeout(integer)',
  array['anon', 'authenticated'],
  'Caller-run RPCs turn a statement timeout into 503 platform.timeout with a retry hint; reads no data.');

commit;
