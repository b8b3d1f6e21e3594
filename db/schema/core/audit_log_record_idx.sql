-- Deploy platform:schema/core/audit_log_record_idx to pg
-- requires: functions/core/audit_history
--
-- A row's history is found through a btree on audit.record_key(schema_name,
-- table_name, record_pk), a bigint, instead of platform-2.0's btree on (schema_name,
-- table_name, record_pk). Every audited row pays for this index: the old keys carry
-- two 64-byte names and a jsonb, compared column by column on each insert. 10,000-row
-- insert with audit and events, same run: 12.9 µs/row with the old index, 11.7 with
-- this one (docs/decisions/0021). A hash index on record_pk costs the same but chains
-- the entries of one row (a row updated a million times would make every insert walk
-- the chain); a btree deduplicates them. audit.history() uses the index.
--
-- CONCURRENTLY, outside a transaction (the log holds data): the new index is built
-- first, then the old one dropped, so a lookup always has one. A build that failed
-- half-way leaves an INVALID index: it is dropped first, so a second run starts clean.

set lock_timeout = '5s';
set statement_timeout = 0;  -- the build takes as long as the log needs

drop index concurrently if exists audit.log_record_key_idx;
create index concurrently if not exists log_record_key_idx on audit.log
  (audit.record_key(schema_name, table_name, record_pk));
drop index concurrently if exists audit.log_table_pk_idx;
