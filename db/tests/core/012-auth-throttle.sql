-- Throttling of repeated failed logins, identical for registered and unknown emails.
begin;
select plan(6);

select tests.create_user('tom');
update auth.config set max_failed_logins = 3, lockout_base = '30 seconds';

select is(api.login('tom@example.test', 'wrong password ' || n) ->> 'code', 'auth.invalid_credentials',
          format('failed attempt %s is an ordinary invalid-credentials answer', n))
  from generate_series(1, 3) n;

select is(api.login('tom@example.test', 'correct horse battery staple') ->> 'code', 'auth.too_many_attempts',
  'once locked, even the right password is refused with auth.too_many_attempts');
select is(current_setting('response.status', true), '429', 'with HTTP status 429');

select is((select count(*)::int from generate_series(1, 4) n
            where api.login('ghost@example.test', 'wrong password') ->> 'code' = 'auth.too_many_attempts'), 1,
  'an unknown email is throttled in exactly the same way (no hint it is unregistered)');

select * from finish();
rollback;
