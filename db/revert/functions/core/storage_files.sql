-- Revert platform:functions/core/storage_files from pg

begin;

select platform.unschedule_job('storage.sweep_pending');
drop function storage_private.files();
drop function storage_private.sweep_pending();
drop function storage_private.claim_orphans(text[]);
drop function storage_private.set_variants(uuid, text, jsonb);
drop function storage_private.pending_variants(integer);
drop function storage_private.finish_deletions(bigint[]);
drop function storage_private.claim_deletions(integer);
drop trigger queue_deleted_files on storage.objects;
drop function storage_private.queue_deleted_files();
drop function storage_private.files_of(storage.objects);
drop function storage_private.variant_path(text, text, text, text, text);

commit;
