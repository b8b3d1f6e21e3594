-- Deploy platform:schema/journal/entries_blocks to pg
-- requires: schema/journal/entries
-- requires: functions/journal/events
--
-- What an entry's content is made of, for list filters (journal.list_entries):
--   * block_types: the distinct block types of the content, sorted
--     ('{checklist,paragraph}'); empty for a sealed entry;
--   * open_tasks: how many checklist items are not checked yet (0 when sealed).
-- Derived by a second BEFORE trigger (entries_guard_blocks: it fires after
-- entries_guard, by name, so the content is already validated); clients never
-- write them (no column grant). Existing rows are filled here with the row
-- triggers off: filling them is no edit (no version, audit row or event).
-- Audit treats them as derived columns, like the derived text.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '30min';  -- the backfill reads every entry's content

alter table journal.entries
  add column block_types text[] not null default '{}',
  add column open_tasks bigint not null default 0 constraint entries_open_tasks_counted check (open_tasks >= 0);
comment on column journal.entries.block_types is 'The distinct block types of the content, sorted (derived; empty when sealed).';
comment on column journal.entries.open_tasks is 'Checklist items not checked yet (derived; 0 when sealed).';

-- The block types and open checklist items of a content (validated already).
-- SQL-standard body: names resolved at creation.
create function journal_private.content_blocks(content jsonb, out block_types text[], out open_tasks bigint)
language sql immutable parallel safe
begin atomic
  select coalesce(pg_catalog.array_agg(distinct b.value ->> 'type' order by b.value ->> 'type'), '{}'::text[]),
         coalesce(pg_catalog.sum((select pg_catalog.count(*)
                                    from pg_catalog.jsonb_array_elements(
                                           case when pg_catalog.jsonb_typeof(b.value -> 'data' -> 'items') = 'array'
                                                then b.value -> 'data' -> 'items' else '[]'::jsonb end) i
                                   where b.value ->> 'type' = 'checklist' and i.value -> 'checked' = 'false'::jsonb)), 0)::bigint
    from pg_catalog.jsonb_array_elements(
           case when pg_catalog.jsonb_typeof(content -> 'blocks') = 'array' then content -> 'blocks' else '[]'::jsonb end) b;
end;
revoke execute on function journal_private.content_blocks(jsonb) from public;

-- SECURITY DEFINER like entries_guard: it reads no table, computes from NEW
-- and OLD only, and writers then need no EXECUTE on content_blocks.
create function journal_private.derive_blocks() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' or new.content is distinct from old.content then
    select c.block_types, c.open_tasks into new.block_types, new.open_tasks
      from journal_private.content_blocks(new.content) c;
  else
    new.block_types := old.block_types;
    new.open_tasks := old.open_tasks;
  end if;
  return new;
end
$$;
comment on function journal_private.derive_blocks() is
  'Entries: block_types and open_tasks derived from the (validated) content.';
revoke execute on function journal_private.derive_blocks() from public;

alter table journal.entries disable trigger user;
update journal.entries e
   set (block_types, open_tasks) = (select c.block_types, c.open_tasks from journal_private.content_blocks(e.content) c)
 where not e.sealed and pg_catalog.jsonb_array_length(e.content -> 'blocks') > 0;
alter table journal.entries enable trigger user;

-- Named to fire after entries_guard (triggers of one event fire by name).
create trigger entries_guard_blocks before insert or update on journal.entries
  for each row execute function journal_private.derive_blocks();

select audit.enable('journal.entries', exclude_columns => '{title,content}',
  derived_columns => '{plain_text,search,word_count,reading_minutes,sealed,image_paths,block_types,open_tasks}');

commit;
