-- Deploy platform:schema/core/monitoring to pg
-- requires: schema/core/roles
-- requires: schema/core/namespaces
--
-- Who may read the server's statistics, and pg_stat_statements.
--   platform_monitor  NOLOGIN INHERIT, member of the built-in pg_monitor
--                     (pg_read_all_stats, pg_read_all_settings,
--                     pg_stat_scan_tables): it sees every session's
--                     pg_stat_activity row and query text, every
--                     statement of pg_stat_statements, the archive status
--                     folder. The gateway's platform_jobs is a member but
--                     NOINHERIT: it holds none of this until its metrics
--                     connection runs `set role platform_monitor`, so the
--                     jobs it runs never read other sessions' queries.
--   monitoring        private schema of the functions behind /metrics,
--                     /healthz and `inv monitor.report` (functions/core/monitoring).
--   pg_stat_statements in `extensions` (it needs shared_preload_libraries:
--                     ops/cluster.py preloads it; elsewhere the monitoring
--                     functions say it is not preloaded). The extension
--                     grants its view to PUBLIC; that is withdrawn here:
--                     statement texts are for platform_monitor only.
-- Granting pg_monitor needs a superuser or CREATEROLE deployer, as the
-- roles themselves do.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

do $$
begin
  if not exists (select from pg_catalog.pg_roles where rolname = 'platform_monitor') then
    create role platform_monitor nologin inherit;
  end if;
end
$$;
alter role platform_monitor nologin inherit nocreatedb nocreaterole;
grant pg_monitor to platform_monitor;
grant platform_monitor to platform_jobs;

create schema monitoring;
comment on schema monitoring is
  'Private: the statistics behind /metrics, /healthz and inv monitor.report, for platform_monitor.';
grant usage on schema monitoring to platform_monitor;

create extension pg_stat_statements with schema extensions;
revoke all on extensions.pg_stat_statements, extensions.pg_stat_statements_info from public;
revoke execute on function extensions.pg_stat_statements(boolean) from public;
revoke execute on function extensions.pg_stat_statements_info() from public;
revoke execute on function extensions.pg_stat_statements(boolean) from anon, authenticated;
revoke execute on function extensions.pg_stat_statements_info() from anon, authenticated;
revoke execute on function extensions.pg_stat_statements_reset(oid, oid, bigint) from anon, authenticated;
grant usage on schema extensions to platform_monitor;
grant execute on function extensions.pg_stat_statements(boolean) to platform_monitor;
grant execute on function extensions.pg_stat_statements_info() to platform_monitor;

commit;
