-- Revert platform:schema/core/namespaces from pg

begin;

alter default privileges grant execute on functions to public;

drop schema platform;
drop schema events;
drop schema audit;
drop schema auth;
drop schema api;
drop extension citext;
drop extension pgcrypto;
drop schema extensions;

commit;
