-- Revert platform:schema/core/audit_log_record_idx from pg
-- platform-2.0's btree comes back (built first), then the key index goes; both
-- CONCURRENTLY, outside a transaction, like the deploy.

set lock_timeout = '5s';
set statement_timeout = 0;

drop index concurrently if exists audit.log_table_pk_idx;
create index concurrently if not exists log_table_pk_idx on audit.log (schema_name, table_name, record_pk);
drop index concurrently if exists audit.log_record_key_idx;
