-- Revert platform:functions/publishing/profile_email from pg

begin;

select platform.forget_api_function('publishing.email(publishing.profiles)');

drop function publishing.email(publishing.profiles);

commit;
