-- Deploy platform:schema/publishing/storage_urls_validated to pg
-- requires: schema/publishing/storage_urls
--
-- Validate the widened URL checks of schema/publishing/storage_urls in a transaction of
-- their own: VALIDATE CONSTRAINT scans the table under a SHARE UPDATE EXCLUSIVE lock,
-- which lets reads and writes go on.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter table publishing.profiles validate constraint profiles_avatar_url_format;
alter table publishing.articles validate constraint articles_cover_image_url_format;

commit;
