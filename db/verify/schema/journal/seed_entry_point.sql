-- Verify platform:schema/journal/seed_entry_point on pg

begin;

select 1 / count(*) from platform.modules
 where name = 'journal' and seed_entry = 'ops.seed_journal:seed_module';

rollback;
