-- Deploy platform:functions/core/events_capture to pg
-- requires: functions/core/events_capture@platform-2.0
--
-- Rework (issue 20): change events are captured once per statement, not once per
-- row. platform-2.0's row trigger cost 25 times the insert it captured
-- (bench.capture); a statement trigger with transition tables writes the same
-- outbox rows with one INSERT ... SELECT. docs/decisions/0014.
--
-- events.enable(table, topics, describe, exclude_columns) now writes three
-- statement-level triggers (PostgreSQL 15 allows transition tables only on a
-- trigger of a single event):
--   events_insert   AFTER INSERT, REFERENCING NEW TABLE AS new_rows
--   events_update   AFTER UPDATE, REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
--   events_delete   AFTER DELETE, REFERENCING OLD TABLE AS old_rows
-- and drops platform-2.0's row trigger events_capture. The triggers keep their
-- arguments (topics, describe function, excluded columns).
--
--   events.capture_sql(op, topics, describe, exclude_columns, table_label, actor)
--       THE statement that writes one trigger event's outbox rows (the one place an
--       event is built, as events.write_event was): per changed row, the describe
--       function (called once per row; null skips the row), then one row per topic
--       and, when the description has `withdrawn`, a withdrawal notice after each
--       (payload op 'withdraw', only the row's id). Ordered by row (the order the
--       statement changed them), then topic, then notice: the order of platform-2.0.
--       Topic templates are compiled into SQL expressions (events.topic_sql), the
--       actor (auth.uid()) is read once per statement. An UPDATE's old and new rows
--       are paired by position: PostgreSQL appends a row's old and new versions to
--       the two transition tables together, so the pairing holds even when the
--       statement changes the primary key (pairing by key would not).
--   events."capture <schema.table>"()   written by enable() for a table with a
--       describe function: the three statements of capture_sql as static SQL
--       (planned once per session, the describe function called directly), then one
--       NOTIFY if it wrote anything. SECURITY DEFINER, search_path '', EXECUTE closed.
--   events.capture()   the generic trigger (no describe function): runs
--       capture_sql with EXECUTE, planned again for every statement.
--   events.topic_sql(template, rec)   the SQL expression that renders a topic
--       template from the jsonb expression rec, exactly as events.render_topic does.
-- events.write_event (the per-row writer) is gone; events.render_topic stays (the
-- gateway's jobs role may call it).
--
-- A statement trigger fires after the row triggers of its statement: events that
-- other tables' triggers write while the statement runs now come before the
-- statement's own. An INSERT ... ON CONFLICT DO UPDATE writes its updates' events,
-- then its inserts'.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create function events.topic_sql(template text, rec text) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  parts text[] := array[]::text[];
  literal text := '';
  rest text := template;
  open_at integer;
  close_at integer;
  name text;
begin
  -- The walk of events.render_topic, emitting SQL instead of text.
  loop
    open_at := pg_catalog.strpos(rest, '{');
    exit when open_at = 0;
    close_at := pg_catalog.strpos(pg_catalog.substr(rest, open_at), '}') + open_at - 1;
    exit when close_at < open_at;
    name := pg_catalog.substr(rest, open_at + 1, close_at - open_at - 1);
    if name ~ '^[a-z_][a-z0-9_]*$' then
      literal := literal || pg_catalog.left(rest, open_at - 1);
      if literal <> '' then
        parts := parts || pg_catalog.quote_literal(literal);
      end if;
      parts := parts || pg_catalog.format('coalesce(%s ->> %L, %L)', rec, name, '');
      literal := '';
      rest := pg_catalog.substr(rest, close_at + 1);
    else
      literal := literal || pg_catalog.left(rest, open_at);
      rest := pg_catalog.substr(rest, open_at + 1);
    end if;
  end loop;
  literal := literal || rest;
  if literal <> '' or pg_catalog.cardinality(parts) = 0 then
    parts := parts || pg_catalog.quote_literal(literal);
  end if;
  return '(' || pg_catalog.array_to_string(parts, ' || ') || ')::text';
end
$$;
comment on function events.topic_sql(text, text) is
  'The SQL expression rendering a topic template from the jsonb expression rec (same result as events.render_topic).';
revoke execute on function events.topic_sql(text, text) from public;

create function events.capture_sql(
  op text, topics text[], describe text, exclude_columns text[], table_label text, actor text
) returns text
language plpgsql stable
set search_path = ''
as $$
declare
  strip text := case when pg_catalog.cardinality(coalesce(exclude_columns, '{}')) > 0
                     then pg_catalog.format(' - %L::text[]', exclude_columns) else '' end;
  source text;
  changed text := 'null::jsonb';
  topic_rows text;
begin
  if op not in ('insert', 'update', 'delete') then
    raise exception 'events.capture_sql: op must be insert, update or delete, not %', op
      using errcode = 'invalid_parameter_value';
  end if;
  if topics is null or pg_catalog.cardinality(topics) = 0 then
    raise exception 'events.capture_sql: at least one topic is required'
      using errcode = 'invalid_parameter_value';
  end if;
  -- The changed rows in the order the statement changed them: an INSERT's or a DELETE's
  -- is one scan of its transition table; an UPDATE's pairs the n-th old row with the
  -- n-th new row (see the header) and sorts the pairs back into that order.
  -- n.* and o.*: the whole row, even when the table has a column named n or o. offset 0
  -- keeps the subquery whole: pulled up, each row's JSON would be built once per use.
  source := case op
    when 'insert' then pg_catalog.format(
      'select pg_catalog.to_jsonb(n.*)%s as new_row, null::jsonb as old_row from new_rows n offset 0', strip)
    when 'delete' then pg_catalog.format(
      'select null::jsonb as new_row, pg_catalog.to_jsonb(o.*)%s as old_row from old_rows o offset 0', strip)
    else pg_catalog.format(
      'select n.new_row, o.old_row'
      '   from (select pg_catalog.row_number() over () as ord, pg_catalog.to_jsonb(o.*)%1$s as old_row'
      '           from old_rows o) o'
      '   join (select pg_catalog.row_number() over () as ord, pg_catalog.to_jsonb(n.*)%1$s as new_row'
      '           from new_rows n) n on n.ord = o.ord'
      '  order by o.ord', strip) end;
  if op = 'update' then
    changed := '(select pg_catalog.jsonb_agg(e.key order by e.key) from pg_catalog.jsonb_each(r.new_row) e'
               ' where e.value is distinct from r.old_row -> e.key)';
  end if;
  -- Each topic twice, in order: its event, then its withdrawal notice (kept or not below).
  select pg_catalog.string_agg(pg_catalog.format('(%s, %s)', w.withdraw::text, events.topic_sql(t.template, 'c.row_data')),
                               ', ' order by t.n, w.withdraw)
    into topic_rows
    from pg_catalog.unnest(topics) with ordinality as t (template, n)
    cross join (values (false), (true)) as w (withdraw);
  -- Per changed row (materialized: once, in order) its description (offset 0: called
  -- once, not again for the filter) and its payload, built once for all its topics.
  -- Then per row, the topics' rows: the VALUES list is lateral to the row, so it can
  -- only be the inner side of a nested loop over the rows, which emits rows in order
  -- and each row's list in its written order (row, topic, notice): the outbox ids
  -- follow, without a sort that a one-row statement would pay for in setup.
  return pg_catalog.format($sql$
    with changes as materialized (
      select coalesce(r.new_row, r.old_row) as row_data, d.description,
             pg_catalog.jsonb_build_object('table', %4$s, 'op', %5$L, 'record', coalesce(r.new_row, r.old_row),
                                           'changed', %6$s, 'actor', %8$s) as payload
        from (%1$s) r
        cross join lateral (select %2$s as description offset 0) d
       where d.description is not null
    )
    insert into events.outbox (topic, type, payload, audience)
    select t.topic,
           case when t.withdraw then c.description -> 'withdrawn' ->> 'type'
                else coalesce(c.description ->> 'type', %3$L) end,
           case when t.withdraw
                then pg_catalog.jsonb_build_object('table', %4$s, 'op', 'withdraw',
                                                   'record', pg_catalog.jsonb_build_object('id', c.row_data -> 'id'))
                else c.payload end,
           case when t.withdraw then c.description -> 'withdrawn' -> 'audience'
                else coalesce(c.description -> 'audience', '{"privileges": ["admin"]}'::jsonb) end
      from changes c
      cross join lateral (values %7$s) as t (withdraw, topic)
     where not t.withdraw or pg_catalog.jsonb_typeof(c.description -> 'withdrawn') = 'object'$sql$,
    source,
    case when nullif(describe, '') is null then '''{}''::jsonb'
         else pg_catalog.format('%s(%L, r.new_row, r.old_row)', describe::regproc, op) end,
    case op when 'insert' then 'created' when 'update' then 'updated' else 'deleted' end,
    table_label, op, changed, topic_rows, actor);
end
$$;
comment on function events.capture_sql(text, text[], text, text[], text, text) is
  'The INSERT that writes one statement''s outbox rows for one trigger event (insert, update or delete), '
  'reading the transition tables new_rows/old_rows; table_label and actor are SQL expressions.';
revoke execute on function events.capture_sql(text, text[], text, text[], text, text) from public;

-- SECURITY DEFINER: API roles write events only through this trigger.
create or replace function events.capture() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  written bigint;
begin
  execute events.capture_sql(pg_catalog.lower(tg_op), tg_argv[0]::text[], nullif(tg_argv[1], ''),
                             coalesce(tg_argv[2]::text[], '{}'),
                             pg_catalog.quote_literal(tg_table_schema || '.' || tg_table_name),
                             '(select auth.uid())');
  get diagnostics written = row_count;
  if written > 0 then
    perform pg_catalog.pg_notify('platform_events', '');
  end if;
  return null;
end
$$;
comment on function events.capture() is
  'Generic change-event statement trigger (transition tables new_rows/old_rows); arguments: topic templates, '
  'describe function, excluded columns. Use events.enable().';

create or replace function events.enable(
  target regclass, topics text[], describe regprocedure default null, exclude_columns text[] default '{}'
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  previous regprocedure[];
  capture regprocedure := 'events.capture()'::regprocedure;
  arguments text;
  name text;
begin
  if topics is null or pg_catalog.cardinality(topics) = 0 then
    raise exception 'events.enable(%): at least one topic is required', target
      using errcode = 'invalid_parameter_value';
  end if;
  exclude_columns := coalesce(exclude_columns, '{}');
  select pg_catalog.array_agg(distinct t.tgfoid::regprocedure) into previous from pg_catalog.pg_trigger t
   where t.tgrelid = target and t.tgname in ('events_insert', 'events_update', 'events_delete', 'events_capture');
  if describe is not null then
    name := events.capture_function_name(target);
    execute pg_catalog.format($template$
      create or replace function events.%1$I() returns trigger
      language plpgsql
      security definer
      set search_path = ''
      as $capture$
      #variable_conflict use_variable
      declare
        label text := tg_table_schema || '.' || tg_table_name;
        actor uuid := auth.uid();
        written bigint;
      begin
        if tg_op = 'INSERT' then
          %2$s;
        elsif tg_op = 'UPDATE' then
          %3$s;
        else
          %4$s;
        end if;
        get diagnostics written = row_count;
        if written > 0 then
          perform pg_catalog.pg_notify('platform_events', '');
        end if;
        return null;
      end
      $capture$
      $template$, name,
      events.capture_sql('insert', topics, describe::regproc::text, exclude_columns, 'label', 'actor'),
      events.capture_sql('update', topics, describe::regproc::text, exclude_columns, 'label', 'actor'),
      events.capture_sql('delete', topics, describe::regproc::text, exclude_columns, 'label', 'actor'));
    execute pg_catalog.format('revoke execute on function events.%I() from public', name);
    execute pg_catalog.format(
      'comment on function events.%I() is %L', name,
      pg_catalog.format('Change events of %s by statement (calling %s directly); written by events.enable().',
                        target, describe::regproc));
    capture := pg_catalog.format('events.%I()', name)::regprocedure;
  end if;
  arguments := pg_catalog.format('%L, %L, %L', topics, coalesce(describe::regproc::text, ''), exclude_columns);
  -- platform-2.0's row trigger, when this table still has it.
  if exists (select from pg_catalog.pg_trigger t where t.tgrelid = target and t.tgname = 'events_capture') then
    execute pg_catalog.format('drop trigger events_capture on %s', target);
  end if;
  execute pg_catalog.format(
    'create or replace trigger events_insert after insert on %s referencing new table as new_rows '
    'for each statement execute function %s(%s)', target, capture::regproc, arguments);
  execute pg_catalog.format(
    'create or replace trigger events_update after update on %s '
    'referencing old table as old_rows new table as new_rows '
    'for each statement execute function %s(%s)', target, capture::regproc, arguments);
  execute pg_catalog.format(
    'create or replace trigger events_delete after delete on %s referencing old table as old_rows '
    'for each statement execute function %s(%s)', target, capture::regproc, arguments);
  if previous is not null then
    for i in 1 .. pg_catalog.cardinality(previous) loop
      if previous[i] not in (capture, 'events.capture()'::regprocedure) then
        execute pg_catalog.format('drop function %s', previous[i]);
      end if;
    end loop;
  end if;
end
$$;
comment on function events.enable(regclass, text[], regprocedure, text[]) is
  'Publish a table''s row changes as events on the given topics (statement triggers).';

create or replace function events.disable(target regclass) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  previous regprocedure[];
begin
  select pg_catalog.array_agg(distinct t.tgfoid::regprocedure) into previous from pg_catalog.pg_trigger t
   where t.tgrelid = target and t.tgname in ('events_insert', 'events_update', 'events_delete', 'events_capture');
  execute pg_catalog.format('drop trigger if exists events_insert on %s', target);
  execute pg_catalog.format('drop trigger if exists events_update on %s', target);
  execute pg_catalog.format('drop trigger if exists events_delete on %s', target);
  if exists (select from pg_catalog.pg_trigger t where t.tgrelid = target and t.tgname = 'events_capture') then
    execute pg_catalog.format('drop trigger events_capture on %s', target);  -- platform-2.0's
  end if;
  if previous is not null then
    for i in 1 .. pg_catalog.cardinality(previous) loop
      if previous[i] <> 'events.capture()'::regprocedure then
        execute pg_catalog.format('drop function %s', previous[i]);
      end if;
    end loop;
  end if;
end
$$;
comment on function events.disable(regclass) is 'Stop publishing a table''s changes.';

-- Every table published by platform-2.0's row trigger moves to the statement triggers,
-- with the same arguments (tgargs: NUL-separated topics, describe function, excluded).
select events.enable(t.tgrelid::regclass, a.args[1]::text[],
                     nullif(a.args[2], '')::regproc::oid::regprocedure,
                     coalesce(nullif(a.args[3], ''), '{}')::text[])
  from pg_catalog.pg_trigger t
  cross join lateral (select pg_catalog.string_to_array(pg_catalog.encode(t.tgargs, 'escape'), '\000') as args) a
 where t.tgname = 'events_capture' and not t.tgisinternal;

-- Only the row triggers called it, and none is left; the revert brings it back with them.
-- squawk-ignore ban-drop-function
drop function events.write_event(text[], text, text, text, jsonb, jsonb, jsonb);

commit;
