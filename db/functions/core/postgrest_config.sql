-- Deploy platform:functions/core/postgrest_config to pg
-- requires: schema/core/modules
-- requires: schema/core/roles
--
-- PostgREST's in-database configuration (its `db-pre-config`): the schemas it
-- exposes come from the module registry, not from a config file. PostgREST
-- calls this function as `authenticator` when it starts and on every
-- `NOTIFY pgrst, 'reload config'` (ops.database.configure sends one after each
-- deploy), then reads the pgrst.* settings it set.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- Definer: the registry has row-level security and no grant; authenticator
-- learns the list of exposed schemas and nothing else.
create function platform.postgrest_pre_config() returns void
language sql volatile security definer
set search_path = ''
as $$
  -- no module exposing anything leaves PostgREST's own default in place
  select pg_catalog.set_config('pgrst.db_schemas', pg_catalog.array_to_string(s, ','), true)
    from (select platform.exposed_schemas() as s) x
   where pg_catalog.cardinality(s) > 0
$$;
comment on function platform.postgrest_pre_config() is
  'PostgREST db-pre-config: sets pgrst.db_schemas to the registered modules'' exposed schemas.';
revoke execute on function platform.postgrest_pre_config() from public;
grant execute on function platform.postgrest_pre_config() to authenticator;

-- authenticator reaches the function; the schema's tables stay closed to it.
grant usage on schema platform to authenticator;

commit;
