-- Deploy platform:schema/journal/entry_views to pg
-- requires: schema/journal/entries
--
-- The owner's own statistics of an entry: how often it was viewed and when last
-- (journal.record_view counts a view by anyone who may read the entry). Kept
-- apart from journal.entries for two reasons:
--   * privacy: an entry's columns are readable by everyone when it is public,
--     and row-level security cannot hide a column on some rows only; when the
--     owner last reread an entry is the owner's business (the property tests of
--     issue 22 found the counters readable by others on public entries);
--   * cost: counting a view no longer writes a new version of the entry's row
--     (with its 1 MB of content, its search vector and indexes), nor fires the
--     entries' audit and event triggers.
-- One row per viewed entry, created by the first view; its (entry_id, owner_id)
-- key points at entries (id, owner_id), so the owner embeds it:
-- GET /entries?select=*,entry_views(view_count,last_viewed_at).
-- Not audited: a view is not a change of the diary (the audit log would get a
-- row per read).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create table journal.entry_views (
  entry_id uuid not null,
  owner_id uuid not null,
  view_count bigint not null default 0
    constraint entry_views_count_positive check (view_count >= 0),
  last_viewed_at timestamptz not null default pg_catalog.now(),
  primary key (entry_id, owner_id),
  constraint entry_views_entry_fkey foreign key (entry_id, owner_id)
    references journal.entries (id, owner_id) on delete cascade
);
-- one row per entry (the key's owner_id only lets PostgREST see the embed)
create unique index entry_views_entry_key on journal.entry_views (entry_id);
-- the read policy's column
create index entry_views_owner_idx on journal.entry_views (owner_id);
comment on table journal.entry_views is
  'The owner''s statistics of an entry: views counted by journal.record_view; only the owner reads them.';

alter table journal.entry_views enable row level security;

commit;
