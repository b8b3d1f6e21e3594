-- Revert platform:schema/publishing/schemas from pg

begin;

select platform.unregister_module('publishing');
revoke execute on all functions in schema extensions from anon, authenticated;
revoke usage on schema extensions from anon, authenticated;
drop schema publishing_private;
drop schema publishing;
drop extension pg_trgm;
drop extension unaccent;

commit;
