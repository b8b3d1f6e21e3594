-- Verify platform:rls/publishing/profiles on pg

begin;

select 1 / pg_catalog.count(*) from pg_catalog.pg_policies
 where schemaname = 'publishing' and tablename = 'profiles' and cmd = 'UPDATE';
select 1 / (not pg_catalog.has_column_privilege('authenticated', 'publishing.profiles', 'username', 'update'))::int;

rollback;
