-- Revert platform:functions/core/events_capture from pg
--
-- Back to platform-2.1's statement triggers that build the events in the writer's
-- transaction: first every captured statement already committed becomes events (the
-- sequencer, as the gateway would run it), then the rework's functions go, then
-- platform-2.1's deploy script (events_capture@platform-2.1.sql) with `create or
-- replace`, and every published table gets its trigger function back (same arguments;
-- enable() rewrites it). events.captured itself goes with its own change.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

select events.sequence_pending(2147483647);
do $$
declare
  expander regprocedure;
begin
  for expander in
    select p.oid::regprocedure from pg_catalog.pg_proc p
     where p.pronamespace = 'events'::regnamespace and p.proname like 'expand %'
  loop
    execute pg_catalog.format('drop function %s', expander);
  end loop;
end
$$;
drop function events.hold_lease(text, double precision);
drop function events.release_lease(text);
drop function events.expand_function_name(text);
drop function events.expand_sql(text[], regprocedure);
drop function events.capture_sql(text, text[]);

create or replace function events.capture_sql(
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

-- platform-2.0's sequencer: it numbers the outbox rows the triggers wrote.
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

-- Every published table gets platform-2.1's trigger function back, with the same
-- arguments (tgargs of events_insert: topics, describe function, excluded columns).
select events.enable(t.tgrelid::regclass, a.args[1]::text[],
                     nullif(a.args[2], '')::regproc::oid::regprocedure,
                     coalesce(nullif(a.args[3], ''), '{}')::text[])
  from pg_catalog.pg_trigger t
  cross join lateral (select pg_catalog.string_to_array(pg_catalog.encode(t.tgargs, 'escape'), '\000') as args) a
 where t.tgname = 'events_insert' and not t.tgisinternal;

commit;
