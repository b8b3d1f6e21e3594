-- Verify platform:functions/core/unfiltered_writes on pg

begin;

select 1 / (not pg_catalog.has_function_privilege('anon', 'platform.refuse_unfiltered_write()', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('authenticated',
  'platform.refuse_unfiltered_writes(regclass)', 'execute'))::int;
select 'platform.allow_unfiltered_writes(regclass)'::pg_catalog.regprocedure;

rollback;
