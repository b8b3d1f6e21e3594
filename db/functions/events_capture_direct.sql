-- Deploy platform:functions/events_capture_direct to pg
-- requires: functions/events_render_topic
--
-- events.capture() called a table's describe function through EXECUTE: a
-- statement parsed and planned again for every captured row (about a third
-- of the trigger's cost). Now events.enable() writes, for a table with a
-- describe function, a trigger function of its own that calls it directly,
-- so the call is planned once per session:
--
--   events."capture <schema.table>"()   SECURITY DEFINER, search_path '',
--                                        EXECUTE closed; written by enable(),
--                                        dropped by disable().
--   events.write_event(...)              the outbox rows of one change: the one
--                                        place an event is built, for the
--                                        generic and the written triggers.
--                                        When the description has `withdrawn`
--                                        ({"type", "audience"}: who could see
--                                        the row and no longer can), a second
--                                        row per topic tells them: payload op
--                                        'withdraw' and only the row's id, no
--                                        content and no actor.
--
-- The trigger keeps its arguments (topics, describe function, excluded
-- columns), so the generic events.capture() still runs any table whose
-- trigger it is, and reverting swaps the function back. Deploying this
-- change rewrites the capture triggers already there.

begin;

set local search_path = '';

create function events.write_event(
  topics text[], op text, table_schema text, table_name text,
  new_row jsonb, old_row jsonb, description jsonb
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  row_data jsonb := coalesce(new_row, old_row);
  topic text;
begin
  foreach topic in array topics loop
    insert into events.outbox (topic, type, payload, audience)
    values (
      events.render_topic(topic, row_data),
      coalesce(description ->> 'type',
               case op when 'insert' then 'created' when 'update' then 'updated' else 'deleted' end),
      pg_catalog.jsonb_build_object(
        'table', table_schema || '.' || table_name,
        'op', op,
        'record', row_data,
        'changed', case when op = 'update' then (
          select pg_catalog.jsonb_agg(n.key order by n.key) from pg_catalog.jsonb_each(new_row) n
           where n.value is distinct from old_row -> n.key) end,
        'actor', auth.uid()),
      coalesce(description -> 'audience', '{"privileges": ["admin"]}'));
    if pg_catalog.jsonb_typeof(description -> 'withdrawn') = 'object' then
      insert into events.outbox (topic, type, payload, audience)
      values (
        events.render_topic(topic, row_data),
        description -> 'withdrawn' ->> 'type',
        pg_catalog.jsonb_build_object(
          'table', table_schema || '.' || table_name,
          'op', 'withdraw',
          'record', pg_catalog.jsonb_build_object('id', row_data -> 'id')),
        description -> 'withdrawn' -> 'audience');
    end if;
  end loop;
  perform pg_catalog.pg_notify('platform_events', '');
end
$$;
comment on function events.write_event(text[], text, text, text, jsonb, jsonb, jsonb) is
  'Write the outbox rows of one row change (type and audience from its description) and wake the gateway.';
revoke execute on function events.write_event(text[], text, text, text, jsonb, jsonb, jsonb) from public;

-- SECURITY DEFINER: API roles write events only through this trigger.
create or replace function events.capture() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  describer text := nullif(tg_argv[1], '');
  excluded text[] := coalesce(tg_argv[2]::text[], '{}');
  new_row jsonb := pg_catalog.to_jsonb(new) - excluded;  -- null on delete
  old_row jsonb := pg_catalog.to_jsonb(old) - excluded;  -- null on insert
  description jsonb := '{}';
begin
  if describer is not null then
    execute pg_catalog.format('select %s($1, $2, $3)', describer::regproc)
      into description using pg_catalog.lower(tg_op), new_row, old_row;
    if description is null then
      return null;
    end if;
  end if;
  perform events.write_event(tg_argv[0]::text[], pg_catalog.lower(tg_op), tg_table_schema,
                             tg_table_name, new_row, old_row, description);
  return null;
end
$$;

create function events.capture_function_name(target regclass) returns text
language sql stable
set search_path = ''
as $$
  select case when pg_catalog.octet_length(name) <= 63 then name
              else pg_catalog.left(name, 50) || ' ' || pg_catalog.left(pg_catalog.md5(name), 12) end
    from (select 'capture ' || n.nspname || '.' || c.relname as name
            from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
           where c.oid = target) t
$$;
comment on function events.capture_function_name(regclass) is
  'The name events.enable() gives a table''s own capture trigger function.';

create or replace function events.enable(
  target regclass, topics text[], describe regprocedure default null, exclude_columns text[] default '{}'
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  previous regprocedure;
  capture regprocedure := 'events.capture()';
  name text;
begin
  if topics is null or pg_catalog.cardinality(topics) = 0 then
    raise exception 'events.enable(%): at least one topic is required', target
      using errcode = 'invalid_parameter_value';
  end if;
  select t.tgfoid::regprocedure into previous from pg_catalog.pg_trigger t
   where t.tgrelid = target and t.tgname = 'events_capture';
  if describe is not null then
    name := events.capture_function_name(target);
    execute pg_catalog.format($template$
      create or replace function events.%1$I() returns trigger
      language plpgsql
      security definer
      set search_path = ''
      as $capture$
      declare
        excluded text[] := coalesce(tg_argv[2]::text[], '{}');
        new_row jsonb := pg_catalog.to_jsonb(new) - excluded;
        old_row jsonb := pg_catalog.to_jsonb(old) - excluded;
        description jsonb := %2$s(pg_catalog.lower(tg_op), new_row, old_row);
      begin
        if description is null then
          return null;
        end if;
        perform events.write_event(tg_argv[0]::text[], pg_catalog.lower(tg_op), tg_table_schema,
                                   tg_table_name, new_row, old_row, description);
        return null;
      end
      $capture$
      $template$, name, describe::regproc);
    execute pg_catalog.format('revoke execute on function events.%I() from public', name);
    execute pg_catalog.format(
      'comment on function events.%I() is %L', name,
      pg_catalog.format('events.capture() for %s, calling %s directly; written by events.enable().',
                        target, describe::regproc));
    capture := pg_catalog.format('events.%I()', name)::regprocedure;
  end if;
  execute pg_catalog.format(
    'create or replace trigger events_capture after insert or update or delete on %s '
    'for each row execute function %s(%L, %L, %L)',
    target, capture::regproc, topics, coalesce(describe::regproc::text, ''), exclude_columns);
  if previous is not null and previous not in (capture, 'events.capture()'::regprocedure) then
    execute pg_catalog.format('drop function %s', previous);
  end if;
end
$$;

create or replace function events.disable(target regclass) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  previous regprocedure;
begin
  select t.tgfoid::regprocedure into previous from pg_catalog.pg_trigger t
   where t.tgrelid = target and t.tgname = 'events_capture';
  execute pg_catalog.format('drop trigger if exists events_capture on %s', target);
  if previous is not null and previous <> 'events.capture()'::regprocedure then
    execute pg_catalog.format('drop function %s', previous);
  end if;
end
$$;

-- The capture triggers already there, with a describe function: rewrite them.
do $$
declare
  t record;
  args text[];
begin
  for t in
    select tr.tgrelid::regclass as target, tr.tgargs
      from pg_catalog.pg_trigger tr
     where tr.tgname = 'events_capture' and tr.tgfoid = 'events.capture()'::regprocedure
  loop
    args := pg_catalog.string_to_array(pg_catalog.encode(t.tgargs, 'escape'), '\000');
    if args[2] <> '' then
      perform events.enable(t.target, args[1]::text[],
                            (args[2] || '(text, jsonb, jsonb)')::regprocedure, args[3]::text[]);
    end if;
  end loop;
end
$$;

commit;
