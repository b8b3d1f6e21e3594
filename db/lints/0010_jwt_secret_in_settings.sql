/*
Lint jwt_secret_in_settings: the JWT signing secret (auth.config.jwt_secret) appears in a
role or database setting, or in a server setting.

Why: settings are readable: `current_setting()` and `pg_settings` answer any role that
the setting applies to, including anon at /rpc/<a function that reads it>. Whoever reads
the secret signs tokens for any user with any privilege.

Fix: the secret lives in auth.config only (owner-readable; ops/database.py writes it).
PostgREST reads it from its own configuration file, never from `pgrst.jwt_secret` in the
database: `alter role authenticator reset pgrst.jwt_secret;` (or the database setting).
*/
select pg_catalog.format('%s setting %s',
         case when d.setrole = 0 then 'database ' || coalesce(db.datname, 'every database')
              else 'role ' || coalesce(r.rolname, d.setrole::text)
                   || coalesce(' in database ' || db.datname, '') end,
         pg_catalog.split_part(cfg, '=', 1)) as object,
       'holds the JWT signing secret' as detail
  from pg_db_role_setting d
  left join pg_roles r on r.oid = d.setrole
  left join pg_database db on db.oid = d.setdatabase
 cross join unnest(d.setconfig) cfg
 cross join auth.config c
 where c.jwt_secret is not null and pg_catalog.strpos(cfg, c.jwt_secret) > 0
union all
select 'server setting ' || s.name, 'holds the JWT signing secret'
  from pg_settings s, auth.config c
 where c.jwt_secret is not null and pg_catalog.strpos(s.setting, c.jwt_secret) > 0
