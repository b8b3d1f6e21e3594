-- Verify platform:functions/core/api_login on pg

begin;

select 1 / pg_catalog.has_function_privilege('anon', 'api.login(text, text)', 'execute')::int;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_proc
             where oid = 'api.login(text, text)'::regprocedure
               and prosecdef and proconfig @> array['search_path=""'])::int;
select 1 / pg_catalog.count(*)::int from pg_catalog.pg_proc
 where oid = 'api.login(text, text)'::regprocedure and prosrc like '%auth.deliver_tokens%';

rollback;
