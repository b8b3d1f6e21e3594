-- Verify platform:functions/core/events_capture on pg

begin;

select 1 / (events.render_topic('a:article:{id}', '{"id": 7}') = 'a:article:7')::int;
select 1 / (events.topic_sql('a:{kind}:{id}', 'r') = $$('a:' || coalesce(r ->> 'kind', '') || ':' || coalesce(r ->> 'id', ''))::text$$)::int;
select 1 / (events.topic_sql('a:b', 'r') = $$('a:b')::text$$)::int;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_proc
             where oid = 'events.capture()'::regprocedure
               and prosecdef and proconfig @> array['search_path=""'])::int;
select 1 / (not pg_catalog.has_function_privilege('public',
  'events.capture_sql(text, text[], text, text[], text, text)', 'execute'))::int;
select 1 / (pg_catalog.to_regprocedure('events.write_event(text[], text, text, text, jsonb, jsonb, jsonb)') is null)::int;
-- No row trigger is left: every published table has the three statement triggers.
select 1 / (pg_catalog.count(*) = 0)::int from pg_catalog.pg_trigger where tgname = 'events_capture';
select 1 / (pg_catalog.count(*) = 0)::int from (
  select t.tgrelid from pg_catalog.pg_trigger t
   where t.tgname in ('events_insert', 'events_update', 'events_delete')
   group by t.tgrelid
  having pg_catalog.count(*) filter (where t.tgname = 'events_insert' and t.tgnewtable = 'new_rows'
                                       and t.tgtype::int & 1 = 0) <> 1
      or pg_catalog.count(*) filter (where t.tgname = 'events_update' and t.tgoldtable = 'old_rows'
                                       and t.tgnewtable = 'new_rows' and t.tgtype::int & 1 = 0) <> 1
      or pg_catalog.count(*) filter (where t.tgname = 'events_delete' and t.tgoldtable = 'old_rows'
                                       and t.tgtype::int & 1 = 0) <> 1
      or pg_catalog.count(distinct t.tgfoid) <> 1) incomplete;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_proc
             where oid = 'events.sequence_pending(integer)'::regprocedure
               and prosecdef and proconfig @> array['search_path=""'])::int;

rollback;
