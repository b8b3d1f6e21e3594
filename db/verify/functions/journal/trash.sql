-- Verify platform:functions/journal/trash on pg

begin;

select id, deleted_at from journal.trash where false;
select 1 / pg_catalog.has_function_privilege('authenticated', 'journal.restore_entry(uuid)', 'execute')::int;
select 1 / pg_catalog.has_function_privilege('authenticated', 'journal.purge_entry(uuid)', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('public', 'journal.purge_entry(uuid)', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'journal_private.purge_trash()', 'execute'))::int;
select 1 / pg_catalog.count(*) from platform.jobs where name = 'journal.purge_trash';

rollback;
