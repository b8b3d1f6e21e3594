-- Deploy platform:schema/core/auth_login_failures to pg
-- requires: schema/core/namespaces
--
-- Failed logins counted per email address as typed, whether or not an
-- account has it, so throttling never tells an attacker which emails are
-- registered. A success clears the row.

begin;

set local search_path = '';

create table auth.login_failures (
  email extensions.citext primary key,
  failures integer not null constraint login_failures_positive check (failures > 0),
  last_failed_at timestamptz not null,
  locked_until timestamptz
);
comment on table auth.login_failures is 'Consecutive failed logins per email; drives throttling.';

alter table auth.login_failures enable row level security;

commit;
