-- Login throttling by client address (nginx's X-Real-IP) as well as by e-mail, checked
-- before any bcrypt work, without letting anyone lock a known account out.
begin;
select plan(22);
-- count bcrypt runs (extensions.crypt) in this transaction
set local track_functions = 'all';

update auth.config set max_failed_logins = 3, max_failed_logins_per_address = 5,
                       email_failure_ceiling = 8, lockout_base = '30 seconds';
select tests.create_user('omar');

-- A login as PostgREST runs it, from an address: the body with the HTTP status.
create function pg_temp.login(email text, password text, address text) returns jsonb
language plpgsql as $$
declare
  body jsonb;
begin
  perform tests.request('POST', '/rpc/login',
    case when address is null then '{}' else jsonb_build_object('x-real-ip', address) end);
  body := api.login(email, password)::jsonb;
  return body || jsonb_build_object('status', coalesce(nullif(current_setting('response.status', true), ''), '200')::int);
end $$;
create function pg_temp.bcrypt_runs() returns bigint language sql as $$
  select coalesce(pg_stat_get_xact_function_calls('extensions.crypt(text, text)'::regprocedure), 0)
$$;
-- the requests switch to anon: they call these helpers as anon
grant execute on function pg_temp.login(text, text, text), pg_temp.bcrypt_runs() to public;

-- One address trying many e-mails: locked after max_failed_logins_per_address.
select is((select array_agg((pg_temp.login('nobody' || n || '@example.test', 'some password', '203.0.113.7')) ->> 'status' order by n)
             from generate_series(1, 5) n),
  array['401', '401', '401', '401', '401'], 'failed logins with five random e-mails from one address answer 401');
select set_config('t.bcrypt', pg_temp.bcrypt_runs()::text, true);
select is(pg_temp.login('nobody6@example.test', 'some password', '203.0.113.7') ->> 'code', 'auth.too_many_attempts',
  'the sixth e-mail from that address is refused: the address is locked');
select is(current_setting('response.status'), '429', 'with 429');
select ok((current_setting('response.headers')::jsonb -> 0 ->> 'Retry-After')::int between 1 and 30,
  'and Retry-After');
select is(pg_temp.bcrypt_runs(), current_setting('t.bcrypt')::bigint,
  'the refusal spent no bcrypt: the random-e-mail storm costs the database nothing more');
select is(pg_temp.login('omar@example.test', 'correct horse battery staple', '203.0.113.7') ->> 'code', 'auth.too_many_attempts',
  'the locked address cannot sign in to any account, even with the right password');
select is((pg_temp.login('omar@example.test', 'correct horse battery staple', '198.51.100.9')) ->> 'status', '200',
  'the owner signing in from another address is not affected');
select tests.act_as_owner();
select is((select count(*)::int from auth.sessions where user_id = tests.user_id('omar') and created_from = '198.51.100.9'), 1,
  'the session records the address it was opened from');

-- One account tried from one address: that pair is locked, nobody else.
select is((select array_agg((pg_temp.login('omar@example.test', 'wrong password ' || n, '203.0.113.50')) ->> 'status' order by n)
             from generate_series(1, 3) n),
  array['401', '401', '401'], 'three wrong passwords for one account from one address answer 401');
select is(pg_temp.login('omar@example.test', 'correct horse battery staple', '203.0.113.50') ->> 'code', 'auth.too_many_attempts',
  'then that address may not try that account, even with the right password');
select is(pg_temp.login('omar@example.test', 'correct horse battery staple', '198.51.100.9') ->> 'status', '200',
  'while the owner from their own address signs in: a failure storm does not lock a known account out');
select is(pg_temp.login('other@example.test', 'some password', '203.0.113.50') ->> 'status', '401',
  'and the brute-forcing address may still try other e-mails (until the address limit)');
select is(pg_temp.login('ghost@example.test', 'wrong', '203.0.113.60') ->> 'status', '401', 'an unknown e-mail fails');
select is((select count(*)::int from generate_series(1, 3) n
            where pg_temp.login('ghost@example.test', 'wrong', '203.0.113.60') ->> 'code' = 'auth.too_many_attempts'), 1,
  'and is throttled in exactly the same way (no hint it is unregistered)');

-- A success forgets the pair's failures, not the address's.
select pg_temp.login('omar@example.test', 'wrong password', '198.51.100.9');
select pg_temp.login('omar@example.test', 'correct horse battery staple', '198.51.100.9');
select tests.act_as_owner();
select is((select count(*)::int from auth.login_failures_by_address where address = '198.51.100.9' and email = 'omar@example.test'), 0,
  'a success clears the failures of that e-mail from that address');
select is((select failures from auth.login_failures_by_address where address = '198.51.100.9' and email is null), 1,
  'but not the address''s own count (a valid login does not reset an attacker''s budget)');

-- Attacks spread over many addresses: past the e-mail's ceiling only known addresses.
-- omar has 4 failures so far (3 from 203.0.113.50, 1 from 198.51.100.9); 4 more reach 8.
select pg_temp.login('omar@example.test', 'wrong', '192.0.2.' || n) from generate_series(1, 4) n;
select is(pg_temp.login('omar@example.test', 'correct horse battery staple', '192.0.2.77') ->> 'code', 'auth.too_many_attempts',
  'past the ceiling, an address the account never signed in from is refused');
select is(pg_temp.login('omar@example.test', 'correct horse battery staple', '198.51.100.9') ->> 'status', '200',
  'an address the account signed in from still gets in');

-- Register and change_password spend bcrypt only past the throttle.
select set_config('t.bcrypt', pg_temp.bcrypt_runs()::text, true);
select tests.request('POST', '/rpc/register', '{"x-real-ip": "203.0.113.7"}');
select is(api.register('new@example.test', 'correct horse battery', 'newbie') ->> 'code', 'auth.too_many_attempts',
  'register from a locked address is refused (429)');
select tests.request('POST', '/rpc/register', '{"x-real-ip": "192.0.2.200"}');
select throws_like($$ select api.register('OMAR@example.test', 'correct horse battery', 'omar2') $$,
  '%auth.email_taken%', 'register of a taken e-mail answers 409');
select is(pg_temp.bcrypt_runs(), current_setting('t.bcrypt')::bigint,
  'neither spent any bcrypt');
select tests.request('POST', '/rpc/change_password', jsonb_build_object('x-real-ip', '203.0.113.50'),
  '{}', pg_temp.login('omar@example.test', 'correct horse battery staple', '198.51.100.9') ->> 'access_token');
select is(api.change_password('correct horse battery staple', 'another horse battery') ->> 'code', 'auth.too_many_attempts',
  'a password change from an address locked for that account is refused before bcrypt');

select * from finish();
rollback;
