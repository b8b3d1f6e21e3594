/*
Lint reg_type_column: a table column of a reg* type that stores an object's OID
(regproc, regprocedure, regoper, regoperator, regconfig, regdictionary, regnamespace,
regcollation), alone or in an array.

Why: pg_upgrade refuses to upgrade a cluster whose user tables have such columns (OIDs
of those objects are not preserved); a major-version upgrade then needs a dump and
restore. The stored OID also dangles when a rework drops and recreates the function.

Fix: store the name as text, as the type prints it (`'module.f(text)'`, fully qualified),
and resolve it when used: `pg_catalog.to_regprocedure(column)` (see platform.jobs.procedure
and events.topics.authorize). regclass, regtype and regrole survive pg_upgrade and are
not reported.
*/
with scope as (
  select n.oid from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tests', 'sqitch')
     and n.nspname !~ '^pg_(toast_)?temp_'
)
select pg_catalog.format('%s.%I', c.oid::regclass, a.attname) as object,
       pg_catalog.format('column of type %s blocks pg_upgrade',
         pg_catalog.format_type(a.atttypid, a.atttypmod)) as detail
  from pg_attribute a
  join pg_class c on c.oid = a.attrelid
  join scope s on s.oid = c.relnamespace
  join pg_type t on t.oid = a.atttypid
 where c.relkind in ('r', 'p', 'm')
   and not c.relispartition  -- reported once, on the partitioned table
   and a.attnum > 0 and not a.attisdropped
   and (case when t.typelem <> 0 and t.typlen = -1 then t.typelem else t.oid end)
       in ('regproc'::regtype, 'regprocedure'::regtype, 'regoper'::regtype, 'regoperator'::regtype,
           'regconfig'::regtype, 'regdictionary'::regtype, 'regnamespace'::regtype,
           'regcollation'::regtype)
   and not exists (select from pg_depend d
                    where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
