-- Revert platform:functions/core/audit_derived_columns from pg
--
-- Back to audit.capture() and audit.enable(regclass, text[]) of schema/core/audit_log.

begin;

set local search_path = '';

drop function audit.enable(regclass, text[], text[]);

create or replace function audit.capture() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  pk_columns text[] := tg_argv[0]::text[];
  excluded text[] := coalesce(tg_argv[1]::text[], '{}');
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
    old_full := pg_catalog.to_jsonb(old);
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    new_full := pg_catalog.to_jsonb(new);
  end if;
  if tg_op = 'UPDATE' then
    select pg_catalog.array_agg(n.key order by n.key) into changed
      from pg_catalog.jsonb_each(new_full) n
     where n.value is distinct from old_full -> n.key;
    if changed is null then
      return null;  -- nothing changed
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
  'Generic audit row trigger; arguments: primary-key columns, excluded columns. Use audit.enable().';

create function audit.enable(target regclass, exclude_columns text[] default '{}') returns void
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
    'for each row execute function audit.capture(%L, %L)',
    target, pk_columns, exclude_columns);
  execute pg_catalog.format(
    'create or replace trigger audit_truncate after truncate on %s '
    'for each statement execute function audit.capture()', target);
end
$$;
comment on function audit.enable(regclass, text[]) is
  'Start auditing a table (row changes and truncates); exclude_columns are never written to the log.';

commit;
