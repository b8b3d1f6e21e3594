-- Deploy platform:schema/core/events_outbox to pg
-- requires: schema/core/namespaces
--
-- The change-event outbox. Triggers write an event row in the same
-- transaction as the change, then NOTIFY `platform_events` (an empty
-- wake-up: the data is read from this table, so payloads may exceed
-- NOTIFY's 8,000 bytes and nothing is lost if nobody listens).
--
-- Two ids:
--   id   insertion order (identity); NOT commit order: a transaction that
--        took a lower id may commit after one that took a higher id.
--   seq  the commit-ordered position clients see and resume from. It is
--        null while pending and assigned by events.sequence_pending(), which
--        numbers, densely and under an advisory lock, every event already
--        committed and not yet numbered. An event that commits after a
--        sequencing run therefore always gets a higher seq than everything
--        that run numbered: resuming "after seq N" never skips a late
--        commit, and gaps never appear.
-- audience says who may receive the event ({"public": true} |
-- {"authenticated": true} | {"users": [uuid...]} | {"privileges": [...]},
-- keys combined with OR); it is computed in SQL by the table's describe
-- function, next to that table's policies. events.audience_allows() is the
-- one place that reads it.

begin;

set local search_path = '';

create table events.outbox (
  id bigint generated always as identity primary key,
  seq bigint constraint outbox_seq_key unique,
  topic text not null constraint outbox_topic_format check (topic ~ '^[a-z][a-z0-9_]*(:[A-Za-z0-9_.-]+)+$'),
  type text not null constraint outbox_type_format check (type ~ '^[a-z][a-z0-9_.]*$'),
  payload jsonb not null,
  audience jsonb not null constraint outbox_audience_object check (pg_catalog.jsonb_typeof(audience) = 'object'),
  transaction_id xid8 not null default pg_catalog.pg_current_xact_id(),
  created_at timestamptz not null default pg_catalog.now(),
  sequenced_at timestamptz
);
create index outbox_pending_idx on events.outbox (id) where seq is null;
create index outbox_topic_seq_idx on events.outbox (topic, seq) where seq is not null;
create index outbox_created_at_idx on events.outbox using brin (created_at);
comment on table events.outbox is
  'Change events: written by events.capture(), numbered in commit order by events.sequence_pending().';
comment on column events.outbox.seq is 'Commit-ordered, gap-free position; null until sequenced.';

create table events.sequencer (
  singleton boolean primary key default true constraint sequencer_singleton check (singleton),
  last_seq bigint not null default 0
);
insert into events.sequencer default values;
comment on table events.sequencer is 'The last seq handed out (one row).';

alter table events.outbox enable row level security;
alter table events.sequencer enable row level security;

commit;
