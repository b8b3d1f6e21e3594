-- Deploy platform:functions/core/auth_throttle_prune to pg
-- requires: functions/core/auth_throttle
-- requires: functions/core/platform_jobs
--
-- The throttle's rows are only worth keeping while they can still lock someone out:
-- a failure older than lockout_max is forgotten by the next failure anyway. Without a
-- prune, a spray from many addresses (or many e-mails) would grow
-- auth.login_failures and auth.login_failures_by_address for good. Job
-- auth.prune_login_failures, every hour.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create function auth.prune_login_failures() returns integer
language sql volatile
set search_path = ''
as $$
  with cfg as (select c.lockout_max from auth.config c),
  by_email as (
    delete from auth.login_failures f using cfg
     where f.last_failed_at < pg_catalog.now() - cfg.lockout_max
       and (f.locked_until is null or f.locked_until <= pg_catalog.now())
    returning 1
  ),
  by_address as (
    delete from auth.login_failures_by_address f using cfg
     where f.last_failed_at < pg_catalog.now() - cfg.lockout_max
       and (f.locked_until is null or f.locked_until <= pg_catalog.now())
    returning 1
  )
  select ((select pg_catalog.count(*) from by_email) + (select pg_catalog.count(*) from by_address))::integer
$$;
comment on function auth.prune_login_failures() is
  'Forget failed logins older than the lock-out window that lock nobody; answers the rows removed.';
revoke execute on function auth.prune_login_failures() from public;

select platform.schedule_job('auth.prune_login_failures', '1 hour', 'auth.prune_login_failures()');

commit;
