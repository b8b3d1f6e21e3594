-- Deploy platform:functions/core/events_capture to pg
-- requires: schema/core/events_outbox
-- requires: functions/core/auth_claims
--
-- events.enable(table, topics, describe, exclude_columns) attaches the
-- generic row trigger events.capture() to a table:
--   topics    templates such as '{publishing:articles, publishing:article:{id}}';
--             {column} is replaced by the row's value. One event per topic.
--   describe  optional function (op text, new jsonb, old jsonb) returns jsonb
--             {"type": ..., "audience": {...}}; null skips the event. Modules
--             write it next to their policies, so the audience follows the
--             same rules. Without one: type created/updated/deleted, audience
--             admins only (a safe default).
--   exclude_columns never leave the database in a payload.
-- events.sequence_pending() numbers committed events (see schema/core/events_outbox).
-- events.audience_allows(audience, claims) decides delivery for the gateway.

begin;

set local search_path = '';

create function events.render_topic(template text, rec jsonb) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  result text := template;
  placeholder text;
begin
  for placeholder in
    select m[1] from pg_catalog.regexp_matches(template, '\{([a-z_][a-z0-9_]*)\}', 'g') as m
  loop
    result := pg_catalog.replace(result, '{' || placeholder || '}', coalesce(rec ->> placeholder, ''));
  end loop;
  return result;
end
$$;
comment on function events.render_topic(text, jsonb) is 'Fill {column} placeholders of a topic template from a row.';

-- SECURITY DEFINER: API roles write events only through this trigger.
create function events.capture() returns trigger
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
comment on function events.capture() is
  'Generic change-event trigger; arguments: topic templates, describe function, excluded columns. Use events.enable().';

create function events.enable(
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
comment on function events.enable(regclass, text[], regprocedure, text[]) is
  'Publish a table''s row changes as events on the given topics.';

create function events.disable(target regclass) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  execute pg_catalog.format('drop trigger if exists events_capture on %s', target);
end
$$;
comment on function events.disable(regclass) is 'Stop publishing a table''s changes.';

create function events.sequence_pending(max_events integer default 10000) returns bigint
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  last_assigned bigint;
  numbered integer;
begin
  -- One sequencer at a time, until commit: runs never interleave.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('events.sequence_pending'));
  select s.last_seq into last_assigned from events.sequencer s for update;
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
  'Number committed, unnumbered events in order (commit order across runs); returns the last seq.';

create function events.audience_allows(audience jsonb, claims jsonb) returns boolean
language sql immutable parallel safe
set search_path = ''
as $$
  select coalesce((audience ->> 'public')::boolean, false)
      or (coalesce((audience ->> 'authenticated')::boolean, false) and claims ? 'sub')
      or (claims ? 'sub' and coalesce(audience -> 'users', '[]') ? (claims ->> 'sub'))
      or coalesce(claims -> 'privileges', '[]') ?| coalesce(
           (select pg_catalog.array_agg(p) from pg_catalog.jsonb_array_elements_text(audience -> 'privileges') p),
           '{}')
$$;
comment on function events.audience_allows(jsonb, jsonb) is
  'Whether a caller with these JWT claims may receive an event with this audience.';

revoke execute on function events.sequence_pending(integer) from public;
grant execute on function events.sequence_pending(integer) to platform_jobs;
grant execute on function events.audience_allows(jsonb, jsonb) to platform_jobs;
grant execute on function events.render_topic(text, jsonb) to platform_jobs;

commit;
