-- Revert platform:functions/core/auth_admin from pg

begin;

drop function auth.revoke_privilege(text, text);
drop function auth.grant_privilege(text, text);
drop function auth.create_user(text, text, text, text[]);

commit;
