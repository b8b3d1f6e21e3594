-- Deploy platform:schema/core/audit_log to pg
-- requires: schema/core/namespaces
-- requires: functions/core/auth_claims
-- requires: functions/core/platform_errors
--
-- The audit trail. One generic row trigger, audit.capture(), enabled per
-- table with one call: `select audit.enable('publishing.articles')`.
-- Each row records schema, table, operation, primary key, old and new row
-- (minus excluded columns such as password hashes), the columns an UPDATE
-- changed, the acting user and role, transaction id and statement time.
-- audit.enable(table, exclude_columns, derived_columns): derived columns are
-- values the platform keeps in step with other rows (a comment's copy of its
-- article's visibility). They never reach the log, and an UPDATE that
-- changed nothing else writes no audit row: publishing an article with 500
-- comments is one audited change, not 501. Excluded columns (password
-- hashes) still mark a change in changed_columns.
-- The log is append-only: no API role can read or write it, and UPDATE or
-- DELETE raise even for its owner (retention is a TRUNCATE of old partitions
-- or a DBA's deliberate `alter table ... disable trigger`).

begin;

set local search_path = '';

create table audit.log (
  id bigint generated always as identity primary key,
  schema_name name not null,
  table_name name not null,
  operation text not null constraint log_operation check (operation in ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')),
  record_pk jsonb,
  old_record jsonb,
  new_record jsonb,
  changed_columns text[],
  actor_id uuid,
  actor_role text not null,
  transaction_id xid8 not null default pg_catalog.pg_current_xact_id(),
  statement_at timestamptz not null default pg_catalog.statement_timestamp(),
  logged_at timestamptz not null default pg_catalog.clock_timestamp()
);
create index log_table_pk_idx on audit.log (schema_name, table_name, record_pk);
create index log_statement_at_idx on audit.log using brin (statement_at);
create index log_actor_idx on audit.log (actor_id) where actor_id is not null;
comment on table audit.log is 'Append-only audit trail written by audit.capture().';

alter table audit.log enable row level security;

create function audit.refuse_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'audit.log is append-only: % refused', tg_op
    using errcode = 'insufficient_privilege',
          hint = 'audit rows are evidence; prune old ones by TRUNCATE or partition drop as a DBA';
end
$$;

create trigger log_is_append_only
  before update or delete on audit.log
  for each row execute function audit.refuse_change();

-- SECURITY DEFINER: API roles write audit rows only through this trigger.
create function audit.capture() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  pk_columns text[] := tg_argv[0]::text[];
  excluded text[] := coalesce(tg_argv[1]::text[], '{}');
  derived text[] := coalesce(tg_argv[2]::text[], '{}');
  old_full jsonb;
  new_full jsonb;
  changed text[];
  role_name text := pg_catalog.current_setting('role');
begin
  if tg_op = 'TRUNCATE' then
    insert into audit.log (schema_name, table_name, operation, actor_id, actor_role)
    values (tg_table_schema, tg_table_name, tg_op, auth.uid(),
            case when role_name = 'none' then session_user::text else role_name end);
    return null;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    old_full := pg_catalog.to_jsonb(old) - derived;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    new_full := pg_catalog.to_jsonb(new) - derived;
  end if;
  if tg_op = 'UPDATE' then
    select pg_catalog.array_agg(n.key order by n.key) into changed
      from pg_catalog.jsonb_each(new_full) n
     where n.value is distinct from old_full -> n.key;
    if changed is null then
      return null;  -- nothing changed (or only derived columns)
    end if;
  end if;
  insert into audit.log (schema_name, table_name, operation, record_pk, old_record, new_record,
                         changed_columns, actor_id, actor_role)
  values (
    tg_table_schema, tg_table_name, tg_op,
    (select pg_catalog.jsonb_object_agg(k, coalesce(new_full, old_full) -> k)
       from pg_catalog.unnest(pk_columns) k),
    old_full - excluded,
    new_full - excluded,
    changed,
    auth.uid(),
    case when role_name = 'none' then session_user::text else role_name end);
  return null;
end
$$;
comment on function audit.capture() is
  'Generic audit row trigger; arguments: primary-key columns, excluded columns, derived columns. Use audit.enable().';

create function audit.enable(
  target regclass, exclude_columns text[] default '{}', derived_columns text[] default '{}'
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  pk_columns text[];
begin
  select coalesce(pg_catalog.array_agg(a.attname::text order by k.ord), '{}')
    into pk_columns
    from pg_catalog.pg_index i
    cross join lateral pg_catalog.unnest(i.indkey) with ordinality as k (attnum, ord)
    join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
   where i.indrelid = target and i.indisprimary;
  execute pg_catalog.format(
    'create or replace trigger audit_row after insert or update or delete on %s '
    'for each row execute function audit.capture(%L, %L, %L)',
    target, pk_columns, exclude_columns, derived_columns);
  execute pg_catalog.format(
    'create or replace trigger audit_truncate after truncate on %s '
    'for each statement execute function audit.capture()', target);
end
$$;
comment on function audit.enable(regclass, text[], text[]) is
  'Start auditing a table (row changes and truncates); exclude_columns are never written to the log; '
  'derived_columns neither, and a change to them alone is not logged.';

create function audit.disable(target regclass) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  execute pg_catalog.format('drop trigger if exists audit_row on %s', target);
  execute pg_catalog.format('drop trigger if exists audit_truncate on %s', target);
end
$$;
comment on function audit.disable(regclass) is 'Stop auditing a table (the log keeps its rows).';

commit;
