-- Revert platform:functions/core/events_capture from pg

begin;

drop function events.sequence_pending(integer);
drop function events.disable(regclass);
drop function events.enable(regclass, text[], regprocedure, text[]);
drop function events.capture_function_name(regclass);
drop function events.capture();
drop function events.write_event(text[], text, text, text, jsonb, jsonb, jsonb);
drop function events.render_topic(text, jsonb);

commit;
