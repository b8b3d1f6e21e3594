-- Revert platform:functions/core/storage_uploads from pg

begin;

select platform.forget_api_function(f::regprocedure) from unnest(array[
  'storage_private.file_of(boolean, text, text)', 'storage_private.error_details(text, jsonb)',
  'storage_private.path_is_valid(text)', 'storage_private.authorize_read(text, text)',
  'storage_private.extension_allowed(text, text)',
  'storage_private.object_by_rule(text, text)',
  'storage_private.begin_upload(text, text, text, bigint, boolean)',
  'storage_private.reserve_object(text, text, boolean)',
  'storage_private.finish_upload(uuid, bigint, text, text, integer, integer)',
  'storage_private.abort_upload(uuid)', 'storage_private.delete_object(text, text)',
  'storage_private.lock_files(text, text)']) f;
revoke execute on function storage_private.path_is_valid(text) from anon, authenticated;
drop function storage_private.delete_object(text, text);
drop function storage_private.authorize_read(text, text);
drop function storage_private.object_by_rule(text, text);
drop function storage_private.abort_upload(uuid);
drop function storage_private.finish_upload(uuid, bigint, text, text, integer, integer);
drop function storage_private.begin_upload(text, text, text, bigint, boolean);
drop function storage_private.reserve_object(text, text, boolean);
drop function storage_private.error_details(text, jsonb);
drop function storage_private.extension_allowed(text, text);
drop function storage_private.lock_files(text, text);
drop function storage_private.file_of(boolean, text, text);

commit;
