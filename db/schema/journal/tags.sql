-- Deploy platform:schema/journal/tags to pg
-- requires: schema/journal/entries
--
-- Tags per user and the tags on an entry.
--   * tags.name: 1-50 characters after trimming, no control characters,
--     unique per user ignoring case (409 journal.tag_exists).
--   * entry_tags: (entry, tag, owner). Composite foreign keys make an entry
--     carry only its owner's tags: (entry_id, owner_id) -> entries (id,
--     owner_id), (tag_id, owner_id) -> tags (id, owner_id). The trigger answers
--     404 journal.entry_not_found / journal.tag_not_found for anything that is
--     not the writer's own live entry or own tag, the same answer for someone
--     else's entry as for an id that does not exist.
--   * at most 20 tags on one entry (422 journal.too_many_tags).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create table journal.tags (
  id uuid primary key default pg_catalog.gen_random_uuid(),
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  -- stored trimmed by the trigger; users write it
  name text not null
    constraint tags_name_length check (pg_catalog.char_length(name) between 1 and 50 and name = pg_catalog.btrim(name))
    constraint tags_name_printable check (name !~ '[[:cntrl:]]'),
  created_at timestamptz not null default pg_catalog.now(),
  constraint tags_id_owner_key unique (id, owner_id)
);
-- unique per user ignoring case; its leading owner_id serves the policies
create unique index tags_owner_name_key on journal.tags (owner_id, pg_catalog.lower(name));
comment on table journal.tags is 'A user''s tags: names unique per user ignoring case.';

create table journal.entry_tags (
  entry_id uuid not null,
  tag_id uuid not null,
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  created_at timestamptz not null default pg_catalog.now(),
  -- owner_id in the key so PostgREST sees a junction: GET /entries?select=*,tags(name)
  -- (it is fixed by entry_id anyway: one pair of entry and tag, one row)
  primary key (entry_id, owner_id, tag_id),
  constraint entry_tags_entry_fkey foreign key (entry_id, owner_id)
    references journal.entries (id, owner_id) on delete cascade,
  constraint entry_tags_tag_fkey foreign key (tag_id, owner_id)
    references journal.tags (id, owner_id) on delete cascade
);
create index entry_tags_tag_id_idx on journal.entry_tags (tag_id, owner_id);
create index entry_tags_owner_id_idx on journal.entry_tags (owner_id);
comment on table journal.entry_tags is 'The tags on an entry (at most 20): the owner''s tags on the owner''s entries only.';

-- Runs as the writer: the policies decide what "exists" means, so someone
-- else's tag reads as missing, like a wrong id.
create function journal_private.guard_tag() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.name := pg_catalog.btrim(new.name);
  if new.name is null or pg_catalog.char_length(new.name) not between 1 and 50 then
    perform platform.raise_error(422, 'journal.invalid_tag_name', 'name: must be 1 to 50 characters (after trimming)',
      '{"field": "name"}');
  end if;
  if new.name ~ '[[:cntrl:]]' then
    perform platform.raise_error(422, 'journal.invalid_tag_name', 'name: must not hold control characters',
      '{"field": "name"}');
  end if;
  if exists (select from journal.tags t
              where t.owner_id = new.owner_id and pg_catalog.lower(t.name) = pg_catalog.lower(new.name)
                and (tg_op = 'INSERT' or t.id <> new.id)) then
    perform platform.raise_error(409, 'journal.tag_exists',
      pg_catalog.format('name: you already have a tag named %s', pg_catalog.quote_literal(new.name)),
      '{"field": "name"}', 'use the existing tag');
  end if;
  return new;
end
$$;
revoke execute on function journal_private.guard_tag() from public;
create trigger tags_guard before insert or update of name on journal.tags
  for each row execute function journal_private.guard_tag();

create function journal_private.guard_entry_tag() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not exists (select from journal.entries e
                  where e.id = new.entry_id and e.owner_id = new.owner_id
                    and e.owner_id = (select auth.uid()) and e.deleted_at is null) then
    perform platform.raise_error(404, 'journal.entry_not_found', 'entry_id: no such entry of yours',
      '{"field": "entry_id"}', 'tag your own entries (restore a deleted one first)');
  end if;
  if not exists (select from journal.tags t
                  where t.id = new.tag_id and t.owner_id = new.owner_id) then
    perform platform.raise_error(404, 'journal.tag_not_found', 'tag_id: no such tag of yours',
      '{"field": "tag_id"}', 'create the tag first (POST /tags)');
  end if;
  return new;
end
$$;
revoke execute on function journal_private.guard_entry_tag() from public;
-- Only for API roles: ops and jobs write what they mean.
create trigger entry_tags_guard before insert or update on journal.entry_tags
  for each row when (current_user in ('anon', 'authenticated'))
  execute function journal_private.guard_entry_tag();

-- At most 20 tags on an entry, counted after the statement (a bulk POST counts
-- all its rows). SECURITY DEFINER: counts every tag row of the entry; an
-- advisory lock per entry serialises two writers.
create function journal_private.enforce_tag_limit() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  entry uuid;
  carried bigint;
begin
  for entry in select distinct n.entry_id from new_rows n order by 1 loop
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('journal.entry_tags:' || entry::text, 0));
    select pg_catalog.count(*) into carried from journal.entry_tags et where et.entry_id = entry;
    if carried > 20 then
      perform platform.raise_error(422, 'journal.too_many_tags',
        pg_catalog.format('tag_id: an entry carries at most 20 tags; this would be %s', carried),
        '{"field": "tag_id", "limit": 20}', 'remove a tag first');
    end if;
  end loop;
  return null;
end
$$;
revoke execute on function journal_private.enforce_tag_limit() from public;
create trigger entry_tags_limit after insert on journal.entry_tags
  referencing new table as new_rows
  for each statement execute function journal_private.enforce_tag_limit();

alter table journal.tags enable row level security;
alter table journal.entry_tags enable row level security;

commit;
