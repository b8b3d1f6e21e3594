-- Verify platform:schema/publishing/jobs on pg

begin;

select 1 / (pg_catalog.count(*) = 3)::int from platform.jobs where name like 'publishing.%';

rollback;
