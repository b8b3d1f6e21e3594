-- Revert platform:functions/core/auth_check_request from pg

begin;

select platform.forget_api_function('auth.check_request()');

drop function auth.check_request();

commit;
