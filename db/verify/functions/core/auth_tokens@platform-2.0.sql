-- Verify platform:functions/core/auth_tokens on pg

begin;

select 1 / (auth.base64url('\xfbff'::bytea) = '-_8')::int;
select 1 / (pg_catalog.substr(auth.hash_password('correct horse'), 1, 7) = '$2a$10$')::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'auth.sign_jwt(jsonb)', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('authenticated', 'auth.issue_tokens(uuid, uuid)', 'execute'))::int;

rollback;
