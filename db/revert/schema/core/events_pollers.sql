-- Revert platform:schema/core/events_pollers from pg

begin;

drop table events.pollers;

commit;
