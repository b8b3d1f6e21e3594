-- Deploy platform:schema/journal/authors to pg
-- requires: schema/journal/entries
-- requires: schema/core/auth_users
-- requires: schema/core/storage_objects
-- requires: functions/core/platform_errors
-- requires: functions/journal/events
--
-- The journal's own author profiles (decision 0020: the journal does not depend on
-- publishing.profiles). One row per account, made by a trigger on auth.users (and for
-- the accounts that exist now, below), so the row is there before the first entry:
-- journal.entries.owner_id references it (PostgREST embeds `author:authors(...)`), and
-- a user sets their time zone before writing.
--   * display_name: 1-100 characters, stored trimmed; starts as the username.
--   * bio: at most 2000 characters.
--   * avatar_url: an http(s) URL, or the URL of a ready public image of the author's
--     own in any public bucket (/storage/public/<bucket>/<user id>/<file>, or one of its
--     variants); 422 journal.avatar_not_yours otherwise.
--   * timezone: an IANA name (422 journal.invalid_timezone); the default entry_date and
--     the calendar's "today" are in it (journal_private.today()).
--   * public_entries: how many public, live entries the author has, kept by triggers on
--     journal.entries (functions/journal/author_counts); the read policy is
--     `public_entries > 0`, so an author with only private entries stays invisible.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create table journal.authors (
  user_id uuid primary key references auth.users (id) on delete cascade,
  -- stored trimmed by the trigger
  display_name text not null
    constraint authors_display_name_length
      check (pg_catalog.char_length(display_name) between 1 and 100 and display_name = pg_catalog.btrim(display_name)),
  bio text constraint authors_bio_length check (pg_catalog.char_length(bio) <= 2000),
  -- an http(s) URL or a public storage object's URL (ownership: the trigger)
  avatar_url text
    constraint authors_avatar_url_format
      check (avatar_url ~ '^(https?://[^[:space:]]+|/storage/public/[a-z0-9][a-z0-9-]{1,62}/[A-Za-z0-9._/~-]+)$')
    constraint authors_avatar_url_length check (pg_catalog.char_length(avatar_url) <= 2000),
  -- validated by the trigger (a CHECK cannot catch the time zone error cheaply)
  timezone text not null default 'UTC'
    constraint authors_timezone_length check (pg_catalog.char_length(timezone) between 1 and 64),
  -- kept by the entries' triggers; never written by clients
  public_entries bigint not null default 0
    constraint authors_public_entries_nonnegative check (public_entries >= 0),
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now()
);
comment on table journal.authors is
  'The journal''s author profiles: readable by their owner, and by everyone once the author has a public, live entry.';
comment on column journal.authors.public_entries is 'How many public, live entries the author has (kept by the database).';

-- The read policy for others: authors with a public, live entry.
create index authors_listed_idx on journal.authors (user_id) where public_entries > 0;

-- Whether a /storage/public/<bucket>/<path>[~variant] URL names a ready public image
-- owned by `owner`. Runs as the caller: ready public objects are visible to everyone
-- through storage.objects' select policy.
create function journal_private.public_image_owned(url text, owner uuid) returns boolean
language sql stable
set search_path = ''
as $$
  select exists (
    select from storage_private.ready_object_at(public_image_owned.url) o
     where o.public and o.content_type like 'image/%' and o.owner_id = public_image_owned.owner)
$$;
revoke execute on function journal_private.public_image_owned(text, uuid) from public;
grant execute on function journal_private.public_image_owned(text, uuid) to authenticated;
select platform.declare_api_function('journal', 'journal_private.public_image_owned(text, uuid)',
  array['authenticated'], 'The authors trigger runs as the editing user: does an avatar URL name their own public image?');

-- Display name trimmed, time zone known (cheaply: scanning pg_timezone_names costs
-- ~40 ms a row), avatar the author's own; updated_at moves with what users write
-- (not with the public_entries counter).
create function journal_private.check_author() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.display_name is not null then
    new.display_name := pg_catalog.btrim(new.display_name);
  end if;
  if new.display_name is null or pg_catalog.char_length(new.display_name) not between 1 and 100 then
    perform platform.raise_error(422, 'journal.invalid_display_name',
      'display_name: must be 1 to 100 characters (after trimming)', '{"field": "display_name"}');
  end if;
  if tg_op = 'INSERT' or new.timezone is distinct from old.timezone then
    begin
      if new.timezone is null or pg_catalog.char_length(new.timezone) not between 1 and 64 then
        raise invalid_parameter_value;
      end if;
      perform pg_catalog.now() at time zone new.timezone;
    exception when invalid_parameter_value then
      perform platform.raise_error(422, 'journal.invalid_timezone',
        pg_catalog.format('timezone: %s is not a known time zone', coalesce(new.timezone, 'null')),
        '{"field": "timezone"}', 'use an IANA name such as Europe/Paris');
    end;
  end if;
  if new.avatar_url like '/storage/%'
     and new.avatar_url is distinct from (case when tg_op = 'UPDATE' then old.avatar_url end)
     and not journal_private.public_image_owned(new.avatar_url, new.user_id) then
    perform platform.raise_error(422, 'journal.avatar_not_yours',
      'avatar_url: must name a ready public image of yours (/storage/public/<bucket>/<your user id>/<file>)',
      '{"field": "avatar_url"}', 'upload it first, e.g. POST /storage/object/avatars/<your user id>/<file>');
  end if;
  if tg_op = 'UPDATE' and (new.display_name, new.bio, new.avatar_url, new.timezone)
                          is not distinct from (old.display_name, old.bio, old.avatar_url, old.timezone) then
    new.updated_at := old.updated_at;
  else
    new.updated_at := pg_catalog.now();
  end if;
  return new;
end
$$;
revoke execute on function journal_private.check_author() from public;
create trigger authors_check before insert or update on journal.authors
  for each row execute function journal_private.check_author();

-- SECURITY DEFINER: accounts are created by auth's definer functions; the author row
-- follows whoever inserts the account.
create function journal_private.create_author() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into journal.authors (user_id, display_name) values (new.id, new.username::text)
  on conflict on constraint authors_pkey do nothing;
  return null;
end
$$;
revoke execute on function journal_private.create_author() from public;
create trigger users_journal_author after insert on auth.users
  for each row execute function journal_private.create_author();

-- Accounts that existed before this change get their author row now.
insert into journal.authors (user_id, display_name)
select u.id, u.username::text from auth.users u
on conflict on constraint authors_pkey do nothing;

alter table journal.authors enable row level security;

-- Audited like every journal table (public_entries, kept by the database, is derived).
select audit.enable('journal.authors', derived_columns => '{public_entries}');

commit;
