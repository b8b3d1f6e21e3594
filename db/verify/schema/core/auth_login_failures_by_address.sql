-- Verify platform:schema/core/auth_login_failures_by_address on pg
-- Verify scripts raise: select ... where false, 1/count(*), has_*_privilege checks.

begin;

select address, email, failures, last_failed_at, locked_until
  from auth.login_failures_by_address where false;
select max_failed_logins_per_address, email_failure_ceiling from auth.config where false;
select 1 / count(*) from pg_catalog.pg_class
 where oid = 'auth.login_failures_by_address'::regclass and relrowsecurity;

rollback;
