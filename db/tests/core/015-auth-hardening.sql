-- Auth hardening: look-alike emails (NFKC, confusable letters) and argument
-- lengths checked before any other work (security findings 7 and 10).
begin;
select plan(16);

create temporary table t (name text primary key, body json);
grant all on t to public;

insert into t values ('grace', api.register('grace@example.test', 'correct horse battery', 'grace'));

-- Look-alikes of an existing address (finding 7).
select throws_like($$ select api.register(U&'gr\0430ce@example.test', 'another good password', 'grace2') $$,
  '%"code" : "auth.email_taken"%',
  'an address spelt with a Cyrillic a is refused as taken when the Latin one exists');
select throws_like($$ select api.register(U&'grace@\0435xample.test', 'another good password', 'grace3') $$,
  '%"code" : "auth.email_taken"%',
  'a Cyrillic e in the domain is a look-alike too');
select throws_like($$ select api.register(U&'GR\0391CE@example.test', 'another good password', 'grace4') $$,
  '%"code" : "auth.email_taken"%',
  'a Greek capital alpha, in any case, is a look-alike too');
select throws_like($$ select api.register(U&'\FF47\FF52\FF41\FF43\FF45@example.test', 'another good password', 'grace5') $$,
  '%"code" : "auth.email_taken"%',
  'the full-width form of a registered address is that address, so it is taken');
select throws_like($$ select auth.create_user(U&'gr\0430ce@example.test', 'another good password', 'grace6', '{}') $$,
  '%"code" : "auth.email_taken"%',
  'accounts created by ops refuse look-alikes as well');
select is((select count(*)::integer from auth.users where username::text like 'grace%'), 1,
  'no look-alike account was created beside the real one');

insert into t values ('hedy', api.register(U&'\FF48\FF45\FF44\FF59@Example.test', 'correct horse battery', 'hedy'));
select is((select email::text from auth.users where username = 'hedy'), 'hedy@Example.test',
  'a new address typed in full-width letters is stored in its NFKC form');

insert into t values ('fullwidth', api.login(U&'\FF47\FF52\FF41\FF43\FF45@example.test', 'correct horse battery'));
select is((select tests.jwt_claims(body ->> 'access_token') ->> 'sub' from t where name = 'fullwidth'),
  (select id::text from auth.users where username = 'grace'),
  'login with the full-width form of the address signs in as that address does');
insert into t values ('cyrillic', api.login(U&'gr\0430ce@example.test', 'correct horse battery'));
select is((select body ->> 'code' from t where name = 'cyrillic'), 'auth.invalid_credentials',
  'login with a Cyrillic look-alike is not that account: invalid credentials');

-- Lengths are checked before anything else (finding 10): a clear error naming the field.
select throws_like($$ select api.login(repeat('a', 1000000) || '@example.test', 'correct horse battery') $$,
  '%"code" : "auth.email_too_long"%',
  'login with a 1 MB email answers auth.email_too_long, not an index error');
select throws_like($$ select api.login('grace@example.test', repeat('p', 1000000)) $$,
  '%"code" : "auth.password_too_long"%',
  'login with a 1 MB password answers auth.password_too_long');
select throws_like($$ select api.register(repeat('a', 1000000) || '@example.test', 'another good password', 'big') $$,
  '%"code" : "auth.email_too_long"%',
  'register with a 1 MB email answers auth.email_too_long');
select throws_like($$ select api.register('big@example.test', 'another good password', repeat('u', 1000000)) $$,
  '%"code" : "auth.username_too_long"%',
  'register with a 1 MB username answers auth.username_too_long');
select throws_like($$ select api.refresh(repeat('r', 1000000)) $$,
  '%"code" : "auth.refresh_token_too_long"%',
  'refresh with a 1 MB token answers auth.refresh_token_too_long');
select throws_like($$ select auth.create_user(repeat('a', 1000000) || '@example.test', 'another good password', 'big2', '{}') $$,
  '%"code" : "auth.email_too_long"%',
  'accounts created by ops check the length first too');
select is((select count(*)::integer from auth.login_failures where length(email::text) > 254), 0,
  'refused arguments leave no throttling rows behind');

select * from finish();
rollback;
