-- Verify platform:schema/journal/entries on pg

begin;

select id, owner_id, title, entry_date, content, is_public, sealed, plain_text, word_count,
       reading_minutes, search, image_paths, version, deleted_at, created_at, updated_at
  from journal.entries where false;
select daily_entry_limit from journal_private.settings where false;
select 1 / (select relrowsecurity::int from pg_catalog.pg_class where oid = 'journal.entries'::regclass);
select 1 / (journal_private.content_text('{"blocks": [{"type": "paragraph", "data": {"text": "a <b>b</b>"}}]}') = 'a b')::int;

rollback;
