-- Verify platform:schema/core/events_outbox on pg

begin;

select id, seq, topic, type, payload, audience, transaction_id, created_at, sequenced_at
  from events.outbox where false;
select 1 / (select pg_catalog.count(*) from events.sequencer)::int;
select 1 / (not pg_catalog.has_table_privilege('authenticated', 'events.outbox', 'select'))::int;

rollback;
