-- Revert platform:schema/publishing/storage_urls from pg
-- Rows that point at storage objects would break the old checks: they lose those URLs.

begin;

set local lock_timeout = '5s';

drop trigger articles_cover_url_owned on publishing.articles;
drop trigger profiles_avatar_url_owned on publishing.profiles;
drop function publishing_private.check_cover_url();
drop function publishing_private.check_avatar_url();
select platform.forget_api_function('publishing_private.storage_url_owned(text, text, uuid[])');
drop function publishing_private.storage_url_owned(text, text, uuid[]);

update publishing.profiles set avatar_url = null where avatar_url like '/storage/%';
update publishing.articles set cover_image_url = null where cover_image_url like '/storage/%';
alter table publishing.profiles drop constraint profiles_avatar_url_format;
alter table publishing.profiles add constraint profiles_avatar_url_format
  check (avatar_url ~ '^https?://[^[:space:]]+$');
alter table publishing.articles drop constraint articles_cover_image_url_format;
alter table publishing.articles add constraint articles_cover_image_url_format
  check (cover_image_url ~ '^https?://[^[:space:]]+$');

commit;
