-- Revert platform:schema/core/events_outbox from pg

begin;

drop table events.sequencer;
drop table events.outbox;

commit;
