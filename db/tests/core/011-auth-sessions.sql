-- Sessions: refresh rotation, reuse detection, logout, password change, and
-- the pre-request check that refuses tokens of ended sessions.
begin;
select plan(20);

create temporary table t (name text primary key, body json);
grant all on t to public;

-- Run the pre-request check with a token's claims, as PostgREST would.
create function pg_temp.check_with(token text) returns void language plpgsql as $$
begin
  perform set_config('request.jwt.claims', tests.jwt_claims(token)::text, true);
  perform set_config('role', 'authenticated', true);
  perform auth.check_request();
  perform tests.act_as_owner();
end $$;

insert into t values ('login', api.register('rita@example.test', 'correct horse battery', 'rita'));
insert into t values ('r1', api.refresh((select body ->> 'refresh_token' from t where name = 'login')));

select ok((select body::jsonb ? 'access_token' from t where name = 'r1'), 'a refresh token buys a new access token');
select isnt((select body ->> 'refresh_token' from t where name = 'r1'),
            (select body ->> 'refresh_token' from t where name = 'login'), 'and a new refresh token (rotation)');
select is((select tests.jwt_claims(body ->> 'access_token') ->> 'sid' from t where name = 'r1'),
          (select tests.jwt_claims(body ->> 'access_token') ->> 'sid' from t where name = 'login'),
          'within the same session');
select lives_ok(format('select pg_temp.check_with(%L)', (select body ->> 'access_token' from t where name = 'r1')),
  'the pre-request check accepts a token of a live session');
select lives_ok('select auth.check_request()', 'the pre-request check lets anonymous requests through');

-- Presenting the spent refresh token again: reuse, the session is revoked.
insert into t values ('reuse', api.refresh((select body ->> 'refresh_token' from t where name = 'login')));
select is((select body ->> 'code' from t where name = 'reuse'), 'auth.refresh_token_reused',
  'a spent refresh token presented again is detected as reuse');
select is(current_setting('response.status', true), '401', 'reuse answers 401');
select is((select revoked_reason from auth.sessions
            where id = (select (tests.jwt_claims(body ->> 'access_token') ->> 'sid')::uuid from t where name = 'login')),
  'refresh_token_reuse', 'reuse revokes the whole session');
select throws_like(format('select api.refresh(%L)', (select body ->> 'refresh_token' from t where name = 'r1')),
  '%auth.invalid_refresh_token%', 'even the newest refresh token of a revoked session is refused');
select throws_like(format('select pg_temp.check_with(%L)', (select body ->> 'access_token' from t where name = 'r1')),
  '%auth.session_revoked%', 'an unexpired access token of the revoked session is refused on its next request');
select throws_like($$ select api.refresh('not-a-token') $$, '%auth.invalid_refresh_token%',
  'an unknown refresh token is refused');

-- Logout ends this session only; everywhere ends them all.
insert into t values ('a', api.login('rita@example.test', 'correct horse battery'));
insert into t values ('b', api.login('rita@example.test', 'correct horse battery'));
select set_config('request.jwt.claims', tests.jwt_claims((select body ->> 'access_token' from t where name = 'a'))::text, true);
select set_config('role', 'authenticated', true);
select is((api.logout() ->> 'sessions_revoked')::int, 1, 'logout revokes the caller''s session');
select tests.act_as_owner();
select throws_like(format('select pg_temp.check_with(%L)', (select body ->> 'access_token' from t where name = 'a')),
  '%auth.session_revoked%', 'the logged-out token is refused at once');
select lives_ok(format('select pg_temp.check_with(%L)', (select body ->> 'access_token' from t where name = 'b')),
  'another session of the same user keeps working');

-- Password change: wrong current password, weak new one, then success.
select set_config('request.jwt.claims', tests.jwt_claims((select body ->> 'access_token' from t where name = 'b'))::text, true);
select set_config('role', 'authenticated', true);
select is(api.change_password('wrong password', 'a brand new password') ->> 'code', 'auth.wrong_password',
  'change_password refuses a wrong current_password');
select throws_like($$ select api.change_password('correct horse battery', 'short') $$,
  '%new_password must be at least 10 characters%', 'change_password names new_password when it is weak');
insert into t values ('changed', api.change_password('correct horse battery', 'a brand new password'));
select tests.act_as_owner();
select ok((select body::jsonb ? 'access_token' from t where name = 'changed'), 'change_password answers fresh tokens');
select throws_like(format('select pg_temp.check_with(%L)', (select body ->> 'access_token' from t where name = 'b')),
  '%auth.session_revoked%', 'every earlier session is revoked by a password change');
select is((select api.login('rita@example.test', 'correct horse battery') ->> 'code'), 'auth.invalid_credentials',
  'the old password no longer logs in');

-- Tokens without exp or sid are refused even when correctly signed.
select throws_like($$ select set_config('request.jwt.claims', '{"role": "authenticated", "sub": "00000000-0000-0000-0000-000000000000"}', true),
                             auth.check_request() $$,
  '%auth.token_incomplete%', 'a token without exp or sid is refused by the pre-request check');

select * from finish();
rollback;
