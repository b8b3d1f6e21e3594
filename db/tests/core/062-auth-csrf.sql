-- CSRF: a request signed in by cookie that changes state (any method but GET, HEAD,
-- OPTIONS) must send X-CSRF-Token equal to the __Host-csrf cookie and to its session's
-- token; a request naming an Origin must name an allowed one. Bearer requests are not
-- concerned. Refusals are 403 auth.csrf_failed.
begin;
select plan(21);

update auth.config set allowed_origins = '{https://app.example.test}';
select tests.create_user('kai');
select tests.create_user('lia');

select tests.request('POST', '/rpc/login', '{"x-session": "cookie"}');
select api.login('kai@example.test', 'correct horse battery staple') is not null;
select tests.cookie_jar() as jar \gset
select (:'jar'::jsonb) ->> '__Host-csrf' as csrf \gset
select tests.request('POST', '/rpc/login', '{"x-session": "cookie"}');
select api.login('lia@example.test', 'correct horse battery staple') is not null;
select tests.cookie_jar() ->> '__Host-csrf' as lia_csrf \gset
select tests.request('POST', '/rpc/login');
select api.login('kai@example.test', 'correct horse battery staple') ->> 'access_token' as kai_token \gset
select tests.act_as_owner();

-- The error a request raises, as PostgREST answers it: {status, code}.
create function pg_temp.refusal(method text, headers jsonb, cookies jsonb) returns jsonb
language plpgsql as $$
declare
  body text;
  detail text;
begin
  perform tests.request(method, '/rpc/logout', headers, cookies);
  return null;
exception when sqlstate 'PGRST' then
  get stacked diagnostics body = message_text, detail = pg_exception_detail;
  return jsonb_build_object('status', detail::jsonb -> 'status', 'code', body::jsonb -> 'code');
end $$;

-- Safe methods need no header.
select lives_ok(format('select tests.request(%L, %L, %L, %L)', 'GET', '/rpc/me', '{}', :'jar'),
  'a GET signed in by cookie needs no X-CSRF-Token');
select lives_ok(format('select tests.request(%L, %L, %L, %L)', 'HEAD', '/rpc/me', '{}', :'jar'),
  'nor does a HEAD');
select lives_ok(format('select tests.request(%L, %L, %L, %L)', 'OPTIONS', '/rpc/me', '{}', :'jar'),
  'nor an OPTIONS');
select tests.act_as_owner();

-- State-changing methods.
select is(pg_temp.refusal('POST', '{}', :'jar'), '{"status": 403, "code": "auth.csrf_failed"}',
  'a POST signed in by cookie without X-CSRF-Token is refused: 403 auth.csrf_failed');
select is(pg_temp.refusal('POST', '{"x-csrf-token": "guess"}', :'jar') ->> 'code', 'auth.csrf_failed',
  'a POST with a wrong X-CSRF-Token is refused');
select is(pg_temp.refusal('DELETE', '{}', :'jar') ->> 'code', 'auth.csrf_failed', 'so is a DELETE without it');
select is(pg_temp.refusal('PATCH', '{}', :'jar') ->> 'code', 'auth.csrf_failed', 'and a PATCH');
select is(pg_temp.refusal('PUT', '{}', :'jar') ->> 'code', 'auth.csrf_failed', 'and a PUT');
select is(pg_temp.refusal('POST', jsonb_build_object('x-csrf-token', :'csrf'), (:'jar'::jsonb) - '__Host-csrf') ->> 'code',
  'auth.csrf_failed', 'the header must equal the cookie: without the __Host-csrf cookie it is refused');
select is(pg_temp.refusal('POST', jsonb_build_object('x-csrf-token', :'lia_csrf'),
                          (:'jar'::jsonb) || jsonb_build_object('__Host-csrf', :'lia_csrf')) ->> 'code',
  'auth.csrf_failed', 'header and cookie agreeing is not enough: another session''s token (a planted cookie) is refused');
select is(pg_temp.refusal('POST', jsonb_build_object('x-csrf-token', :'csrf'), :'jar'), null,
  'the session''s own token in the header and the cookie passes');
select lives_ok(format('select tests.request(%L, %L, %L, %L)', 'POST', '/rpc/logout',
                       jsonb_build_object('x-csrf-token', :'csrf'), :'jar'),
  'so the POST goes on');
select is(current_user::text, 'authenticated', 'as the cookie''s user');
select tests.act_as_owner();

-- A cross-site form: it can send cookies and an urlencoded body, not a header.
select is(pg_temp.refusal('POST', '{"content-type": "application/x-www-form-urlencoded", "origin": "https://evil.example"}',
                          :'jar') ->> 'code',
  'auth.csrf_failed', 'a cross-site form post carrying the cookie is refused');
select is(pg_temp.refusal('POST', '{"content-type": "application/x-www-form-urlencoded", "origin": "https://app.example.test"}',
                          :'jar') ->> 'code',
  'auth.csrf_failed', 'a form post from the allowed origin still needs the header');

-- Origin: a request that names one must name an allowed one.
select is(pg_temp.refusal('POST', jsonb_build_object('x-csrf-token', :'csrf', 'origin', 'https://evil.example'), :'jar') ->> 'code',
  'auth.csrf_failed', 'the right token from a foreign Origin is refused');
select is(pg_temp.refusal('POST', jsonb_build_object('x-csrf-token', :'csrf', 'origin', 'null'), :'jar') ->> 'code',
  'auth.csrf_failed', 'so is the opaque Origin "null" (sandboxed frames, data: pages)');
select is(pg_temp.refusal('GET', '{"origin": "https://evil.example"}', :'jar') ->> 'code', 'auth.csrf_failed',
  'a GET by cookie naming a foreign Origin is refused too');
select is(pg_temp.refusal('POST', jsonb_build_object('x-csrf-token', :'csrf', 'origin', 'HTTPS://APP.example.test'), :'jar'), null,
  'origins compare in lower case, as browsers serialize them');

-- Bearer requests are not concerned.
select lives_ok(format('select tests.request(%L, %L, %L, %L, %L)', 'POST', '/rpc/logout',
                       '{"origin": "https://evil.example"}', :'jar', :'kai_token'),
  'a Bearer POST needs no X-CSRF-Token, whatever cookies and Origin come with it');
select is(current_setting('auth.session_via', true), '', 'and is not taken for a cookie session');

select * from finish();
rollback;
