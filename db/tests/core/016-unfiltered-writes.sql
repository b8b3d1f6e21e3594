-- Unfiltered PATCH/DELETE guard (security finding 5): every table that an API
-- role may update or delete through PostgREST carries the statement trigger.
-- The behaviour itself is tested through the real PostgREST
-- (tests/test_api_hardening.py): only PostgREST's own SQL shows the filter.
begin;
select plan(2);

select is(
  (select coalesce(array_agg(c.oid::regclass::text order by 1), '{}')
     from pg_class c
     join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p')
      and n.nspname in (select unnest(m.exposed_schemas) from platform.modules m)
      and (has_table_privilege('anon', c.oid, 'update') or has_table_privilege('anon', c.oid, 'delete')
           or has_table_privilege('authenticated', c.oid, 'update')
           or has_table_privilege('authenticated', c.oid, 'delete')
           or exists (select from information_schema.column_privileges p
                       where p.table_schema = n.nspname and p.table_name = c.relname
                         and p.grantee in ('anon', 'authenticated') and p.privilege_type = 'UPDATE'))
      and not exists (select from pg_trigger t
                       where t.tgrelid = c.oid and t.tgfoid = 'platform.refuse_unfiltered_write()'::regprocedure
                         and not t.tgisinternal)),
  '{}'::text[],
  'every exposed table API roles may update or delete refuses unfiltered writes');
select ok((select count(*) > 0 from pg_trigger
            where tgfoid = 'platform.refuse_unfiltered_write()'::regprocedure),
  'the guard is installed on at least one table');

select * from finish();
rollback;
