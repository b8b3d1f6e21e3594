-- Revert platform:functions/journal/export from pg

begin;

select platform.forget_api_function('journal.export_entries(uuid)');
drop function journal.export_entries(uuid);
select platform.forget_api_function('journal_private.export_markdown(uuid, uuid, bigint)');
drop function journal_private.export_markdown(uuid, uuid, bigint);
select platform.forget_api_function('journal_private.export_json(uuid, uuid, bigint)');
drop function journal_private.export_json(uuid, uuid, bigint);
select platform.forget_api_function('journal_private.export_page(uuid, uuid, bigint, boolean)');
drop function journal_private.export_page(uuid, uuid, bigint, boolean);
select platform.forget_api_function('journal_private.export_format(text)');
drop function journal_private.export_format(text);
drop domain journal."*/*";

commit;
