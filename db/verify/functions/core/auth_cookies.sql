-- Verify platform:functions/core/auth_cookies on pg

begin;

select 1 / (auth.base64url_decode('-_8') = '\xfbff'::bytea)::int;
select 1 / (auth.base64url_decode('not base64!') is null)::int;
-- no Authorization header and no access cookie: not a cookie request
select 1 / (auth.request_claims('POST', '{}', '{}') is null)::int;
select 1 / (auth.request_claims('GET', '{"authorization": "Bearer x"}', '{"__Host-access": "x"}') is null)::int;
select 1 / pg_catalog.has_function_privilege('anon', 'auth.request_claims(text, jsonb, jsonb)', 'execute')::int;
select 1 / pg_catalog.has_function_privilege('authenticated', 'auth.check_session(jsonb)', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'auth.verify_token(text)', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'auth.csrf_token(uuid, text)', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'auth.deliver_tokens(json, text)', 'execute'))::int;

rollback;
