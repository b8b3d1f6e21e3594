-- Deploy platform:schema/core/audit_log to pg
-- requires: schema/core/audit_log@platform-2.0
--
-- Rework (issue 20): the audit trigger runs once per statement, not once per row.
-- The table, its indexes and the append-only guard stay as platform-2.0 made them
-- (audit_log@platform-2.0.sql); this script replaces the functions and moves every
-- table already audited to the new triggers.
--
-- audit.enable(table, exclude_columns, derived_columns) now writes four
-- statement-level triggers, all on the same function audit.capture():
--   audit_insert    AFTER INSERT, REFERENCING NEW TABLE AS new_rows
--   audit_update    AFTER UPDATE, REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
--   audit_delete    AFTER DELETE, REFERENCING OLD TABLE AS old_rows
--   audit_truncate  AFTER TRUNCATE (as before)
-- (PostgreSQL 15 allows transition tables only on a trigger of a single event.)
-- Each statement writes its audit rows with one INSERT ... SELECT over the
-- transition table: the same rows the row trigger wrote, one per changed row,
-- in the order the statement changed them (audit.log.id follows it), with the
-- same columns: primary key, old and new row minus excluded columns, changed
-- columns, actor (auth.uid() of the JWT claims) and role, read once per statement.
-- An UPDATE's old and new rows are paired by position: PostgreSQL appends a row's
-- old and new versions to the two transition tables together (one call per row),
-- so the n-th old row and the n-th new row are the same row even when the
-- statement changed its primary key (pairing by key would not be:
-- `set id = id + 1` gives old {1, 2} and new {2, 3}). docs/decisions/0014.
-- An UPDATE that changes nothing but derived columns still writes nothing.
--
-- A statement trigger fires after the row triggers of its statement, so audit
-- rows that other tables' triggers write while the statement runs (a comment's
-- count on its article) now come before the statement's own rows; within one
-- table and statement the order is the rows' order.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- SECURITY DEFINER: API roles write audit rows only through these triggers.
create or replace function audit.capture() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
-- The transition tables bring the audited table's columns into scope: its names never
-- shadow these variables (nor n.* and o.*, the whole rows).
#variable_conflict use_variable
declare
  pk_columns text[] := coalesce(tg_argv[0]::text[], '{}');
  excluded text[] := coalesce(tg_argv[1]::text[], '{}');
  derived text[] := coalesce(tg_argv[2]::text[], '{}');
  single_pk text := case when pg_catalog.cardinality(pk_columns) = 1 then pk_columns[1] end;
  actor uuid := auth.uid();
  role_name text := pg_catalog.current_setting('role');
begin
  if role_name = 'none' then
    role_name := session_user::text;
  end if;
  if tg_op = 'TRUNCATE' then
    insert into audit.log (schema_name, table_name, operation, actor_id, actor_role)
    values (tg_table_schema, tg_table_name, tg_op, actor, role_name);
  -- INSERT and DELETE: one scan of the transition table, nothing that could reorder it:
  -- the rows go to the log in the order the statement changed them (no sort needed,
  -- which a one-row statement would pay for in setup). offset 0 keeps the subquery
  -- whole: pulled up, its row's JSON would be built once per reference.
  elsif tg_op = 'INSERT' then
    insert into audit.log (schema_name, table_name, operation, record_pk, new_record, actor_id, actor_role)
    select tg_table_schema, tg_table_name, tg_op,
           case when single_pk is not null then pg_catalog.jsonb_build_object(single_pk, r.new_full -> single_pk)
                else (select pg_catalog.jsonb_object_agg(k, r.new_full -> k) from pg_catalog.unnest(pk_columns) k) end,
           r.new_full - excluded, actor, role_name
      from (select pg_catalog.to_jsonb(n.*) - derived as new_full from new_rows n offset 0) r;
  elsif tg_op = 'DELETE' then
    insert into audit.log (schema_name, table_name, operation, record_pk, old_record, actor_id, actor_role)
    select tg_table_schema, tg_table_name, tg_op,
           case when single_pk is not null then pg_catalog.jsonb_build_object(single_pk, r.old_full -> single_pk)
                else (select pg_catalog.jsonb_object_agg(k, r.old_full -> k) from pg_catalog.unnest(pk_columns) k) end,
           r.old_full - excluded, actor, role_name
      from (select pg_catalog.to_jsonb(o.*) - derived as old_full from old_rows o offset 0) r;
  else
    -- UPDATE: the n-th old row and the n-th new row are one row (see above).
    insert into audit.log (schema_name, table_name, operation, record_pk, old_record, new_record,
                           changed_columns, actor_id, actor_role)
    select tg_table_schema, tg_table_name, tg_op,
           case when single_pk is not null then pg_catalog.jsonb_build_object(single_pk, c.new_full -> single_pk)
                else (select pg_catalog.jsonb_object_agg(k, c.new_full -> k) from pg_catalog.unnest(pk_columns) k) end,
           c.old_full - excluded, c.new_full - excluded, c.changed, actor, role_name
      from (select o.ord, o.old_full, n.new_full,
                   (select pg_catalog.array_agg(e.key order by e.key)
                      from pg_catalog.jsonb_each(n.new_full) e
                     where e.value is distinct from o.old_full -> e.key) as changed
              from (select pg_catalog.row_number() over () as ord, pg_catalog.to_jsonb(o.*) - derived as old_full
                      from old_rows o) o
              join (select pg_catalog.row_number() over () as ord, pg_catalog.to_jsonb(n.*) - derived as new_full
                      from new_rows n) n on n.ord = o.ord
            offset 0) c  -- offset 0: changed is computed once, not again for the filter
     where c.changed is not null  -- nothing changed (or only derived columns)
     order by c.ord;
  end if;
  return null;
