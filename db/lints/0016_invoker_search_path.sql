/*
Lint invoker_search_path: a function that runs as its caller, used by a policy or
executable by anon or authenticated, whose names are resolved at run time by the
caller's search_path: no `set search_path` clause and no SQL-standard body.

Why: the function runs under whatever search_path the session has; an unqualified name
in it (a table, a function, an operator such as `=` on a user type) can resolve to an
object the caller put earlier in the path. Policies run such functions for every
statement on the table.

Fix: either give it a SQL-standard body (`returns boolean language sql stable return
...;` or `begin atomic ... end`): its names are resolved once, when it is created, and
PostgreSQL still inlines it, which a policy helper needs; or add `set search_path = ''`
(which stops inlining of SQL functions: measure first) and schema-qualify its body.
A SQL-standard body that uses a table's row type (a function of `publishing.articles`)
forbids every later rewrite of that table: for such a function, qualify every name and
operator in a string body and declare an exception with that reason.
*/
with scope as (
  select n.oid from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tests', 'sqitch')
     and n.nspname !~ '^pg_(toast_)?temp_'
)
select p.oid::regprocedure::text as object,
       pg_catalog.format('%s function %s; its names resolve with the caller''s search_path',
         l.lanname,
         pg_catalog.array_to_string(array[
           case when exists (select from pg_depend d
                              where d.classid = 'pg_policy'::regclass
                                and d.refclassid = 'pg_proc'::regclass and d.refobjid = p.oid)
                then 'used by a policy' end,
           case when exists (select from unnest(array['anon', 'authenticated']) r
                              where has_function_privilege(r, p.oid, 'execute')
                                and has_schema_privilege(r, p.pronamespace, 'usage'))
                then 'executable by API roles' end], ' and ')) as detail
  from pg_proc p
  join scope s on s.oid = p.pronamespace
  join pg_language l on l.oid = p.prolang
 where not p.prosecdef
   and l.lanname not in ('internal', 'c')
   and p.prosqlbody is null
   and not coalesce(exists (select from unnest(p.proconfig) c where c like 'search_path=%'), false)
   and (exists (select from pg_depend d
                 where d.classid = 'pg_policy'::regclass
                   and d.refclassid = 'pg_proc'::regclass and d.refobjid = p.oid)
        or exists (select from unnest(array['anon', 'authenticated']) r
                    where has_function_privilege(r, p.oid, 'execute')
                      and has_schema_privilege(r, p.pronamespace, 'usage')))
   and not exists (select from pg_depend d
                    where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
