-- Revert platform:functions/journal/trash from pg

begin;

select platform.unschedule_job('journal.purge_trash');
drop function journal_private.purge_trash();
select platform.forget_api_function('journal.purge_entry(uuid)');
drop function journal.purge_entry(uuid);
select platform.forget_api_function('journal.restore_entry(uuid)');
drop function journal.restore_entry(uuid);
select platform.forget_api_function('journal_private.lock_trashed_entry(uuid, text, text)');
drop function journal_private.lock_trashed_entry(uuid, text, text);
drop view journal.trash;

commit;
