-- Deploy platform:functions/core/events_sequence_no_row_lock to pg
-- requires: functions/core/events_capture
--
-- events.sequence_pending() read the sequencer row FOR UPDATE on every call,
-- which made each of the gateway's reads a write transaction with a commit
-- to flush, even when nothing was pending (0.42 ms against 0.12 ms idle).
-- The advisory lock already serializes runs; the row lock goes.

begin;

set local search_path = '';

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

commit;
