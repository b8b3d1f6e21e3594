-- Verify platform:schema/core/auth_scoped_roles on pg

begin;

-- The audit triggers by either name: audit_row, platform-2.0's row trigger, or
-- audit_insert (with audit_update and audit_delete), the statement triggers of the
-- schema/core/audit_log rework.

select user_id, scope_kind, scope_id, role, granted_at from auth.scoped_roles where false;
select 1 / (select relrowsecurity::int from pg_catalog.pg_class where oid = 'auth.scoped_roles'::regclass);
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'auth.scoped_roles'::regclass and tgname in ('audit_row', 'audit_insert');

rollback;
