-- Revert platform:functions/core/api_session from pg
--
-- Back to platform-2.0's logout and change_password (api_session@platform-2.0.sql
-- with `create or replace`; the grants and declarations did not change).
--
-- What a signed-in user does with their own account:
--   GET  /rpc/me               200 {id, email, username, privileges, created_at}
--                              (privileges as the access token carries them)
--   POST /rpc/logout           200 {sessions_revoked}; {"everywhere": true}
--                              ends every session of the user
--   POST /rpc/change_password {current_password, new_password}
--        200 new tokens (every earlier session is revoked)
--        403 auth.wrong_password (counts as a failed login) | 429 | 422
-- Anonymous callers get PostgREST's 401 (no EXECUTE for anon).

begin;

set local search_path = '';
set local lock_timeout = '5s';

create or replace function auth.require_user() returns uuid
language plpgsql stable
set search_path = ''
as $$
declare
  user_id uuid := auth.uid();
begin
  if user_id is null then
    perform platform.raise_error(401, 'auth.not_authenticated', 'an access token is required');
  end if;
  return user_id;
end
$$;
comment on function auth.require_user() is 'The caller''s user id; raises 401 when anonymous.';

create or replace function api.me() returns json
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  result json;
begin
  -- privileges: those of the caller's token, i.e. what SQL grants this request
  -- (auth.has_privilege reads the same claim); a grant shows after a refresh.
  select pg_catalog.json_build_object(
           'id', u.id, 'email', u.email::text, 'username', u.username::text,
           'privileges', coalesce(auth.claims() operator(pg_catalog.->) 'privileges', '[]'),
           'created_at', u.created_at)
    into result
    from auth.users u
   where u.id = auth.require_user();
  if result is null then
    perform platform.raise_error(401, 'auth.not_authenticated', 'the account no longer exists');
  end if;
  return result;
end
$$;
comment on function api.me() is 'The signed-in user: {id, email, username, privileges, created_at}.';

create or replace function api.logout(everywhere boolean default false) returns json
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := auth.require_user();
  this_session uuid := nullif(auth.claims() ->> 'sid', '')::uuid;
  revoked integer;
begin
  update auth.sessions s
     set revoked_at = pg_catalog.now(), revoked_reason = 'logout'
   where s.revoked_at is null
     and s.user_id = caller
     and (s.id = this_session or coalesce(everywhere, false));
  get diagnostics revoked = row_count;
  return pg_catalog.json_build_object('sessions_revoked', revoked);
end
$$;
comment on function api.logout(boolean) is
  'End this session (or every session of the user with everywhere = true); its tokens stop working at once.';

create or replace function api.change_password(current_password text, new_password text) returns json
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  usr auth.users;
  locked json;
begin
  perform auth.check_password_length(current_password, 'current_password');
  perform auth.check_password_length(new_password, 'new_password');
  select * into usr from auth.users u where u.id = auth.require_user() for update;
  if usr.id is null then
    perform platform.raise_error(401, 'auth.not_authenticated', 'the account no longer exists');
  end if;
  locked := auth.throttled(usr.email);
  if locked is not null then
    return locked;
  end if;
  if current_password is null
     or usr.password_hash <> extensions.crypt(current_password, usr.password_hash) then
    perform auth.note_failed_login(usr.email);
    return platform.error_response(403, 'auth.wrong_password', 'current_password is incorrect');
  end if;
  perform auth.validate_password(new_password, 'new_password');
  if new_password = current_password then
    perform platform.raise_error(422, 'auth.password_unchanged',
      'new_password must differ from current_password');
  end if;
  update auth.users
     set password_hash = auth.hash_password(new_password),
         password_changed_at = pg_catalog.now(),
         updated_at = pg_catalog.now()
   where id = usr.id;
  update auth.sessions
     set revoked_at = pg_catalog.now(), revoked_reason = 'password_change'
   where user_id = usr.id and revoked_at is null;
  perform auth.clear_failed_logins(usr.email);
  return auth.start_session(usr.id);
end
$$;
comment on function api.change_password(text, text) is
  'Change the password: every existing session is revoked and fresh tokens are returned.';

commit;
