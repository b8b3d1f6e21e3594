-- Revert platform:schema/core/roles from pg
--
-- Roles are shared by every database of the cluster, and a login role is
-- used without leaving any trace another database could see. So roles are
-- dropped only when this is the cluster's only database besides the
-- maintenance and template ones; otherwise they are kept (a notice says so)
-- and only what this database granted them is removed.

begin;

do $$
declare
  r text;
  alone boolean := not exists (
    select from pg_catalog.pg_database
     where datname not in (pg_catalog.current_database(), 'postgres', 'template0', 'template1'));
begin
  foreach r in array array['authenticator', 'platform_jobs', 'authenticated', 'anon'] loop
    if exists (select from pg_catalog.pg_roles where rolname = r) then
      execute format('drop owned by %I', r);
      if alone then
        execute format('drop role %I', r);
      else
        raise notice 'role % is kept: other databases of this cluster may use it', r;
      end if;
    end if;
  end loop;
end
$$;

commit;
