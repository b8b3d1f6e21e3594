-- Revert platform:schema/core/auth_login_failures_by_address from pg
-- A revert really reverts: drop exactly what the deploy created.

begin;

set local lock_timeout = '5s';

alter table auth.config
  drop column max_failed_logins_per_address,
  drop column email_failure_ceiling;
drop table auth.login_failures_by_address;

commit;
