-- Revert platform:functions/core/auth_set_password from pg
-- A revert really reverts: drop exactly what the deploy created.

begin;

drop function auth.reset_required();
drop function auth.admin_set_password(text, text);

commit;
