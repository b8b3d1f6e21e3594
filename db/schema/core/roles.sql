-- Deploy platform:schema/core/roles to pg
--
-- The roles PostgREST and the gateway use. Roles belong to the cluster, not to
-- one database, so creation is idempotent: several databases (tests, staging)
-- can share a cluster.
--   authenticator  LOGIN NOINHERIT: PostgREST connects as it and can only
--                  switch to anon or authenticated; no privileges of its own.
--   anon           requests without a token.
--   authenticated  requests with a valid access token. App privileges
--                  (reader, author, editor, moderator, admin) are JWT claims
--                  checked by SQL, not login roles.
--   platform_jobs  LOGIN NOINHERIT: the gateway and scheduled jobs (event
--                  relay, maintenance); never reachable through a JWT.
-- Passwords are not set here: `inv up` sets them from the data folder's
-- generated secrets.

begin;

do $$
begin
  if not exists (select from pg_catalog.pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_catalog.pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_catalog.pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
  if not exists (select from pg_catalog.pg_roles where rolname = 'platform_jobs') then
    create role platform_jobs login noinherit;
  end if;
end
$$;

-- Re-assert the attributes in case the roles pre-existed with others.
alter role anon nologin noinherit nocreatedb nocreaterole;
alter role authenticated nologin noinherit nocreatedb nocreaterole;
alter role authenticator login noinherit nocreatedb nocreaterole;
alter role platform_jobs login noinherit nocreatedb nocreaterole;

grant anon, authenticated to authenticator;

-- Per-role statement timeouts; PostgREST applies them when it switches role.
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role platform_jobs set statement_timeout = '60s';

commit;
