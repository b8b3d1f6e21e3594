-- Revert platform:functions/core/api_register from pg

begin;

drop function api.register(text, text, text);

commit;
