-- Deploy platform:functions/core/api_register to pg
-- requires: functions/core/api_register@platform-2.0
-- requires: functions/core/auth_cookies
--
-- Rework (issue 21): register spends bcrypt only on an account it creates.
--   * An address the login throttle locked (auth.throttled with no e-mail) is
--     refused with 429 auth.too_many_attempts before any work.
--   * A taken e-mail (or a look-alike of one: the skeleton) or username is
--     answered 409 from an index lookup before hashing; the unique constraints
--     stay the rule (a concurrent register still gets its 409 from them, after
--     bcrypt), their wording is auth.raise_account_error's.
--   * `X-Session: cookie` answers the tokens as cookies, as login does
--     (auth.deliver_tokens).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create or replace function api.register(email text, password text, username text) returns json
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  mode text;
  locked json;
  new_id uuid;
  err_state text;
  err_constraint text;
  err_column text;
  err_message text;
begin
  perform auth.check_account_lengths(email, password, username);
  perform auth.validate_password(password, 'password');
  mode := auth.session_mode();
  locked := auth.throttled(null, auth.request_address());
  if locked is not null then
    return locked;
  end if;
  if exists (select from auth.users u where u.email_skeleton = auth.email_skeleton(auth.normalize_email(register.email))) then
    perform auth.raise_account_error('23505', 'users_email_skeleton_key', 'email', null);
  end if;
  if exists (select from auth.users u
              where u.username operator(extensions.=) pg_catalog.btrim(register.username)::extensions.citext) then
    perform auth.raise_account_error('23505', 'users_username_key', 'username', null);
  end if;
  begin
    insert into auth.users (email, username, password_hash)
    values (auth.normalize_email(email), pg_catalog.btrim(username), auth.hash_password(password))
    returning id into new_id;
  exception when integrity_constraint_violation then
    get stacked diagnostics err_state = returned_sqlstate, err_constraint = constraint_name,
                            err_column = column_name, err_message = message_text;
    perform auth.raise_account_error(err_state, err_constraint, err_column, err_message);
  end;
  return auth.deliver_tokens(auth.start_session(new_id), mode);
end
$$;
comment on function api.register(text, text, text) is
  'Create an account and sign in: answers {access_token, token_type, expires_in, refresh_token, user}, '
  'or the tokens as cookies with X-Session: cookie.';

commit;
