-- Verify platform:functions/journal/export on pg

begin;

select 1 / pg_catalog.has_function_privilege('authenticated', 'journal.export_entries(uuid)', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('public', 'journal.export_entries(uuid)', 'execute'))::int;
-- the "any" media type handler: the function returns the domain named */*
select 1 / (pg_catalog.pg_get_function_result('journal.export_entries(uuid)'::regprocedure) = 'journal."*/*"')::int;
select 1 / (not (select p.prosecdef from pg_catalog.pg_proc p where p.oid = 'journal.export_entries(uuid)'::regprocedure))::int;

rollback;
