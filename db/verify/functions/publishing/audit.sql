-- Verify platform:functions/publishing/audit on pg

begin;

-- The audit triggers by either name: audit_row, platform-2.0's row trigger, or
-- audit_insert (with audit_update and audit_delete), the statement triggers of the
-- schema/core/audit_log rework.

select 1 / (pg_catalog.count(*) = 11)::int from pg_catalog.pg_trigger t
  join pg_catalog.pg_class c on c.oid = t.tgrelid
 where c.relnamespace = 'publishing'::regnamespace and t.tgname in ('audit_row', 'audit_insert');

rollback;
