-- Deploy platform:functions/core/events_capture to pg
-- requires: functions/core/events_capture@platform-2.1
-- requires: schema/core/events_captured
-- requires: schema/core/events_pollers
--
-- Second rework (issue 20, docs/decisions/0021): capture raw, describe later.
-- platform-2.1's statement trigger built every event in the writer's transaction:
-- per changed row the describe function, the payload and one outbox row per topic,
-- each with four index entries and, later, an UPDATE that numbered it. A 10,000-row
-- insert with audit and events ran at 0.11x the bare insert (bench.capture).
--
-- Now the writer's transaction only records what changed:
--   events."capture <schema.table>"()   the table's statement trigger (written by
--       events.enable() for every published table, with or without a describe
--       function): ONE row in events.captured per statement, holding the changed
--       rows as jsonb (excluded columns left out) in the order the statement changed
--       them, an UPDATE's as [new, old] pairs matched by position (PostgreSQL appends
--       a row's old and new versions to the two transition tables together, so this
--       holds even when the statement changes the primary key); then one NOTIFY.
--   events."expand <schema.table>"(first_seq, batches)   written by enable() beside
--       it: turns captured rows of that table into outbox events, exactly as
--       platform-2.1 built them (the describe function once per row, null skips the
--       row; one event per topic, each followed by its withdrawal notice when the
--       description has `withdrawn`; order: row, topic, notice) and numbers them from
--       first_seq on, in that order. Returns how many it wrote.
--   events.sequence_pending(max_events)   the sequencer the gateway runs: numbers the
--       events written straight into the outbox (seq null) as before, then expands the
--       committed captured statements in id order, consecutive statements of one table
--       in one call, up to max_events changed rows (at least one statement), and
--       deletes them. Outbox rows are now inserted numbered: no second write per event.
--
-- What moves with it: describe functions now run in the sequencer's transaction, a
-- few milliseconds after the commit, as the owner (as the trigger ran them), reading
-- the rows as they were but other tables (an article's co-authors, a comment's
-- article) as they are then. An audience is therefore computed at most one sequencer
-- run after the change, never before it; replays already re-check current audiences.
-- events.capture_sql / events.expand_sql write the two functions' statements (the
-- one place each is built); events.capture() (the generic trigger that re-planned
-- every statement) is gone: enable() writes the table's own functions every time.
-- disable() drops the table's triggers and capture function, turns what the table
-- captured into events (a sequencer run), then drops its expand function.
--
-- NOTIFY only when nobody polls (schema/core/events_pollers): the capture trigger
-- sends its NOTIFY only when no gateway holds a valid poll lease. A gateway under
-- load holds one (events.hold_lease) and reads every read interval; it gives it up
-- (events.release_lease) when reads come back empty, then reads once more after
-- every transaction that was writing then has ended. The sequencer sends one NOTIFY
-- (payload 'sequenced') when it numbered events, so the other gateways of a database
-- read them without waiting for their poll.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- platform-2.1's builder: replaced by the two below (its signature changes).
-- squawk-ignore ban-drop-function
drop function events.capture_sql(text, text[], text, text[], text, text);

create function events.capture_sql(op text, exclude_columns text[]) returns text
language plpgsql immutable
set search_path = ''
as $$
declare
  strip text := case when pg_catalog.cardinality(coalesce(exclude_columns, '{}')) > 0
                     then pg_catalog.format(' - %L::text[]', exclude_columns) else '' end;
