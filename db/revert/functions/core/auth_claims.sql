-- Revert platform:functions/core/auth_claims from pg

begin;

select platform.forget_api_function('auth.claims()');
select platform.forget_api_function('auth.uid()');
select platform.forget_api_function('auth.has_privilege(text)');
select platform.forget_api_function('auth.claims_principal(jsonb)');

drop function auth.claims_principal(jsonb);
drop function auth.has_privilege(text);
drop function auth.uid();
drop function auth.claims();

commit;
