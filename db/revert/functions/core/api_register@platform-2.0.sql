-- Revert platform:functions/core/api_register from pg

begin;

select platform.forget_api_function('api.register(text, text, text)');

drop function api.register(text, text, text);

commit;
