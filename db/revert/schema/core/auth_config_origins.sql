-- Revert platform:schema/core/auth_config_origins from pg

begin;

set local lock_timeout = '5s';

drop function auth.set_allowed_origins(text[]);
alter table auth.config drop column allowed_origins;

commit;
