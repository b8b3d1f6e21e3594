-- Revert platform:functions/auth_claims from pg

begin;

drop function auth.claims_principal(jsonb);
drop function auth.has_privilege(text);
drop function auth.uid();
drop function auth.claims();

commit;