begin
  -- Variables of the trigger function: label (schema.table), actor (auth.uid()).
  -- offset 0 keeps the subquery whole: pulled up, each row's JSON would be built
  -- once per reference. An INSERT's or DELETE's rows: one scan of the transition
  -- table, aggregated in scan order (the order the statement changed them).
  if op = 'insert' then
    return pg_catalog.format($sql$
    insert into events.captured (source, op, changed_rows, row_count, actor)
    select label, 'insert', pg_catalog.jsonb_agg(r.new_row), pg_catalog.count(*), actor
      from (select pg_catalog.to_jsonb(n.*)%s as new_row from new_rows n offset 0) r
    having pg_catalog.count(*) > 0$sql$, strip);
  elsif op = 'delete' then
    return pg_catalog.format($sql$
    insert into events.captured (source, op, changed_rows, row_count, actor)
    select label, 'delete', pg_catalog.jsonb_agg(r.old_row), pg_catalog.count(*), actor
      from (select pg_catalog.to_jsonb(o.*)%s as old_row from old_rows o offset 0) r
    having pg_catalog.count(*) > 0$sql$, strip);
  elsif op = 'update' then
    return pg_catalog.format($sql$
    insert into events.captured (source, op, changed_rows, row_count, actor)
    select label, 'update', pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(n.new_row, o.old_row) order by o.ord),
           pg_catalog.count(*), actor
      from (select pg_catalog.row_number() over () as ord, pg_catalog.to_jsonb(o.*)%1$s as old_row
              from old_rows o) o
      join (select pg_catalog.row_number() over () as ord, pg_catalog.to_jsonb(n.*)%1$s as new_row
              from new_rows n) n on n.ord = o.ord
    having pg_catalog.count(*) > 0$sql$, strip);
  end if;
  raise exception 'events.capture_sql: op must be insert, update or delete, not %', op
    using errcode = 'invalid_parameter_value';
end
$$;
comment on function events.capture_sql(text, text[]) is
  'The INSERT that records one statement''s changed rows (insert, update or delete) in events.captured, '
  'reading the transition tables new_rows/old_rows and the trigger''s variables label and actor.';
revoke execute on function events.capture_sql(text, text[]) from public;

create function events.expand_sql(topics text[], describe regprocedure) returns text
language plpgsql stable
set search_path = ''
as $$
declare
  topic_rows text;
