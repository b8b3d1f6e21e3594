-- Verify platform:functions/core/audit_derived_columns on pg

begin;

select 1 / (select pg_catalog.count(*) from pg_catalog.pg_proc
             where oid = 'audit.enable(regclass, text[], text[])'::regprocedure)::int;
select 1 / (pg_catalog.strpos(pg_catalog.pg_get_functiondef('audit.capture()'::regprocedure), 'derived') > 0)::int;
select 1 / (pg_catalog.to_regprocedure('audit.enable(regclass, text[])') is null)::int;

rollback;
