-- Deploy platform:schema/publishing/profiles to pg
-- requires: schema/publishing/schemas
-- requires: schema/core/auth_users
-- requires: functions/core/platform_errors
--
-- Public profiles, one per account, created and renamed by triggers on
-- auth.users (username is copied so that lists can embed authors without a
-- definer call per row; auth.users stays the one place it is edited).
-- Users edit their own profile's presentation fields, never their username
-- or privileges (those live in auth). Email is not here: see
-- functions/publishing/profile_email.

begin;

set local search_path = '';

create table publishing.profiles (
  user_id uuid primary key references auth.users (id) on delete cascade,
  username extensions.citext not null constraint profiles_username_key unique,
  display_name text not null
    constraint profiles_display_name_length check (pg_catalog.char_length(display_name) between 1 and 100),
  bio text constraint profiles_bio_length check (pg_catalog.char_length(bio) <= 2000),
  avatar_url text constraint profiles_avatar_url_format check (avatar_url ~ '^https?://[^[:space:]]+$')
    constraint profiles_avatar_url_length check (pg_catalog.char_length(avatar_url) <= 2000),
  -- Every anonymous GET /profiles carries it: 8 kB and 4 levels at most (finding 4 of
  -- issue 19: a user stored 10 MB). Checked in name order: length before nesting.
  preferences jsonb not null default '{}'
    constraint profiles_preferences_object check (pg_catalog.jsonb_typeof(preferences) = 'object')
    constraint profiles_preferences_length check (pg_catalog.octet_length(preferences::text) <= 8192)
    constraint profiles_preferences_nesting check (not pg_catalog.jsonb_path_exists(preferences, '$.**{5}')),
  timezone text not null default 'UTC'
    constraint profiles_timezone_length check (pg_catalog.char_length(timezone) <= 64),
  location text constraint profiles_location_length check (pg_catalog.char_length(location) <= 100),
  last_active_at timestamptz,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now()
);
comment on table publishing.profiles is 'Public profile of each account; the owner edits presentation fields.';

create function publishing_private.check_profile() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' or new.timezone is distinct from old.timezone then
    begin
      -- Cheap check (scanning pg_timezone_names costs ~40 ms per row).
      perform pg_catalog.now() at time zone new.timezone;
    exception when invalid_parameter_value then
      perform platform.raise_error(422, 'publishing.invalid_timezone',
        pg_catalog.format('timezone %s is not a known time zone', new.timezone), null,
        'use an IANA name such as Europe/Paris');
    end;
  end if;
  new.updated_at := pg_catalog.now();
  return new;
end
$$;
create trigger profiles_check before insert or update on publishing.profiles
  for each row execute function publishing_private.check_profile();

-- SECURITY DEFINER: accounts are created by auth's definer functions; the
-- profile follows whoever inserts the account.
create function publishing_private.sync_profile() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    insert into publishing.profiles (user_id, username, display_name)
    values (new.id, new.username, new.username::text);
  elsif new.username is distinct from old.username then
    update publishing.profiles set username = new.username where user_id = new.id;
  end if;
  return null;
end
$$;
create trigger users_publishing_profile after insert or update of username on auth.users
  for each row execute function publishing_private.sync_profile();

-- Accounts that existed before this module get their profile now.
insert into publishing.profiles (user_id, username, display_name)
select u.id, u.username, u.username::text from auth.users u
on conflict do nothing;

alter table publishing.profiles enable row level security;

commit;
