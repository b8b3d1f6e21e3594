-- Verify platform:functions/core/audit_history on pg

begin;

select 1 / (audit.record_key('a', 'b', '{"id": 1}') = audit.record_key('a', 'b', '{"id": 1}')
            and audit.record_key('a', 'b', '{"id": 1}') <> audit.record_key('a', 'b', '{"id": 2}'))::int;
select 1 / (p.provolatile = 'i')::int from pg_catalog.pg_proc p
 where p.oid = 'audit.record_key(name, name, jsonb)'::regprocedure;
select 1 / (not pg_catalog.has_function_privilege('public', 'audit.history(regclass, jsonb)', 'execute'))::int;

rollback;
