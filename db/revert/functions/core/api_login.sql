-- Revert platform:functions/core/api_login from pg

begin;

drop function api.login(text, text);

commit;
