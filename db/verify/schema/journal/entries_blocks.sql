-- Verify platform:schema/journal/entries_blocks on pg

begin;

select block_types, open_tasks from journal.entries where false;
select 1/count(*) from pg_catalog.pg_trigger
 where tgrelid = 'journal.entries'::regclass and tgname = 'entries_guard_blocks';
select 1/(((journal_private.content_blocks(
  '{"blocks": [{"type": "paragraph", "data": {"text": "a"}}, {"type": "checklist", "data": {"items": [{"text": "x", "checked": false}, {"text": "y", "checked": true}]}}]}'
)).open_tasks = 1)::integer);

rollback;
