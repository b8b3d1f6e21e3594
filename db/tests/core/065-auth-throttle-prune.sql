-- The throttle forgets what can no longer lock anyone out: the hourly job
-- auth.prune_login_failures.
begin;
select plan(6);

update auth.config set lockout_max = '15 minutes';

insert into auth.login_failures (email, failures, last_failed_at, locked_until) values
  ('old@example.test', 9, now() - interval '2 hours', null),
  ('recent@example.test', 2, now() - interval '1 minute', null),
  ('still-locked@example.test', 9, now() - interval '2 hours', now() + interval '5 minutes');
insert into auth.login_failures_by_address (address, email, failures, last_failed_at, locked_until) values
  ('203.0.113.1', null, 30, now() - interval '1 hour', now() - interval '30 minutes'),
  ('203.0.113.2', 'x@example.test', 1, now() - interval '16 minutes', null),
  ('203.0.113.3', null, 3, now() - interval '2 minutes', null);

select is(auth.prune_login_failures(), 3,
  'the prune removes the three rows past the lock-out window that lock nobody');
select is((select array_agg(email::text order by email) from auth.login_failures),
  array['recent@example.test', 'still-locked@example.test'],
  'a recent failure and a running lock-out of an e-mail are kept');
select is((select array_agg(host(address) order by address) from auth.login_failures_by_address),
  array['203.0.113.3'],
  'of the addresses, only the recent failure is kept');
select is(auth.prune_login_failures(), 0, 'a second run finds nothing more to remove');
select is((select every from platform.jobs where name = 'auth.prune_login_failures'), interval '1 hour',
  'the prune is a scheduled job, every hour');
select ok(not has_function_privilege('anon', 'auth.prune_login_failures()', 'execute')
          and not has_function_privilege('authenticated', 'auth.prune_login_failures()', 'execute'),
  'API roles cannot run the prune');

select * from finish();
rollback;
