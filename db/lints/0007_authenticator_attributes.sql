/*
Lint authenticator_attributes: the `authenticator` role (PostgREST's and the gateway's
login) is missing, cannot log in, inherits its members' rights, or holds a special
attribute (superuser, createrole, createdb, replication, bypassrls).

Why: authenticator only switches to anon or authenticated (`set role`) for each request.
With INHERIT it would act with every API role's privileges at once before switching; a
special attribute turns a leaked connection string into control of the cluster.

Fix: `alter role authenticator login noinherit nosuperuser nocreaterole nocreatedb
noreplication nobypassrls;` (schema/core/roles).
*/
select 'authenticator' as object,
       coalesce(pg_catalog.array_to_string(array[
         case when not r.rolcanlogin then 'cannot log in' end,
         case when r.rolinherit then 'inherits its members'' rights (INHERIT)' end,
         case when r.rolsuper then 'is a superuser' end,
         case when r.rolcreaterole then 'may create roles' end,
         case when r.rolcreatedb then 'may create databases' end,
         case when r.rolreplication then 'may replicate' end,
         case when r.rolbypassrls then 'bypasses row-level security' end], ', '),
         'does not exist') as detail
  from (select) as one
  left join pg_roles r on r.rolname = 'authenticator'
 where r.oid is null
    or not r.rolcanlogin or r.rolinherit or r.rolsuper or r.rolcreaterole or r.rolcreatedb
    or r.rolreplication or r.rolbypassrls
