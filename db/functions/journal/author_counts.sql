-- Deploy platform:functions/journal/author_counts to pg
-- requires: schema/journal/authors
-- requires: rls/journal/entries
--
-- journal.authors.public_entries counts each author's public, live entries (is_public
-- and deleted_at is null), so the authors' read policy is a column test, not a
-- subquery per row. Three row triggers on journal.entries, each with a WHEN clause: a
-- private entry's insert, edit or delete never runs them (the common write pays
-- nothing); only a change of an entry's public-and-live state moves the count.
-- SECURITY DEFINER: the writer may not write public_entries (no column grant).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create function journal_private.count_public_entries() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and old.is_public and old.deleted_at is null then
    update journal.authors a set public_entries = a.public_entries - 1 where a.user_id = old.owner_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.is_public and new.deleted_at is null then
    update journal.authors a set public_entries = a.public_entries + 1 where a.user_id = new.owner_id;
  end if;
  return null;
end
$$;
comment on function journal_private.count_public_entries() is
  'Keeps journal.authors.public_entries: each author''s public, live entries.';
revoke execute on function journal_private.count_public_entries() from public;

create trigger entries_public_count_insert after insert on journal.entries
  for each row when (new.is_public and new.deleted_at is null)
  execute function journal_private.count_public_entries();
create trigger entries_public_count_update after update of is_public, deleted_at, owner_id on journal.entries
  for each row when ((old.is_public and old.deleted_at is null, old.owner_id)
                     is distinct from (new.is_public and new.deleted_at is null, new.owner_id))
  execute function journal_private.count_public_entries();
create trigger entries_public_count_delete after delete on journal.entries
  for each row when (old.is_public and old.deleted_at is null)
  execute function journal_private.count_public_entries();

-- The counts of the entries that exist now. Creating the triggers took a lock that
-- holds off writes to journal.entries until this commits: nothing is missed.
update journal.authors a set public_entries = c.n
  from (select e.owner_id, pg_catalog.count(*) as n from journal.entries e
         where e.is_public and e.deleted_at is null group by e.owner_id) c
 where a.user_id = c.owner_id and a.public_entries is distinct from c.n;

commit;
