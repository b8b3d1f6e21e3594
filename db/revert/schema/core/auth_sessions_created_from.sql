-- Revert platform:schema/core/auth_sessions_created_from from pg

begin;

set local lock_timeout = '5s';

alter table auth.sessions drop column created_from;

commit;
