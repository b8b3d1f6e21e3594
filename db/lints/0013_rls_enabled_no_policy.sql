/*
Lint rls_enabled_no_policy: a table with row-level security enabled and no policy at
all, on which an API role (anon, authenticated) holds a privilege.

Why: without a policy the table is empty for every API role: reads answer `200 []` and
writes change nothing, silently. Either the grant is a leftover (remove it) or a policy
was forgotten (the feature quietly does nothing).

Fix: add the policies the grant was for (one per command, `to <role>`), or revoke the
grant: `revoke all on <table> from anon, authenticated;`.
*/
with scope as (
  select n.oid from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tests', 'sqitch')
     and n.nspname !~ '^pg_(toast_)?temp_'
)
select c.oid::regclass::text as object,
       pg_catalog.format('no policy, yet %s hold%s privileges on it',
         pg_catalog.array_to_string(array(
           select r from unnest(array['anon', 'authenticated']) r
            where has_table_privilege(r, c.oid, 'select, insert, update, delete')
               or has_any_column_privilege(r, c.oid, 'select, insert, update')), ' and '),
         '') as detail
  from pg_class c
  join scope s on s.oid = c.relnamespace
 where c.relkind in ('r', 'p')
   and c.relrowsecurity
   and not exists (select from pg_policy p where p.polrelid = c.oid)
   and exists (select from unnest(array['anon', 'authenticated']) r
                where has_table_privilege(r, c.oid, 'select, insert, update, delete')
                   or has_any_column_privilege(r, c.oid, 'select, insert, update'))
   and not exists (select from pg_depend d
                    where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
