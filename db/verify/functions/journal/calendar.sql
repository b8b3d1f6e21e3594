-- Verify platform:functions/journal/calendar on pg

begin;

select 1 / pg_catalog.has_function_privilege('authenticated', 'journal.calendar(text)', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('public', 'journal.calendar(text)', 'execute'))::int;

rollback;
