-- Revert platform:functions/core/auth_throttle from pg

begin;

drop function auth.clear_failed_logins(extensions.citext);
drop function auth.note_failed_login(extensions.citext);
drop function auth.throttled(extensions.citext);

commit;
