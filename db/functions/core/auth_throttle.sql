-- Deploy platform:functions/core/auth_throttle to pg
-- requires: functions/core/auth_throttle@platform-2.0
-- requires: schema/core/auth_login_failures_by_address
-- requires: schema/core/auth_sessions_created_from
-- requires: functions/core/auth_cookies
--
-- Rework (issue 21): login throttling keyed by client address as well as by
-- e-mail, without letting anyone lock a known account out. platform-2.0 locked
-- an e-mail after 5 failures from anywhere (anyone could lock its owner out),
-- and an address trying random e-mails spent one bcrypt each (30 logins/s
-- saturated the database). Now three counters, all read BEFORE any bcrypt work
-- (auth.throttled, one index lookup each):
--   * the address (auth.login_failures_by_address, email null): every failure
--     from it, whatever the e-mail; max_failed_logins_per_address (20) locks the
--     address: the random-e-mail storm stops at the 21st try, before bcrypt;
--   * the e-mail from the address (same table): max_failed_logins (5) locks
--     that pair only: a brute force of one account from one address; the owner
--     signing in from another address is not affected;
--   * the e-mail from everywhere (auth.login_failures): a ceiling for attacks
--     spread over many addresses. Past email_failure_ceiling (100) it does not
--     lock the e-mail: only addresses the account signed in from within
--     refresh_token_ttl (auth.sessions.created_from) may still try, until
--     lockout_max passes without a failure. Trade-off (docs/auth.md): during
--     such an attack the owner signs in from an address they used before, or
--     waits; a new address of theirs gets 429 like the attacker's.
-- A lock lasts lockout_base * 2^n (n: failures past the limit), at most
-- lockout_max; a quiet lockout_max forgets old failures. The address is nginx's
-- X-Real-IP (auth.request_address); without it (the direct, loopback-only
-- ports) failures count per e-mail under address null, platform-2.0's lock,
-- confined to direct clients. A success clears its (e-mail, address) pair only:
-- the address and e-mail counters fade with time, so a valid login does not
-- reset an attacker's budget.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- Internal to the auth functions (no API role may run them), all reworked below to take
-- the address: no client calls them. The revert brings them back.
-- squawk-ignore ban-drop-function
drop function auth.throttled(extensions.citext);
-- (the same: reworked to take the address)
-- squawk-ignore ban-drop-function
drop function auth.note_failed_login(extensions.citext);
-- (the same: reworked to take the address)
-- squawk-ignore ban-drop-function
drop function auth.clear_failed_logins(extensions.citext);

