/*
Lint api_role_bypasses_rls: a relation an API role (anon, authenticated) can read or
write that row-level security does not guard: a table without RLS, a view that runs as
its owner (no security_invoker), a materialized view or a foreign table.

Why: PostgREST runs every request as anon or authenticated; such a relation shows or
changes every row whatever the policies say, in any schema the role has USAGE on
(exposed or reached through a function).

Fix: enable RLS on the table; create views `with (security_invoker = true)`; keep
materialized views and foreign tables in a private schema, revoke the API roles'
privileges and serve them through a function that applies the rule itself.
*/
with scope as (
  select n.oid from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tests', 'sqitch')
     and n.nspname !~ '^pg_(toast_)?temp_'
)
select c.oid::regclass::text as object,
       pg_catalog.format('%s may %s it, and %s', r.rolname,
         pg_catalog.array_to_string(array(
           select p from unnest(array['select', 'insert', 'update', 'delete']) p
            where has_table_privilege(r.rolname, c.oid, p)
               or (p <> 'delete' and has_any_column_privilege(r.rolname, c.oid, p))), '/'),
         case c.relkind
           when 'v' then 'the view runs as its owner (no security_invoker)'
           when 'm' then 'a materialized view has no row-level security'
           when 'f' then 'a foreign table has no row-level security'
           else 'row-level security is disabled'
         end) as detail
  from pg_class c
  join scope s on s.oid = c.relnamespace
 cross join (values ('anon'), ('authenticated')) as r (rolname)
 where c.relkind in ('r', 'p', 'v', 'm', 'f')
   and has_schema_privilege(r.rolname, c.relnamespace, 'usage')
   and (has_table_privilege(r.rolname, c.oid, 'select, insert, update, delete')
        or has_any_column_privilege(r.rolname, c.oid, 'select, insert, update'))
   and (   (c.relkind in ('r', 'p') and not c.relrowsecurity)
        or (c.relkind = 'v' and not coalesce(c.reloptions && array['security_invoker=true',
                                                                   'security_invoker=on',
                                                                   'security_invoker=1'], false))
        or c.relkind in ('m', 'f'))
   and not exists (select from pg_depend d
                    where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
