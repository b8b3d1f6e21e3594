-- Revert platform:rls/core/auth_scoped_roles from pg

begin;

select platform.forget_lint_exception('private_relation_api_access', 'auth.scoped_roles');
drop policy "users read their own scoped roles" on auth.scoped_roles;
revoke select on auth.scoped_roles from authenticated;

commit;