begin
  if topics is null or pg_catalog.cardinality(topics) = 0 then
    raise exception 'events.expand_sql: at least one topic is required'
      using errcode = 'invalid_parameter_value';
  end if;
  -- Each topic twice, in order: its event, then its withdrawal notice (kept or not below).
  select pg_catalog.string_agg(pg_catalog.format('(%s, %s, %s)', t.n, w.withdraw::text,
                                                 events.topic_sql(t.template, 'c.row_data')),
                               ', ' order by t.n, w.withdraw)
    into topic_rows
    from pg_catalog.unnest(topics) with ordinality as t (template, n)
    cross join (values (false), (true)) as w (withdraw);
  -- Per captured statement (ids in batches), per changed row (in statement order): the
  -- row's new and old versions, its description and its payload (offset 0: each built
  -- once per row, not again per topic or for the filter); then per topic the event and
  -- the notice. The window numbers only the rows the WHERE kept, in (statement, row,
  -- topic, notice) order: seq stays dense and follows the order platform-2.1 gave the
  -- outbox ids.
  return pg_catalog.format($sql$
    insert into events.outbox (seq, topic, type, payload, audience, transaction_id, created_at, sequenced_at)
    select first_seq + pg_catalog.row_number() over (order by c.id, c.ord, t.n, t.withdraw) - 1,
           t.topic,
           case when t.withdraw then c.description -> 'withdrawn' ->> 'type'
                else coalesce(c.description ->> 'type',
                              case c.op when 'insert' then 'created' when 'update' then 'updated' else 'deleted' end) end,
           case when t.withdraw
                then pg_catalog.jsonb_build_object('table', c.source, 'op', 'withdraw',
                                                   'record', pg_catalog.jsonb_build_object('id', c.row_data -> 'id'))
                else c.payload end,
           case when t.withdraw then c.description -> 'withdrawn' -> 'audience'
                else coalesce(c.description -> 'audience', '{"privileges": ["admin"]}'::jsonb) end,
           c.transaction_id, c.created_at, pg_catalog.clock_timestamp()
      from (select b.id, r.ord, b.source, b.op, b.transaction_id, b.created_at,
                   coalesce(x.new_row, x.old_row) as row_data, d.description,
                   pg_catalog.jsonb_build_object(
                     'table', b.source, 'op', b.op, 'record', coalesce(x.new_row, x.old_row),
                     'changed', case when b.op = 'update' then
                                  (select pg_catalog.jsonb_agg(e.key order by e.key)
                                     from pg_catalog.jsonb_each(x.new_row) e
                                    where e.value is distinct from x.old_row -> e.key) end,
                     'actor', b.actor) as payload
              from events.captured b
             cross join lateral pg_catalog.jsonb_array_elements(b.changed_rows) with ordinality as r (item, ord)
             cross join lateral (select case b.op when 'update' then r.item -> 0 when 'insert' then r.item end as new_row,
                                        case b.op when 'update' then r.item -> 1 when 'delete' then r.item end as old_row
                                 offset 0) x
             cross join lateral (select %1$s as description offset 0) d
             where b.id = any (batches)
            offset 0) c
     cross join lateral (values %2$s) as t (n, withdraw, topic)
     where c.description is not null
       and (not t.withdraw or pg_catalog.jsonb_typeof(c.description -> 'withdrawn') = 'object')$sql$,
    case when describe is null then '''{}''::jsonb'
         else pg_catalog.format('%s(b.op, x.new_row, x.old_row)', describe::regproc) end,
    topic_rows);
end
$$;
comment on function events.expand_sql(text[], regprocedure) is
  'The INSERT that turns captured statements (ids in the variable batches) into outbox events numbered '
  'from the variable first_seq: describe function, topics and withdrawal notices.';
revoke execute on function events.expand_sql(text[], regprocedure) from public;

create function events.expand_function_name(source text) returns text
language sql immutable
set search_path = ''
as $$
  select case when pg_catalog.octet_length(name) <= 63 then name
              else pg_catalog.left(name, 50) || ' ' || pg_catalog.left(pg_catalog.md5(name), 12) end
    from (select 'expand ' || source as name) t
$$;
comment on function events.expand_function_name(text) is
  'The name events.enable() gives the function that expands a table''s captured statements (source: schema.table).';
revoke execute on function events.expand_function_name(text) from public;

create or replace function events.enable(
  target regclass, topics text[], describe regprocedure default null, exclude_columns text[] default '{}'
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  source text;
  capture_name text := events.capture_function_name(target);
  expand_name text;
  previous regprocedure[];
  arguments text;
begin
  if topics is null or pg_catalog.cardinality(topics) = 0 then
    raise exception 'events.enable(%): at least one topic is required', target
      using errcode = 'invalid_parameter_value';
  end if;
  exclude_columns := coalesce(exclude_columns, '{}');
  select n.nspname || '.' || c.relname into source
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.oid = target;
  expand_name := events.expand_function_name(source);
  select pg_catalog.array_agg(distinct t.tgfoid::regprocedure) into previous from pg_catalog.pg_trigger t
   where t.tgrelid = target and t.tgname in ('events_insert', 'events_update', 'events_delete', 'events_capture');
  -- The table's trigger function: static SQL, planned once per session.
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
      -- No NOTIFY while a gateway polls anyway: it would serialize this commit.
      if written > 0 and not exists (select from events.pollers p
                                      where p.lease_until > pg_catalog.clock_timestamp()) then
        perform pg_catalog.pg_notify('platform_events', '');
      end if;
      return null;
    end
    $capture$
    $template$, capture_name,
    events.capture_sql('insert', exclude_columns), events.capture_sql('update', exclude_columns),
    events.capture_sql('delete', exclude_columns));
  execute pg_catalog.format('revoke execute on function events.%I() from public', capture_name);
  execute pg_catalog.format('comment on function events.%I() is %L', capture_name,
    pg_catalog.format('Records the statements that change %s in events.captured; written by events.enable().', target));
  -- Its expander, which the sequencer runs.
  execute pg_catalog.format($template$
    create or replace function events.%1$I(first_seq bigint, batches bigint[]) returns bigint
    language plpgsql
    security definer
    set search_path = ''
    as $expand$
    declare
      written bigint;
    begin
      %2$s;
      get diagnostics written = row_count;
      return written;
    end
    $expand$
    $template$, expand_name, events.expand_sql(topics, describe));
  execute pg_catalog.format('revoke execute on function events.%I(bigint, bigint[]) from public', expand_name);
  execute pg_catalog.format('comment on function events.%I(bigint, bigint[]) is %L', expand_name,
    pg_catalog.format('Events of the captured statements of %s (topics %s%s), numbered from first_seq; '
                      'written by events.enable().', target, topics,
                      case when describe is null then '' else ', described by ' || describe::regproc::text end));
  -- The triggers keep the arguments: they say what the table publishes (the reverts
  -- and the next rework read them).
  arguments := pg_catalog.format('%L, %L, %L', topics, coalesce(describe::regproc::text, ''), exclude_columns);
  if exists (select from pg_catalog.pg_trigger t where t.tgrelid = target and t.tgname = 'events_capture') then
    execute pg_catalog.format('drop trigger events_capture on %s', target);  -- platform-2.0's
  end if;
  execute pg_catalog.format(
    'create or replace trigger events_insert after insert on %s referencing new table as new_rows '
    'for each statement execute function events.%I(%s)', target, capture_name, arguments);
  execute pg_catalog.format(
    'create or replace trigger events_update after update on %s '
    'referencing old table as old_rows new table as new_rows '
    'for each statement execute function events.%I(%s)', target, capture_name, arguments);
  execute pg_catalog.format(
    'create or replace trigger events_delete after delete on %s referencing old table as old_rows '
    'for each statement execute function events.%I(%s)', target, capture_name, arguments);
  -- A trigger function of before (the generic one, or a renamed table's) that nothing runs now.
  if previous is not null then
    for i in 1 .. pg_catalog.cardinality(previous) loop
      if previous[i]::text <> pg_catalog.format('events.%I()', capture_name)
         and not exists (select from pg_catalog.pg_trigger t where t.tgfoid = previous[i]) then
        execute pg_catalog.format('drop function %s', previous[i]);
      end if;
    end loop;
  end if;
end
$$;
comment on function events.enable(regclass, text[], regprocedure, text[]) is
  'Publish a table''s row changes as events on the given topics (statement triggers record them, '
  'the sequencer expands them).';

create or replace function events.disable(target regclass) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  previous regprocedure[];
  source_name text;
  expander regprocedure;
begin
  select n.nspname || '.' || c.relname into source_name
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.oid = target;
  select pg_catalog.array_agg(distinct t.tgfoid::regprocedure) into previous from pg_catalog.pg_trigger t
   where t.tgrelid = target and t.tgname in ('events_insert', 'events_update', 'events_delete', 'events_capture');
  -- Dropping the triggers locks the table until commit: the writers still running finish
  -- first, and no statement is captured after this one.
  execute pg_catalog.format('drop trigger if exists events_insert on %s', target);
  execute pg_catalog.format('drop trigger if exists events_update on %s', target);
  execute pg_catalog.format('drop trigger if exists events_delete on %s', target);
  execute pg_catalog.format('drop trigger if exists events_capture on %s', target);  -- platform-2.0's
  if previous is not null then
    for i in 1 .. pg_catalog.cardinality(previous) loop
      if not exists (select from pg_catalog.pg_trigger t where t.tgfoid = previous[i]) then
        execute pg_catalog.format('drop function %s', previous[i]);
      end if;
    end loop;
  end if;
  -- What the table's statements captured becomes events now, then its expander goes.
  while exists (select from events.captured c where c.source = source_name) loop
    perform events.sequence_pending();
  end loop;
  expander := pg_catalog.to_regprocedure(
    pg_catalog.format('events.%I(bigint, bigint[])', events.expand_function_name(source_name)));
  if expander is not null then
    execute pg_catalog.format('drop function %s', expander);
  end if;
end
$$;
comment on function events.disable(regclass) is
  'Stop publishing a table''s changes (what it captured before becomes events first).';

create or replace function events.sequence_pending(max_events integer default 10000) returns bigint
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  last_assigned bigint;
  started bigint;
  numbered integer;
  written bigint;
  run record;
  expander regprocedure;
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
  started := last_assigned;
  -- Events written straight into the outbox (seq null), in id order.
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
  last_assigned := last_assigned + numbered;
  -- Captured statements, the committed ones (this snapshot's), in id order, up to
  -- max_events changed rows but at least one statement; consecutive statements of
  -- one table go to its expander together.
  if numbered < max_events then
    for run in
      select s.source, pg_catalog.array_agg(s.id order by s.id) as ids
        from (select c.id, c.source, c.rows_before,
                     pg_catalog.sum(c.new_run) over (order by c.id) as run_no
                from (select c.id, c.source,
                             pg_catalog.sum(c.row_count) over (order by c.id) - c.row_count as rows_before,
                             (c.source is distinct from pg_catalog.lag(c.source) over (order by c.id))::int as new_run
                        from events.captured c) c) s
       where s.rows_before = 0 or s.rows_before < max_events - numbered
       group by s.run_no, s.source
       order by s.run_no
    loop
      expander := pg_catalog.to_regprocedure(
        pg_catalog.format('events.%I(bigint, bigint[])', events.expand_function_name(run.source)));
      if expander is null then
        -- Only a table dropped by hand, without events.disable(), leaves these.
        raise warning 'events.sequence_pending: no expander for %; % captured statements left in events.captured',
          run.source, pg_catalog.cardinality(run.ids)
          using hint = 'events.enable() the table again, or delete its rows from events.captured.';
        continue;
      end if;
      execute pg_catalog.format('select %s($1, $2)', expander::regproc)
         into written using last_assigned + 1, run.ids;
      last_assigned := last_assigned + written;
      delete from events.captured c where c.id = any (run.ids);
    end loop;
  end if;
  if last_assigned > started then
    update events.sequencer set last_seq = last_assigned;
    -- Other gateways of this database read them now, whether their writers notified or not.
    perform pg_catalog.pg_notify('platform_events', 'sequenced');
  end if;
  return last_assigned;
end
$$;
comment on function events.sequence_pending(integer) is
  'Number committed events in order (commit order across runs), expanding captured statements into events; '
  'returns the last seq. Read committed only.';

create function events.hold_lease(poller text, seconds double precision) returns void
language sql volatile
security definer
set search_path = ''
as $$
  insert into events.pollers (poller, lease_until)
  values (poller, pg_catalog.clock_timestamp() + pg_catalog.make_interval(secs => seconds))
  on conflict on constraint pollers_pkey
  do update set lease_until = excluded.lease_until
$$;
comment on function events.hold_lease(text, double precision) is
  'A gateway promises to read the outbox every read interval for the next `seconds`: capture skips NOTIFY meanwhile.';
revoke execute on function events.hold_lease(text, double precision) from public;
grant execute on function events.hold_lease(text, double precision) to platform_jobs;

create function events.release_lease(poller text) returns void
language sql volatile
security definer
set search_path = ''
as $$
  delete from events.pollers p where p.poller = release_lease.poller
$$;
comment on function events.release_lease(text) is
  'A gateway stops polling: capture sends NOTIFY again once no lease is left. The gateway then waits for the '
  'transactions writing at that moment (they may have skipped NOTIFY) and reads once more.';
revoke execute on function events.release_lease(text) from public;
grant execute on function events.release_lease(text) to platform_jobs;

-- Every published table moves to its own capture and expand functions, with the same
-- arguments (tgargs of events_insert: NUL-separated topics, describe function, excluded).
select events.enable(t.tgrelid::regclass, a.args[1]::text[],
                     nullif(a.args[2], '')::regproc::oid::regprocedure,
                     coalesce(nullif(a.args[3], ''), '{}')::text[])
  from pg_catalog.pg_trigger t
  cross join lateral (select pg_catalog.string_to_array(pg_catalog.encode(t.tgargs, 'escape'), '\000') as args) a
 where t.tgname = 'events_insert' and not t.tgisinternal;

-- Only tables without a describe function ran it, and none does now.
-- squawk-ignore ban-drop-function
drop function events.capture();

commit;
