-- Verify platform:functions/core/api_refresh on pg

begin;

select 1 / pg_catalog.has_function_privilege('anon', 'api.refresh(text)', 'execute')::int;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_proc
             where oid = 'api.refresh(text)'::regprocedure
               and prosecdef and proconfig @> array['search_path=""'])::int;

rollback;
