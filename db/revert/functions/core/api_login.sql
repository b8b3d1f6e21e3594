-- Revert platform:functions/core/api_login from pg
--
-- Back to platform-2.1's login (api_login@platform-2.1.sql): bcrypt hashes only, no
-- function-level statement_timeout (`create or replace` drops the SET clause).

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
