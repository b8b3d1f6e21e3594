/*
Lint exposed_view_not_invoker: a view in an exposed schema (platform.exposed_schemas())
created without `security_invoker`.

Why: a view runs its query with its owner's rights by default: the row-level security
of the tables under it is checked for the owner (who bypasses it), not for the caller.
PostgREST serves the view at /<view> to anyone holding a privilege on it, now or after a
later grant.

Fix: `create view ... with (security_invoker = true) as ...` (or `alter view <view> set
(security_invoker = true);`), so the caller's policies apply to every table it reads.
*/
select c.oid::regclass::text as object,
       'the view runs as its owner (no security_invoker)' as detail
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
 where c.relkind = 'v'
   and n.nspname = any (platform.exposed_schemas())
   and not coalesce(c.reloptions && array['security_invoker=true', 'security_invoker=on',
                                          'security_invoker=1'], false)
   and not exists (select from pg_depend d
                    where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
