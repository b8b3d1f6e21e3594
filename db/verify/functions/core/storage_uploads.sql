-- Verify platform:functions/core/storage_uploads on pg

begin;

select 1 / pg_catalog.has_function_privilege('authenticated',
  'storage_private.begin_upload(text, text, text, bigint, boolean)', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('anon',
  'storage_private.finish_upload(uuid, bigint, text, text, integer, integer)', 'execute'))::int;
select 1 / pg_catalog.has_function_privilege('anon', 'storage_private.authorize_read(text, text)', 'execute')::int;
select 1 / (storage_private.file_of(true, 'avatars', 'a/b.png') = 'public/avatars/a/b.png')::int;

rollback;
