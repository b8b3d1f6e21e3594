-- Images in entries: the private bucket journalimages; an image block may show an
-- object of the entry's owner (422 journal.image_not_yours naming the block's
-- file.url otherwise), external http(s) URLs stay allowed; image_paths derived; the
-- bucket's read rule, run as the reader: the owner always, anyone while a public,
-- live entry of the owner shows the image, nobody else; paths never reach the audit
-- log or events.
begin;
select plan(31);

-- Structure
select is((select row(public, allowed_types, max_bytes, authorize_read)::text from storage.buckets where id = 'journalimages'),
  row(false, '{image/png,image/jpeg,image/webp,image/gif}'::text[], 10485760::bigint, 'journal_private.image_readable(text,text)')::text,
  'the journal declares a private image bucket with a read rule');
select is((select variants ?& array['display', 'thumb'] from storage.buckets where id = 'journalimages'), true,
  'it makes display and thumb variants');
select ok((select indexdef ~ 'gin \(image_paths\) WHERE \(is_public AND \(deleted_at IS NULL\)\)' from pg_indexes
            where indexname = 'entries_images_idx'),
  'public, live entries are indexed by the images they show (GIN, partial)');
select ok(not (select prosecdef from pg_proc where oid = 'journal_private.image_readable(text, text)'::regprocedure),
  'the read rule runs as the reader');

select tests.create_user('alice');
select tests.create_user('bob');
select tests.upload('alice', 'journalimages', tests.user_id('alice') || '/river.png');
-- its display variant, as the gateway's workers record it
select tests.act_as_owner();
update storage.objects
   set variants = jsonb_build_object('display', jsonb_build_object(
         'path', path || '~display-0123abcd.webp', 'url', url || '~display-0123abcd.webp')),
       variants_status = 'ready'
 where bucket_id = 'journalimages' and path = tests.user_id('alice') || '/river.png';
select tests.upload('alice', 'journalimages', tests.user_id('alice') || '/gone.png');
select tests.upload('bob', 'journalimages', tests.user_id('bob') || '/bob.png');

-- What authorize_read answers the current caller: 'ok' or the error code.
create function pg_temp.read_of(owner text, file text) returns text
language plpgsql volatile
as $$
begin
  perform * from storage_private.authorize_read('journalimages', tests.user_id(owner) || '/' || file);
  return 'ok';
exception when sqlstate 'PGRST' then
  return sqlerrm::jsonb ->> 'code';
end
$$;
grant execute on function pg_temp.read_of(text, text) to public;

-- An image block showing this URL.
create function pg_temp.image(url text) returns text
language sql immutable
as $$ select format('{"type": "image", "data": {"file": {"url": "%s"}, "caption": "c"}}', url) $$;
grant execute on function pg_temp.image(text) to public;

-- Writing: an image of one's own, external URLs; not someone else's object.
select tests.act_as('alice');
select lives_ok(format($$ insert into journal.entries (title, content) values ('River', '{"blocks": [%s, %s, %s]}') $$,
  pg_temp.image('/storage/object/journalimages/' || tests.user_id('alice') || '/river.png'),
  pg_temp.image('/storage/object/journalimages/' || tests.user_id('alice') || '/river.png~display-0123abcd.webp'),
  pg_temp.image('https://cdn.example.com/x.png')),
  'an entry shows the owner''s image, a variant of it and an external image');
select is((select image_paths from journal.entries where title = 'River'), array[tests.user_id('alice') || '/river.png'],
  'image_paths lists the objects it shows, once each (external URLs are not objects)');
select is(tests.entry_refused(format('{"blocks": [{"type": "paragraph", "data": {"text": "x"}}, %s]}',
    pg_temp.image('/storage/object/journalimages/' || tests.user_id('bob') || '/bob.png'))),
  format('journal.image_not_yours content.blocks[1].data.file.url: must name a ready image of yours in the journalimages bucket {"field" : "content.blocks[1].data.file.url"}'),
  'another user''s object is refused, naming the block''s file.url');
select is(tests.entry_refused(format('{"blocks": [%s]}',
    pg_temp.image('/storage/object/journalimages/' || tests.user_id('alice') || '/nothing.png'))),
  'journal.image_not_yours content.blocks[0].data.file.url: must name a ready image of yours in the journalimages bucket {"field" : "content.blocks[0].data.file.url"}',
  'so is an object that does not exist');
select is(tests.entry_refused(format('{"blocks": [%s]}',
    pg_temp.image('/storage/object/journalimages/' || tests.user_id('alice') || '/river.png~thumb-deadbeef.webp'))),
  'journal.image_not_yours content.blocks[0].data.file.url: must name a ready image of yours in the journalimages bucket {"field" : "content.blocks[0].data.file.url"}',
  'and a variant the object does not have');
select is(tests.entry_refused(format('{"blocks": [%s]}',
    pg_temp.image('/storage/public/avatars/' || tests.user_id('alice') || '/me.png'))),
  'journal.invalid_content content.blocks[0].data.file.url: must be an http(s) URL or /storage/object/journalimages/<path>, at most 2000 characters {"field" : "content.blocks[0].data.file.url"}',
  'a storage URL of another bucket is refused');
select lives_ok($$ insert into journal.entries (title, content) values ('Sealed',
  '{"sealed": {"alg": "A256GCM", "iv": "aXY=", "ciphertext": "Y2lwaGVy"}}') $$, 'a sealed entry is stored');
