-- Verify platform:functions/publishing/realtime on pg

begin;

select 1 / (select pg_catalog.count(*) = 3 from events.topics where pattern like 'publishing:%')::int;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_trigger
             where tgname = 'events_capture' and tgrelid = 'publishing.comments'::regclass
               and pg_catalog.encode(tgargs, 'escape') like '%user:{author_id}%')::int;
select 1 / pg_catalog.has_function_privilege('anon', 'publishing_private.may_follow_article(text)', 'execute')::int;
select 1 / pg_catalog.count(*) from pg_catalog.pg_trigger
 where tgrelid = 'publishing.articles'::regclass and tgname = 'events_capture';
-- No capture trigger with a describe function is left on the generic function.
select 1 / (pg_catalog.count(*) = 0)::int
  from pg_catalog.pg_trigger t
 where t.tgname = 'events_capture' and t.tgfoid = 'events.capture()'::regprocedure
   and pg_catalog.split_part(pg_catalog.encode(t.tgargs, 'escape'), '\000', 2) <> '';
select 1 / (select pg_catalog.count(*) = 2 from events.replay_audiences where source like 'publishing.%')::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'publishing_private.current_article_audiences(text[])', 'execute'))::int;

rollback;
