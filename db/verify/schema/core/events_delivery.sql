-- Verify platform:schema/core/events_delivery on pg

begin;

select retention from events.config where retention > interval '0';
select pruned_through from events.sequencer where false;
select pattern, authorize, description from events.topics where false;
select source, audience_of from events.replay_audiences where false;
select 1 / pg_catalog.has_schema_privilege('anon', 'events', 'usage')::int;
select 1 / (not pg_catalog.has_table_privilege('anon', 'events.outbox', 'select'))::int;

rollback;
