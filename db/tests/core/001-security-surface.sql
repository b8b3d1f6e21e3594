-- The security surface of the whole database, read from the catalog.
-- Every query below must return no rows; a failure lists the offenders.
-- Schemas in scope: everything but the system's and the test helpers';
-- objects that belong to an extension (pgTAP's views) are the extension's.
begin;
select plan(12);

create temporary view scope as
  select n.oid, n.nspname from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tests', 'sqitch')
     and n.nspname !~ '^pg_temp_' and n.nspname !~ '^pg_toast_temp_';

create temporary view own_relations as
  select c.* from pg_class c join scope s on s.oid = c.relnamespace
   where not exists (select from pg_depend d
                      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e');

select is_empty($$
  select s.nspname || '.' || c.relname
    from pg_class c join scope s on s.oid = c.relnamespace
   where c.relkind in ('r', 'p') and not c.relrowsecurity
$$, 'every table in the platform''s schemas has row-level security enabled');

select is_empty($$
  select r.rolname || ' -> ' || s.nspname || '.' || c.relname
    from own_relations c join scope s on s.oid = c.relnamespace
   cross join (values ('anon'), ('authenticated')) as r (rolname)
   where c.relkind in ('r', 'p', 'v', 'm', 'f')
     and has_schema_privilege(r.rolname, s.oid, 'usage')
     and has_table_privilege(r.rolname, c.oid, 'select, insert, update, delete')
     and (   (c.relkind in ('r', 'p') and not c.relrowsecurity)
          or (c.relkind = 'v' and not coalesce(c.reloptions @> array['security_invoker=true']
                                               or c.reloptions @> array['security_invoker=on'], false))
          or c.relkind in ('m', 'f'))
$$, 'no table, view or materialized view reachable by anon or authenticated bypasses RLS');

select is_empty($$
  select p.oid::regprocedure::text
    from pg_proc p join scope s on s.oid = p.pronamespace
   where p.prosecdef
     and not coalesce(p.proconfig @> array['search_path=""'], false)
$$, 'every SECURITY DEFINER function pins search_path to the empty string');

select set_eq($$
  select p.oid::regprocedure::text
    from pg_proc p join scope s on s.oid = p.pronamespace
   where p.prosecdef and has_function_privilege('anon', p.oid, 'execute')
     and has_schema_privilege('anon', s.oid, 'usage')
$$, array['api.login(text,text)', 'api.refresh(text)', 'api.register(text,text,text)',
          'auth.check_request()',
          'publishing.email(publishing.profiles)', 'publishing.record_view(bigint)',
          -- search: finds ids of visible articles through the indexes, which a
          -- caller under row-level security cannot use (functions/publishing/search_articles)
          'publishing_private.search_hits(tsquery,text,bigint[],bigint,uuid,timestamp with time zone,timestamp with time zone,integer,integer)'],
'anon can run exactly the intended SECURITY DEFINER functions');

select set_eq($$
  select p.oid::regprocedure::text
    from pg_proc p
   where p.pronamespace = 'api'::regnamespace
     and (has_function_privilege('anon', p.oid, 'execute')
          or has_function_privilege('authenticated', p.oid, 'execute'))
$$, array['api.change_password(text,text)', 'api.login(text,text)', 'api.logout(boolean)',
          'api.me()', 'api.refresh(text)', 'api.register(text,text,text)'],
'the exposed api schema offers exactly the documented RPCs');

select is_empty($$
  select c.relname
    from pg_class c
   where c.relnamespace = 'api'::regnamespace and c.relkind in ('r', 'p')
$$, 'the exposed api schema holds no tables (functions and views only)');

select is_empty($$
  select s.nspname || '.' || c.relname || ' (' || string_agg(a.attname, ', ') || ')'
    from pg_constraint con
    join pg_class c on c.oid = con.conrelid
    join scope s on s.oid = c.relnamespace
    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = any (con.conkey)
   where con.contype = 'f'
     and not exists (
       select from pg_index i
        where i.indrelid = con.conrelid
          and (i.indkey::int2[])[0:cardinality(con.conkey) - 1] @> con.conkey)
   group by s.nspname, c.relname, con.oid
$$, 'every foreign key has an index starting with its columns');

select ok(
  (select rolcanlogin and not rolinherit and not rolsuper and not rolcreaterole and not rolcreatedb
     from pg_roles where rolname = 'authenticator'),
  'authenticator logs in, inherits nothing and holds no special attribute');

select is_empty($$
  select c.oid::regclass::text
    from own_relations c
   where c.relkind in ('r', 'p', 'v', 'm')
     and has_table_privilege('authenticator', c.oid, 'select, insert, update, delete')
$$, 'authenticator itself holds no table privilege');

select is_empty($$
  select r.rolname || ' -> ' || t
    from unnest(array['auth.users', 'auth.sessions', 'auth.refresh_tokens', 'auth.config',
                      'auth.login_failures', 'audit.log', 'events.outbox']) t
   cross join (values ('anon'), ('authenticated')) as r (rolname)
   where has_table_privilege(r.rolname, t, 'select, insert, update, delete, truncate, references')
      or has_any_column_privilege(r.rolname, t, 'select')
$$, 'API roles cannot touch password hashes, tokens, the signing secret, the audit log or the outbox');

select is_empty($$
  select d.setdatabase::text || ':' || coalesce(r.rolname, '*') || ':' || cfg
    from pg_db_role_setting d
    left join pg_roles r on r.oid = d.setrole
   cross join unnest(d.setconfig) cfg
   cross join auth.config c
   where c.jwt_secret is not null and cfg like '%' || c.jwt_secret || '%'
$$, 'the JWT secret is in no role or database setting that current_setting() would reveal');

select is_empty($$
  select name from pg_settings, auth.config c
   where c.jwt_secret is not null and setting = c.jwt_secret
$$, 'the JWT secret is in no server setting either');

select * from finish();
rollback;
