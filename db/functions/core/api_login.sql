-- Deploy platform:functions/core/api_login to pg
-- requires: functions/core/api_login@platform-2.1
-- requires: functions/core/auth_legacy_passwords
--
-- Rework (issue 23): old passwords keep working.
--   * The password is checked with auth.password_matches: bcrypt as before, or a
--     Django pbkdf2_sha256 hash an import copied as it was. At the first login that
--     matches a Django hash, the hash is replaced by bcrypt (auth.hash_password) in
--     this same call; password_changed_at does not move (the password did not change,
--     and no session is ended), nor does updated_at.
--   * An account no password opens (Django's unusable `!...`, a format not read here)
--     spends the bcrypt work of an unknown e-mail and answers exactly as a wrong
--     password: nothing tells which accounts exist or must be reset.
--   * `set statement_timeout = '8s'`: PostgREST 12 applies a function's settings to
--     the call (measured: a 4 s call of a function set to 10 s passes, as anon whose
--     role timeout is 3 s). A Django hash of 1,000,000 iterations takes about 1.3 s
--     alone; 8 s, the signed-in roles' budget, keeps a busy machine from cutting it.
-- Everything else is platform-2.1's login, unchanged: throttles (before any hash
-- work), cookies, lengths, answers: 200 tokens, 401 auth.invalid_credentials (same
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
set statement_timeout = '8s'
as $$
declare
  typed extensions.citext;
  address inet := auth.request_address();
  mode text;
  usr auth.users;
  scheme text;
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
  scheme := auth.password_scheme(usr.password_hash);
  if usr.id is null or scheme not in ('bcrypt', 'pbkdf2_sha256') then
    -- Unknown email, or an account no password opens (Django's unusable `!`): spend
    -- the same bcrypt work, then fail like a wrong password.
    perform auth.hash_password(coalesce(password, ''));
  elsif auth.password_matches(password, usr.password_hash) then
    if scheme <> 'bcrypt' then
      -- The first login with an imported hash: bcrypt from now on. Only if the hash is
      -- still the one checked (a password set meanwhile wins).
      update auth.users u
         set password_hash = auth.hash_password(password)
       where u.id = usr.id and u.password_hash = usr.password_hash;
    end if;
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
