-- Verify platform:schema/core/audit_log on pg

begin;

select id, schema_name, table_name, operation, record_pk, old_record, new_record, changed_columns,
       actor_id, actor_role, transaction_id, statement_at, logged_at
  from audit.log where false;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_proc
             where oid = 'audit.capture()'::regprocedure
               and prosecdef and proconfig @> array['search_path=""'])::int;
select 1 / (select pg_catalog.count(*) from pg_catalog.pg_proc
             where oid = 'audit.enable(regclass, text[], text[])'::regprocedure)::int;
select 1 / (not pg_catalog.has_table_privilege('authenticated', 'audit.log', 'select'))::int;

rollback;
