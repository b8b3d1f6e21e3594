-- Revert platform:functions/core/api_login from pg

begin;

select platform.forget_api_function('api.login(text, text)');

drop function api.login(text, text);

commit;
