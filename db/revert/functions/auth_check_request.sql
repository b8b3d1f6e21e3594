-- Revert platform:functions/auth_check_request from pg

begin;

drop function auth.check_request();

commit;