select is((select image_paths from journal.entries where title = 'Sealed'), '{}'::text[],
  'a sealed entry shows no images the server knows of');
select tests.act_as('bob');
select is(tests.rows_affected(format($$ update journal.entries set content = '{"blocks": []}' where title = 'River' $$)), 0,
  'another user cannot touch the entry''s content');

-- Reading, crossing: private until a public, live entry of the owner shows it.
select tests.act_as('alice');
select is(pg_temp.read_of('alice', 'river.png'), 'ok', 'the owner reads their image');
select tests.act_as('bob');
select is(pg_temp.read_of('alice', 'river.png'), 'storage.not_found',
  'another user cannot read an image of a private entry (as if it did not exist)');
select tests.act_as_anon();
select is(pg_temp.read_of('alice', 'river.png'), 'storage.not_found', 'nor can anonymous callers');
select tests.act_as('alice');
update journal.entries set is_public = true where title = 'River';
select tests.act_as('bob');
select is(pg_temp.read_of('alice', 'river.png'), 'ok', 'once the entry is public, another user reads the image');
select tests.act_as_anon();
select is(pg_temp.read_of('alice', 'river.png'), 'ok', 'and so do anonymous callers');
select is(pg_temp.read_of('alice', 'gone.png'), 'storage.not_found',
  'an image no public entry shows stays private');
select tests.act_as('alice');
update journal.entries set is_public = false where title = 'River';
select tests.act_as_anon();
select is(pg_temp.read_of('alice', 'river.png'), 'storage.not_found', 'made private again, the image is private again');
select tests.act_as('alice');
update journal.entries set is_public = true where title = 'River';
update journal.entries set deleted_at = now() where title = 'River';
select tests.act_as('bob');
select is(pg_temp.read_of('alice', 'river.png'), 'storage.not_found', 'an entry in the trash shows its images to nobody else');
select tests.act_as('alice');
delete from journal.entries where title = 'River';
select tests.act_as_anon();
select is(pg_temp.read_of('alice', 'river.png'), 'storage.not_found', 'nor does a deleted entry');

-- Bob cannot publish Alice's image by showing it in his own public entry.
select tests.act_as('bob');
select is(tests.entry_refused(format('{"blocks": [%s]}',
    pg_temp.image('/storage/object/journalimages/' || tests.user_id('alice') || '/river.png'))),
  'journal.image_not_yours content.blocks[0].data.file.url: must name a ready image of yours in the journalimages bucket {"field" : "content.blocks[0].data.file.url"}',
  'a user cannot show someone else''s image, public entry or not');
select tests.act_as_owner();
insert into journal.entries (owner_id, title, is_public, content, image_paths)
values (tests.user_id('bob'), 'Forged', true, '{"blocks": []}', array[tests.user_id('alice') || '/gone.png']);
update journal.entries set image_paths = array[tests.user_id('alice') || '/gone.png'] where title = 'Forged';
select tests.act_as_anon();
select is(pg_temp.read_of('alice', 'gone.png'), 'storage.not_found',
  'even a forged image_paths on another owner''s public entry opens nothing: the path''s folder must be the entry''s owner');

-- Editing keeps working when an image it shows was deleted from storage.
select tests.act_as('alice');
insert into journal.entries (title, content) values ('Kept', format('{"blocks": [%s]}',
  pg_temp.image('/storage/object/journalimages/' || tests.user_id('alice') || '/gone.png'))::jsonb);
delete from storage.objects where path = tests.user_id('alice') || '/gone.png';
select lives_ok(format($$ update journal.entries set content = '{"blocks": [%s, {"type": "paragraph", "data": {"text": "more"}}]}'
  where title = 'Kept' $$, pg_temp.image('/storage/object/journalimages/' || tests.user_id('alice') || '/gone.png')),
  'an entry whose image was deleted from storage can still be edited');
select is((select image_paths from journal.entries where title = 'Kept'), array[tests.user_id('alice') || '/gone.png'],
  'and keeps the path it shows');
select is(tests.entry_refused(format('{"blocks": [%s]}',
    pg_temp.image('/storage/object/journalimages/' || tests.user_id('alice') || '/gone.png'))),
  'journal.image_not_yours content.blocks[0].data.file.url: must name a ready image of yours in the journalimages bucket {"field" : "content.blocks[0].data.file.url"}',
  'but a new entry cannot show an object that is gone');

-- Paths are derived text: never in the audit log nor in events.
select tests.act_as_owner();
select is((select count(*)::int from audit.log where table_name = 'entries'
            and (coalesce(new_record, '{}') ? 'image_paths' or coalesce(old_record, '{}') ? 'image_paths')), 0,
  'the audit log never copies image_paths');
select ok(exists (select from audit.log where table_name = 'entries' and operation = 'UPDATE'), 'while entries'' edits are audited');
select events.sequence_pending();
select is((select count(*)::int from events.outbox where type like 'entry.%'
            and (payload::text like '%gone.png%' or payload::text like '%river.png%' or payload -> 'record' ? 'image_paths')), 0,
  'entries'' events never carry image paths (storage''s own events name the object to its owner)');
select ok(exists (select from events.outbox where type = 'entry.updated'), 'while entries'' edits send events');

select * from finish();
rollback;
