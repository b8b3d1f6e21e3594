-- Deploy platform:functions/core/auth_errors to pg
-- requires: schema/core/auth_users
-- requires: functions/core/platform_errors
--
-- Constraint violations on accounts, translated into client errors by
-- constraint name: the rule lives in the constraint, its wording here.

begin;

set local search_path = '';

create function auth.raise_account_error(
  sql_state text, constraint_name text, column_name text, message text
) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  case
    -- a look-alike of a registered address answers exactly as that address does
    when constraint_name in ('users_email_key', 'users_email_skeleton_key') then
      perform platform.raise_error(409, 'auth.email_taken', 'email is already registered', null,
        'log in, or register with another email');
    when constraint_name = 'users_username_key' then
      perform platform.raise_error(409, 'auth.username_taken', 'username is already taken', null,
        'choose another username');
    when constraint_name in ('users_email_format', 'users_email_normalized') then
      perform platform.raise_error(422, 'auth.invalid_email', 'email is not a valid address');
    when constraint_name = 'users_username_format' then
      perform platform.raise_error(422, 'auth.invalid_username',
        'username must be 3 to 32 characters: letters, digits, "_", "." or "-"');
    when constraint_name = 'user_privileges_privilege_fkey' then
      perform platform.raise_error(422, 'auth.unknown_privilege', 'privilege is not one of reader, author, moderator, editor, admin');
    when sql_state = '23502' then
      perform platform.raise_error(422, 'auth.' || column_name || '_required',
        pg_catalog.format('%s is required', column_name));
    else
      raise exception using errcode = sql_state, message = message;
  end case;
end
$$;
comment on function auth.raise_account_error(text, text, text, text) is
  'Translate an account constraint violation into a client error naming the field.';

commit;
