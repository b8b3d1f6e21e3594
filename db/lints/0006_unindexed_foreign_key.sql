/*
Lint unindexed_foreign_key: a foreign key whose columns do not start any index of the
referencing table.

Why: deleting or updating a referenced row scans the whole referencing table for each
row (and locks it longer); policies and joins filtering on the key do the same. The
cost grows with the table and appears only in production.

Fix: `create index <table>_<columns>_idx on <table> (<columns>);` (a concurrent index,
db/templates' concurrent-index change, on a large deployed table).
*/
with scope as (
  select n.oid from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tests', 'sqitch')
     and n.nspname !~ '^pg_(toast_)?temp_'
)
select pg_catalog.format('%s (%s)', con.conrelid::regclass,
         pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' order by k.n)) as object,
       pg_catalog.format('foreign key %I references %s, and no index starts with its columns',
         con.conname, con.confrelid::regclass) as detail
  from pg_constraint con
  join pg_class c on c.oid = con.conrelid
  join scope s on s.oid = c.relnamespace
 cross join unnest(con.conkey) with ordinality as k (attnum, n)
  join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
 where con.contype = 'f'
   and not exists (
     select from pg_index i
      where i.indrelid = con.conrelid
        and (i.indkey::int2[])[0:pg_catalog.cardinality(con.conkey) - 1] @> con.conkey)
   and not exists (select from pg_depend d
                    where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
 group by con.oid, con.conrelid, con.confrelid, con.conname
