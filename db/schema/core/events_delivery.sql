-- Deploy platform:schema/core/events_delivery to pg
-- requires: functions/core/events_capture
--
-- What the realtime gateway needs beyond the outbox:
--   events.config   retention of sequenced events (default 24 hours), set
--                   from the gateway's settings by `inv up` (ops/database.py).
--   events.topics   the registry of subscribable topics. A pattern is a
--                   fixed topic ('publishing:review') or ends in ':*'
--                   ('publishing:article:*'); `authorize` is a function
--                   (arg text) returns boolean run AS THE CALLER (role and JWT
--                   claims set as PostgREST sets them), so row-level security
--                   answers "may this user follow that row". Modules register
--                   their topics next to their policies. It is stored as text
--                   (the signature as regprocedure prints it) and resolved at
--                   each use, as platform.jobs.procedure: a reg* column would
--                   stop pg_upgrade and dangle when a rework recreates it.
--   events.replay_audiences  per source table, the function (ids text[])
--                   returns table (id text, audience jsonb) that says who may
--                   see those rows NOW, as event audiences (a gone row: no
--                   line, so nobody). A replay sends an
--                   event only to callers in both its audience and its row's
--                   current audience (events.replay), so what was withdrawn
--                   since is not shown again. Modules register their tables
--                   next to their audiences.
--   events.sequencer.pruned_through  the highest seq pruned: resuming from
--                   below it means events were lost to retention (resync).

begin;

set local search_path = '';

create table events.config (
  singleton boolean primary key default true constraint config_singleton check (singleton),
  retention interval not null default '24 hours'
    constraint config_retention_positive check (retention > interval '0')
);
insert into events.config default values;
comment on table events.config is 'Realtime delivery settings (one row), written by ops from the gateway settings.';

alter table events.sequencer add column pruned_through bigint not null default 0;
comment on column events.sequencer.pruned_through is 'Highest seq removed by events.prune(); resuming below it needs a resync.';
-- events.prune() finds its horizon by sequencing time.
create index outbox_sequenced_at_idx on events.outbox (sequenced_at) where seq is not null;

create table events.topics (
  pattern text primary key
    constraint topics_pattern_format check (pattern ~ '^[a-z][a-z0-9_]*(:[a-z][a-z0-9_]*)*(:\*)?$'),
  -- 'module.f(text)', fully qualified: resolved by events.authorize_subscription
  authorize text not null constraint topics_authorize_signature check (authorize ~ '^.+\(text\)$'),
  description text not null
);
comment on table events.topics is
  'Subscribable topics: exact names or prefix:* patterns, each with the caller-run function that authorizes it.';

create table events.replay_audiences (
  source text primary key
    constraint replay_audiences_source_format check (source ~ '^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$'),
  audience_of text not null
    constraint replay_audiences_function_format check (audience_of ~ '^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$')
);
comment on table events.replay_audiences is
  'Per source table (schema.table, as event payloads name it), the function (ids text[]) giving who may see those rows now.';

alter table events.config enable row level security;
alter table events.topics enable row level security;
alter table events.replay_audiences enable row level security;

-- Anyone may learn which topics exist (they are documented); nothing else in
-- this schema is granted to API roles.
grant usage on schema events to anon, authenticated;
grant select on events.topics to anon, authenticated, platform_jobs;
create policy "the topic registry is public" on events.topics
  for select to anon, authenticated, platform_jobs using (true);
select platform.declare_lint_exception('core', 'private_relation_api_access', 'events.topics',
  'events.authorize_subscription runs as the subscriber (so that row-level security answers the '
  'authorizer) and reads the registry; topic patterns and authorizer names are documented, not secret.');
grant select on events.config, events.sequencer to platform_jobs;
create policy "platform jobs read the sequence position" on events.sequencer
  for select to platform_jobs using (true);
create policy "platform jobs read the delivery settings" on events.config
  for select to platform_jobs using (true);
grant select on events.replay_audiences to platform_jobs;
create policy "platform jobs read the replay audiences" on events.replay_audiences
  for select to platform_jobs using (true);

commit;
