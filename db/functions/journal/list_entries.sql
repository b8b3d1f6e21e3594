-- Deploy platform:functions/journal/list_entries to pg
-- requires: rls/journal/entries
-- requires: rls/journal/tags
-- requires: functions/core/platform_errors
-- requires: schema/journal/entries_blocks
-- requires: schema/journal/entries_owner_list_idx
--
-- GET or POST /rpc/list_entries (Accept-Profile/Content-Profile: journal)
--   {tags?, tags_all?, from?, to?, is_public?, block_type?, has_open_tasks?,
--    after_date?, after_created_at?, after_id?, lim?}  + PostgREST's select=
-- The caller's live entries, newest first: entry_date desc, created_at desc,
-- id desc. Next page: the last row's (entry_date, created_at, id) as
-- after_date, after_created_at, after_id (keyset: no offset, a deep page costs
-- what the first does). Returns setof journal.entries, so PostgREST's select=,
-- embedding (tags(name)) and limit= work on it.
-- POST /rpc/count_entries with the same filters (no after_*) answers the total.
--
-- Filters: tags (any of them; all of them with tags_all), from/to on
-- entry_date (inclusive), is_public, block_type (entries holding a block of
-- that type), has_open_tasks (a checklist item not checked yet; false: none).
-- Bad input: 422 journal.invalid_date_range (from after to),
-- journal.invalid_cursor (after_* not all three), journal.invalid_block_type,
-- journal.invalid_tags (more than 20, or a null), journal.invalid_limit.
--
-- SECURITY INVOKER (the policies apply as for GET /entries), PL/pgSQL planned
-- with each call's values: the caller's id is known to the plan, so a heavy
-- user's page walks entries_owner_list_idx in order and stops at lim (an
-- inlined SQL function, with the id unknown, sorted all 10,000 entries).
-- lim (1-100, default 20) is the page size: Prefer: count=exact would count
-- the page only; the total is count_entries.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- The list's arguments checked once per call (a one-time filter of the
-- query): true, or a 422 naming the field.
create function journal_private.list_args_ok(
  tags uuid[], date_from date, date_to date, block_type text,
  after_date date, after_created_at timestamptz, after_id uuid
) returns boolean
language plpgsql stable
set search_path = ''
as $$
begin
  if date_from > date_to then
    perform platform.raise_error(422, 'journal.invalid_date_range', 'from: must not be after to', '{"field": "from"}');
  end if;
  if tags is not null and (pg_catalog.array_position(tags, null) is not null or pg_catalog.cardinality(tags) > 20) then
    perform platform.raise_error(422, 'journal.invalid_tags', 'tags: at most 20 tag ids, none null', '{"field": "tags"}');
  end if;
  if block_type is not null and block_type not in
     ('paragraph', 'header', 'list', 'checklist', 'quote', 'code', 'delimiter', 'table', 'image') then
    perform platform.raise_error(422, 'journal.invalid_block_type',
      'block_type: use paragraph, header, list, checklist, quote, code, delimiter, table or image',
      '{"field": "block_type"}');
  end if;
  if (after_date is null) <> (after_id is null) or (after_date is null) <> (after_created_at is null) then
    perform platform.raise_error(422, 'journal.invalid_cursor',
      'after_id: send after_date, after_created_at and after_id together (the last row''s), or none',
      '{"field": "after_id"}');
  end if;
  return true;
end
$$;
revoke execute on function journal_private.list_args_ok(uuid[], date, date, text, date, timestamptz, uuid) from public;
grant execute on function journal_private.list_args_ok(uuid[], date, date, text, date, timestamptz, uuid) to authenticated;
select platform.declare_api_function('journal',
  'journal_private.list_args_ok(uuid[], date, date, text, date, timestamptz, uuid)', array['authenticated'],
  'Checks list_entries'' arguments (422 naming the field); reads nothing.');

-- The caller's entries carrying any of the tags (all of them with all_tags),
-- from the tags' side (entry_tags_tag_id_idx). The list and the count then
-- fetch few of them by primary key, or walk the list's index testing many of
-- them by hash (a correlated sub-query per entry walked 3,800 entries for 20
-- rows of two tags).
create function journal_private.tagged_entries(me uuid, tags uuid[], all_tags boolean) returns uuid[]
language sql stable
set search_path = ''
as $$
  select coalesce(pg_catalog.array_agg(g.entry_id), '{}'::uuid[])
    from (select t.entry_id from journal.entry_tags t
           where t.tag_id = any (tags) and t.owner_id = me
           group by t.entry_id
          having not all_tags
              or pg_catalog.count(*) = (select pg_catalog.count(distinct x) from pg_catalog.unnest(tags) x)) g
$$;
revoke execute on function journal_private.tagged_entries(uuid, uuid[], boolean) from public;
grant execute on function journal_private.tagged_entries(uuid, uuid[], boolean) to authenticated;
select platform.declare_api_function('journal', 'journal_private.tagged_entries(uuid, uuid[], boolean)',
  array['authenticated'], 'SECURITY INVOKER, read-only: the caller''s tagged entries under entry_tags'' policies.');

