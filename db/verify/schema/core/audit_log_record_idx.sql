-- Verify platform:schema/core/audit_log_record_idx on pg
-- The key index exists and its build finished; the btree it replaces is gone.

begin;

select 1/count(*) from pg_catalog.pg_index
 where indexrelid = pg_catalog.to_regclass('audit.log_record_key_idx') and indisvalid and indisready;
select 1/(pg_catalog.to_regclass('audit.log_table_pk_idx') is null)::int;

rollback;
