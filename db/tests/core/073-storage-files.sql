-- Storage: variants, the deletion queue, orphans, the pending sweep, events and audit.
begin;
select plan(14);

select tests.make_bucket('pics', true);
select tests.create_user('ada');
select tests.upload('ada', 'pics', tests.user_id('ada') || '/a.png', 'a');
select tests.act_as_owner();

select events.sequence_pending();
select is((select count(*)::int from events.outbox where type = 'storage.object.ready'
            and topic in ('user:' || tests.user_id('ada'), 'storage:object:' || tests.object_id('a'))), 2,
  'a finished upload is an event on the uploader''s topic and the object''s');
select is((select count(*)::int from audit.log where table_name = 'objects'), 2,
  'the insert and the update of the object are audited');

set local role platform_jobs;
select is((select targets -> 0 ->> 'file' from storage_private.pending_variants(10) where object_id = tests.object_id('a')),
  'public/pics/' || tests.user_id('ada') || '/a.png~thumb-abababab.webp', 'the variant''s file is named after the content');
select is(storage_private.set_variants(tests.object_id('a'), repeat('cd', 32), '{}'), false,
  'variants of other content (the object was replaced) are not recorded');
select is(storage_private.set_variants(tests.object_id('a'), repeat('ab', 32),
  '{"thumb": {"width": 32, "height": 32, "bytes": 77, "type": "image/webp", "sha256": "00"}}'), true,
  'the variants of the current content are recorded');
reset role;
select is((select variants -> 'thumb' ->> 'url' from storage.objects where id = tests.object_id('a')),
  '/storage/public/pics/' || tests.user_id('ada') || '/a.png~thumb-abababab.webp', 'the variant has its URL');
select events.sequence_pending();
select is((select count(*)::int from events.outbox where type = 'storage.object.variants_ready'
            and topic = 'user:' || tests.user_id('ada')), 1, 'the uploader is told the variants are ready');
select is((select count(*)::int from storage_private.files() where object_id = tests.object_id('a')), 2,
  'a backup copies the original and its variant');

-- A PUT: old variants are queued; the original's path is held by the row again.
select tests.act_as('ada');
select storage_private.finish_upload(b.object_id, 100, 'image/png', repeat('ef', 32), 10, 10)
  from storage_private.begin_upload('pics', tests.user_id('ada') || '/a.png', 'image/png', 100, true) b;
select tests.act_as_owner();
select is((select files from storage_private.deleted_files order by id desc limit 1),
  array['public/pics/' || tests.user_id('ada') || '/a.png~thumb-abababab.webp'], 'a replaced object''s old variants are queued');
set local role platform_jobs;
select is((select files from storage_private.claim_deletions(10) order by id desc limit 1),
  array['public/pics/' || tests.user_id('ada') || '/a.png~thumb-abababab.webp'], 'claimed for removal');
select is((select array_agg(f) from storage_private.claim_orphans(array[
    'public/pics/' || tests.user_id('ada') || '/a.png', 'public/pics/' || tests.user_id('ada') || '/lost.png',
    'public/pics/' || tests.user_id('ada') || '/a.png~thumb-00000000.webp']) f),
  array['public/pics/' || tests.user_id('ada') || '/lost.png', 'public/pics/' || tests.user_id('ada') || '/a.png~thumb-00000000.webp'],
  'of the files on disk, only those no row holds are orphans');
reset role;

-- The pending sweep.
select tests.act_as('ada');
select object_id from storage_private.begin_upload('pics', tests.user_id('ada') || '/stuck.png', 'image/png', 10, false);
select tests.act_as_owner();
update storage.objects set created_at = now() - interval '2 hours' where path like '%/stuck.png';
select is(storage_private.sweep_pending(), 1::bigint, 'an upload pending past the timeout is swept');
select is((select count(*)::int from storage_private.deleted_files where object_path like '%/stuck.png'), 0,
  'a pending row has no file to queue');
select is((select count(*)::int from platform.jobs where name = 'storage.sweep_pending'), 1,
  'the sweep is a scheduled job');

select * from finish();
rollback;