end
$$;
comment on function audit.capture() is
  'Generic audit statement trigger (transition tables new_rows/old_rows); arguments: primary-key columns, '
  'excluded columns, derived columns. Use audit.enable().';

create or replace function audit.enable(
  target regclass, exclude_columns text[] default '{}', derived_columns text[] default '{}'
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  pk_columns text[];
  arguments text;
begin
  select coalesce(pg_catalog.array_agg(a.attname::text order by k.ord), '{}')
    into pk_columns
    from pg_catalog.pg_index i
    cross join lateral pg_catalog.unnest(i.indkey) with ordinality as k (attnum, ord)
    join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
   where i.indrelid = target and i.indisprimary;
  arguments := pg_catalog.format('%L, %L, %L', pk_columns,
                                 coalesce(exclude_columns, '{}'), coalesce(derived_columns, '{}'));
  -- The row trigger of platform-2.0, when this table still has it.
  if exists (select from pg_catalog.pg_trigger t where t.tgrelid = target and t.tgname = 'audit_row') then
    execute pg_catalog.format('drop trigger audit_row on %s', target);
  end if;
  execute pg_catalog.format(
    'create or replace trigger audit_insert after insert on %s referencing new table as new_rows '
    'for each statement execute function audit.capture(%s)', target, arguments);
  execute pg_catalog.format(
    'create or replace trigger audit_update after update on %s '
    'referencing old table as old_rows new table as new_rows '
    'for each statement execute function audit.capture(%s)', target, arguments);
  execute pg_catalog.format(
    'create or replace trigger audit_delete after delete on %s referencing old table as old_rows '
    'for each statement execute function audit.capture(%s)', target, arguments);
  execute pg_catalog.format(
    'create or replace trigger audit_truncate after truncate on %s '
    'for each statement execute function audit.capture()', target);
end
$$;
comment on function audit.enable(regclass, text[], text[]) is
  'Start auditing a table (row changes and truncates, by statement triggers); exclude_columns are never '
  'written to the log; derived_columns neither, and a change to them alone is not logged.';

create or replace function audit.disable(target regclass) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  execute pg_catalog.format('drop trigger if exists audit_insert on %s', target);
  execute pg_catalog.format('drop trigger if exists audit_update on %s', target);
  execute pg_catalog.format('drop trigger if exists audit_delete on %s', target);
  execute pg_catalog.format('drop trigger if exists audit_truncate on %s', target);
  if exists (select from pg_catalog.pg_trigger t where t.tgrelid = target and t.tgname = 'audit_row') then
    execute pg_catalog.format('drop trigger audit_row on %s', target);  -- platform-2.0's
  end if;
end
$$;
comment on function audit.disable(regclass) is 'Stop auditing a table (the log keeps its rows).';

-- Every table audited by platform-2.0's row trigger moves to the statement triggers,
-- with the same arguments (tgargs: NUL-separated; a missing third one is '{}').
select audit.enable(t.tgrelid::regclass, coalesce(nullif(a.args[2], ''), '{}')::text[],
                    coalesce(nullif(a.args[3], ''), '{}')::text[])
  from pg_catalog.pg_trigger t
  cross join lateral (select pg_catalog.string_to_array(pg_catalog.encode(t.tgargs, 'escape'), '\000') as args) a
 where t.tgname = 'audit_row' and t.tgfoid = 'audit.capture()'::regprocedure and not t.tgisinternal;

commit;
