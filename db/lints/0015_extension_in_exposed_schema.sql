/*
Lint extension_in_exposed_schema: an extension installed in an exposed schema, or one of
an extension's objects (function, table, view, type) living in one.

Why: PostgREST serves every function and relation of an exposed schema that the caller
may use: an extension's functions become /rpc/<name> endpoints nobody reviewed, and its
tables and views have no row-level security. Extensions also grant EXECUTE to PUBLIC.

Fix: install extensions in the `extensions` schema (`create extension <name> schema
extensions;`, or `alter extension <name> set schema extensions;`) and call their objects
schema-qualified.
*/
select pg_catalog.format('extension %I', e.extname) as object,
       pg_catalog.format('installed in the exposed schema %I', n.nspname) as detail
  from pg_extension e
  join pg_namespace n on n.oid = e.extnamespace
 where n.nspname = any (platform.exposed_schemas())
union all
select pg_catalog.pg_describe_object(d.classid, d.objid, 0),
       pg_catalog.format('belongs to extension %I and lives in the exposed schema %I', e.extname, n.nspname)
  from pg_depend d
  join pg_extension e on e.oid = d.refobjid
  left join pg_proc p on d.classid = 'pg_proc'::regclass and p.oid = d.objid
  left join pg_class c on d.classid = 'pg_class'::regclass and c.oid = d.objid
  left join pg_type t on d.classid = 'pg_type'::regclass and t.oid = d.objid
  join pg_namespace n on n.oid = coalesce(p.pronamespace, c.relnamespace, t.typnamespace)
 where d.refclassid = 'pg_extension'::regclass and d.deptype = 'e'
   and n.nspname = any (platform.exposed_schemas())
   and n.oid <> e.extnamespace
