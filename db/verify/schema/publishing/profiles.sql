-- Verify platform:schema/publishing/profiles on pg

begin;

select user_id, username, display_name, bio, avatar_url, preferences, timezone, location,
       last_active_at, created_at, updated_at
  from publishing.profiles where false;
select 1 / pg_catalog.count(*) from pg_catalog.pg_trigger
 where tgrelid = 'auth.users'::regclass and tgname = 'users_publishing_profile';

rollback;
