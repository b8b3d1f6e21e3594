-- Deploy platform:functions/core/auth_session_watch to pg
-- requires: schema/core/auth_sessions
--
-- Lets the realtime gateway close the sockets of ended sessions at once:
--   * NOTIFY platform_sessions '<session id>' when a session is revoked
--     (logout, password change, refresh-token reuse, admin);
--   * auth.ended_sessions(ids) for its periodic sweep, which also catches
--     expired sessions and deleted users. Role platform_jobs only.

begin;

set local search_path = '';

create function auth.notify_session_ended() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform pg_catalog.pg_notify('platform_sessions', new.id::text);
  return null;
end
$$;
comment on function auth.notify_session_ended() is 'Wake the realtime gateway when a session is revoked.';

create trigger sessions_notify_ended
  after update of revoked_at on auth.sessions
  for each row when (old.revoked_at is null and new.revoked_at is not null)
  execute function auth.notify_session_ended();

-- SECURITY DEFINER: platform_jobs has no access to auth.sessions.
create function auth.ended_sessions(ids uuid[]) returns setof uuid
language sql stable
security definer
set search_path = ''
as $$
  select s.id from pg_catalog.unnest(ids) as s (id)
   where not exists (select from auth.sessions x
                      where x.id = s.id and x.revoked_at is null and x.expires_at > pg_catalog.now())
$$;
comment on function auth.ended_sessions(uuid[]) is 'Which of these sessions are revoked, expired or gone.';

revoke execute on function auth.ended_sessions(uuid[]) from public;
grant execute on function auth.ended_sessions(uuid[]) to platform_jobs;

commit;
