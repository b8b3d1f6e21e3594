-- Verify platform:schema/core/events_pollers on pg

begin;

select poller, lease_until, since from events.pollers where false;
select 1 / pg_catalog.count(*) from pg_catalog.pg_class
 where oid = 'events.pollers'::regclass and relrowsecurity;

rollback;
