-- Revert platform:functions/core/auth_throttle from pg
--
-- Back to platform-2.0's throttle by e-mail: the rework's functions are dropped and
-- its deploy script (auth_throttle@platform-2.0.sql) creates the old ones again.
--
-- Login throttling, keyed by the email as typed (registered or not). After
-- `max_failed_logins` consecutive failures each further failure locks the
-- email for lockout_base * 2^n, capped at lockout_max. A quiet period of
-- lockout_max forgets old failures.

begin;

set local search_path = '';
set local lock_timeout = '5s';

drop function auth.clear_failed_logins(extensions.citext, inet);
drop function auth.note_failed_login(extensions.citext, inet);
drop function auth.count_login_failure(inet, extensions.citext, integer);
drop function auth.throttled(extensions.citext, inet);

create function auth.throttled(email extensions.citext) returns json
language plpgsql volatile
set search_path = ''
as $$
declare
  locked_until timestamptz;
  wait_seconds integer;
begin
  select f.locked_until into locked_until
    from auth.login_failures f where f.email operator(extensions.=) throttled.email;
  if locked_until is null or locked_until <= pg_catalog.now() then
    return null;
  end if;
  wait_seconds := pg_catalog.ceil(extract(epoch from locked_until - pg_catalog.now()))::integer;
  return platform.error_response(429, 'auth.too_many_attempts',
    'too many failed attempts for this email; try again later', null,
    pg_catalog.format('retry in %s seconds', wait_seconds),
    pg_catalog.json_build_object('Retry-After', wait_seconds::text));
end
$$;
comment on function auth.throttled(extensions.citext) is
  'A 429 error response while the email is locked out, else null.';

create function auth.note_failed_login(email extensions.citext) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  cfg auth.config;
begin
  select * into cfg from auth.config;
  insert into auth.login_failures as f (email, failures, last_failed_at)
  values (note_failed_login.email, 1, pg_catalog.now())
  on conflict on constraint login_failures_pkey do update
     set failures = case when f.last_failed_at < pg_catalog.now() - cfg.lockout_max
                         then 1 else f.failures + 1 end,
         last_failed_at = pg_catalog.now(),
         locked_until = case
           when f.last_failed_at >= pg_catalog.now() - cfg.lockout_max
            and f.failures + 1 >= cfg.max_failed_logins
           then pg_catalog.now() + least(cfg.lockout_max,
                  cfg.lockout_base * pg_catalog.power(2, least(f.failures + 1 - cfg.max_failed_logins, 20)))
         end;
end
$$;
comment on function auth.note_failed_login(extensions.citext) is 'Count a failed login; lock the email past the limit.';

create function auth.clear_failed_logins(email extensions.citext) returns void
language sql volatile
set search_path = ''
as $$
  delete from auth.login_failures f where f.email operator(extensions.=) clear_failed_logins.email
$$;
comment on function auth.clear_failed_logins(extensions.citext) is 'Forget failed logins after a success.';

commit;
