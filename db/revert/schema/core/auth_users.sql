-- Revert platform:schema/core/auth_users from pg

begin;

drop table auth.user_privileges;
drop table auth.users;
drop table auth.privileges;
drop function auth.email_skeleton(text);
drop function auth.normalize_email(text);

commit;
