-- Verify platform:functions/core/events_capture on pg

begin;

select 1 / (events.render_topic('a:article:{id}', '{"id": 7}') = 'a:article:7')::int;
select 1 / (events.render_topic('a:{kind}:{id}', '{"kind": "x", "id": 7}') = 'a:x:7')::int;
select 1 / (events.render_topic('a:b', '{}') = 'a:b')::int;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_proc
             where oid = 'events.capture()'::regprocedure
               and prosecdef and proconfig @> array['search_path=""'])::int;
select 1 / (not pg_catalog.has_function_privilege('public',
  'events.write_event(text[], text, text, text, jsonb, jsonb, jsonb)', 'execute'))::int;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_proc
             where oid = 'events.sequence_pending(integer)'::regprocedure
               and prosecdef and proconfig @> array['search_path=""']
               and prosrc not like '%for update%' and prosrc like '%transaction_isolation%')::int;
select 1 / pg_catalog.has_function_privilege('platform_jobs', 'events.sequence_pending(integer)', 'execute')::int;

rollback;
