-- Verify platform:schema/core/auth_login_failures on pg

begin;

select email, failures, last_failed_at, locked_until from auth.login_failures where false;

rollback;
