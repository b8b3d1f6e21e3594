-- Verify platform:schema/core/roles on pg

begin;

select 1 / count(*) from pg_catalog.pg_roles
 where rolname = 'authenticator' and rolcanlogin and not rolinherit and not rolsuper;
select 1 / count(*) from pg_catalog.pg_roles where rolname = 'anon' and not rolcanlogin;
select 1 / count(*) from pg_catalog.pg_roles where rolname = 'authenticated' and not rolcanlogin;
select 1 / count(*) from pg_catalog.pg_roles where rolname = 'platform_jobs' and rolcanlogin;
select 1 / (pg_catalog.pg_has_role('authenticator', 'anon', 'member')
        and pg_catalog.pg_has_role('authenticator', 'authenticated', 'member'))::int;
select 1 / (not pg_catalog.pg_has_role('authenticator', 'platform_jobs', 'member'))::int;

rollback;
