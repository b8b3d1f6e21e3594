-- Deploy platform:functions/core/api_refresh to pg
-- requires: functions/core/api_refresh@platform-2.0
-- requires: functions/core/auth_cookies
--
-- Rework (issue 21): refresh by cookie.
-- POST /rpc/refresh {refresh_token}   as before (tokens in the body; with
--                                     `X-Session: cookie`, as cookies)
-- POST /rpc/refresh {} (or no body)   the __Secure-refresh cookie is the token
--     (its Path is /rest/rpc/refresh: the browser sends it only here); the
--     request must carry X-CSRF-Token equal to the __Host-csrf cookie and the
--     session's token, from an allowed Origin if it names one (403
--     auth.csrf_failed, checked before the token is spent); the answer sets the
--     three cookies again (auth.deliver_tokens).
--   401 auth.invalid_refresh_token  no token, unknown token, or its session ended
--   401 auth.refresh_token_reused   a rotated token again: the session is
--       revoked (that commits).
-- The argument now has a default (null), so `{}` finds the function: the revert
-- drops it and creates platform-2.0's again (a default cannot be removed).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create or replace function api.refresh(refresh_token text default null) returns json
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  from_cookie boolean := refresh_token is null;
  presented text := refresh_token;
  cookies jsonb;
  mode text;
  token auth.refresh_tokens;
  sess auth.sessions;
begin
  -- longer than any token issued: a field error, before any work
  perform auth.check_length(refresh_token, 'refresh_token', 200);
  if from_cookie then
    cookies := coalesce(nullif(pg_catalog.current_setting('request.cookies', true), '')::jsonb, '{}');
    presented := cookies ->> '__Secure-refresh';
    perform auth.check_length(presented, 'refresh_token', 200);
    if presented is null then
      perform platform.raise_error(401, 'auth.invalid_refresh_token',
        'refresh_token is required: in the body, or as the __Secure-refresh cookie', null,
        'log in again');
    end if;
  end if;
  mode := case when from_cookie then 'cookie' else auth.session_mode() end;
  select * into token from auth.refresh_tokens t
   where t.token_hash = extensions.digest(presented, 'sha256')
     for update;
  if token.session_id is not null then
    select * into sess from auth.sessions s where s.id = token.session_id for update;
  end if;
  if sess.id is null or sess.revoked_at is not null or sess.expires_at <= pg_catalog.now() then
    perform platform.raise_error(401, 'auth.invalid_refresh_token',
      'refresh_token is invalid or its session has ended', null, 'log in again');
  end if;
  if from_cookie then
    -- a cookie is sent by the browser whoever asks: the page must prove it is ours
    perform auth.check_origin(auth.request_header('origin'), false);
    perform auth.check_csrf(sess.id,
      coalesce(nullif(pg_catalog.current_setting('request.headers', true), '')::jsonb, '{}'), cookies);
  end if;
  if token.rotated_at is not null then
    update auth.sessions
       set revoked_at = pg_catalog.now(), revoked_reason = 'refresh_token_reuse'
     where id = sess.id;
    return platform.error_response(401, 'auth.refresh_token_reused',
      'refresh_token was already used; the session has been revoked', null, 'log in again',
      pg_catalog.json_build_object('WWW-Authenticate', 'Bearer error="invalid_token"'));
  end if;
  update auth.refresh_tokens set rotated_at = pg_catalog.now() where token_hash = token.token_hash;
  update auth.sessions set refreshed_at = pg_catalog.now() where id = sess.id;
  return auth.deliver_tokens(auth.issue_tokens(sess.user_id, sess.id), mode);
end
$$;
comment on function api.refresh(text) is
  'Exchange a refresh token (body, or the __Secure-refresh cookie with X-CSRF-Token) for new tokens; '
  'reuse of a spent token revokes the session.';

commit;
