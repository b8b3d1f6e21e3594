-- Deploy platform:functions/core/audit_history to pg
-- requires: schema/core/audit_log
--
-- A row's history, and the key that finds it (docs/audit.md):
--   audit.record_key(schema_name, table_name, record_pk) -> bigint
--       a 64-bit hash of the table and the row's primary key, the key of the
--       index log_record_key_idx (schema/core/audit_log_record_idx). platform-2.0's
--       btree on (schema_name, table_name, record_pk) compared two 64-byte names and
--       a jsonb on every insert; a btree on this bigint costs half as much per
--       audited row, and unlike a hash index it stays fast when one row has many
--       entries (btree deduplication; a hash index chains them).
--   audit.history(target, record_pk) -> setof audit.log
--       every entry of one row, oldest first: the index narrows to the key's hash,
--       the equality on the table and key removes any collision. As its caller:
--       the log is for DBAs (no API role may run it, nor read the log).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create function audit.record_key(schema_name name, table_name name, record_pk jsonb) returns bigint
language sql immutable parallel safe strict
set search_path = ''
as $$
  select pg_catalog.hashtextextended(schema_name::text || '.' || table_name::text || ' ' || record_pk::text, 0)
$$;
comment on function audit.record_key(name, name, jsonb) is
  'The indexed key of an audited row: a 64-bit hash of its table and primary key (audit.history uses it).';
revoke execute on function audit.record_key(name, name, jsonb) from public;

create function audit.history(target regclass, record_pk jsonb) returns setof audit.log
language sql stable
set search_path = ''
as $$
  select l.*
    from audit.log l
    join pg_catalog.pg_class c on c.oid = target
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where audit.record_key(l.schema_name, l.table_name, l.record_pk) = audit.record_key(n.nspname, c.relname, record_pk)
     and l.schema_name = n.nspname and l.table_name = c.relname and l.record_pk = history.record_pk
   order by l.id
$$;
comment on function audit.history(regclass, jsonb) is
  'Every audit entry of one row (its primary key as JSON, e.g. {"id": 42}), oldest first.';
revoke execute on function audit.history(regclass, jsonb) from public;

commit;
