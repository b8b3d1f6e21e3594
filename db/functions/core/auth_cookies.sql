-- Deploy platform:functions/core/auth_cookies to pg
-- requires: schema/core/auth_config_origins
-- requires: functions/core/auth_tokens@platform-2.0
-- requires: functions/core/auth_claims
-- requires: functions/core/platform_errors
-- requires: schema/core/auth_sessions
--
-- Cookie sessions for browsers, beside Bearer tokens (issue 21;
-- docs/auth.md, docs/decisions/0017). The cookies (names, flags and paths
-- are the front door's contract):
--   __Host-access     the access token (the JWT a Bearer client sends);
--                     HttpOnly, Secure, SameSite=Lax, Path=/, Max-Age = its lifetime
--   __Secure-refresh  the refresh token; HttpOnly, Secure, SameSite=Lax,
--                     Path=/rest/rpc/refresh, Max-Age = what is left of the session
--   __Host-csrf       the session's anti-CSRF token, readable by the page's JS
--                     (not HttpOnly); Secure, SameSite=Lax, Path=/, same Max-Age
--
-- THE rule of a cookie request, auth.request_claims(method, headers, cookies),
-- shared by PostgREST's pre-request hook (auth.check_request) and the gateway
-- (gateway/request_auth.py: WebSocket upgrades, storage):
--   * an Authorization header wins: PostgREST (or the gateway) verified its
--     token; cookies are not looked at;
--   * no __Host-access cookie: anonymous;
--   * else the cookie's JWT is verified here (HS256 with auth.config's secret,
--     exp/nbf/iat with PostgREST's 30 s of clock skew) and must be a user's token
--     of a live session (auth.check_session, the check a Bearer token passes);
--   * a request that changes state (any method but GET, HEAD, OPTIONS) must send
--     X-CSRF-Token equal to the __Host-csrf cookie and to the session's token
--     (auth.csrf_token: an HMAC of the session id): 403 auth.csrf_failed;
--   * a request that names an Origin must name an allowed one
--     (auth.config.allowed_origins), and a WebSocket upgrade must name one:
--     browsers cannot add a header to an upgrade, the Origin is its CSRF check.
-- The hook then switches to the token's role and claims exactly as PostgREST
-- does for a Bearer token, so row-level security sees the user.
--
-- SQL has no constant-time comparison: signatures and CSRF tokens are compared
-- through a second HMAC with the secret (auth.same_secret), so how long a
-- comparison takes says nothing about the expected value.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- The small helpers below have SQL-standard bodies (`return ...`), not `set
-- search_path`: parsed when created (under this script's empty search_path), and
-- inlined where they are called (they are not STRICT and hold no sub-select, which
-- would prevent it); a SET clause made each call a function call of its own
-- (base64url_decode took 27 us instead of 2, measured), and the cookie path calls them
-- on every request. The secret is read once by the caller and passed in.

-- Base64url without padding, decoded; null when the text is not base64url.
create function auth.base64url_decode(data text) returns bytea
language sql immutable parallel safe
return case when data operator(pg_catalog.~) '^[A-Za-z0-9_-]*$'
                 and pg_catalog.length(data) operator(pg_catalog.%) 4 operator(pg_catalog.<>) 1
  then pg_catalog.decode(pg_catalog.rpad(pg_catalog.translate(data, '-_', '+/'),
         4 operator(pg_catalog.*) ((pg_catalog.length(data) operator(pg_catalog.+) 3) operator(pg_catalog./) 4), '='),
         'base64') end;
comment on function auth.base64url_decode(text) is 'Base64url (RFC 7515, no padding) decoded; null when not base64url.';

-- A request header as PostgREST hands it over (names in lower case), or null.
create function auth.request_header(name text) returns text
language sql stable parallel safe
return nullif(pg_catalog.current_setting('request.headers', true), '')::pg_catalog.jsonb
       operator(pg_catalog.->>) name;
comment on function auth.request_header(text) is 'A header of the current PostgREST request (lower-case name), or null.';

-- The client address: nginx's X-Real-IP (it overwrites whatever the client sent).
-- Null without it: the request came through a direct, loopback-only port.
create function auth.request_address() returns inet
language plpgsql stable
set search_path = ''
as $$
declare
  raw text := auth.request_header('x-real-ip');
begin
  if raw is null or pg_catalog.length(raw) > 64 then
    return null;
  end if;
  return raw::inet;
exception when invalid_text_representation then
  return null;  -- only a direct client can send a malformed one
end
$$;
comment on function auth.request_address() is
  'The client address nginx put in X-Real-IP; null on the direct (loopback) ports.';

-- Equal texts, compared through an HMAC with the signing secret: the time the
-- comparison takes depends on the digests, which an attacker cannot steer byte by
-- byte, not on the expected value (SQL has no constant-time comparison).
create function auth.same_secret(given text, expected text, secret text) returns boolean
language sql immutable parallel safe
return given is not null and expected is not null
   and extensions.hmac(given, secret, 'sha256') operator(pg_catalog.=) extensions.hmac(expected, secret, 'sha256');
comment on function auth.same_secret(text, text, text) is
  'Whether two secrets are equal, compared through an HMAC with the key (no timing hint about the expected one).';

-- An access token verified as PostgREST verifies a Bearer token: the HS256
-- signature with auth.config's secret (the one PostgREST reads from its file),
-- then exp, nbf and iat with 30 s of clock skew. Only HS256: cookies carry only
-- the tokens this database signed (auth.sign_jwt). Answers the claims.
create function auth.verify_token(token text) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  secret text;
  signing_input text;
  claims jsonb;
  now_epoch numeric := extract(epoch from pg_catalog.now());
begin
  if token is null or pg_catalog.length(token) > 8192
     or token operator(pg_catalog.!~) '^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$' then
    perform platform.raise_error(401, 'auth.invalid_token', 'the access cookie is not a token',
      null, 'log in again');
  end if;
  select c.jwt_secret into secret from auth.config c;
  if secret is null then
    perform platform.raise_error(503, 'platform.not_configured', 'the JWT signing secret is not set',
      null, 'run `inv up` (or select auth.set_jwt_secret(...) as the owner)');
  end if;
  signing_input := pg_catalog.split_part(token, '.', 1) || '.' || pg_catalog.split_part(token, '.', 2);
  if not auth.same_secret(pg_catalog.split_part(token, '.', 3),
           auth.base64url(extensions.hmac(pg_catalog.convert_to(signing_input, 'UTF8'),
                                          pg_catalog.convert_to(secret, 'UTF8'), 'sha256')),
           secret) then
    perform platform.raise_error(401, 'auth.invalid_token',
      'the access cookie''s signature is not valid', null, 'log in again');
  end if;
  -- The header auth.sign_jwt writes, {"alg":"HS256","typ":"JWT"}, compared encoded
  -- (decoding it cost 6 us a request); signed with our secret, the claims are ours.
  if pg_catalog.split_part(token, '.', 1) <> 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9' then
    perform platform.raise_error(401, 'auth.invalid_token', 'the access cookie is not an HS256 token',
      null, 'log in again');
  end if;
  claims := pg_catalog.convert_from(auth.base64url_decode(pg_catalog.split_part(token, '.', 2)), 'UTF8')::jsonb;
  if pg_catalog.jsonb_typeof(claims -> 'exp') = 'number' and (claims ->> 'exp')::numeric + 30 < now_epoch then
    perform platform.raise_error(401, 'auth.token_expired', 'the access cookie has expired', null,
      'refresh: POST /rest/rpc/refresh with the X-CSRF-Token header (the refresh cookie goes there)');
  end if;
  if (pg_catalog.jsonb_typeof(claims -> 'nbf') = 'number' and (claims ->> 'nbf')::numeric - 30 > now_epoch)
     or (pg_catalog.jsonb_typeof(claims -> 'iat') = 'number' and (claims ->> 'iat')::numeric - 30 > now_epoch) then
    perform platform.raise_error(401, 'auth.invalid_token', 'the access cookie is not valid yet',
      null, 'check the server clock; log in again');
  end if;
  return claims;
end
$$;
comment on function auth.verify_token(text) is
  'Verify an access token as PostgREST does (HS256, exp/nbf/iat with 30 s skew); answers its claims or raises 401.';

-- The session's anti-CSRF token: HMAC-SHA256 of its id with the signing secret, 32
-- bytes in base64url. Unguessable without the secret, the same for the session's
-- whole life (a refresh sends it again), nothing stored, and bound to the session: a
-- __Host-csrf cookie planted by someone else does not match the session's token.
create function auth.csrf_token(session_id uuid, secret text) returns text
language sql immutable parallel safe
return auth.base64url(extensions.hmac(
         pg_catalog.convert_to('csrf:' operator(pg_catalog.||) session_id::text, 'UTF8'),
         pg_catalog.convert_to(secret, 'UTF8'), 'sha256'));
comment on function auth.csrf_token(uuid, text) is
  'The session''s anti-CSRF token (HMAC of its id): the __Host-csrf cookie and the X-CSRF-Token header.';

-- What a user's token must satisfy on every request, whether it came as a Bearer
-- header or as the access cookie (the check auth.check_request made alone before):
--   * who the claims make the caller is a user (auth.claims_principal, the rule the
--     gateway shares): else 401 auth.token_incomplete;
--   * a numeric `exp` and a session id `sid` (PostgREST 12 requires neither);
--   * the session is live and belongs to `sub` (401 auth.session_revoked): logout,
--     password change and refresh-token reuse take effect on the very next request.
-- One primary-key lookup; SECURITY DEFINER because API roles cannot read
-- auth.sessions.
create function auth.check_session(claims jsonb) returns void
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  session_id text := claims ->> 'sid';
  live boolean;
begin
  if auth.claims_principal(claims) is distinct from 'user' then
    perform platform.raise_error(401, 'auth.token_incomplete',
      'the access token must have the role authenticated and name a user (sub)', null,
      'log in to get a complete token');
  end if;
  if pg_catalog.jsonb_typeof(claims -> 'exp') is distinct from 'number' then
    perform platform.raise_error(401, 'auth.token_incomplete',
      'the access token has no expiry (exp)', null, 'log in to get a complete token');
  end if;
  if session_id is null
     or session_id !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    perform platform.raise_error(401, 'auth.token_incomplete',
      'the access token names no session (sid)', null, 'log in to get a complete token');
  end if;
  select s.revoked_at is null
         and s.expires_at > pg_catalog.now()
         and s.user_id::text = claims ->> 'sub'
    into live
    from auth.sessions s
   where s.id = session_id::uuid;
  if live is distinct from true then
    perform platform.raise_error(401, 'auth.session_revoked',
      'the session of this access token has ended', null, 'log in again');
  end if;
end
$$;
comment on function auth.check_session(jsonb) is
  'Refuse a user''s token without exp/sid, or of an ended session (401); Bearer and cookie alike.';
revoke execute on function auth.check_session(jsonb) from public;
grant execute on function auth.check_session(jsonb) to anon, authenticated;
select platform.declare_api_function('core', 'auth.check_session(jsonb)',
  array['anon', 'authenticated'],
  'PostgREST''s pre-request hook checks every user token''s session as the caller (definer: reads auth.sessions).');

-- A cookie request's Origin: when the request names one, it must be allowed; a
-- request that cannot carry X-CSRF-Token (a WebSocket upgrade) must name one.
create function auth.check_origin(origin text, required boolean) returns void
language plpgsql stable
set search_path = ''
as $$
begin
  if origin is null then
    if required then
      perform platform.raise_error(403, 'auth.csrf_failed',
        'a WebSocket upgrade signed in by cookie must send an Origin header', null,
        'connect from a page of an allowed origin, or send the token (?token=) instead of the cookie');
    end if;
    return;
  end if;
  if not exists (select from auth.config c
                  where pg_catalog.lower(origin) operator(pg_catalog.=) any (c.allowed_origins)) then
    perform platform.raise_error(403, 'auth.csrf_failed',
      pg_catalog.format('origin %s may not use cookie sessions', pg_catalog.left(origin, 200)), null,
      'add the origin to PLATFORM_CORS_ORIGINS and run `inv up`, or use a Bearer token');
  end if;
end
$$;
comment on function auth.check_origin(text, boolean) is
  'Refuse (403 auth.csrf_failed) a cookie request from an origin not in auth.config.allowed_origins.';

-- Double submit, bound to the session: X-CSRF-Token must equal the __Host-csrf
-- cookie and the session's token (auth.csrf_token).
create function auth.check_csrf(session_id uuid, headers jsonb, cookies jsonb) returns void
language plpgsql stable
set search_path = ''
as $$
declare
  sent text := headers ->> 'x-csrf-token';
  secret text;
begin
  if sent is null then
    perform platform.raise_error(403, 'auth.csrf_failed',
      'X-CSRF-Token is required: a request signed in by cookie that changes anything must send it',
      null, 'send the value of the __Host-csrf cookie (or the login answer''s csrf_token) in X-CSRF-Token');
  end if;
  select c.jwt_secret into secret from auth.config c;
  if sent is distinct from cookies ->> '__Host-csrf'
     or not auth.same_secret(sent, auth.csrf_token(session_id, secret), secret) then
    perform platform.raise_error(403, 'auth.csrf_failed',
      'X-CSRF-Token does not match this session''s __Host-csrf cookie', null,
      'send the current value of the __Host-csrf cookie; log in again if it is gone');
  end if;
end
$$;
comment on function auth.check_csrf(uuid, jsonb, jsonb) is
  'Refuse (403 auth.csrf_failed) a state-changing cookie request without the session''s X-CSRF-Token.';

-- THE rule of a request authenticated by cookie (see the top of this file).
-- method: the HTTP method; headers: every request header, names in lower case (as
-- PostgREST's request.headers); cookies: name -> value (as request.cookies).
-- Answers the verified claims of the access cookie, or null when the request is not
-- authenticated by cookie (an Authorization header, or no access cookie); raises
-- 401 (token, session) or 403 auth.csrf_failed.
create function auth.request_claims(method text, headers jsonb, cookies jsonb) returns jsonb
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  claims jsonb;
  websocket boolean := pg_catalog.lower(headers ->> 'upgrade') = 'websocket';
begin
  if headers ? 'authorization' or cookies ->> '__Host-access' is null then
    return null;
  end if;
  claims := auth.verify_token(cookies ->> '__Host-access');
  perform auth.check_session(claims);
  perform auth.check_origin(headers ->> 'origin', coalesce(websocket, false));
  if pg_catalog.upper(coalesce(method, '')) not in ('GET', 'HEAD', 'OPTIONS') then
    perform auth.check_csrf((claims ->> 'sid')::uuid, headers, cookies);
  end if;
  return claims;
end
$$;
comment on function auth.request_claims(text, jsonb, jsonb) is
  'The claims of a request authenticated by the access cookie (null: not by cookie), after the CSRF and Origin rule.';
revoke execute on function auth.request_claims(text, jsonb, jsonb) from public;
grant execute on function auth.request_claims(text, jsonb, jsonb) to anon;
select platform.declare_api_function('core', 'auth.request_claims(text, jsonb, jsonb)',
  array['anon'],
  'The pre-request hook and the gateway ask it, as anon, who a cookie request is (definer: reads the secret and sessions).');

-- How the current request wants its tokens: 'cookie' when it was authenticated by
-- the access cookie or asks for cookies with `X-Session: cookie` (from an allowed
-- Origin, if it names one: no login CSRF), else 'bearer' (tokens in the JSON body,
-- as always). A browser cannot send X-Session from a cross-site form, and a
-- cross-site fetch sending it needs a CORS preflight the front door refuses.
create function auth.session_mode() returns text
language plpgsql stable
set search_path = ''
as $$
declare
  asked text := pg_catalog.lower(pg_catalog.btrim(auth.request_header('x-session')));
begin
  if pg_catalog.current_setting('auth.session_via', true) = 'cookie' then
    return 'cookie';
  end if;
  if asked is null or asked = 'bearer' then
    return 'bearer';
  end if;
  if asked <> 'cookie' then
    perform platform.raise_error(422, 'auth.invalid_session_mode',
      'the X-Session header must be cookie or bearer', null,
      'send X-Session: cookie to receive the tokens as cookies');
  end if;
  perform auth.check_origin(auth.request_header('origin'), false);
  return 'cookie';
end
$$;
comment on function auth.session_mode() is
  '''cookie'' when the request came by cookie or sends X-Session: cookie (allowed Origin), else ''bearer''.';

-- Add headers to PostgREST's response (response.headers), keeping those set before.
create function auth.add_response_headers(headers jsonb) returns void
language sql volatile
set search_path = ''
as $$
  select pg_catalog.set_config('response.headers',
    (coalesce(nullif(pg_catalog.current_setting('response.headers', true), '')::pg_catalog.jsonb,
              '[]'::pg_catalog.jsonb) operator(pg_catalog.||) headers)::text, true)
$$;

-- The answer of register, login, refresh and change_password: unchanged for a Bearer
-- client; for a cookie client, the three cookies (Set-Cookie) and a body without the
-- tokens (page scripts never see them): {token_type: "cookie", expires_in,
-- session_expires_in, csrf_token, user}. csrf_token is the __Host-csrf cookie's value,
-- for a page of another allowed origin, which cannot read that cookie.
create function auth.deliver_tokens(answer json, mode text) returns json
language plpgsql volatile
set search_path = ''
as $$
declare
  access text := answer ->> 'access_token';
  session_id uuid;
  session_left integer;
  csrf text;
  flags text := '; Secure; SameSite=Lax';
begin
  if mode is distinct from 'cookie' or access is null then
    return answer;
  end if;
  session_id := (pg_catalog.convert_from(auth.base64url_decode(pg_catalog.split_part(access, '.', 2)),
                                         'UTF8')::jsonb ->> 'sid')::uuid;
  select greatest(0, pg_catalog.floor(extract(epoch from s.expires_at - pg_catalog.now())))::integer
    into session_left
    from auth.sessions s where s.id = session_id;
  csrf := auth.csrf_token(session_id, (select c.jwt_secret from auth.config c));
  perform auth.add_response_headers(pg_catalog.jsonb_build_array(
    pg_catalog.jsonb_build_object('Set-Cookie', pg_catalog.format(
      '__Host-access=%s; Path=/; Max-Age=%s; HttpOnly%s', access, answer ->> 'expires_in', flags)),
    pg_catalog.jsonb_build_object('Set-Cookie', pg_catalog.format(
      '__Secure-refresh=%s; Path=/rest/rpc/refresh; Max-Age=%s; HttpOnly%s',
      answer ->> 'refresh_token', session_left, flags)),
    pg_catalog.jsonb_build_object('Set-Cookie', pg_catalog.format(
      '__Host-csrf=%s; Path=/; Max-Age=%s%s', csrf, session_left, flags)),
    pg_catalog.jsonb_build_object('Cache-Control', 'no-store')));
  return pg_catalog.json_build_object(
    'token_type', 'cookie',
    'expires_in', answer -> 'expires_in',
    'session_expires_in', session_left,
    'csrf_token', csrf,
    'user', answer -> 'user');
end
$$;
comment on function auth.deliver_tokens(json, text) is
  'Tokens as the client asked: the JSON body (bearer), or Set-Cookie and a body without them (cookie).';

-- Logout: the three cookies expire now (same names, paths and flags, Max-Age=0).
create function auth.expire_session_cookies() returns void
language sql volatile
set search_path = ''
as $$
  select auth.add_response_headers(pg_catalog.jsonb_build_array(
    pg_catalog.jsonb_build_object('Set-Cookie', '__Host-access=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax'),
    pg_catalog.jsonb_build_object('Set-Cookie',
      '__Secure-refresh=; Path=/rest/rpc/refresh; Max-Age=0; HttpOnly; Secure; SameSite=Lax'),
    pg_catalog.jsonb_build_object('Set-Cookie', '__Host-csrf=; Path=/; Max-Age=0; Secure; SameSite=Lax')))
$$;
comment on function auth.expire_session_cookies() is 'Clear the three session cookies (Max-Age=0).';

commit;
