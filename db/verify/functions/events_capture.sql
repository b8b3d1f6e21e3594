-- Verify platform:functions/events_capture on pg

begin;

select 1 / (events.render_topic('a:article:{id}', '{"id": 7}') = 'a:article:7')::int;
select 1 / events.audience_allows('{"users": ["u1"]}', '{"role": "authenticated", "sub": "u1"}')::int;
select 1 / (not events.audience_allows('{"privileges": ["admin"]}', '{"role": "authenticated", "sub": "u1", "privileges": ["reader"]}'))::int;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_proc
             where oid = 'events.capture()'::regprocedure
               and prosecdef and proconfig @> array['search_path=""'])::int;
select 1 / pg_catalog.has_function_privilege('platform_jobs', 'events.sequence_pending(integer)', 'execute')::int;

rollback;
