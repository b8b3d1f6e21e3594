-- Revert platform:schema/journal/entries from pg

begin;

drop table journal.entries;
drop function journal_private.enforce_daily_limit();
drop function journal_private.guard_entry();
drop function journal_private.content_image_paths(jsonb, uuid, text[]);
drop function journal_private.content_text(jsonb);
drop function journal_private.list_items_text(jsonb, text, integer);
drop function journal_private.string_field(jsonb, text, text, boolean, boolean);
drop function journal_private.strip_markup(text);
drop function journal_private.invalid_content(text, text);
select platform.forget_api_function('journal_private.today()');
drop function journal_private.today();
revoke usage on schema journal_private from authenticated;
drop table journal_private.settings;

commit;
