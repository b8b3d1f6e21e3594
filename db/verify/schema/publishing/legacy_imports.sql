-- Verify platform:schema/publishing/legacy_imports on pg

begin;

select id, source_name, source_sha256, options, counts, conflicts, imported_by, imported_at,
       rolled_back_at, rolled_back_by, rollback
  from publishing_private.legacy_imports where false;
select import_id, legacy_table, legacy_id, target_id, target_uuid, target_key, created, previous
  from publishing_private.legacy_ids where false;
select 1 / (select pg_catalog.count(*)::int - 1 from pg_catalog.pg_class
             where oid in ('publishing_private.legacy_imports'::regclass, 'publishing_private.legacy_ids'::regclass)
               and relrowsecurity);
select 1 / pg_catalog.count(*)::int from pg_catalog.pg_trigger
 where tgrelid = 'publishing_private.legacy_imports'::regclass and tgname = 'audit_insert';

rollback;
