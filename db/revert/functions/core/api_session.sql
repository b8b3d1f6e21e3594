-- Revert platform:functions/core/api_session from pg

begin;

drop function api.change_password(text, text);
drop function api.logout(boolean);
drop function api.me();
drop function auth.require_user();

commit;
