-- Revert platform:schema/core/auth_scoped_roles from pg

begin;

select audit.disable('auth.scoped_roles');
drop table auth.scoped_roles;

commit;
