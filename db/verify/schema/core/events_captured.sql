-- Verify platform:schema/core/events_captured on pg

begin;

select id, source, op, changed_rows, row_count, actor, transaction_id, created_at
  from events.captured where false;
select 1 / pg_catalog.count(*) from pg_catalog.pg_class
 where oid = 'events.captured'::regclass and relrowsecurity;

rollback;
