-- Deploy platform:schema/core/auth_login_failures_by_address to pg
-- requires: schema/core/auth_login_failures
-- requires: schema/core/auth_config
--
-- Login throttling by client address (issue 21). auth.login_failures counted
-- failures per e-mail and locked the e-mail: anyone could lock a known account
-- out, and one address trying many e-mails burnt one bcrypt per try. Failures
-- are now counted, before any bcrypt work is allowed, per
--   * address:            every e-mail tried from one client address
--                         (email null; limit max_failed_logins_per_address);
--   * e-mail and address: one account tried from one address
--                         (limit max_failed_logins);
--   * e-mail:             auth.login_failures, now a ceiling for distributed
--                         attacks only (email_failure_ceiling): past it, only
--                         addresses the account signed in from may try
--                         (functions/core/auth_throttle).
-- The address is nginx's X-Real-IP; a request without one came through the
-- direct, loopback-only ports (ops and tests) and is counted per e-mail, under
-- address null, as before.

begin;

set local search_path = '';
-- Give up rather than queue behind a long transaction (every query on the table would
-- queue behind this change); retry the deploy later. Raise statement_timeout in the
-- change if a backfill needs longer.
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create table auth.login_failures_by_address (
  -- nginx's X-Real-IP; null: no such header (the direct ports)
  address inet,
  -- the e-mail as typed (NFKC); null: every e-mail tried from the address
  email extensions.citext,
  failures integer not null constraint login_failures_by_address_positive check (failures > 0),
  last_failed_at timestamptz not null,
  locked_until timestamptz,
  -- a row counts an address, or an e-mail from an address (or from none)
  constraint login_failures_by_address_subject check (address is not null or email is not null),
  -- one row per (address, e-mail), nulls included: the key of every upsert and lookup
  constraint login_failures_by_address_key unique nulls not distinct (address, email)
);
comment on table auth.login_failures_by_address is
  'Consecutive failed logins per client address (email null) and per e-mail from an address; drives throttling.';

alter table auth.login_failures_by_address enable row level security;

-- Instant: constant defaults are stored in the catalog, no table rewrite (PostgreSQL 11+).
alter table auth.config
  add column max_failed_logins_per_address integer not null default 20
    constraint config_max_failed_logins_per_address check (max_failed_logins_per_address > 0),
  add column email_failure_ceiling integer not null default 100
    constraint config_email_failure_ceiling check (email_failure_ceiling > 0);
comment on column auth.config.max_failed_logins_per_address is
  'Failures from one client address, whatever the e-mails, before the address is locked.';
comment on column auth.config.email_failure_ceiling is
  'Failures of one e-mail from all addresses before only addresses it signed in from may try.';

commit;
