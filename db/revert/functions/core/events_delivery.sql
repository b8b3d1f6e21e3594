-- Revert platform:functions/core/events_delivery from pg

begin;

select platform.forget_api_function('events.principal_keys(jsonb)');
select platform.forget_api_function('events.authorize_subscription(text)');
select platform.forget_api_function('events.is_own_topic(text)');

select platform.unschedule_job('events.prune');
select events.unregister_topic('user:*');

drop function events.audience_allows(jsonb, jsonb);
drop function events.prune();
drop function events.cursor_status(bigint);
drop function events.replay(bigint, integer, text, bigint, text[]);
drop function events.register_replay_audience(regclass, regprocedure);
drop function events.withdrawn(text, jsonb, jsonb);
drop function events.messages(bigint, integer, bigint);
drop function events.wire_message(bigint, text, text, jsonb, timestamptz);
drop function events.is_own_topic(text);
drop function events.authorize_subscription(text);
drop function events.unregister_topic(text);
drop function events.register_topic(text, regprocedure, text);
drop function events.principal_keys(jsonb);
drop function events.audience_keys(jsonb);

commit;
