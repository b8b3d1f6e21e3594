-- Verify platform:functions/core/auth_scoped_roles on pg

begin;

select 1 / pg_catalog.has_function_privilege('authenticated', 'auth.scopes_with_role(text, text[])', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'auth.scopes_with_role(text, text[])', 'execute'))::int;
select 1 / pg_catalog.has_function_privilege('authenticated', 'auth.has_scoped_role(text, bigint, text[])', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('authenticated', 'auth.grant_scoped_role(text, text, bigint, text)', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('authenticated', 'auth.revoke_scoped_role(text, text, bigint, text)', 'execute'))::int;
select 1 / count(*) from platform.api_functions where signature = 'auth.scopes_with_role(text,text[])';

rollback;
