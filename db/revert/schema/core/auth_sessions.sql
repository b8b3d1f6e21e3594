-- Revert platform:schema/core/auth_sessions from pg

begin;

drop table auth.refresh_tokens;
drop table auth.sessions;

commit;
