-- Revert platform:functions/core/api_session from pg

begin;

select platform.forget_api_function('auth.require_user()');
select platform.forget_api_function('api.me()');
select platform.forget_api_function('api.logout(boolean)');
select platform.forget_api_function('api.change_password(text, text)');

drop function api.change_password(text, text);
drop function api.logout(boolean);
drop function api.me();
drop function auth.require_user();

commit;
