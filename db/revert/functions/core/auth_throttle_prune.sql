-- Revert platform:functions/core/auth_throttle_prune from pg

begin;

select platform.unschedule_job('auth.prune_login_failures');
drop function auth.prune_login_failures();

commit;
