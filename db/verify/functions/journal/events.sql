-- Verify platform:functions/journal/events on pg

begin;

select 1 / (count(*) = 9)::int from pg_catalog.pg_trigger
 where tgrelid in ('journal.entries'::regclass, 'journal.tags'::regclass, 'journal.entry_tags'::regclass)
   and tgname in ('audit_insert', 'audit_update', 'audit_delete');
select 1 / (count(*) = 9)::int from pg_catalog.pg_trigger
 where tgrelid in ('journal.entries'::regclass, 'journal.tags'::regclass, 'journal.entry_tags'::regclass)
   and tgname in ('events_insert', 'events_update', 'events_delete');
select 1 / (count(*) = 3)::int from pg_catalog.pg_trigger
 where tgrelid = 'journal_private.settings'::regclass and tgname in ('audit_insert', 'audit_update', 'audit_delete');
select 1 / (count(*))::int from events.topics where pattern = 'journal:entries';

rollback;
