-- Revert platform:functions/core/api_refresh from pg

begin;

select platform.forget_api_function('api.refresh(text)');

drop function api.refresh(text);

commit;
