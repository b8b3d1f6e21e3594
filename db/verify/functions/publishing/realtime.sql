-- Verify platform:functions/publishing/realtime on pg

begin;

-- The capture triggers by either name: events_capture, platform-2.0's row trigger, or
-- events_insert (with events_update and events_delete), the statement triggers of the
-- functions/core/events_capture rework.

select 1 / (select pg_catalog.count(*) = 3 from events.topics where pattern like 'publishing:%')::int;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_trigger
             where tgname in ('events_capture', 'events_insert') and tgrelid = 'publishing.comments'::regclass
               and pg_catalog.encode(tgargs, 'escape') like '%user:{author_id}%')::int;
select 1 / pg_catalog.has_function_privilege('anon', 'publishing_private.may_follow_article(text)', 'execute')::int;
select 1 / pg_catalog.count(*) from pg_catalog.pg_trigger
 where tgrelid = 'publishing.articles'::regclass and tgname in ('events_capture', 'events_insert');
-- No capture trigger with a describe function is left on the generic function.
select 1 / (pg_catalog.count(*) = 0)::int
  from pg_catalog.pg_trigger t
 where t.tgname in ('events_capture', 'events_insert', 'events_update', 'events_delete')
   and t.tgfoid = pg_catalog.to_regprocedure('events.capture()')  -- gone since events_capture@HEAD
   and pg_catalog.split_part(pg_catalog.encode(t.tgargs, 'escape'), '\000', 2) <> '';
select 1 / (select pg_catalog.count(*) = 2 from events.replay_audiences where source like 'publishing.%')::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'publishing_private.current_article_audiences(text[])', 'execute'))::int;

rollback;
