-- Revert platform:schema/publishing/profiles from pg

begin;

drop trigger users_publishing_profile on auth.users;
drop function publishing_private.sync_profile();
drop table publishing.profiles;
drop function publishing_private.check_profile();

commit;
