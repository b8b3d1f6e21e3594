-- Cookie sessions: login, register, refresh, change_password and logout answer with
-- cookies when asked (X-Session: cookie) or when the session came by cookie; Bearer
-- clients get the same JSON as before.
begin;
select plan(33);

update auth.config set allowed_origins = '{https://app.example.test}';
select tests.create_user('cleo');

-- Login asking for cookies, from the page's own origin.
select tests.request('POST', '/rpc/login', '{"x-session": "cookie", "origin": "https://app.example.test"}');
select api.login('cleo@example.test', 'correct horse battery staple') as body \gset
select is((:'body'::jsonb) ->> 'token_type', 'cookie', 'a login asking for cookies answers token_type cookie');
select ok(not ((:'body'::jsonb) ?| array['access_token', 'refresh_token']),
  'and its body carries neither token: page scripts never see them');
select is((:'body'::jsonb) -> 'user' ->> 'username', 'cleo', 'the body names the user');
select is((select attributes from tests.set_cookies() where name = '__Host-access'),
  'Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Lax',
  'the access token is an HttpOnly, Secure, SameSite=Lax cookie for the whole origin, living as long as the token');
select alike((select attributes from tests.set_cookies() where name = '__Secure-refresh'),
  'Path=/rest/rpc/refresh; Max-Age=259____; HttpOnly; Secure; SameSite=Lax',
  'the refresh token is an HttpOnly cookie sent to the refresh path only, living as long as the session');
select alike((select attributes from tests.set_cookies() where name = '__Host-csrf'),
  'Path=/; Max-Age=259____; Secure; SameSite=Lax',
  'the CSRF cookie is readable by the page (not HttpOnly), Secure, SameSite=Lax, for the whole origin');
select is((select value from tests.set_cookies() where name = '__Host-csrf'), (:'body'::jsonb) ->> 'csrf_token',
  'the body''s csrf_token is the CSRF cookie''s value (for a page of another allowed origin)');
select is(length((:'body'::jsonb) ->> 'csrf_token'), 43, 'the CSRF token is 32 bytes (base64url)');
select ok(current_setting('response.headers')::jsonb @> '[{"Cache-Control": "no-store"}]',
  'a cookie answer is never cached');
select is((select tests.jwt_claims(value) ->> 'sub' from tests.set_cookies() where name = '__Host-access'),
  tests.user_id('cleo')::text, 'the access cookie is the user''s access token');
select tests.cookie_jar() as jar \gset

-- Bearer clients: unchanged.
select tests.request('POST', '/rpc/login');
select api.login('cleo@example.test', 'correct horse battery staple') as bearer_body \gset
select ok((:'bearer_body'::jsonb) ?& array['access_token', 'refresh_token', 'expires_in', 'user'],
  'a login without X-Session answers the tokens in the JSON body, as before');
select is((:'bearer_body'::jsonb) ->> 'token_type', 'bearer', 'with token_type bearer');
select is((select count(*)::int from tests.set_cookies()), 0, 'and sets no cookie');
select tests.request('POST', '/rpc/login', '{"x-session": "bearer"}');
select ok(api.login('cleo@example.test', 'correct horse battery staple')::jsonb ? 'access_token',
  'X-Session: bearer is the same as no header');

-- Asking wrongly, or from another origin (login CSRF).
select tests.request('POST', '/rpc/login', '{"x-session": "cookies"}');
select throws_like($$ select api.login('cleo@example.test', 'correct horse battery staple') $$,
  '%auth.invalid_session_mode%', 'an unknown X-Session value is refused (422 auth.invalid_session_mode)');
select tests.request('POST', '/rpc/login', '{"x-session": "cookie", "origin": "https://evil.example"}');
select throws_like($$ select api.login('cleo@example.test', 'correct horse battery staple') $$,
  '%auth.csrf_failed%', 'a cookie login from a foreign origin is refused (403 auth.csrf_failed): no login CSRF');

-- Refresh by cookie: the body has no token, the refresh cookie is the credential.
select tests.request('POST', '/rpc/refresh', '{}', jsonb_build_object('__Secure-refresh', (:'jar'::jsonb) ->> '__Secure-refresh'));
select throws_like($$ select api.refresh() $$, '%auth.csrf_failed%',
  'a refresh by cookie without X-CSRF-Token is refused (403 auth.csrf_failed)');
