-- Verify platform:functions/core/events_capture_direct on pg

begin;

select 1 / (not pg_catalog.has_function_privilege('public',
  'events.write_event(text[], text, text, text, jsonb, jsonb, jsonb)', 'execute'))::int;
-- No capture trigger with a describe function is left on the generic function.
select 1 / (pg_catalog.count(*) = 0)::int
  from pg_catalog.pg_trigger t
 where t.tgname = 'events_capture' and t.tgfoid = 'events.capture()'::regprocedure
   and pg_catalog.split_part(pg_catalog.encode(t.tgargs, 'escape'), '\000', 2) <> '';
-- The written functions are SECURITY DEFINER with an empty search_path, closed to PUBLIC.
select 1 / (pg_catalog.count(*) = 0)::int
  from pg_catalog.pg_trigger t join pg_catalog.pg_proc p on p.oid = t.tgfoid
 where t.tgname = 'events_capture' and t.tgfoid <> 'events.capture()'::regprocedure
   and not (p.prosecdef and p.proconfig @> array['search_path=""']
            and not pg_catalog.has_function_privilege('public', p.oid, 'execute'));

rollback;
