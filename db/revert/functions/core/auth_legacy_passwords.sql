-- Revert platform:functions/core/auth_legacy_passwords from pg
-- A revert really reverts: drop exactly what the deploy created.

begin;

drop function auth.password_matches(text, text);
drop function auth.password_scheme(text);
drop function auth.pbkdf2_sha256(text, text, integer);

commit;
