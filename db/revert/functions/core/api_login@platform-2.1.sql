-- Revert platform:functions/core/api_login from pg
--
-- Back to platform-2.0's login (api_login@platform-2.0.sql with `create or replace`).
--
-- POST /rpc/login {email, password}
--   200 {access_token, token_type, expires_in, refresh_token, user}
--   401 auth.invalid_credentials   (same answer, same bcrypt work, whether or
--                                    not the email is registered)
--   429 auth.too_many_attempts      (Retry-After header)
--   422 auth.email_too_long | auth.password_too_long  (checked first: longer
--                                    than any account's, and never indexed)
-- Failures answer through platform.error_response rather than raising, so
-- the failure count commits. The email is looked up (and throttled) in its
-- NFKC form: the full-width form of an address signs in exactly as the
-- address does, and counts towards the same lock-out; a look-alike in
-- other letters (Cyrillic "а") is another, unregistered address.

begin;

set local search_path = '';
set local lock_timeout = '5s';

create or replace function api.login(email text, password text) returns json
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  typed extensions.citext;
  usr auth.users;
  locked json;
begin
  perform auth.check_account_lengths(email, password);
  typed := coalesce(auth.normalize_email(email), '');
  locked := auth.throttled(typed);
  if locked is not null then
    return locked;
  end if;
  select * into usr from auth.users u where u.email operator(extensions.=) typed;
  if usr.id is null then
    -- Unknown email: spend the same bcrypt work, then fail like a wrong password.
    perform auth.hash_password(coalesce(password, ''));
  elsif password is not null and usr.password_hash = extensions.crypt(password, usr.password_hash) then
    perform auth.clear_failed_logins(typed);
    return auth.start_session(usr.id);
  end if;
  perform auth.note_failed_login(typed);
  return platform.error_response(401, 'auth.invalid_credentials', 'email or password is incorrect',
    null, 'check both fields; after repeated failures the email is locked for a while');
end
$$;
comment on function api.login(text, text) is
  'Sign in with email and password: answers {access_token, token_type, expires_in, refresh_token, user}.';

commit;
