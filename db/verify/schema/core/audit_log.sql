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
-- No row trigger is left: every audited table has the three statement triggers.
select 1 / (pg_catalog.count(*) = 0)::int from pg_catalog.pg_trigger
 where tgname = 'audit_row' and tgfoid = 'audit.capture()'::regprocedure;
select 1 / (pg_catalog.count(*) = 0)::int from (
  select t.tgrelid from pg_catalog.pg_trigger t
   where t.tgfoid = 'audit.capture()'::regprocedure and t.tgname <> 'audit_truncate'
   group by t.tgrelid
  having pg_catalog.count(*) filter (where t.tgname = 'audit_insert' and t.tgnewtable = 'new_rows'
                                       and t.tgtype::int & 1 = 0) <> 1
      or pg_catalog.count(*) filter (where t.tgname = 'audit_update' and t.tgoldtable = 'old_rows'
                                       and t.tgnewtable = 'new_rows' and t.tgtype::int & 1 = 0) <> 1
      or pg_catalog.count(*) filter (where t.tgname = 'audit_delete' and t.tgoldtable = 'old_rows'
                                       and t.tgtype::int & 1 = 0) <> 1) incomplete;

rollback;
