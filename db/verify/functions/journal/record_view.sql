-- Verify platform:functions/journal/record_view on pg

begin;

select 1 / pg_catalog.has_function_privilege('authenticated', 'journal.record_view(uuid)', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('public', 'journal.record_view(uuid)', 'execute'))::int;

rollback;
