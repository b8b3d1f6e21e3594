/*
Lint definer_search_path: a SECURITY DEFINER function whose search_path is not pinned to
the empty string.

Why: a definer function runs with its owner's rights; with a mutable search_path the
caller can put a schema of their own first and make an unqualified name (a table, an
operator, a function) resolve to their object, run with the owner's rights.

Fix: `set search_path = ''` on the function and schema-qualify every name in its body
(`pg_catalog.now()`, `operator(pg_catalog.=)` where a user type is involved).
*/
with scope as (
  select n.oid from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tests', 'sqitch')
     and n.nspname !~ '^pg_(toast_)?temp_'
)
select p.oid::regprocedure::text as object,
       pg_catalog.format('SECURITY DEFINER with %s',
         coalesce((select c from unnest(p.proconfig) c where c like 'search_path=%'),
                  'no search_path setting')) as detail
  from pg_proc p
  join scope s on s.oid = p.pronamespace
 where p.prosecdef
   and not coalesce(p.proconfig @> array['search_path=""'], false)
   and not exists (select from pg_depend d
                    where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
