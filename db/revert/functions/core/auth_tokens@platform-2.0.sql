-- Revert platform:functions/core/auth_tokens from pg

begin;

drop function auth.start_session(uuid);
drop function auth.issue_tokens(uuid, uuid);
drop function auth.effective_privileges(uuid);
drop function auth.hash_password(text);
drop function auth.validate_password(text, text);
drop function auth.check_account_lengths(text, text, text);
drop function auth.check_password_length(text, text);
drop function auth.check_length(text, text, integer, boolean);
drop function auth.sign_jwt(jsonb);
drop function auth.base64url(bytea);

commit;
