-- Revert platform:functions/publishing/profile_email from pg

begin;

drop function publishing.email(publishing.profiles);

commit;
