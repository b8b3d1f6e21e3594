-- Revert platform:schema/core/audit_log from pg
--
-- Back to platform-2.0's row trigger: its functions as audit_log@platform-2.0.sql
-- defined them (that script also creates the log table, which stays, so only its
-- functions are copied here), and every table the statement triggers audit gets the
-- row trigger again, with the same arguments.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- SECURITY DEFINER: API roles write audit rows only through this trigger.
create or replace function audit.capture() returns trigger
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

create or replace function audit.enable(
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

create or replace function audit.disable(target regclass) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  execute pg_catalog.format('drop trigger if exists audit_row on %s', target);
  execute pg_catalog.format('drop trigger if exists audit_truncate on %s', target);
end
$$;
comment on function audit.disable(regclass) is 'Stop auditing a table (the log keeps its rows).';

-- Every table audited by the statement triggers gets platform-2.0's row trigger back.
select audit.enable(t.tgrelid::regclass, coalesce(nullif(a.args[2], ''), '{}')::text[],
                    coalesce(nullif(a.args[3], ''), '{}')::text[])
  from pg_catalog.pg_trigger t
  cross join lateral (select pg_catalog.string_to_array(pg_catalog.encode(t.tgargs, 'escape'), '\000') as args) a
 where t.tgname = 'audit_insert' and t.tgfoid = 'audit.capture()'::regprocedure and not t.tgisinternal;
do $$
declare
  audited regclass;
begin
  for audited in
    select t.tgrelid::regclass from pg_catalog.pg_trigger t
     where t.tgname in ('audit_insert', 'audit_update', 'audit_delete') and not t.tgisinternal
     group by t.tgrelid
  loop
    execute pg_catalog.format('drop trigger if exists audit_insert on %s', audited);
    execute pg_catalog.format('drop trigger if exists audit_update on %s', audited);
    execute pg_catalog.format('drop trigger if exists audit_delete on %s', audited);
  end loop;
end
$$;

commit;
