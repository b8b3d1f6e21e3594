-- Deploy platform:functions/core/events_delivery to pg
-- requires: schema/core/events_delivery
-- requires: functions/core/auth_claims
-- requires: functions/core/platform_jobs
--
-- How the realtime gateway decides who receives what, all in SQL:
--
--   events.audience_keys(audience)   the keys an event is addressed to:
--       'public', 'authenticated', 'user:<uuid>', 'privilege:<name>'.
--   events.principal_keys(claims)    the keys a caller holds: 'public'; for a
--       user's token (auth.claims_principal, the rule PostgREST's pre-request
--       hook applies too) 'authenticated', 'user:<sub>' and 'privilege:<p>' for
--       every privilege in the token (already the implication closure).
--   events.audience_allows(a, c)     = the two sets overlap. This is THE rule;
--       the gateway fetches both key sets from here and only tests overlap,
--       so no rule is written in Python.
--   events.authorize_subscription(topic)  run as the caller (role and claims
--       set as PostgREST sets them): which registered pattern the topic
--       matches (null: unknown topic) and whether its authorizer allows it.
--   events.wire_message(seq, topic, ...)  an outbox row as the wire message: the one
--       place it is serialized, once per event.
--   events.messages(after, max, upto)  the wire messages after a seq, with
--       their audience keys.
--   events.replay(after, max, topic, upto, principal)  what a resuming
--       caller with these principal keys is sent: events of the topic
--       addressed to it AND whose row it may still see now (the row's current
--       audience, events.replay_audiences); withdrawal notices (payload op
--       'withdraw', only the row's id) are exempt. What was withdrawn since
--       the event is never replayed.
--   events.withdrawn(type, before, after)  for describe functions: a
--       withdrawal notice addressed to the old audience when the change
--       shrinks it (events.write_event writes it as a second event).
--   events.register_replay_audience(table, function)  declare a table's
--       current-audience function (ids text[]) returns table (id text,
--       audience jsonb): one call per table per replayed batch.
--   events.cursor_status(after)      'retention' when events after that seq
--       were pruned, 'unknown_position' when it is ahead of the sequence.
--   events.prune()                   drop events sequenced longer ago than
--       events.config.retention; a scheduled job (events.prune, 10 minutes).
-- Platform topic: user:* (a user's own notifications), for that user only.

begin;

set local search_path = '';

create function events.audience_keys(audience jsonb) returns text[]
language sql immutable parallel safe
set search_path = ''
as $$
  select coalesce(pg_catalog.array_agg(k), '{}') from (
    select 'public' as k where coalesce((audience ->> 'public')::boolean, false)
    union all
    select 'authenticated' where coalesce((audience ->> 'authenticated')::boolean, false)
    union all
    select 'user:' || u from pg_catalog.jsonb_array_elements_text(
      case pg_catalog.jsonb_typeof(audience -> 'users') when 'array' then audience -> 'users' else '[]' end) u
     where u is not null
    union all
    select 'privilege:' || p from pg_catalog.jsonb_array_elements_text(
      case pg_catalog.jsonb_typeof(audience -> 'privileges') when 'array' then audience -> 'privileges' else '[]' end) p
     where p is not null
  ) keys
$$;
comment on function events.audience_keys(jsonb) is
  'Keys an event is addressed to (public, authenticated, user:<uuid>, privilege:<name>).';

create function events.principal_keys(claims jsonb) returns text[]
language sql immutable parallel safe
set search_path = ''
as $$
  select array['public']
      || case when auth.claims_principal(claims) = 'user' then
           array['authenticated', 'user:' || (claims ->> 'sub')]
           || coalesce(array(
                select 'privilege:' || p from pg_catalog.jsonb_array_elements_text(
                  case pg_catalog.jsonb_typeof(claims -> 'privileges') when 'array' then claims -> 'privileges' else '[]' end) p),
              '{}')
         else '{}'::text[] end
$$;
comment on function events.principal_keys(jsonb) is 'Keys a caller with these JWT claims holds.';

create function events.audience_allows(audience jsonb, claims jsonb) returns boolean
language sql immutable parallel safe
set search_path = ''
as $$
  select coalesce(events.audience_keys(audience) && events.principal_keys(claims), false)
$$;
comment on function events.audience_allows(jsonb, jsonb) is
  'Whether a caller with these JWT claims may receive an event with this audience (the key sets overlap).';
grant execute on function events.audience_allows(jsonb, jsonb) to platform_jobs;

create function events.withdrawn(type text, before jsonb, after jsonb) returns jsonb
language sql immutable parallel safe
set search_path = ''
as $$
  -- A key of `before` stays covered when `after` has it, has 'public' (everyone), or
  -- has 'authenticated' and the key is a signed-in one (a user, a privilege).
  select case when exists (
           select from pg_catalog.unnest(events.audience_keys(before)) k, events.audience_keys(after) a
            where not (k = any (a) or 'public' = any (a) or (k <> 'public' and 'authenticated' = any (a))))
         then pg_catalog.jsonb_build_object('type', type, 'audience', before) end
$$;
comment on function events.withdrawn(text, jsonb, jsonb) is
  'For a describe function: the withdrawal notice ({type, audience: before}) when a change leaves someone of `before` out of `after`; else null.';

create function events.register_topic(pattern text, authorize regprocedure, description text) returns void
language sql volatile
set search_path = ''
as $$
  insert into events.topics (pattern, authorize, description)
  values (register_topic.pattern, register_topic.authorize::text, register_topic.description)
  on conflict on constraint topics_pkey do update
    set authorize = excluded.authorize, description = excluded.description
$$;
comment on function events.register_topic(text, regprocedure, text) is
  'Declare a subscribable topic and the function (arg text) returns boolean that authorizes it as the caller.';

create function events.unregister_topic(pattern text) returns void
language sql volatile
set search_path = ''
as $$ delete from events.topics t where t.pattern = unregister_topic.pattern $$;

create function events.authorize_subscription(topic text, out pattern text, out allowed boolean)
language plpgsql stable
set search_path = ''
as $$
declare
  rule events.topics;
  arg text;
begin
  select t.* into rule
    from events.topics t
   where t.pattern = authorize_subscription.topic
      or (t.pattern like '%:*'
          and pg_catalog.left(authorize_subscription.topic, pg_catalog.length(t.pattern) - 1)
              = pg_catalog.left(t.pattern, pg_catalog.length(t.pattern) - 1)
          and pg_catalog.substr(authorize_subscription.topic, pg_catalog.length(t.pattern)) ~ '^[A-Za-z0-9_.-]+$')
   order by pg_catalog.length(t.pattern) desc
   limit 1;
  if rule.pattern is null then
    return;  -- unknown topic: pattern and allowed stay null
  end if;
  pattern := rule.pattern;
  if rule.pattern like '%:*' then
    arg := pg_catalog.substr(authorize_subscription.topic, pg_catalog.length(rule.pattern));
  end if;
  -- the signature resolves now (text, not regprocedure): a function that is gone denies
  if pg_catalog.to_regprocedure(rule.authorize) is null then
    allowed := false;
    return;
  end if;
  execute pg_catalog.format('select %s($1)', pg_catalog.to_regprocedure(rule.authorize)::regproc)
    into allowed using arg;
  allowed := coalesce(allowed, false);
end
$$;
comment on function events.authorize_subscription(text) is
  'Run as the caller: the registered pattern a topic matches (null when unknown) and whether the caller may follow it.';

create function events.is_own_topic(arg text) returns boolean
language sql stable
set search_path = ''
as $$ select arg = (select auth.uid())::text $$;
comment on function events.is_own_topic(text) is 'Authorizer of user:<id>: only that user.';

-- The one place an outbox row becomes the wire message clients receive. A SQL-standard
-- body (no SET clause) so callers inline it per row; columns, not the row type, so it
-- pins no table to its current shape.
create function events.wire_message(
  seq bigint, topic text, type text, payload jsonb, created_at timestamptz
) returns text
language sql stable parallel safe
return pg_catalog.json_build_object('op', 'event', 'id', seq, 'topic', topic, 'type', type,
                                    'data', payload, 'at', created_at)::text;
comment on function events.wire_message(bigint, text, text, jsonb, timestamptz) is
  'An outbox event as the wire message clients receive ({op: event, id, topic, type, data, at}).';

create function events.messages(after bigint, max_rows integer, upto bigint default null)
returns table (seq bigint, topic text, keys text[], created_at timestamptz, message text)
language sql stable
set search_path = ''
as $$
  select o.seq, o.topic, events.audience_keys(o.audience), o.created_at,
         events.wire_message(o.seq, o.topic, o.type, o.payload, o.created_at)
    from events.outbox o
   where o.seq > after and o.seq <= coalesce(upto, 9223372036854775807)
   order by o.seq
   limit max_rows
$$;
comment on function events.messages(bigint, integer, bigint) is
  'Sequenced events after a seq (up to a seq) as wire messages with their audience keys; a topic''s replay is events.replay.';

create function events.register_replay_audience(source regclass, audience_of regprocedure) returns void
language sql volatile
set search_path = ''
as $$
  insert into events.replay_audiences (source, audience_of)
  select sn.nspname || '.' || c.relname, pn.nspname || '.' || p.proname
    from pg_catalog.pg_class c join pg_catalog.pg_namespace sn on sn.oid = c.relnamespace,
         pg_catalog.pg_proc p join pg_catalog.pg_namespace pn on pn.oid = p.pronamespace
   where c.oid = register_replay_audience.source and p.oid = register_replay_audience.audience_of
  on conflict on constraint replay_audiences_pkey do update set audience_of = excluded.audience_of
$$;
comment on function events.register_replay_audience(regclass, regprocedure) is
  'Declare the function (ids text[]) returns table (id text, audience jsonb) giving who may see rows of this table now.';

create function events.replay(after bigint, max_rows integer, only_topic text, upto bigint, principal text[])
returns table (seq bigint, topic text, keys text[], created_at timestamptz, message text)
language plpgsql stable
set search_path = ''
as $$
declare
  batch events.outbox[];
  now_keys jsonb;  -- {"<source>": {"<row id>": [keys of who may see the row now]}}
  part jsonb;
  reg record;
  wanted integer;
  sent integer := 0;
  n integer;
  cursor_seq bigint := after;
begin
  loop
    wanted := max_rows - sent;
    -- The events addressed to the caller; then one call per table for its rows' current audiences.
    select pg_catalog.array_agg(c.o order by (c.o).seq) into batch
      from (select o from events.outbox o
             where o.topic = only_topic and o.seq is not null and o.seq > cursor_seq and o.seq <= upto
               and events.audience_keys(o.audience) && principal
             order by o.seq
             limit wanted) c;
    exit when batch is null;
    now_keys := '{}';
    for reg in
      select r.source, r.audience_of from events.replay_audiences r
       where r.source in (select b.payload ->> 'table' from pg_catalog.unnest(batch) b)
    loop
      execute pg_catalog.format(
        'select pg_catalog.jsonb_object_agg(c.id, events.audience_keys(c.audience)) from %s($1) c',
        (reg.audience_of || '(text[])')::regprocedure::regproc)
        into part
        using array(select distinct b.payload -> 'record' ->> 'id' from pg_catalog.unnest(batch) b
                     where b.payload ->> 'table' = reg.source and b.payload ->> 'op' <> 'withdraw');
      now_keys := now_keys || pg_catalog.jsonb_build_object(reg.source, coalesce(part, '{}'));
    end loop;
    return query
      select b.seq, b.topic, events.audience_keys(b.audience), b.created_at,
             events.wire_message(b.seq, b.topic, b.type, b.payload, b.created_at)
        from pg_catalog.unnest(batch) b
       where b.payload ->> 'op' = 'withdraw'            -- a notice: only an id, for its audience
          or not (now_keys ? (b.payload ->> 'table'))  -- its table declared no current audience
          or coalesce(now_keys -> (b.payload ->> 'table') -> (b.payload -> 'record' ->> 'id'), '[]') ?| principal
       order by b.seq;
    get diagnostics n = row_count;
    sent := sent + n;
    exit when sent >= max_rows or pg_catalog.cardinality(batch) < wanted;
    cursor_seq := (batch[pg_catalog.cardinality(batch)]).seq;
  end loop;
end
$$;
comment on function events.replay(bigint, integer, text, bigint, text[]) is
  'Events of a topic after a seq, up to a seq, that a caller with these keys may receive and whose row it may still see.';

create function events.cursor_status(after bigint) returns text
language sql stable
set search_path = ''
as $$
  select case when after < s.pruned_through then 'retention'
              when after > s.last_seq then 'unknown_position' end
    from events.sequencer s
$$;
comment on function events.cursor_status(bigint) is
  'Null when a client can resume after this seq; otherwise why it must resync.';

create function events.prune() returns bigint
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  horizon bigint;
  removed bigint;
begin
  select pg_catalog.max(o.seq) into horizon
    from events.outbox o
   where o.seq is not null
     and o.sequenced_at < pg_catalog.now() - (select c.retention from events.config c);
  if horizon is null then
    return 0;
  end if;
  delete from events.outbox o where o.seq <= horizon;
  get diagnostics removed = row_count;
  update events.sequencer set pruned_through = greatest(pruned_through, horizon);
  return removed;
end
$$;
comment on function events.prune() is 'Remove events sequenced before the retention window; returns how many.';

revoke execute on function events.prune() from public;
grant execute on function events.audience_keys(jsonb), events.messages(bigint, integer, bigint),
  events.wire_message(bigint, text, text, jsonb, timestamptz),
  events.cursor_status(bigint), events.replay(bigint, integer, text, bigint, text[]) to platform_jobs;
grant execute on function events.principal_keys(jsonb), events.authorize_subscription(text),
  events.is_own_topic(text) to anon, authenticated;
select platform.declare_api_function('core', 'events.principal_keys(jsonb)',
  array['anon', 'authenticated'],
  'The gateway asks, as the subscriber, which audience keys the caller''s claims hold.');
select platform.declare_api_function('core', 'events.authorize_subscription(text)',
  array['anon', 'authenticated'],
  'The gateway asks, as the subscriber, whether the caller may follow a topic (row-level security decides).');
select platform.declare_api_function('core', 'events.is_own_topic(text)',
  array['anon', 'authenticated'],
  'The authorizer of the user:* topic, run as the subscriber: only the user themself.');

select events.register_topic('user:*', 'events.is_own_topic(text)',
  'A user''s own notifications (changes to what they write); only that user may subscribe.');
select platform.schedule_job('events.prune', '10 minutes', 'events.prune()');

commit;
