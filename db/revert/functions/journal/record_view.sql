-- Revert platform:functions/journal/record_view from pg

begin;

select platform.forget_api_function('journal.record_view(uuid)');
drop function journal.record_view(uuid);

commit;
