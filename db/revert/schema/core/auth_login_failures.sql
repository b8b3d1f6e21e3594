-- Revert platform:schema/core/auth_login_failures from pg

begin;

drop table auth.login_failures;

commit;
