-- Revert platform:functions/core/api_refresh from pg

begin;

drop function api.refresh(text);

commit;
