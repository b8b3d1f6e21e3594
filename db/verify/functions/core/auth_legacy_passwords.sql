-- Verify platform:functions/core/auth_legacy_passwords on pg
-- Verify scripts raise: select ... where false, 1/count(*), has_*_privilege checks.

begin;

-- RFC 7914's PBKDF2-HMAC-SHA256 vector ("passwd", "salt", 1 iteration), first block.
select 1 / (auth.pbkdf2_sha256('passwd', 'salt', 1)
            = '\x55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc'::bytea)::int;
select 1 / auth.password_matches('correct horse battery staple',
  'pbkdf2_sha256$1000$seasalt2026$9SfXyPsuA2CvmGyQ+ktSDNzbjSdXEwglcS5LQLVRQSc=')::int;
select 1 / (not auth.password_matches('x', '!' || repeat('a', 40)))::int;
-- Closed to the API roles.
select 1 / (not pg_catalog.has_function_privilege('anon', 'auth.password_matches(text, text)', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('authenticated', 'auth.pbkdf2_sha256(text, text, integer)', 'execute'))::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'auth.password_scheme(text)', 'execute'))::int;

rollback;
