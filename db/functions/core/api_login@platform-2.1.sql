-- Deploy platform:functions/core/api_login to pg
-- requires: functions/core/api_login@platform-2.0
-- requires: functions/core/auth_cookies
--
-- Rework (issue 21):
--   * throttled by client address as well as by e-mail (auth.throttled, before
--     any bcrypt work; functions/core/auth_throttle), so neither a random-e-mail
--     storm from one address nor anyone's failures lock a known account out;
--   * `X-Session: cookie` answers the tokens as cookies (auth.deliver_tokens):
--     Set-Cookie __Host-access, __Secure-refresh, __Host-csrf and a body
--     without the tokens {token_type: "cookie", expires_in, session_expires_in,
--     csrf_token, user}. Login CSRF: a cross-site form cannot send that
--     header, a cross-site fetch needs a CORS preflight the front door refuses,
--     and an Origin header, when sent, must be allowed (auth.session_mode),
--     all checked before any work.
-- Answers otherwise unchanged: 200 tokens, 401 auth.invalid_credentials (same
-- answer, same bcrypt work, registered or not), 429 auth.too_many_attempts
-- (Retry-After), 422 auth.<field>_too_long first.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create or replace function api.login(email text, password text) returns json
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  typed extensions.citext;
  address inet := auth.request_address();
  mode text;
  usr auth.users;
  locked json;
begin
  perform auth.check_account_lengths(email, password);
  mode := auth.session_mode();
  typed := coalesce(auth.normalize_email(email), '');
  locked := auth.throttled(typed, address);
  if locked is not null then
    return locked;
  end if;
  select * into usr from auth.users u where u.email operator(extensions.=) typed;
  if usr.id is null then
    -- Unknown email: spend the same bcrypt work, then fail like a wrong password.
    perform auth.hash_password(coalesce(password, ''));
  elsif password is not null and usr.password_hash = extensions.crypt(password, usr.password_hash) then
    perform auth.clear_failed_logins(typed, address);
    return auth.deliver_tokens(auth.start_session(usr.id), mode);
  end if;
  perform auth.note_failed_login(typed, address);
  return platform.error_response(401, 'auth.invalid_credentials', 'email or password is incorrect',
    null, 'check both fields; after repeated failures the email is locked for a while');
end
$$;
comment on function api.login(text, text) is
  'Sign in with email and password: answers {access_token, token_type, expires_in, refresh_token, user}, '
  'or the tokens as cookies with X-Session: cookie.';

commit;
