-- Deploy platform:functions/core/api_register to pg
-- requires: functions/core/auth_tokens
-- requires: functions/core/auth_errors
--
-- POST /rpc/register {email, password, username}
--   200 {access_token, token_type, expires_in, refresh_token, user}
--   409 auth.email_taken | auth.username_taken
--   422 auth.invalid_email | auth.invalid_username | auth.weak_password |
--       auth.<field>_too_long | auth.<field>_required
-- Lengths are checked first; the email is stored in NFKC form, and a
-- look-alike of a registered address is taken (schema/core/auth_users).

begin;

set local search_path = '';

create function api.register(email text, password text, username text) returns json
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  new_id uuid;
  err_state text;
  err_constraint text;
  err_column text;
  err_message text;
begin
  perform auth.check_account_lengths(email, password, username);
  perform auth.validate_password(password, 'password');
  begin
    insert into auth.users (email, username, password_hash)
    values (auth.normalize_email(email), pg_catalog.btrim(username), auth.hash_password(password))
    returning id into new_id;
  exception when integrity_constraint_violation then
    get stacked diagnostics err_state = returned_sqlstate, err_constraint = constraint_name,
                            err_column = column_name, err_message = message_text;
    perform auth.raise_account_error(err_state, err_constraint, err_column, err_message);
  end;
  return auth.start_session(new_id);
end
$$;
comment on function api.register(text, text, text) is
  'Create an account and sign in: answers {access_token, token_type, expires_in, refresh_token, user}.';

revoke execute on function api.register(text, text, text) from public;
grant execute on function api.register(text, text, text) to anon, authenticated;
select platform.declare_api_function('core', 'api.register(text, text, text)',
  array['anon', 'authenticated'],
  'POST /rpc/register: anyone may open an account (definer: writes auth.users).');

commit;
