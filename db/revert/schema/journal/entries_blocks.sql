-- Revert platform:schema/journal/entries_blocks from pg

begin;

set local search_path = '';
set local lock_timeout = '5s';

select audit.enable('journal.entries', exclude_columns => '{title,content}',
  derived_columns => '{plain_text,search,word_count,reading_minutes,sealed,image_paths}');
drop trigger entries_guard_blocks on journal.entries;
drop function journal_private.derive_blocks();
drop function journal_private.content_blocks(jsonb);
alter table journal.entries drop column block_types, drop column open_tasks;

commit;