select tests.act_as_owner();
select is((select rotated_at from auth.refresh_tokens
            where token_hash = extensions.digest((:'jar'::jsonb) ->> '__Secure-refresh', 'sha256')), null,
  'and the refused attempt did not spend the refresh token');
select tests.request('POST', '/rpc/refresh', jsonb_build_object('x-csrf-token', (:'jar'::jsonb) ->> '__Host-csrf'),
  (:'jar'::jsonb) - '__Host-access');
select api.refresh() as refreshed \gset
select is((:'refreshed'::jsonb) ->> 'token_type', 'cookie', 'a refresh by cookie with the CSRF header answers with cookies');
select isnt((select value from tests.set_cookies() where name = '__Secure-refresh'), (:'jar'::jsonb) ->> '__Secure-refresh',
  'with a new refresh cookie (rotation)');
select is((select value from tests.set_cookies() where name = '__Host-csrf'), (:'jar'::jsonb) ->> '__Host-csrf',
  'and the same CSRF token: it belongs to the session');
select tests.cookie_jar() as jar2 \gset
select tests.request('POST', '/rpc/refresh', '{}', '{}');
select throws_like($$ select api.refresh() $$, '%auth.invalid_refresh_token%',
  'a refresh with neither a body token nor the cookie is refused (401 auth.invalid_refresh_token)');
select tests.request('POST', '/rpc/refresh', jsonb_build_object('x-csrf-token', (:'jar'::jsonb) ->> '__Host-csrf'),
  (:'jar'::jsonb) - '__Host-access');
select is(api.refresh() ->> 'code', 'auth.refresh_token_reused',
  'the spent refresh cookie presented again is reuse, as a spent body token is');
select tests.act_as_owner();
select is((select revoked_reason from auth.sessions
            where id = (tests.jwt_claims((:'jar'::jsonb) ->> '__Host-access') ->> 'sid')::uuid),
  'refresh_token_reuse', 'and revokes the session');

-- A fresh cookie session: change_password and logout.
select tests.request('POST', '/rpc/login', '{"x-session": "cookie"}');
select api.login('cleo@example.test', 'correct horse battery staple') is not null;
select tests.cookie_jar() as jar3 \gset
select tests.request('POST', '/rpc/change_password', jsonb_build_object('x-csrf-token', (:'jar3'::jsonb) ->> '__Host-csrf'), :'jar3');
select is(current_setting('auth.session_via'), 'cookie', 'the hook marks a request signed in by cookie');
select is(api.change_password('correct horse battery staple', 'another horse battery staple') ->> 'token_type', 'cookie',
  'a password change in a cookie session answers its new session as cookies');
select tests.cookie_jar() as jar4 \gset
select tests.request('POST', '/rpc/logout', jsonb_build_object('x-csrf-token', (:'jar4'::jsonb) ->> '__Host-csrf'), :'jar4');
select is((api.logout() ->> 'sessions_revoked')::int, 1, 'logout by cookie revokes the session');
select is((select array_agg(name order by name) from tests.set_cookies() where value = '' and attributes like '%Max-Age=0;%'),
  array['__Host-access', '__Host-csrf', '__Secure-refresh'], 'and clears the three cookies (Max-Age=0)');
select is((select attributes from tests.set_cookies() where name = '__Secure-refresh'),
  'Path=/rest/rpc/refresh; Max-Age=0; HttpOnly; Secure; SameSite=Lax',
  'the refresh cookie is cleared on its own path, or the browser would keep it');
select throws_like(format('select tests.request(%L, %L, %L, %L)', 'GET', '/rpc/me', '{}', :'jar4'),
  '%auth.session_revoked%', 'the logged-out access cookie is refused on the next request');

-- Register asking for cookies.
select tests.request('POST', '/rpc/register', '{"x-session": "cookie"}');
select is(api.register('dora@example.test', 'correct horse battery staple', 'dora') ->> 'token_type', 'cookie',
  'register asking for cookies signs the new user in with cookies');
select is((select count(*)::int from tests.set_cookies()), 3, 'setting the three cookies');
select tests.act_as_owner();
select is((select created_from from auth.sessions s join auth.users u on u.id = s.user_id where u.username = 'dora'), null,
  'a session opened without X-Real-IP (a direct port) records no address');

select * from finish();
rollback;
