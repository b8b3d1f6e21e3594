/*
Lint rls_disabled: a table in the platform's schemas without row-level security.

Why: a table without RLS answers every row to any role holding a privilege on it;
one careless grant (or a module's default privileges) exposes all of it. With RLS on
and no policy, nobody but the owner sees a row: the safe default.

Fix: `alter table <table> enable row level security;` in the change that creates the
table, then one policy per command `to <role>` for what API roles may do.
*/
with scope as (
  select n.oid from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tests', 'sqitch')
     and n.nspname !~ '^pg_(toast_)?temp_'
)
select c.oid::regclass::text as object,
       'row-level security is disabled' as detail
  from pg_class c
  join scope s on s.oid = c.relnamespace
 where c.relkind in ('r', 'p')
   and not c.relrowsecurity
   and not exists (select from pg_depend d
                    where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
