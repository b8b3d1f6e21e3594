-- Deploy platform:schema/publishing/storage_urls to pg
-- requires: schema/publishing/storage_buckets
-- requires: schema/publishing/profiles
-- requires: schema/publishing/articles
-- requires: functions/core/platform_errors
--
-- Avatars and covers are storage objects. profiles.avatar_url and
-- articles.cover_image_url still take an http(s) URL, and now also the URL of an
-- object (or one of its variants) of the publishing buckets, as storage answers it:
--   /storage/public/avatars/<user id>/<file>[~<variant>-<sha>.webp]
--   /storage/public/covers/<user id>/<file>[~...]
-- and such a URL must name a ready object that the right person owns (a trigger, since
-- a CHECK cannot read another table):
--   avatar  the profile's user (422 publishing.avatar_not_yours);
--   cover   the article's author or whoever sets it (an editor with their own upload)
--           (422 publishing.cover_not_yours).
-- Deleting the object later leaves the URL answering 404: clients show their default.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- The format checks accept the storage URLs too. Each is added NOT VALID (no scan under
-- the table lock) and validated by the next change, in its own transaction.
-- The new check only widens the old one (http(s) URLs still pass): nothing is lost.
-- squawk-ignore ban-drop-constraint
alter table publishing.profiles drop constraint profiles_avatar_url_format;
alter table publishing.profiles add constraint profiles_avatar_url_format
  check (avatar_url ~ '^(https?://[^[:space:]]+|/storage/public/avatars/[A-Za-z0-9._/~-]+)$') not valid;
-- Widened as above, for cover images.
-- squawk-ignore ban-drop-constraint
alter table publishing.articles drop constraint articles_cover_image_url_format;
alter table publishing.articles add constraint articles_cover_image_url_format
  check (cover_image_url ~ '^(https?://[^[:space:]]+|/storage/public/covers/[A-Za-z0-9._/~-]+)$') not valid;

-- Whether a storage URL names a ready object of the bucket (or one of its variants)
-- owned by one of `owners` (storage_private.ready_object_at parses the URL). Runs as the
-- caller: both buckets are public, so their ready objects are visible to everyone
-- through the select policy.
create function publishing_private.storage_url_owned(url text, bucket text, owners uuid[]) returns boolean
language sql stable
set search_path = ''
as $$
  select exists (
    select from storage_private.ready_object_at(storage_url_owned.url) o
     where o.bucket_id = storage_url_owned.bucket and o.owner_id = any (storage_url_owned.owners))
$$;
revoke execute on function publishing_private.storage_url_owned(text, text, uuid[]) from public;
grant execute on function publishing_private.storage_url_owned(text, text, uuid[]) to authenticated;
select platform.declare_api_function('publishing', 'publishing_private.storage_url_owned(text, text, uuid[])',
  array['authenticated'], 'The avatar and cover triggers run as the editing user: does a storage URL name their own object?');

create function publishing_private.check_avatar_url() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.avatar_url like '/storage/%'
     and not publishing_private.storage_url_owned(new.avatar_url, 'avatars', array[new.user_id]) then
    perform platform.raise_error(422, 'publishing.avatar_not_yours',
      'avatar_url must name a ready image of yours in the avatars bucket',
      pg_catalog.json_build_object('field', 'avatar_url')::text,
      'upload it first: POST /storage/object/avatars/<your user id>/<file>');
  end if;
  return new;
end
$$;
create trigger profiles_avatar_url_owned before insert or update of avatar_url on publishing.profiles
  for each row execute function publishing_private.check_avatar_url();

create function publishing_private.check_cover_url() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.cover_image_url like '/storage/%'
     and new.cover_image_url is distinct from (case when tg_op = 'UPDATE' then old.cover_image_url end)
     and not publishing_private.storage_url_owned(new.cover_image_url, 'covers',
                                                  array[new.author_id, (select auth.uid())]) then
    perform platform.raise_error(422, 'publishing.cover_not_yours',
      'cover_image_url must name a ready image of the author''s (or yours) in the covers bucket',
      pg_catalog.json_build_object('field', 'cover_image_url')::text,
      'upload it first: POST /storage/object/covers/<your user id>/<file>');
  end if;
  return new;
end
$$;
create trigger articles_cover_url_owned before insert or update of cover_image_url on publishing.articles
  for each row execute function publishing_private.check_cover_url();

revoke execute on function publishing_private.check_avatar_url(), publishing_private.check_cover_url() from public;

commit;
