-- Verify platform:schema/core/namespaces on pg

begin;

select 1 / (count(*) = 6)::int from pg_catalog.pg_namespace
 where nspname in ('api', 'auth', 'audit', 'events', 'platform', 'extensions');
select extensions.crypt('x', extensions.gen_salt('bf', 4));
select 1 / ('a'::extensions.citext operator(extensions.=) 'A'::extensions.citext)::int;
select 1 / (not pg_catalog.has_schema_privilege('anon', 'audit', 'usage'))::int;
-- (events: functions/core/events_delivery later grants API roles lookup on it, for the
-- topic registry and the caller-run authorizers; the outbox itself stays closed.)

rollback;
