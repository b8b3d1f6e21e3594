-- Verify platform:functions/core/events_capture on pg

begin;

select 1 / (events.render_topic('a:article:{id}', '{"id": 7}') = 'a:article:7')::int;
select 1 / (events.topic_sql('a:{kind}:{id}', 'r') = $$('a:' || coalesce(r ->> 'kind', '') || ':' || coalesce(r ->> 'id', ''))::text$$)::int;
select 1 / (events.topic_sql('a:b', 'r') = $$('a:b')::text$$)::int;
select 1 / (events.expand_function_name('a.b') = 'expand a.b')::int;
select 1 / (not pg_catalog.has_function_privilege('public', 'events.capture_sql(text, text[])', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('public', 'events.expand_sql(text[], regprocedure)', 'execute'))::int;
-- The generic trigger is gone: every published table has its own capture and expand functions.
select 1 / (pg_catalog.to_regprocedure('events.capture()') is null)::int;
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
      or pg_catalog.count(distinct t.tgfoid) <> 1
      or pg_catalog.to_regprocedure(pg_catalog.format('events.%I(bigint, bigint[])',
           events.expand_function_name(t.tgrelid::regclass::text))) is null) incomplete;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_proc
             where oid = 'events.sequence_pending(integer)'::regprocedure
               and prosecdef and proconfig @> array['search_path=""'])::int;
select 1 / (pg_catalog.has_function_privilege('platform_jobs', 'events.hold_lease(text, double precision)', 'execute')
            and pg_catalog.has_function_privilege('platform_jobs', 'events.release_lease(text)', 'execute')
            and not pg_catalog.has_function_privilege('authenticated', 'events.hold_lease(text, double precision)', 'execute'))::int;

rollback;
