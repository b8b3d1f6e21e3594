-- Revert platform:functions/core/postgrest_config from pg

begin;

revoke usage on schema platform from authenticator;
drop function platform.postgrest_pre_config();

commit;
