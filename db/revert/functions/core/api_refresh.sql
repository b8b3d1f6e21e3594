-- Revert platform:functions/core/api_refresh from pg
--
-- Back to platform-2.0's refresh (api_refresh@platform-2.0.sql). Its argument had no
-- default, which `create or replace` cannot remove: the function is dropped and
-- created again, with its grant (its declaration did not change).
--
-- POST /rpc/refresh {refresh_token}
--   200 {access_token, token_type, expires_in, refresh_token, user}: the
--       presented token is rotated (spent) and a new one issued.
--   401 auth.invalid_refresh_token  unknown token, or its session has ended
--   401 auth.refresh_token_reused   an already-rotated token: the whole
--       session is revoked (someone else may hold a copy), and that
--       revocation commits.

begin;

set local search_path = '';
set local lock_timeout = '5s';

drop function api.refresh(text);
create function api.refresh(refresh_token text) returns json
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  token auth.refresh_tokens;
  sess auth.sessions;
begin
  -- longer than any token issued: a field error, before any work
  perform auth.check_length(refresh_token, 'refresh_token', 200);
  select * into token from auth.refresh_tokens t
   where t.token_hash = extensions.digest(coalesce(refresh_token, ''), 'sha256')
     for update;
  if token.session_id is not null then
    select * into sess from auth.sessions s where s.id = token.session_id for update;
  end if;
  if sess.id is null or sess.revoked_at is not null or sess.expires_at <= pg_catalog.now() then
    perform platform.raise_error(401, 'auth.invalid_refresh_token',
      'refresh_token is invalid or its session has ended', null, 'log in again');
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
  return auth.issue_tokens(sess.user_id, sess.id);
end
$$;
comment on function api.refresh(text) is
  'Exchange a refresh token for new tokens (rotation; reuse of a spent token revokes the session).';
revoke execute on function api.refresh(text) from public;
grant execute on function api.refresh(text) to anon, authenticated;

commit;
