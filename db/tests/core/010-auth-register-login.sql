-- Registration and login: tokens, claims, hashing, and the field errors.
begin;
select plan(20);

create temporary table t (name text primary key, body json);
grant all on t to public;

insert into t values ('reg', api.register('Ada@Example.test', 'correct horse battery', 'ada'));

select ok((select body::jsonb ?& array['access_token', 'token_type', 'expires_in', 'refresh_token', 'user'] from t where name = 'reg'),
  'register answers access_token, token_type, expires_in, refresh_token and user');
select is((select body ->> 'token_type' from t where name = 'reg'), 'bearer', 'the token type is bearer');

select is((select (tests.jwt_claims(body ->> 'access_token') ->> 'sub')::uuid from t where name = 'reg'),
  (select id from auth.users where lower(email::text) = 'ada@example.test'),
  'the access token''s sub is the new user''s id');
select is((select tests.jwt_claims(body ->> 'access_token') ->> 'role' from t where name = 'reg'),
  'authenticated', 'the access token switches PostgREST to the authenticated role');
select ok((select (c ->> 'exp')::bigint - (c ->> 'iat')::bigint between 1 and 900
             from t, tests.jwt_claims(body ->> 'access_token') c where name = 'reg'),
  'the access token lives at most 15 minutes');
select ok((select exists (select from auth.sessions s where s.id = (c ->> 'sid')::uuid and s.revoked_at is null)
             from t, tests.jwt_claims(body ->> 'access_token') c where name = 'reg'),
  'the access token names a live session');
select is((select tests.jwt_claims(body ->> 'access_token') -> 'privileges' from t where name = 'reg'),
  '["reader"]'::jsonb, 'a new account is a reader and nothing more');

select matches((select password_hash from auth.users where lower(email::text) = 'ada@example.test'),
  '^\$2[aby]\$(1[0-9])\$', 'the password is stored as a bcrypt hash of cost 10 or more');
select ok((select exists (select from auth.refresh_tokens r
                            where r.token_hash = extensions.digest(body ->> 'refresh_token', 'sha256'))
             and not exists (select from auth.refresh_tokens r
                              where r.token_hash = convert_to(body ->> 'refresh_token', 'UTF8'))
             from t where name = 'reg'),
  'the refresh token is stored only as its SHA-256 hash');

select throws_like($$ select api.register('ADA@example.TEST', 'another good password', 'ada2') $$,
  '%"code" : "auth.email_taken"%', 'an email registered in another case is refused as taken');
select throws_like($$ select api.register('bob@example.test', 'another good password', 'ADA') $$,
  '%"code" : "auth.username_taken"%', 'a username is unique regardless of case');
select throws_like($$ select api.register('bob@example.test', 'short', 'bob') $$,
  '%"message" : "password must be at least 10 characters"%', 'a short password is refused naming the field');
select throws_like($$ select api.register('bob@example.test', repeat('é', 40), 'bob') $$,
  '%"code" : "auth.password_too_long"%', 'a password over bcrypt''s 72 bytes is refused, not truncated');
select throws_like($$ select api.register('not-an-email', 'another good password', 'bob') $$,
  '%"code" : "auth.invalid_email"%', 'a malformed email is refused naming the field');
select throws_like($$ select api.register('bob@example.test', 'another good password', 'b') $$,
  '%"code" : "auth.invalid_username"%', 'a malformed username is refused naming the field');

insert into t values ('ok', api.login('ada@example.test', 'correct horse battery'));
insert into t values ('wrong', api.login('ada@example.test', 'not the password'));
select is((select (tests.jwt_claims(body ->> 'access_token') ->> 'sub') from t where name = 'ok'),
  (select id::text from auth.users where lower(email::text) = 'ada@example.test'),
  'login with the right password (email in any case) issues a token for that user');
select is((select body ->> 'code' from t where name = 'wrong'), 'auth.invalid_credentials',
  'login with a wrong password answers auth.invalid_credentials');
select is(current_setting('response.status', true), '401', 'and sets HTTP status 401');
insert into t values ('unknown', api.login('nobody@example.test', 'not the password'));
select is((select body::text from t where name = 'unknown'), (select body::text from t where name = 'wrong'),
  'an unknown email gets exactly the same answer as a wrong password');

select tests.create_user('eddie', '{editor}');
select set_eq($$ select jsonb_array_elements_text(tests.jwt_claims(
                  api.login('eddie@example.test', 'correct horse battery staple') ->> 'access_token') -> 'privileges') $$,
  array['editor', 'author', 'reader'], 'an editor''s token carries editor and what it implies, not admin');

select * from finish();
rollback;
