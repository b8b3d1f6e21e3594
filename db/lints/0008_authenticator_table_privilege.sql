/*
Lint authenticator_table_privilege: a table or view the `authenticator` role can read or
write itself.

Why: authenticator's only job is to switch role. A privilege of its own is used before
the switch (or by anything holding its password) without any JWT, policy or API role in
the way.

Fix: `revoke all on <relation> from authenticator;` and grant to anon or authenticated.
*/
with scope as (
  select n.oid from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tests', 'sqitch')
     and n.nspname !~ '^pg_(toast_)?temp_'
)
select c.oid::regclass::text as object,
       'authenticator holds a privilege on it' as detail
  from pg_class c
  join scope s on s.oid = c.relnamespace
 where c.relkind in ('r', 'p', 'v', 'm', 'f')
   and (has_table_privilege('authenticator', c.oid, 'select, insert, update, delete, truncate')
        or has_any_column_privilege('authenticator', c.oid, 'select, insert, update'))
   and not exists (select from pg_depend d
                    where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
