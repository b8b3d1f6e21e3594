-- Revert platform:functions/journal/markdown from pg

begin;

select platform.forget_api_function('journal.markdown_agg(journal.entries)');
drop aggregate journal.markdown_agg(journal.entries);
select platform.forget_api_function('journal_private.markdown_final(journal."text/markdown")');
drop function journal_private.markdown_final(journal."text/markdown");
select platform.forget_api_function('journal_private.markdown_step(journal."text/markdown", journal.entries)');
drop function journal_private.markdown_step(journal."text/markdown", journal.entries);
select platform.forget_api_function('journal_private.md_entry(text, date, text[], jsonb)');
drop function journal_private.md_entry(text, date, text[], jsonb);
select platform.forget_api_function('journal_private.md_block(jsonb)');
drop function journal_private.md_block(jsonb);
select platform.forget_api_function('journal_private.md_list(jsonb, boolean, text)');
drop function journal_private.md_list(jsonb, boolean, text);
select platform.forget_api_function('journal_private.md_inline(text, boolean)');
drop function journal_private.md_inline(text, boolean);
select platform.forget_api_function('journal_private.md_entities(text)');
drop function journal_private.md_entities(text);
select platform.forget_api_function('journal_private.md_inline_simple(text, boolean)');
drop function journal_private.md_inline_simple(text, boolean);
select platform.forget_api_function('journal_private.md_finish(text)');
drop function journal_private.md_finish(text);
select platform.forget_api_function('journal_private.md_url(text)');
drop function journal_private.md_url(text);
select platform.forget_api_function('journal_private.md_plain(text)');
drop function journal_private.md_plain(text);
select platform.forget_api_function('journal_private.md_escape(text)');
drop function journal_private.md_escape(text);
revoke usage on schema journal_private from anon;
drop domain journal."text/markdown";

commit;
