-- Verify platform:functions/core/events_render_topic on pg

begin;

select 1 / (events.render_topic('a:article:{id}', '{"id": 7}') = 'a:article:7')::int;
select 1 / (events.render_topic('a:{kind}:{id}', '{"kind": "x", "id": 7}') = 'a:x:7')::int;
select 1 / (events.render_topic('a:b', '{}') = 'a:b')::int;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_proc
             where oid = 'events.render_topic(text, jsonb)'::regprocedure
               and prosrc like '%strpos%')::int;

rollback;
