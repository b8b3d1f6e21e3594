-- Revert platform:schema/core/auth_audit from pg

begin;

select audit.disable('auth.user_privileges');
select audit.disable('auth.users');

commit;
