-- Deploy platform:functions/core/auth_set_password to pg
-- requires: functions/core/auth_legacy_passwords
-- requires: functions/core/auth_admin
--
-- Accounts that must reset their password (issue 23): an import keeps Django's
-- unusable password (`!` and 40 random characters), which no login matches, and the
-- platform has no e-mail reset flow. Ops list them and give them a password:
--   inv users.reset-required       auth.reset_required()
--   inv users.set-password EMAIL   auth.admin_set_password(email, password)
-- Owner only, like auth_admin's functions (`inv users.create`...): not SECURITY
-- DEFINER, EXECUTE closed, called by the ops tasks as the database owner.

begin;

set local search_path = '';
-- Give up rather than queue behind a long transaction (every query on the table would
-- queue behind this change); retry the deploy later. Raise statement_timeout in the
-- change if a backfill needs longer.
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- The API's password rule and hashing (auth.validate_password, auth.hash_password).
-- A new password ends the account's sessions, as change_password does: whoever held
-- one signs in again with the new password.
create function auth.admin_set_password(email text, password text) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  target uuid;
begin
  perform auth.check_length(email, 'email', 254);
  perform auth.validate_password(password, 'password');
  select u.id into target from auth.users u
   where u.email operator(extensions.=) auth.normalize_email(admin_set_password.email)::extensions.citext
     for update;
  if target is null then
    perform platform.raise_error(404, 'auth.unknown_user', 'email does not belong to any account',
      null, 'check the address: inv users.reset-required lists the accounts that must reset');
  end if;
  update auth.users u
     set password_hash = auth.hash_password(password),
         password_changed_at = pg_catalog.now(),
         updated_at = pg_catalog.now()
   where u.id = target;
  update auth.sessions s
     set revoked_at = pg_catalog.now(), revoked_reason = 'password_change'
   where s.user_id = target and s.revoked_at is null;
end
$$;
comment on function auth.admin_set_password(text, text) is
  'Give an account a new password (ops: inv users.set-password); its sessions end.';
revoke execute on function auth.admin_set_password(text, text) from public;

-- The accounts no password opens: Django's unusable password (`!...`), or a stored
-- hash of a format the platform does not read (another Django hasher). Imported
-- pbkdf2_sha256 hashes are not listed: their owners sign in as before.
create function auth.reset_required()
returns table (email text, username text, scheme text, created_at timestamptz)
language sql stable
set search_path = ''
as $$
  select u.email::text, u.username::text, auth.password_scheme(u.password_hash), u.created_at
    from auth.users u
   where auth.password_scheme(u.password_hash) in ('unusable', 'unknown')
   order by u.email
$$;
comment on function auth.reset_required() is
  'Accounts whose stored hash no password matches (ops: inv users.reset-required).';
revoke execute on function auth.reset_required() from public;

commit;
