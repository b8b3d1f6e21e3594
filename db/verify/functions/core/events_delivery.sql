-- Verify platform:functions/core/events_delivery on pg

begin;

select 1 / (k @> e and k <@ e)::int
  from events.audience_keys('{"public": true, "users": ["u1"], "privileges": ["editor"]}') k,
       (values (array['public', 'user:u1', 'privilege:editor'])) v (e);
select 1 / (k @> e and k <@ e)::int
  from events.principal_keys('{"role": "authenticated", "sub": "u1", "privileges": ["reader"]}') k,
       (values (array['public', 'authenticated', 'user:u1', 'privilege:reader'])) v (e);
select 1 / events.audience_allows('{"users": ["u1"]}', '{"role": "authenticated", "sub": "u1"}')::int;
select 1 / (not events.audience_allows('{"users": ["u1"]}', '{"role": "anon", "sub": "u1"}'))::int;
select 1 / (not events.audience_allows('{"privileges": ["admin"]}', '{"role": "authenticated", "sub": "u1", "privileges": ["reader"]}'))::int;
select 1 / (select pg_catalog.count(*) from events.topics where pattern = 'user:*')::int;
select 1 / (select pg_catalog.count(*) from platform.jobs where name = 'events.prune')::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'events.prune()', 'execute'))::int;
select 1 / pg_catalog.has_function_privilege('platform_jobs', 'events.replay(bigint, integer, text, bigint, text[])', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'events.replay(bigint, integer, text, bigint, text[])', 'execute'))::int;

rollback;
