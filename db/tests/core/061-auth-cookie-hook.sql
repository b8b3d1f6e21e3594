-- The pre-request hook accepts the access cookie: verified in SQL as PostgREST verifies a
-- Bearer token, then the role and claims are switched exactly as PostgREST would, so
-- row-level security sees the user. A Bearer header wins over cookies.
begin;
select plan(23);

select tests.create_user('ines');
select tests.create_user('jon');

-- A table of the test's own, each user reading and writing their own rows.
create table public.notes (
  id bigint generated always as identity primary key,
  owner uuid not null default auth.uid(),
  body text not null
);
create index notes_owner_idx on public.notes (owner);
alter table public.notes enable row level security;
create policy "users read their own notes" on public.notes for select to authenticated
  using (owner = (select auth.uid()));
create policy "users add their own notes" on public.notes for insert to authenticated
  with check (owner = (select auth.uid()));
grant select, insert on public.notes to authenticated;
insert into public.notes (owner, body) values (tests.user_id('ines'), 'ines: private'),
                                              (tests.user_id('jon'), 'jon: private');

select tests.request('POST', '/rpc/login', '{"x-session": "cookie"}');
select api.login('ines@example.test', 'correct horse battery staple') is not null;
select tests.cookie_jar() as jar \gset
select tests.request('POST', '/rpc/login');
select api.login('jon@example.test', 'correct horse battery staple') ->> 'access_token' as jon_token \gset

-- A GET carrying only the cookie.
select lives_ok(format('select tests.request(%L, %L, %L, %L)', 'GET', '/notes', '{}', :'jar'),
  'a GET signed in by the access cookie alone passes the hook');
select is(current_user::text, 'authenticated', 'the hook switched to the token''s role, as PostgREST does for a Bearer token');
select is(current_setting('request.jwt.claims')::jsonb, tests.jwt_claims((:'jar'::jsonb) ->> '__Host-access'),
  'and put the token''s claims in request.jwt.claims');
select is(auth.uid(), tests.user_id('ines'), 'so auth.uid() is the cookie''s user');
select is((select array_agg(body) from public.notes), array['ines: private'],
  'row-level security shows the user their own rows, and only those');
select is(api.me() ->> 'username', 'ines', 'GET /rpc/me answers the cookie''s user');

-- Without the cookie, or with other cookies only: anonymous, as before.
select tests.request('GET', '/notes', '{}', '{"theme": "dark", "__Host-csrf": "x"}');
select is(current_user::text, 'anon', 'other cookies alone leave the request anonymous');
select is(current_setting('request.jwt.claims')::jsonb, '{"role": "anon"}', 'with the anonymous claims');
select throws_ok($$ select count(*) from public.notes $$, '42501', null,
  'and no rights of a signed-in user');

-- A Bearer header wins over cookies.
select tests.request('GET', '/notes', '{}', :'jar', :'jon_token');
select is(auth.uid(), tests.user_id('jon'), 'a Bearer token and a cookie: the Bearer token is the caller');
select is((select array_agg(body) from public.notes), array['jon: private'], 'and RLS follows the Bearer token');
select tests.act_as_owner();
select auth.sign_jwt('{"role": "anon"}') as anon_token \gset
select tests.request('GET', '/notes', '{}', :'jar', :'anon_token');
select is(current_user::text, 'anon', 'even an anonymous Bearer token wins: the cookie is not looked at');

-- Cookies that are not valid tokens are refused, not ignored.
select tests.act_as_owner();
select throws_like(format('select tests.request(%L, %L, %L, %L)', 'GET', '/notes', '{}', '{"__Host-access": "abc"}'),
  '%auth.invalid_token%', 'a cookie that is not a JWT is refused (401 auth.invalid_token)');
select throws_like(format('select tests.request(%L, %L, %L, %L)', 'GET', '/notes', '{}',
    jsonb_build_object('__Host-access', split_part((:'jar'::jsonb) ->> '__Host-access', '.', 1) || '.'
      || auth.base64url(convert_to((tests.jwt_claims((:'jar'::jsonb) ->> '__Host-access')
                                    || jsonb_build_object('sub', tests.user_id('jon')))::text, 'UTF8'))
      || '.' || split_part((:'jar'::jsonb) ->> '__Host-access', '.', 3))),
  '%auth.invalid_token%', 'a cookie whose claims were changed (another sub) fails its signature');
select throws_like(format('select tests.request(%L, %L, %L, %L)', 'GET', '/notes', '{}',
    jsonb_build_object('__Host-access', 'eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.'
      || split_part((:'jar'::jsonb) ->> '__Host-access', '.', 2) || '.' || split_part((:'jar'::jsonb) ->> '__Host-access', '.', 3))),
  '%auth.invalid_token%', 'a cookie claiming another algorithm (HS384) is refused');

-- Tokens signed with the secret but not acceptable.
create temporary table claims as select tests.claims_for('ines') as c;
grant select on claims to public;
select throws_like(format('select tests.request(%L, %L, %L, %L)', 'GET', '/notes', '{}',
    jsonb_build_object('__Host-access', auth.sign_jwt((select c from claims)
      || jsonb_build_object('exp', extract(epoch from now())::bigint - 31)))),
  '%auth.token_expired%', 'a cookie past its exp by more than PostgREST''s 30 s of skew is refused (401 auth.token_expired)');
select lives_ok(format('select tests.request(%L, %L, %L, %L)', 'GET', '/notes', '{}',
    jsonb_build_object('__Host-access', auth.sign_jwt((select c from claims)
      || jsonb_build_object('exp', extract(epoch from now())::bigint - 20)))),
  'within the 30 s of skew it is still accepted, as PostgREST accepts a Bearer token');
select tests.act_as_owner();
select throws_like(format('select tests.request(%L, %L, %L, %L)', 'GET', '/notes', '{}',
    jsonb_build_object('__Host-access', auth.sign_jwt((select c from claims)
      || jsonb_build_object('iat', extract(epoch from now())::bigint + 120)))),
  '%auth.invalid_token%', 'a cookie issued in the future is refused');
select throws_like(format('select tests.request(%L, %L, %L, %L)', 'GET', '/notes', '{}',
    jsonb_build_object('__Host-access', auth.sign_jwt((select c - 'sid' from claims)))),
  '%auth.token_incomplete%', 'a cookie token without a session (sid) is refused, as a Bearer one is');
select throws_like(format('select tests.request(%L, %L, %L, %L)', 'GET', '/notes', '{}',
    jsonb_build_object('__Host-access', auth.sign_jwt((select c from claims) || '{"role": "anon"}'))),
  '%auth.token_incomplete%', 'a cookie naming a user under role anon is refused, never half signed in');
update auth.sessions set revoked_at = now(), revoked_reason = 'logout'
 where id = (tests.jwt_claims((:'jar'::jsonb) ->> '__Host-access') ->> 'sid')::uuid;
select throws_like(format('select tests.request(%L, %L, %L, %L)', 'GET', '/notes', '{}', :'jar'),
  '%auth.session_revoked%', 'the cookie of a revoked session is refused on its next request');
select tests.act_as_owner();

-- The anonymous path does nothing more than before.
select tests.request('GET', '/notes', '{}', '{}');
select is(current_setting('auth.session_via', true), '', 'an anonymous request is not marked as a cookie session');
select is(current_user::text, 'anon', 'and stays anonymous');

select * from finish();
rollback;
