-- Revert platform:functions/api_register from pg

begin;

drop function api.register(text, text, text);

commit;
