-- Deploy platform:schema/publishing/storage_buckets to pg
-- requires: schema/publishing/schemas
-- requires: functions/core/storage_rules
--
-- Publishing's upload buckets (docs/storage.md), both public (nginx serves their files)
-- with the default write rule (a user uploads under their own folder, <user id>/...):
--   avatars  profile pictures: PNG, JPEG, WebP or GIF up to 2 MB; variants thumb
--            (64x64) and medium (256x256), cropped squares in WebP.
--   covers   article cover images up to 5 MB; variants thumb (320x180, cropped),
--            medium (800 wide) and large (1600 wide), WebP.
-- profiles.avatar_url and articles.cover_image_url point at them
-- (schema/publishing/storage_urls).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

select platform.declare_bucket('avatars', 'publishing', true,
  '{image/png,image/jpeg,image/webp,image/gif}', 2097152,
  '{"thumb": {"width": 64, "height": 64, "fit": "cover", "format": "webp"},
    "medium": {"width": 256, "height": 256, "fit": "cover", "format": "webp"}}');
select platform.declare_bucket('covers', 'publishing', true,
  '{image/png,image/jpeg,image/webp}', 5242880,
  '{"thumb": {"width": 320, "height": 180, "fit": "cover", "format": "webp"},
    "medium": {"width": 800, "format": "webp"},
    "large": {"width": 1600, "format": "webp"}}');

commit;
