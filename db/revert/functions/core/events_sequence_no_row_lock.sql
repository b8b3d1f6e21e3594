-- Revert platform:functions/core/events_sequence_no_row_lock from pg
--
-- events.sequence_pending() as functions/core/events_capture made it.

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

commit;
