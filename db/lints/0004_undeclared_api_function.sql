/*
Lint undeclared_api_function: a function that anon or authenticated may execute, in a
schema they can use, which no module declared (platform.api_functions) for exactly those
roles; or a declaration whose function no longer exists.

Why: every such function is an entry point: callable at /rpc/<name> when its schema is
exposed, and from any exposed function, view or policy otherwise. EXECUTE is closed by
default (schema/core/namespaces); each grant must be a decision a reviewer can read,
with its reason, in the module that made it. A definer function in this list runs with
its owner's rights for anyone who can call it.

Fix: if API roles should run it, declare it right under its grant, in the module's own
change: `select platform.declare_api_function('<module>', '<schema.f(args)>',
array['anon', 'authenticated'], '<why>');` (and `platform.forget_api_function(...)` in
the revert). Otherwise `revoke execute on function ... from public, anon, authenticated;`.
When the roles differ, make the grant and the declaration agree.
*/
with scope as (
  select n.oid from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tests', 'sqitch')
     and n.nspname !~ '^pg_(toast_)?temp_'
),
callable as (
  select p.oid::regprocedure::text as signature, p.prosecdef,
         array(select r from unnest(array['anon', 'authenticated']) r
                where has_function_privilege(r, p.oid, 'execute')
                  and has_schema_privilege(r, p.pronamespace, 'usage')
                order by r) as roles
    from pg_proc p
    join scope s on s.oid = p.pronamespace
   where not exists (select from pg_depend d
                      where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
),
declared as (
  select f.signature, f.module, array(select r from unnest(f.roles) r order by r) as roles
    from platform.api_functions f
)
select c.signature as object,
       pg_catalog.format('%s may run this %s function, but no module declared it',
         pg_catalog.array_to_string(c.roles, ' and '),
         case when c.prosecdef then 'SECURITY DEFINER' else 'invoker' end) as detail
  from callable c
 where c.roles <> '{}'
   and not exists (select from declared d where d.signature = c.signature)
union all
select d.signature,
       pg_catalog.format('%s declared it for %s, but %s may run it', d.module,
         pg_catalog.array_to_string(d.roles, ' and '),
         coalesce(nullif(pg_catalog.array_to_string(c.roles, ' and '), ''), 'no API role'))
  from declared d
  join callable c on c.signature = d.signature
 where c.roles <> d.roles
union all
select d.signature, pg_catalog.format('%s declared it, but no such function exists', d.module)
  from declared d
 where not exists (select from callable c where c.signature = d.signature)
