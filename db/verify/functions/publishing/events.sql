-- Verify platform:functions/publishing/events on pg

begin;

select 1 / pg_catalog.count(*) from pg_catalog.pg_trigger
 where tgrelid = 'publishing.articles'::regclass and tgname = 'events_capture';
select 1 / pg_catalog.count(*) from pg_catalog.pg_trigger
 where tgrelid = 'publishing.comments'::regclass and tgname = 'events_capture';
select 1 / (pg_catalog.count(*) = 11)::int from pg_catalog.pg_trigger t
  join pg_catalog.pg_class c on c.oid = t.tgrelid
 where c.relnamespace = 'publishing'::regnamespace and t.tgname = 'audit_row';

rollback;
