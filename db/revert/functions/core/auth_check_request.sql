-- Revert platform:functions/core/auth_check_request from pg

begin;

drop function auth.check_request();

commit;
