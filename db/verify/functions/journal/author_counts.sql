-- Verify platform:functions/journal/author_counts on pg

begin;

select 1 / (select count(*)::int from pg_catalog.pg_trigger
             where tgrelid = 'journal.entries'::regclass and tgname like 'entries_public_count_%') / 3;
-- the counts agree with the entries
select 1 / (not exists (
  select from journal.authors a
   where a.public_entries <> (select count(*) from journal.entries e
                               where e.owner_id = a.user_id and e.is_public and e.deleted_at is null)))::int;

rollback;
