-- Verify platform:functions/journal/list_entries on pg

begin;

select pg_catalog.has_function_privilege(
  'journal.list_entries(uuid[], boolean, date, date, boolean, text, boolean, date, timestamptz, uuid, integer)', 'execute');
select pg_catalog.has_function_privilege(
  'journal.count_entries(uuid[], boolean, date, date, boolean, text, boolean)', 'execute');

rollback;
