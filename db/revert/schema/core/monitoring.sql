-- Revert platform:schema/core/monitoring from pg
--
-- The role belongs to the cluster: like schema/core/roles, it is dropped only when
-- this is the cluster's only database; otherwise what this database granted
-- it is removed and the role is kept (a notice says so).

begin;

drop extension pg_stat_statements;
drop schema monitoring;

do $$
begin
  if exists (select from pg_catalog.pg_roles where rolname = 'platform_monitor') then
    drop owned by platform_monitor;
    if not exists (select from pg_catalog.pg_database
                    where datname not in (pg_catalog.current_database(), 'postgres', 'template0', 'template1')) then
      drop role platform_monitor;
    else
      raise notice 'role platform_monitor is kept: other databases of this cluster may use it';
    end if;
  end if;
end
$$;

commit;
