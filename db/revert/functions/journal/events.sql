-- Revert platform:functions/journal/events from pg

begin;

select audit.disable('journal_private.settings');
select audit.disable('journal.entry_tags');
select audit.disable('journal.tags');
select audit.disable('journal.entries');
select events.unregister_topic('journal:entries');
delete from events.replay_audiences where source = 'journal.entries';
select events.disable('journal.entry_tags');
select events.disable('journal.tags');
select events.disable('journal.entries');
select platform.forget_api_function('journal_private.may_follow_entries(text)');
drop function journal_private.may_follow_entries(text);
revoke usage on schema journal_private from anon;
drop function journal_private.current_entry_audiences(text[]);
revoke usage on schema journal_private from platform_jobs;
drop function journal_private.describe_owned(text, jsonb, jsonb);
drop function journal_private.describe_entry(text, jsonb, jsonb);
drop function journal_private.entry_audience(jsonb, boolean);

commit;
