-- Revert platform:functions/api_refresh from pg

begin;

drop function api.refresh(text);

commit;
