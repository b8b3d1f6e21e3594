-- Revert platform:schema/roles from pg
--
-- Roles are shared by every database of the cluster. Drop what this database
-- granted to them, then drop each role unless another database still uses it
-- (that database keeps it; a notice says so).

begin;

do $$
declare
  r text;
begin
  foreach r in array array['authenticator', 'platform_jobs', 'authenticated', 'anon'] loop
    if exists (select from pg_catalog.pg_roles where rolname = r) then
      execute format('drop owned by %I', r);
      begin
        execute format('drop role %I', r);
      exception when dependent_objects_still_exist then
        raise notice 'role % is still used by another database of this cluster; kept', r;
      end;
    end if;
  end loop;
end
$$;

commit;
