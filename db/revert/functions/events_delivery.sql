-- Revert platform:functions/events_delivery from pg

begin;

select platform.unschedule_job('events.prune');
select events.unregister_topic('user:*');

-- events.audience_allows as functions/events_capture defined it.
create or replace function events.audience_allows(audience jsonb, claims jsonb) returns boolean
language sql immutable parallel safe
set search_path = ''
as $$
  select coalesce((audience ->> 'public')::boolean, false)
      or (coalesce((audience ->> 'authenticated')::boolean, false) and claims ? 'sub')
      or (claims ? 'sub' and coalesce(audience -> 'users', '[]') ? (claims ->> 'sub'))
      or coalesce(claims -> 'privileges', '[]') ?| coalesce(
           (select pg_catalog.array_agg(p) from pg_catalog.jsonb_array_elements_text(audience -> 'privileges') p),
           '{}')
$$;
comment on function events.audience_allows(jsonb, jsonb) is
  'Whether a caller with these JWT claims may receive an event with this audience.';

drop function events.prune();
drop function events.cursor_status(bigint);
drop function events.replay(bigint, integer, text, bigint, text[]);
drop function events.register_replay_audience(regclass, regprocedure);
drop function events.withdrawn(text, jsonb, jsonb);
drop function events.messages(bigint, integer, text, bigint);
drop function events.is_own_topic(text);
drop function events.authorize_subscription(text);
drop function events.unregister_topic(text);
drop function events.register_topic(text, regprocedure, text);
drop function events.principal_keys(jsonb);
drop function events.audience_keys(jsonb);

commit;
