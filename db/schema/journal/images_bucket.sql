-- Deploy platform:schema/journal/images_bucket to pg
-- requires: schema/journal/entry_images
-- requires: schema/journal/entries_images_idx
-- requires: rls/journal/entries
-- requires: functions/core/storage_rules
--
-- The journal's private upload bucket `journalimages` (docs/storage.md): images in
-- entries. PNG, JPEG, WebP or GIF up to 10 MB, the default write rule (a user uploads
-- under their own folder, <user id>/...), variants `display` (1600 wide) and `thumb`
-- (320x320, cropped), WebP. Files are served at /storage/object/journalimages/<path>
-- after SQL says yes:
--   * the owner, always (storage.objects' select policy);
--   * anyone, anonymous included, while a public, live entry of the object's owner
--     shows it (this read rule); once the entry is private or deleted, no longer.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- The read rule, run AS THE CALLER by storage_private.authorize_read: the entries'
-- policies answer (a public, live entry is readable by everyone), the partial GIN
-- index entries_images_idx finds it. The path's folder is its owner (the write rule),
-- and image_paths holds only objects of the entry's owner: the owner test below keeps
-- it so even if a path were shown by someone else's entry.
create function journal_private.image_readable(bucket text, path text) returns boolean
language sql stable
set search_path = ''
as $$
  select image_readable.bucket = 'journalimages' and exists (
    select from journal.entries e
     where e.image_paths @> array[image_readable.path]
       and e.is_public and e.deleted_at is null
       and e.owner_id::text = pg_catalog.split_part(image_readable.path, '/', 1))
$$;
comment on function journal_private.image_readable(text, text) is
  'journalimages read rule, run as the reader: does a public, live entry of the object''s owner show this path?';
revoke execute on function journal_private.image_readable(text, text) from public;
grant execute on function journal_private.image_readable(text, text) to anon, authenticated;
select platform.declare_api_function('journal', 'journal_private.image_readable(text, text)',
  array['anon', 'authenticated'],
  'The journalimages bucket''s read rule, run as the reader by storage_private.authorize_read (the gateway asks it).');

select platform.declare_bucket('journalimages', 'journal', false,
  '{image/png,image/jpeg,image/webp,image/gif}', 10485760,
  '{"display": {"width": 1600, "format": "webp"},
    "thumb": {"width": 320, "height": 320, "fit": "cover", "format": "webp"}}',
  authorize_read => 'journal_private.image_readable(text, text)');

commit;
