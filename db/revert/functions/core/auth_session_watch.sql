-- Revert platform:functions/core/auth_session_watch from pg

begin;

drop function auth.ended_sessions(uuid[]);
drop trigger sessions_notify_ended on auth.sessions;
drop function auth.notify_session_ended();

commit;
