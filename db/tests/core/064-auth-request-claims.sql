-- auth.request_claims(method, headers, cookies): the one cookie rule, as the gateway asks
-- it for a WebSocket upgrade or a storage request (as anon, with the request's method,
-- headers and cookies), and the allowed origins it reads.
begin;
select plan(18);

-- Structure
select ok((select prosecdef and proconfig @> array['search_path=""'] from pg_proc
            where oid = 'auth.request_claims(text, jsonb, jsonb)'::regprocedure),
  'the rule is SECURITY DEFINER (it reads the secret and sessions) with an empty search_path');
select ok(has_function_privilege('anon', 'auth.request_claims(text, jsonb, jsonb)', 'execute'),
  'anonymous callers (the gateway before it knows who asks) may ask it');
select ok(not (select prosecdef from pg_proc where oid = 'auth.check_request()'::regprocedure),
  'the pre-request hook is not SECURITY DEFINER: it switches role for cookie sessions');
select ok(not has_function_privilege('anon', 'auth.set_allowed_origins(text[])', 'execute'),
  'only the owner sets the allowed origins');

-- The allowed origins, as `inv up` writes them.
select auth.set_allowed_origins(array['https://App.Example.test', 'https://app.example.test', 'http://127.0.0.1:8443']);
select is((select allowed_origins from auth.config), array['http://127.0.0.1:8443', 'https://app.example.test'],
  'origins are stored in lower case, once each');
select throws_like($$ select auth.set_allowed_origins(array['https://app.example.test/']) $$,
  '%auth.invalid_origin%', 'an origin with a path (even a trailing slash) is refused, naming it');
select throws_like($$ select auth.set_allowed_origins(array['app.example.test']) $$,
  '%auth.invalid_origin%', 'an origin without its scheme is refused');

select tests.create_user('pia');
select tests.request('POST', '/rpc/login', '{"x-session": "cookie"}');
select api.login('pia@example.test', 'correct horse battery staple') is not null;
select tests.cookie_jar() as jar \gset
select tests.act_as_anon();

-- A WebSocket upgrade: a GET that cannot carry X-CSRF-Token; its Origin is the check.
select is(auth.request_claims('GET', '{"upgrade": "websocket", "origin": "https://app.example.test"}', :'jar') ->> 'sub',
  tests.user_id('pia')::text, 'a WebSocket upgrade by cookie from an allowed origin is the cookie''s user');
select throws_like(format('select auth.request_claims(%L, %L, %L)', 'GET',
    '{"upgrade": "websocket", "origin": "https://evil.example"}', :'jar'),
  '%auth.csrf_failed%', 'from a foreign origin it is refused (403 auth.csrf_failed): no cross-site WebSocket hijacking');
select throws_like(format('select auth.request_claims(%L, %L, %L)', 'GET', '{"upgrade": "WebSocket"}', :'jar'),
  '%must send an Origin%', 'without an Origin it is refused: every browser sends one on an upgrade');
select is(auth.request_claims('GET', '{"upgrade": "websocket", "authorization": "Bearer x"}', :'jar'), null,
  'with an Authorization header (or ?token=, which the gateway sends as one) the cookie is not looked at');
select is(auth.request_claims('GET', '{"upgrade": "websocket", "origin": "https://evil.example"}', '{"theme": "dark"}'), null,
  'without the access cookie the request is anonymous: not refused, whatever its Origin');

-- A storage request: the same rule as PostgREST's requests.
select throws_like(format('select auth.request_claims(%L, %L, %L)', 'PUT', '{}', :'jar'),
  '%auth.csrf_failed%', 'an upload by cookie without X-CSRF-Token is refused');
select is(auth.request_claims('PUT', jsonb_build_object('x-csrf-token', (:'jar'::jsonb) ->> '__Host-csrf'), :'jar') ->> 'sub',
  tests.user_id('pia')::text, 'with it, it is the cookie''s user');
select is(auth.request_claims('GET', '{}', :'jar') ->> 'sid',
  tests.jwt_claims((:'jar'::jsonb) ->> '__Host-access') ->> 'sid', 'a download needs no header; the claims name the session');
select throws_like(format('select auth.request_claims(%L, %L, %L)', 'GET', '{}', '{"__Host-access": "x.y.z"}'),
  '%auth.invalid_token%', 'a forged access cookie is refused (401)');

-- No allowed origin: no page may use cookie sessions across origins.
select tests.act_as_owner();
select auth.set_allowed_origins('{}');
select tests.act_as_anon();
select throws_like(format('select auth.request_claims(%L, %L, %L)', 'GET',
    '{"upgrade": "websocket", "origin": "https://app.example.test"}', :'jar'),
  '%auth.csrf_failed%', 'with no allowed origins every named Origin is refused');
select is(auth.request_claims('GET', '{}', :'jar') ->> 'sub', tests.user_id('pia')::text,
  'a request naming no Origin (same-origin GETs, non-browser clients) still works');

select * from finish();
rollback;
