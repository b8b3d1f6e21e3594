-- Revert platform:rls/core/auth_scoped_roles from pg

begin;

drop policy "users read their own scoped roles" on auth.scoped_roles;
revoke select on auth.scoped_roles from authenticated;

commit;
