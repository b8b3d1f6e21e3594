-- Verify platform:schema/journal/search_extensions on pg

begin;

select 1/count(*) from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
 where e.extname = 'btree_gin' and n.nspname = 'extensions';
select 1/count(*) from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
 where e.extname = 'pg_trgm' and n.nspname = 'extensions';

rollback;
