-- Verify platform:functions/core/storage_files on pg

begin;

select 1 / pg_catalog.has_function_privilege('platform_jobs', 'storage_private.claim_deletions(integer)', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('authenticated', 'storage_private.set_variants(uuid, text, jsonb)', 'execute'))::int;
select 1 / (storage_private.variant_path('u/a.png', 'thumb', repeat('ab', 32), 'webp', 'image/png') = 'u/a.png~thumb-abababab.webp')::int;
select 1 / (select pg_catalog.count(*) from platform.jobs where name = 'storage.sweep_pending')::int;

rollback;
