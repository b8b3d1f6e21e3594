-- Verify platform:functions/journal/search_entries on pg

begin;

select pg_catalog.has_function_privilege('journal.search_entries(text, uuid[], boolean, date, date, boolean, integer, text)', 'execute');
select 1/(not p.prosecdef)::integer from pg_catalog.pg_proc p
 where p.oid = 'journal.search_entries(text, uuid[], boolean, date, date, boolean, integer, text)'::pg_catalog.regprocedure;
select 1/p.prosecdef::integer from pg_catalog.pg_proc p
 where p.oid = 'journal_private.search_hits(tsquery, text, uuid[], boolean, date, date, boolean, integer, text, real, date, uuid)'::pg_catalog.regprocedure;

rollback;
