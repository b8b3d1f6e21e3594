-- Deploy platform:functions/core/auth_admin to pg
-- requires: functions/core/auth_tokens
-- requires: functions/core/auth_errors
--
-- Account administration for ops (`inv users.create`, `inv users.grant`,
-- `inv users.revoke`): owner only, never exposed. Same rules and error
-- codes as the API: the same password rule, the same constraint messages.

begin;

set local search_path = '';

create function auth.create_user(
  email text, password text, username text, privileges text[] default '{}'
) returns uuid
language plpgsql volatile
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
    insert into auth.user_privileges (user_id, privilege)
    select new_id, p from pg_catalog.unnest(privileges) p where p <> 'reader';
  exception when integrity_constraint_violation then
    get stacked diagnostics err_state = returned_sqlstate, err_constraint = constraint_name,
                            err_column = column_name, err_message = message_text;
    perform auth.raise_account_error(err_state, err_constraint, err_column, err_message);
  end;
  return new_id;
end
$$;
comment on function auth.create_user(text, text, text, text[]) is
  'Create an account with privileges (ops: inv users.create).';

create function auth.grant_privilege(email text, privilege text) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  target uuid;
  err_state text;
  err_constraint text;
  err_column text;
  err_message text;
begin
  select u.id into target from auth.users u where u.email operator(extensions.=) auth.normalize_email(grant_privilege.email)::extensions.citext;
  if target is null then
    perform platform.raise_error(404, 'auth.unknown_user', 'email does not belong to any account',
      null, 'create the account first: inv users.create EMAIL');
  end if;
  if privilege = 'reader' then
    return;
  end if;
  begin
    insert into auth.user_privileges (user_id, privilege) values (target, privilege)
    on conflict do nothing;
  exception when integrity_constraint_violation then
    get stacked diagnostics err_state = returned_sqlstate, err_constraint = constraint_name,
                            err_column = column_name, err_message = message_text;
    perform auth.raise_account_error(err_state, err_constraint, err_column, err_message);
  end;
end
$$;
comment on function auth.grant_privilege(text, text) is
  'Grant an app privilege; it shows in the user''s next token (refresh or login).';

create function auth.revoke_privilege(email text, privilege text) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  target uuid;
begin
  select u.id into target from auth.users u where u.email operator(extensions.=) auth.normalize_email(revoke_privilege.email)::extensions.citext;
  if target is null then
    perform platform.raise_error(404, 'auth.unknown_user', 'email does not belong to any account');
  end if;
  delete from auth.user_privileges up where up.user_id = target and up.privilege = revoke_privilege.privilege;
  if found then
    -- Tokens carry privileges: end the sessions so the loss applies at once.
    update auth.sessions s set revoked_at = pg_catalog.now(), revoked_reason = 'privilege_change'
     where s.user_id = target and s.revoked_at is null;
  end if;
end
$$;
comment on function auth.revoke_privilege(text, text) is
  'Withdraw an app privilege and end the user''s sessions so it applies immediately.';

commit;