create function journal.list_entries(
  tags uuid[] default null, tags_all boolean default false, "from" date default null, "to" date default null,
  is_public boolean default null, block_type text default null, has_open_tasks boolean default null,
  after_date date default null, after_created_at timestamptz default null, after_id uuid default null,
  lim integer default 20
) returns setof journal.entries
language plpgsql stable
set search_path = ''
set plan_cache_mode = 'force_custom_plan'
as $$
declare
  -- a value, not a sub-select: the plan knows whose entries (a heavy user's
  -- list walks the index in order and stops at lim)
  me uuid := auth.uid();
  n_tags bigint := (select pg_catalog.count(distinct x) from pg_catalog.unnest(tags) x);
  -- few tagged entries: fetched by id and sorted; many: the list's index
  -- walked in order, each entry tested against a hash of them (the OR keeps
  -- the planner from turning it into a join)
  tagged uuid[];
  many uuid[];
begin
  if lim is null or lim not between 1 and 100 then
    perform platform.raise_error(422, 'journal.invalid_limit', 'lim: must be a whole number from 1 to 100',
      '{"field": "lim"}');
  end if;
  perform journal_private.list_args_ok(tags, "from", "to", block_type, after_date, after_created_at, after_id);
  if n_tags > 0 then
    tagged := journal_private.tagged_entries(me, tags, coalesce(tags_all, false));
    if pg_catalog.cardinality(tagged) > 200 then
      many := tagged;
      tagged := null;
    end if;
  end if;
  return query
    select e.*
      from journal.entries e
     where e.owner_id = me
       and e.deleted_at is null
       and ("from" is null or e.entry_date >= "from")
       and ("to" is null or e.entry_date <= "to")
       and (list_entries.is_public is null or e.is_public = list_entries.is_public)
       and (has_open_tasks is null or (e.open_tasks > 0) = has_open_tasks)
       and (block_type is null or e.block_types operator(pg_catalog.@>) array[block_type])
       and (tagged is null or e.id = any (tagged))
       and (many is null or e.id in (select pg_catalog.unnest(many)))
       and (after_id is null or (e.entry_date, e.created_at, e.id) < (after_date, after_created_at, after_id))
     order by e.entry_date desc, e.created_at desc, e.id desc
     limit lim;
end
$$;
comment on function journal.list_entries(uuid[], boolean, date, date, boolean, text, boolean, date, timestamptz, uuid, integer) is
  'The caller''s live entries newest first (entry_date, created_at, id desc), filtered by tags (any or all), dates, is_public, block type, open tasks; keyset pages by after_date/after_created_at/after_id.';
revoke execute on function journal.list_entries(uuid[], boolean, date, date, boolean, text, boolean, date, timestamptz, uuid, integer) from public;
grant execute on function journal.list_entries(uuid[], boolean, date, date, boolean, text, boolean, date, timestamptz, uuid, integer) to authenticated;
select platform.declare_api_function('journal',
  'journal.list_entries(uuid[], boolean, date, date, boolean, text, boolean, date, timestamptz, uuid, integer)',
  array['authenticated'], 'SECURITY INVOKER, read-only: the caller''s own entries under the entries'' policies.');

-- The number of entries list_entries answers with these filters (all pages).
-- PL/pgSQL planned with the call's values (a scalar SQL function is never
-- inlined, and a generic plan keeps every `param is null or ...`): with no
-- tag filter the count reads entries_owner_list_idx alone (index-only).
create function journal.count_entries(
  tags uuid[] default null, tags_all boolean default false, "from" date default null, "to" date default null,
  is_public boolean default null, block_type text default null, has_open_tasks boolean default null
) returns bigint
language plpgsql stable
set search_path = ''
set plan_cache_mode = 'force_custom_plan'
as $$
declare
  me uuid := auth.uid();
  n_tags bigint := (select pg_catalog.count(distinct x) from pg_catalog.unnest(tags) x);
  -- few tagged entries: fetched by id and sorted; many: the list's index
  -- walked in order, each entry tested against a hash of them (the OR keeps
  -- the planner from turning it into a join)
  tagged uuid[];
  many uuid[];
  total bigint;
begin
  perform journal_private.list_args_ok(tags, "from", "to", block_type, null, null, null);
  if n_tags > 0 then
    tagged := journal_private.tagged_entries(me, tags, coalesce(tags_all, false));
    if pg_catalog.cardinality(tagged) > 200 then
      many := tagged;
      tagged := null;
    end if;
  end if;
  select pg_catalog.count(*) into total
    from journal.entries e
   where e.owner_id = me
     and e.deleted_at is null
     and ("from" is null or e.entry_date >= "from")
     and ("to" is null or e.entry_date <= "to")
     and (count_entries.is_public is null or e.is_public = count_entries.is_public)
     and (has_open_tasks is null or (e.open_tasks > 0) = has_open_tasks)
     and (block_type is null or e.block_types operator(pg_catalog.@>) array[block_type])
     and (tagged is null or e.id = any (tagged))
     and (many is null or e.id in (select pg_catalog.unnest(many)));
  return total;
end
$$;
comment on function journal.count_entries(uuid[], boolean, date, date, boolean, text, boolean) is
  'How many entries journal.list_entries answers with these filters, all pages together.';
revoke execute on function journal.count_entries(uuid[], boolean, date, date, boolean, text, boolean) from public;
grant execute on function journal.count_entries(uuid[], boolean, date, date, boolean, text, boolean) to authenticated;
select platform.declare_api_function('journal',
  'journal.count_entries(uuid[], boolean, date, date, boolean, text, boolean)',
  array['authenticated'], 'SECURITY INVOKER, read-only: counts the caller''s own entries under the entries'' policies.');

commit;
