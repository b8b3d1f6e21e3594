-- Verify platform:schema/core/auth_audit on pg

begin;

-- The audit triggers by either name: audit_row, platform-2.0's row trigger, or
-- audit_insert (with audit_update and audit_delete), the statement triggers of the
-- schema/core/audit_log rework.

select 1 / pg_catalog.count(*) from pg_catalog.pg_trigger
 where tgrelid = 'auth.users'::regclass and tgname in ('audit_row', 'audit_insert');
select 1 / pg_catalog.count(*) from pg_catalog.pg_trigger
 where tgrelid = 'auth.user_privileges'::regclass and tgname in ('audit_row', 'audit_insert');

rollback;
