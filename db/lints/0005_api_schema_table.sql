/*
Lint api_schema_table: a table, materialized view or foreign table in the core's exposed
`api` schema.

Why: `api` is the default PostgREST profile and holds the platform's RPCs (register,
login, refresh, me...) and nothing else: a table there is served at /<table> to every
caller holding a privilege, next to the auth endpoints, and belongs to no module.

Fix: put the data in the module's own schema (exposed with RLS, or private behind a
function), and expose it through the module's profile.
*/
select c.oid::regclass::text as object,
       pg_catalog.format('a %s in the api schema',
         case c.relkind when 'm' then 'materialized view' when 'f' then 'foreign table'
                        else 'table' end) as detail
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
 where n.nspname = 'api'
   and c.relkind in ('r', 'p', 'm', 'f')
