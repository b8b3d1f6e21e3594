/*
Lint private_relation_api_access: a table or view in a schema no module exposes (auth,
audit, events, platform, <module>_private...) on which anon or authenticated hold any
privilege, on the table or on one of its columns.

Why: private schemas hold what no API caller may touch: password hashes, refresh
tokens, the signing secret, the audit log, the change-event outbox, a module's internal
state. API roles reach those through definer functions that apply the rule; a direct
privilege bypasses them (functions running as the caller, views and policies can read
it, and PostgREST would serve it if the schema were ever exposed).

Fix: `revoke all on <relation> from anon, authenticated;` and read it in a SECURITY
DEFINER function with `set search_path = ''`. If a caller-run function must read it
(and RLS guards it), declare an exception in the module's change:
`select platform.declare_lint_exception('<module>', 'private_relation_api_access',
'<schema.table>', '<why>');`
*/
with scope as (
  select n.oid from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tests', 'sqitch')
     and n.nspname !~ '^pg_(toast_)?temp_'
     and n.nspname <> all (platform.exposed_schemas())
)
select c.oid::regclass::text as object,
       pg_catalog.string_agg(pg_catalog.format('%s holds %s on it', r.rolname,
         pg_catalog.array_to_string(array(
           select p from unnest(array['select', 'insert', 'update', 'delete', 'truncate',
                                      'references', 'trigger']) p
            where has_table_privilege(r.rolname, c.oid, p)
               or (p in ('select', 'insert', 'update', 'references')
                   and has_any_column_privilege(r.rolname, c.oid, p))), ', ')),
         '; ' order by r.rolname) as detail
  from pg_class c
  join scope s on s.oid = c.relnamespace
 cross join (values ('anon'), ('authenticated')) as r (rolname)
 where c.relkind in ('r', 'p', 'v', 'm', 'f')
   and (has_table_privilege(r.rolname, c.oid,
          'select, insert, update, delete, truncate, references, trigger')
        or has_any_column_privilege(r.rolname, c.oid, 'select, insert, update, references'))
   and not exists (select from pg_depend d
                    where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
 group by c.oid
