/*
Lint unfiltered_writes_unguarded: a table of an exposed schema that anon or
authenticated may update or delete (table or column privilege) without the statement
trigger that refuses a PATCH or DELETE carrying no filter.

Why: PostgREST 12.0.2 has no `max-affected`; without the guard, one `PATCH /things`
with no filter rewrites every row the caller's policies let them change (security
finding 5 of issue 19: an editor's one request rewrote every article).

Fix: in the module's change that grants the write, `select
platform.refuse_unfiltered_writes('<schema.table>');` (and
`platform.allow_unfiltered_writes(...)` in the revert). See
docs/decisions/0013-unfiltered-writes.md.
*/
with exposed as (
  select n.oid, n.nspname
    from pg_namespace n
   where n.nspname in (select unnest(m.exposed_schemas) from platform.modules m)
)
select c.oid::regclass::text as object,
       'API roles may update or delete it, and a PATCH/DELETE without a filter is not refused'
         as detail
  from pg_class c
  join exposed n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p')
   and (   has_table_privilege('anon', c.oid, 'update') or has_table_privilege('anon', c.oid, 'delete')
        or has_table_privilege('authenticated', c.oid, 'update')
        or has_table_privilege('authenticated', c.oid, 'delete')
        or has_any_column_privilege('anon', c.oid, 'update')
        or has_any_column_privilege('authenticated', c.oid, 'update'))
   and not exists (select from pg_trigger t
                    where t.tgrelid = c.oid and not t.tgisinternal
                      and t.tgfoid = 'platform.refuse_unfiltered_write()'::regprocedure)