-- A 429 answer while the address, the e-mail from the address, or (past the
-- e-mail's ceiling) an address the account never signed in from is locked; else
-- null. email null: the address alone (register). No bcrypt has been spent yet.
create function auth.throttled(email extensions.citext, address inet) returns json
language plpgsql volatile
set search_path = ''
as $$
declare
  address_until timestamptz;
  pair_until timestamptz;
  ceiling_until timestamptz;
  until timestamptz;
  message text;
  wait_seconds integer;
begin
  if address is not null then
    select max(f.locked_until) filter (where f.email is null),
           max(f.locked_until) filter (where f.email is not null)
      into address_until, pair_until
      from auth.login_failures_by_address f
     where f.address = throttled.address
       and (f.email is null or f.email operator(extensions.=) throttled.email);
  elsif email is not null then
    select f.locked_until into pair_until
      from auth.login_failures_by_address f
     where f.address is null and f.email operator(extensions.=) throttled.email;
  end if;
  if email is not null then
    select f.locked_until into ceiling_until
      from auth.login_failures f where f.email operator(extensions.=) throttled.email;
    if ceiling_until > pg_catalog.now() and address is not null and exists (
         select from auth.users u join auth.sessions s on s.user_id = u.id
          where u.email operator(extensions.=) throttled.email
            and s.created_from = throttled.address
            and s.created_at > pg_catalog.now() - (select c.refresh_token_ttl from auth.config c)) then
      ceiling_until := null;  -- an address the account signed in from: still welcome
    end if;
  end if;
  until := greatest(address_until, pair_until, ceiling_until);
  if until is null or until <= pg_catalog.now() then
    return null;
  end if;
  message := case until
    when address_until then 'too many failed attempts from this address; try again later'
    when pair_until then 'too many failed attempts for this email; try again later'
    else 'too many failed attempts for this email from many addresses; sign in from an address'
         ' you used before, or try again later' end;
  wait_seconds := pg_catalog.ceil(extract(epoch from until - pg_catalog.now()))::integer;
  return platform.error_response(429, 'auth.too_many_attempts', message, null,
    pg_catalog.format('retry in %s seconds', wait_seconds),
    pg_catalog.json_build_object('Retry-After', wait_seconds::text));
end
$$;
comment on function auth.throttled(extensions.citext, inet) is
  'A 429 error response while the address, the e-mail from it or (past the ceiling) an unknown address is locked; else null.';

-- One more failure on a counter: consecutive failures (a quiet lockout_max starts
-- again from 1), a lock of lockout_base * 2^n past `max_failures`.
create function auth.count_login_failure(address inet, email extensions.citext, max_failures integer)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  cfg auth.config;
begin
  select * into cfg from auth.config;
  insert into auth.login_failures_by_address as f (address, email, failures, last_failed_at)
  values (count_login_failure.address, count_login_failure.email, 1, pg_catalog.now())
  on conflict on constraint login_failures_by_address_key do update
     set failures = case when f.last_failed_at < pg_catalog.now() - cfg.lockout_max
                         then 1 else f.failures + 1 end,
         last_failed_at = pg_catalog.now(),
         locked_until = case
           when f.last_failed_at >= pg_catalog.now() - cfg.lockout_max
            and f.failures + 1 >= max_failures
           then pg_catalog.now() + least(cfg.lockout_max,
                  cfg.lockout_base * pg_catalog.power(2, least(f.failures + 1 - max_failures, 20)))
         end;
end
$$;
comment on function auth.count_login_failure(inet, extensions.citext, integer) is
  'Count a failure of an address (email null) or of an e-mail from an address; lock past max_failures.';

-- A failed login (or a wrong current password, or a register of a taken e-mail
-- with email null): counted for the address, for the e-mail from the address, and
-- for the e-mail from everywhere (the ceiling).
create function auth.note_failed_login(email extensions.citext, address inet) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  cfg auth.config;
begin
  select * into cfg from auth.config;
  if address is not null then
    perform auth.count_login_failure(address, null, cfg.max_failed_logins_per_address);
  end if;
  if email is null then
    return;
  end if;
  perform auth.count_login_failure(address, email, cfg.max_failed_logins);
  insert into auth.login_failures as f (email, failures, last_failed_at)
  values (note_failed_login.email, 1, pg_catalog.now())
  on conflict on constraint login_failures_pkey do update
     set failures = case when f.last_failed_at < pg_catalog.now() - cfg.lockout_max
                         then 1 else f.failures + 1 end,
         last_failed_at = pg_catalog.now(),
         -- past the ceiling: only known addresses, until a quiet lockout_max
         locked_until = case
           when f.last_failed_at >= pg_catalog.now() - cfg.lockout_max
            and f.failures + 1 >= cfg.email_failure_ceiling
           then pg_catalog.now() + cfg.lockout_max
         end;
end
$$;
comment on function auth.note_failed_login(extensions.citext, inet) is
  'Count a failed login for the address, the e-mail from it and the e-mail everywhere; lock past the limits.';

-- A success forgets the failures of this e-mail from this address only.
-- (Two statements, each an index lookup: `is not distinct from` would scan the table.)
create function auth.clear_failed_logins(email extensions.citext, address inet) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  if address is null then
    delete from auth.login_failures_by_address f
     where f.address is null and f.email operator(extensions.=) clear_failed_logins.email;
  else
    delete from auth.login_failures_by_address f
     where f.address = clear_failed_logins.address
       and f.email operator(extensions.=) clear_failed_logins.email;
  end if;
end
$$;
comment on function auth.clear_failed_logins(extensions.citext, inet) is
  'Forget the failed logins of an e-mail from an address after a success there.';

commit;
