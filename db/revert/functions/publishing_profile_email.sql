-- Revert platform:functions/publishing_profile_email from pg

begin;

drop function publishing.email(publishing.profiles);

commit;
