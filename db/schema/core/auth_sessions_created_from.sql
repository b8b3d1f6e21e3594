-- Deploy platform:schema/core/auth_sessions_created_from to pg
-- requires: schema/core/auth_sessions
--
-- The client address a session was opened from (nginx's X-Real-IP; null on
-- the direct ports). The login throttle asks it: past an e-mail's failure
-- ceiling, only addresses the account signed in from may still try
-- (functions/core/auth_throttle).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- No default: instant, existing sessions keep null (opened from an unknown address).
alter table auth.sessions add column created_from inet;
comment on column auth.sessions.created_from is
  'The client address (X-Real-IP) of the login that opened the session; null when unknown.';

commit;
