-- Verify platform:schema/core/auth_config on pg

begin;

select singleton, jwt_secret, access_token_ttl, refresh_token_ttl, max_failed_logins,
       lockout_base, lockout_max, bcrypt_cost
  from auth.config where false;
select 1 / (select count(*) from auth.config);
select 1 / (not pg_catalog.has_table_privilege('anon', 'auth.config', 'select'))::int;
select 1 / (not pg_catalog.has_table_privilege('authenticated', 'auth.config', 'select'))::int;
select 1 / (not pg_catalog.has_function_privilege('authenticated', 'auth.set_jwt_secret(text)', 'execute'))::int;

rollback;
