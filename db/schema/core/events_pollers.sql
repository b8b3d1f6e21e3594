-- Deploy platform:schema/core/events_pollers to pg
-- requires: schema/core/events_outbox
--
-- Poll leases (docs/decisions/0021). A NOTIFY makes PostgreSQL commit the
-- transactions that sent one one at a time: each takes a database-wide lock in
-- PreCommit_Notify and holds it until its commit record is flushed, so concurrent
-- writers of published tables lose group commit. A gateway that is reading the
-- outbox every read interval anyway (events keep coming) does not need them: it
-- holds a lease here, renewed while it polls, and the capture triggers send NOTIFY
-- only when no lease is valid.
--
--   poller       the gateway's id (host:pid:start)
--   lease_until  until when it promises to read the outbox every read interval
--                (clock time; a gateway that stops renewing, or dies, lets it lapse)
--
-- A gateway giving up its lease deletes its row, then waits for every transaction
-- that was writing at that moment to end, and reads once more: a writer that saw the
-- lease and skipped NOTIFY is read then (gateway/outbox.py, pgTAP 036).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create table events.pollers (
  poller text primary key constraint pollers_poller_length check (pg_catalog.length(poller) between 1 and 200),
  lease_until timestamptz not null,
  since timestamptz not null default pg_catalog.clock_timestamp()
);
comment on table events.pollers is
  'Gateways reading the outbox on their own schedule; while one lease is valid, capture skips NOTIFY.';

alter table events.pollers enable row level security;

commit;
