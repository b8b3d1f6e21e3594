-- Revert platform:functions/journal/list_entries from pg

begin;

set local search_path = '';
set local lock_timeout = '5s';

select platform.forget_api_function('journal.count_entries(uuid[], boolean, date, date, boolean, text, boolean)');
select platform.forget_api_function('journal.list_entries(uuid[], boolean, date, date, boolean, text, boolean, date, timestamptz, uuid, integer)');
select platform.forget_api_function('journal_private.list_args_ok(uuid[], date, date, text, date, timestamptz, uuid)');
drop function journal.count_entries(uuid[], boolean, date, date, boolean, text, boolean);
drop function journal.list_entries(uuid[], boolean, date, date, boolean, text, boolean, date, timestamptz, uuid, integer);
select platform.forget_api_function('journal_private.tagged_entries(uuid, uuid[], boolean)');
drop function journal_private.tagged_entries(uuid, uuid[], boolean);
drop function journal_private.list_args_ok(uuid[], date, date, text, date, timestamptz, uuid);

commit;
