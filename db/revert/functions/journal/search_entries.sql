-- Revert platform:functions/journal/search_entries from pg

begin;

set local search_path = '';
set local lock_timeout = '5s';

select platform.forget_api_function('journal.search_entries(text, uuid[], boolean, date, date, boolean, integer, text)');
select platform.forget_api_function('journal_private.search_hits(tsquery, text, uuid[], boolean, date, date, boolean, integer, text, real, date, uuid)');
drop function journal.search_entries(text, uuid[], boolean, date, date, boolean, integer, text);
drop function journal_private.search_hits(tsquery, text, uuid[], boolean, date, date, boolean, integer, text, real, date, uuid);

commit;
