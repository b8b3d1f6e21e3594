-- Revert platform:functions/core/events_capture from pg
--
-- Back to platform-2.0's row trigger: the previous deploy script
-- (events_capture@platform-2.0.sql) with `create or replace`, then every table the
-- statement triggers publish gets the row trigger again (same arguments; enable()
-- rewrites its own trigger function), and what the rework added is dropped.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create or replace function events.render_topic(template text, rec jsonb) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  result text := '';
  rest text := template;
  open_at integer;
  close_at integer;
  name text;
begin
  loop
    open_at := pg_catalog.strpos(rest, '{');
    exit when open_at = 0;
    close_at := pg_catalog.strpos(pg_catalog.substr(rest, open_at), '}') + open_at - 1;
    exit when close_at < open_at;
    name := pg_catalog.substr(rest, open_at + 1, close_at - open_at - 1);
    if name ~ '^[a-z_][a-z0-9_]*$' then
      result := result || pg_catalog.left(rest, open_at - 1) || coalesce(rec ->> name, '');
      rest := pg_catalog.substr(rest, close_at + 1);
    else
      -- Not a placeholder: keep the brace, look again just after it.
      result := result || pg_catalog.left(rest, open_at);
      rest := pg_catalog.substr(rest, open_at + 1);
    end if;
  end loop;
  return result || rest;
end
$$;
comment on function events.render_topic(text, jsonb) is 'Fill {column} placeholders of a topic template from a row.';

create or replace function events.write_event(
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
comment on function events.capture() is
  'Generic change-event trigger; arguments: topic templates, describe function, excluded columns. Use events.enable().';

create or replace function events.capture_function_name(target regclass) returns text
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
  capture regprocedure := 'events.capture()'::regprocedure;
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
comment on function events.enable(regclass, text[], regprocedure, text[]) is
  'Publish a table''s row changes as events on the given topics.';

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
comment on function events.disable(regclass) is 'Stop publishing a table''s changes.';

create or replace function events.sequence_pending(max_events integer default 10000) returns bigint
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  last_assigned bigint;
  numbered integer;
begin
  -- Each statement below takes its snapshot after the lock: it sees the
  -- numbering of the run that held it before, committed. Under repeatable
  -- read the first snapshot would be older than the lock: refuse.
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    raise exception 'events.sequence_pending() must run at read committed, not %',
      pg_catalog.current_setting('transaction_isolation')
      using errcode = 'invalid_transaction_state',
            hint = 'Call it in autocommit mode or in a read committed transaction.';
  end if;
  -- One sequencer at a time, until commit: runs never interleave. The lock
  -- alone serializes them, so reading the position takes no row lock, and a
  -- run that finds nothing pending writes nothing (no commit to flush).
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('events.sequence_pending'));
  select s.last_seq into last_assigned from events.sequencer s;
  with pending as (
    select o.id, pg_catalog.row_number() over (order by o.id) as n
      from events.outbox o
     where o.seq is null
     order by o.id
     limit max_events
  )
  update events.outbox o
     set seq = last_assigned + p.n, sequenced_at = pg_catalog.clock_timestamp()
    from pending p
   where o.id = p.id;
  get diagnostics numbered = row_count;
  if numbered > 0 then
    update events.sequencer set last_seq = last_assigned + numbered;
  end if;
  return last_assigned + numbered;
end
$$;
comment on function events.sequence_pending(integer) is
  'Number committed, unnumbered events in order (commit order across runs); returns the last seq. Read committed only.';

revoke execute on function events.sequence_pending(integer) from public;
grant execute on function events.sequence_pending(integer) to platform_jobs;
grant execute on function events.render_topic(text, jsonb) to platform_jobs;

-- Every table published by the statement triggers gets platform-2.0's row trigger back.
select events.enable(t.tgrelid::regclass, a.args[1]::text[],
                     nullif(a.args[2], '')::regproc::oid::regprocedure,
                     coalesce(nullif(a.args[3], ''), '{}')::text[])
  from pg_catalog.pg_trigger t
  cross join lateral (select pg_catalog.string_to_array(pg_catalog.encode(t.tgargs, 'escape'), '\000') as args) a
 where t.tgname = 'events_insert' and not t.tgisinternal;
do $$
declare
  published regclass;
begin
  for published in
    select t.tgrelid::regclass from pg_catalog.pg_trigger t
     where t.tgname in ('events_insert', 'events_update', 'events_delete') and not t.tgisinternal
     group by t.tgrelid
  loop
    execute pg_catalog.format('drop trigger if exists events_insert on %s', published);
    execute pg_catalog.format('drop trigger if exists events_update on %s', published);
    execute pg_catalog.format('drop trigger if exists events_delete on %s', published);
  end loop;
end
$$;

drop function events.capture_sql(text, text[], text, text[], text, text);
drop function events.topic_sql(text, text);

commit;
