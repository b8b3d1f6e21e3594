-- Revert platform:functions/core/events_capture_direct from pg
--
-- Every capture trigger back on the generic events.capture() (the trigger
-- arguments are unchanged), the written functions dropped, and capture(),
-- enable() and disable() as functions/core/events_capture made them.

begin;

set local search_path = '';

do $$
declare
  t record;
begin
  for t in
    select tr.tgrelid::regclass as target, tr.tgfoid::regprocedure as fn, tr.tgargs
      from pg_catalog.pg_trigger tr
     where tr.tgname = 'events_capture' and tr.tgfoid <> 'events.capture()'::regprocedure
       and tr.tgfoid in (select p.oid from pg_catalog.pg_proc p
                          where p.pronamespace = 'events'::regnamespace)
  loop
    execute pg_catalog.format(
      'create or replace trigger events_capture after insert or update or delete on %s '
      'for each row execute function events.capture(%s)', t.target,
      (select pg_catalog.string_agg(pg_catalog.quote_literal(a), ', ' order by n)
         from pg_catalog.unnest(pg_catalog.string_to_array(pg_catalog.encode(t.tgargs, 'escape'), '\000'))
              with ordinality u (a, n)
        where n <= 3));
    execute pg_catalog.format('drop function %s', t.fn);
  end loop;
end
$$;

create or replace function events.enable(
  target regclass, topics text[], describe regprocedure default null, exclude_columns text[] default '{}'
) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  if topics is null or pg_catalog.cardinality(topics) = 0 then
    raise exception 'events.enable(%): at least one topic is required', target
      using errcode = 'invalid_parameter_value';
  end if;
  execute pg_catalog.format(
    'create or replace trigger events_capture after insert or update or delete on %s '
    'for each row execute function events.capture(%L, %L, %L)',
    target, topics, coalesce(describe::regproc::text, ''), exclude_columns);
end
$$;

create or replace function events.disable(target regclass) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  execute pg_catalog.format('drop trigger if exists events_capture on %s', target);
end
$$;

-- SECURITY DEFINER: API roles write events only through this trigger.
create or replace function events.capture() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  topics text[] := tg_argv[0]::text[];
  describer text := nullif(tg_argv[1], '');
  excluded text[] := coalesce(tg_argv[2]::text[], '{}');
  op text := pg_catalog.lower(tg_op);
  new_row jsonb;
  old_row jsonb;
  description jsonb;
  event_type text;
  audience jsonb;
  row_data jsonb;
  topic text;
begin
  if tg_op in ('INSERT', 'UPDATE') then
    new_row := pg_catalog.to_jsonb(new) - excluded;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    old_row := pg_catalog.to_jsonb(old) - excluded;
  end if;
  if describer is not null then
    execute pg_catalog.format('select %s($1, $2, $3)', describer::regproc)
      into description using op, new_row, old_row;
    if description is null then
      return null;
    end if;
  end if;
  event_type := coalesce(description ->> 'type',
    case tg_op when 'INSERT' then 'created' when 'UPDATE' then 'updated' else 'deleted' end);
  audience := coalesce(description -> 'audience', '{"privileges": ["admin"]}');
  row_data := coalesce(new_row, old_row);
  foreach topic in array topics loop
    insert into events.outbox (topic, type, payload, audience)
    values (
      events.render_topic(topic, row_data),
      event_type,
      pg_catalog.jsonb_build_object(
        'table', tg_table_schema || '.' || tg_table_name,
        'op', op,
        'record', row_data,
        'changed', case when tg_op = 'UPDATE' then (
          select pg_catalog.jsonb_agg(n.key order by n.key) from pg_catalog.jsonb_each(new_row) n
           where n.value is distinct from old_row -> n.key) end,
        'actor', auth.uid()),
      audience);
  end loop;
  perform pg_catalog.pg_notify('platform_events', '');
  return null;
end
$$;

drop function events.capture_function_name(regclass);
drop function events.write_event(text[], text, text, text, jsonb, jsonb, jsonb);

commit;
