-- Verify platform:functions/core/api_register on pg

begin;

select 1 / pg_catalog.has_function_privilege('anon', 'api.register(text, text, text)', 'execute')::int;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_proc
             where oid = 'api.register(text, text, text)'::regprocedure
               and prosecdef and proconfig @> array['search_path=""'])::int;

rollback;
