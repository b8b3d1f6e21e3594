-- Revert platform:functions/core/auth_scoped_roles from pg

begin;

drop function auth.revoke_scoped_role(text, text, bigint, text);
drop function auth.grant_scoped_role(text, text, bigint, text);
select platform.forget_api_function('auth.has_scoped_role(text, bigint, text[])');
drop function auth.has_scoped_role(text, bigint, text[]);
select platform.forget_api_function('auth.scopes_with_role(text, text[])');
drop function auth.scopes_with_role(text, text[]);

commit;
