-- Deploy platform:functions/core/api_session to pg
-- requires: functions/core/api_session@platform-2.1
-- requires: functions/core/auth_legacy_passwords
--
-- Rework (issue 23):
--   POST /rpc/change_password the current password is checked with
--                             auth.password_matches: an account still on its
--                             imported Django hash may change its password too
--                             (the new one is bcrypt, as always). It runs as
--                             authenticated, whose 8 s statement timeout covers
--                             Django's 1,000,000 iterations (about 1.3 s).
-- api.logout, api.me and auth.require_user are platform-2.1's, unchanged.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

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
  if auth.session_mode() = 'cookie' then
    perform auth.expire_session_cookies();
  end if;
  return pg_catalog.json_build_object('sessions_revoked', revoked);
end
$$;
comment on function api.logout(boolean) is
  'End this session (or every session of the user with everywhere = true); its tokens stop working at once, '
  'its cookies are cleared.';

create or replace function api.change_password(current_password text, new_password text) returns json
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  address inet := auth.request_address();
  mode text := auth.session_mode();
  usr auth.users;
  locked json;
begin
  perform auth.check_password_length(current_password, 'current_password');
  perform auth.check_password_length(new_password, 'new_password');
  select * into usr from auth.users u where u.id = auth.require_user() for update;
  if usr.id is null then
    perform platform.raise_error(401, 'auth.not_authenticated', 'the account no longer exists');
  end if;
  locked := auth.throttled(usr.email, address);
  if locked is not null then
    return locked;
  end if;
  if not auth.password_matches(current_password, usr.password_hash) then
    perform auth.note_failed_login(usr.email, address);
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
  perform auth.clear_failed_logins(usr.email, address);
  return auth.deliver_tokens(auth.start_session(usr.id), mode);
end
$$;
comment on function api.change_password(text, text) is
  'Change the password: every existing session is revoked and fresh tokens are returned (as cookies to a cookie session).';

commit;
