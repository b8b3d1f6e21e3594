-- Deploy platform:rls/core/events_outbox to pg
-- requires: schema/core/events_outbox
--
-- Who reads the outbox: only the platform's own jobs (the realtime gateway),
-- which deliver each event to the connections its audience allows. API roles
-- have no privilege at all on it (NOTIFY and the outbox ignore RLS of the
-- source tables; the audience is the rule).

begin;

set local search_path = '';

create policy "platform jobs read every event" on events.outbox
  for select to platform_jobs using (true);
grant select on events.outbox to platform_jobs;

commit;
