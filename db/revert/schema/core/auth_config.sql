-- Revert platform:schema/core/auth_config from pg

begin;

drop function auth.set_jwt_secret(text);
drop table auth.config;

commit;
