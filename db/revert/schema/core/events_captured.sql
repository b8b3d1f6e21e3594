-- Revert platform:schema/core/events_captured from pg
-- Captured statements not yet expanded would be lost: the revert of
-- functions/core/events_capture (which runs first) expands them.

begin;

drop table events.captured;

commit;
