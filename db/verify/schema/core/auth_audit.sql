-- Verify platform:schema/core/auth_audit on pg

begin;

select 1 / pg_catalog.count(*) from pg_catalog.pg_trigger
 where tgrelid = 'auth.users'::regclass and tgname = 'audit_row';
select 1 / pg_catalog.count(*) from pg_catalog.pg_trigger
 where tgrelid = 'auth.user_privileges'::regclass and tgname = 'audit_row';

rollback;
