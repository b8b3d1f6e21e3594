-- Revert platform:functions/core/auth_errors from pg

begin;

drop function auth.raise_account_error(text, text, text, text);

commit;
