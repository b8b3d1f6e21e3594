-- Old passwords keep working: Django's PBKDF2-SHA256 hashes log in and become bcrypt at
-- the first login; Django's unusable passwords fail like a wrong password; ops give
-- those accounts a new password. The Django hashes below were made with Python's
-- hashlib.pbkdf2_hmac('sha256', ...) in Django's format.
begin;
select plan(44);
-- count bcrypt runs (extensions.crypt) in this transaction
set local track_functions = 'all';

-- A login as PostgREST runs it, from an address: the body with the HTTP status.
create function pg_temp.login(email text, password text) returns jsonb
language plpgsql as $$
declare
  body jsonb;
begin
  perform tests.request('POST', '/rpc/login', '{"x-real-ip": "198.51.100.23"}');
  body := api.login(email, password)::jsonb;
  return body || jsonb_build_object('status', coalesce(nullif(current_setting('response.status', true), ''), '200')::int);
end $$;
create function pg_temp.bcrypt_runs() returns bigint language sql as $$
  select coalesce(pg_stat_get_xact_function_calls('extensions.crypt(text, text)'::regprocedure), 0)
$$;
create function pg_temp.hash_of(email text) returns text language sql as $$
  select password_hash from auth.users where email = $1::extensions.citext
$$;
-- the requests switch to anon: they call these helpers as anon
grant execute on function pg_temp.login(text, text), pg_temp.bcrypt_runs() to public;

-- PBKDF2-HMAC-SHA256 against known vectors.
select is(auth.pbkdf2_sha256('password', 'salt', 1),
  '\x120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b'::bytea,
  'pbkdf2_sha256 of "password", "salt", 1 iteration is the known key');
select is(auth.pbkdf2_sha256('password', 'salt', 4096),
  '\xc5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a'::bytea,
  'pbkdf2_sha256 of "password", "salt", 4096 iterations is the known key');
select is(auth.pbkdf2_sha256('passwd', 'salt', 1),
  '\x55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc'::bytea,
  'pbkdf2_sha256 of RFC 7914''s "passwd", "salt", 1 iteration is its vector''s first block');
select is(auth.pbkdf2_sha256('pässwörd', 'sält', 2),
  '\xed27226ef142d1e0b28246a53a42ef85e922369b2ff846738cdc29063b21360d'::bytea,
  'pbkdf2_sha256 reads password and salt as UTF-8, as Django does');
select throws_like($$ select auth.pbkdf2_sha256('password', 'salt', 0) $$,
  '%auth.invalid_iterations%', 'pbkdf2_sha256 refuses 0 iterations');
select throws_like($$ select auth.pbkdf2_sha256('password', 'salt', 10000001) $$,
  '%iterations must be between 1 and 10000000%', 'pbkdf2_sha256 refuses more than 10,000,000 iterations');

-- The stored formats.
select set_config('t.bcrypt_hash', extensions.crypt('correct horse battery staple', extensions.gen_salt('bf', 4)), true);
select set_config('t.django', 'pbkdf2_sha256$1000$seasalt2026$9SfXyPsuA2CvmGyQ+ktSDNzbjSdXEwglcS5LQLVRQSc=', true);
select set_config('t.unusable', '!' || repeat('Qx7', 13) || 'z', true);
select is(array[auth.password_scheme(current_setting('t.bcrypt_hash')), auth.password_scheme(current_setting('t.django')),
                auth.password_scheme(current_setting('t.unusable')), auth.password_scheme('argon2$argon2id$v=19$x'),
                auth.password_scheme(null)],
  array['bcrypt', 'pbkdf2_sha256', 'unusable', 'unknown', 'unknown'],
  'password_scheme tells bcrypt, Django''s pbkdf2_sha256, Django''s unusable and anything else apart');
select ok(auth.password_matches('correct horse battery staple', current_setting('t.bcrypt_hash')),
  'password_matches accepts the right password against a bcrypt hash');
select ok(not auth.password_matches('correct horse battery stapler', current_setting('t.bcrypt_hash')),
  'password_matches refuses a wrong password against a bcrypt hash');
select ok(auth.password_matches('correct horse battery staple', overlay(current_setting('t.bcrypt_hash') placing '$2b$' from 1 for 4))
          and auth.password_matches('correct horse battery staple', overlay(current_setting('t.bcrypt_hash') placing '$2y$' from 1 for 4)),
  'password_matches reads $2b$ and $2y$ bcrypt hashes (pgcrypto''s crypt reads only $2a$)');
select ok(not auth.password_matches('correct horse battery stapler', overlay(current_setting('t.bcrypt_hash') placing '$2b$' from 1 for 4)),
  'and refuses a wrong password against a $2b$ hash');
select ok(auth.password_matches('correct horse battery staple', current_setting('t.django')),
  'password_matches accepts the right password against a Django pbkdf2_sha256 hash');
select ok(not auth.password_matches('Correct horse battery staple', current_setting('t.django')),
  'password_matches refuses a wrong password against a Django hash');
select ok(not auth.password_matches('correct horse battery staple',
            replace(current_setting('t.django'), '$1000$', '$1001$')),
  'a Django hash is checked with its own iteration count');
select ok(not auth.password_matches('', current_setting('t.unusable')) and not auth.password_matches(current_setting('t.unusable'), current_setting('t.unusable')),
  'no password matches Django''s unusable password, not even the stored string itself');
select is(array[auth.password_matches('x', ''), auth.password_matches('x', 'abc'),
                auth.password_matches('x', '$2a$04$short'), auth.password_matches('x', '$2a$99$' || repeat('a', 53)),
                auth.password_matches('x', 'pbkdf2_sha256$abc$salt$hash'),
                auth.password_matches('x', 'pbkdf2_sha256$20000000$salt$9SfXyPsuA2CvmGyQ+ktSDNzbjSdXEwglcS5LQLVRQSc='),
                auth.password_matches('x', 'pbkdf2_sha1$1000$salt$abc='),
                auth.password_matches('x', null), auth.password_matches(null, current_setting('t.bcrypt_hash'))],
  array[false, false, false, false, false, false, false, false, false],
  'password_matches answers false, never an error, for empty, damaged, oversized or unknown hashes and for null');

-- Imported accounts, as the importer writes them.
insert into auth.users (email, username, password_hash, created_at, updated_at, password_changed_at)
values ('django@example.test', 'django_user', current_setting('t.django'), '2019-05-01', '2019-05-01', '2019-05-01'),
       ('mover@example.test', 'mover', current_setting('t.django'), '2019-05-01', '2019-05-01', '2019-05-01'),
       ('locked@example.test', 'locked_out', current_setting('t.unusable'), '2019-05-01', '2019-05-01', '2019-05-01');

-- A wrong password against a Django hash: 401, the hash stays.
select is(pg_temp.login('django@example.test', 'not the password') - 'status',
          pg_temp.login('nobody@example.test', 'not the password') - 'status',
  'a wrong password for an imported account answers exactly as an unknown e-mail');
select is(pg_temp.login('django@example.test', 'not the password') ->> 'status', '401',
  'with 401');
select tests.act_as_owner();
select is(pg_temp.hash_of('django@example.test'), current_setting('t.django'),
  'and the Django hash is left as it was');

-- The first login with the old password: tokens, and bcrypt from now on.
select set_config('t.first', pg_temp.login('django@example.test', 'correct horse battery staple')::text, true);
select is(current_setting('t.first')::jsonb ->> 'status', '200', 'the old password logs in: 200');
select tests.act_as_owner();
select is(tests.jwt_claims(current_setting('t.first')::jsonb ->> 'access_token') ->> 'sub',
  (select id::text from auth.users where email = 'django@example.test'),
  'with a token for the imported account');
select matches(pg_temp.hash_of('django@example.test'), '^\$2a\$1[0-9]\$',
  'the stored hash is now bcrypt at the platform''s cost');
select ok(auth.password_matches('correct horse battery staple', pg_temp.hash_of('django@example.test')),
  'the bcrypt hash is of the same password');
select is((select password_changed_at from auth.users where email = 'django@example.test'), '2019-05-01'::timestamptz,
  'password_changed_at does not move: the password did not change');
select is((select updated_at from auth.users where email = 'django@example.test'), '2019-05-01'::timestamptz,
  'nor does updated_at');
select is((select count(*)::int from auth.sessions s join auth.users u on u.id = s.user_id
            where u.email = 'django@example.test' and s.revoked_at is null), 1,
  'the new session stays live: nothing was revoked by the rehash');
select is(pg_temp.login('django@example.test', 'correct horse battery staple') ->> 'status', '200',
  'the second login works on the bcrypt hash');
select is(pg_temp.login('django@example.test', 'not the password') ->> 'code', 'auth.invalid_credentials',
  'and a wrong password still fails');
select tests.act_as_owner();

-- An unusable (`!`) account: the same answer and the same bcrypt work as a wrong password.
select set_config('t.bcrypt', pg_temp.bcrypt_runs()::text, true);
select set_config('t.locked', pg_temp.login('locked@example.test', current_setting('t.unusable'))::text, true);
select is(pg_temp.bcrypt_runs() - current_setting('t.bcrypt')::bigint, 1::bigint,
  'an unusable account''s login spends one bcrypt, as an unknown e-mail does');
select set_config('t.bcrypt', pg_temp.bcrypt_runs()::text, true);
select set_config('t.unknown', pg_temp.login('ghost@example.test', 'whatever it is')::text, true);
select is(pg_temp.bcrypt_runs() - current_setting('t.bcrypt')::bigint, 1::bigint,
  'the unknown e-mail''s login: one bcrypt');
select is(current_setting('t.locked'), current_setting('t.unknown'),
  'an unusable account answers exactly as an unknown e-mail (body and status)');
select is(current_setting('t.locked')::jsonb ->> 'code', 'auth.invalid_credentials',
  'that is 401 auth.invalid_credentials');
select tests.act_as_owner();

-- change_password from an imported hash.
select tests.act_as((select id from auth.users where email = 'mover@example.test'));
select is(api.change_password('not the password', 'a brand new password') ->> 'code', 'auth.wrong_password',
  'change_password refuses a wrong current password against a Django hash');
select ok(api.change_password('correct horse battery staple', 'a brand new password')::jsonb ? 'access_token',
  'change_password accepts the current password checked against a Django hash');
select tests.act_as_owner();
select ok(pg_temp.hash_of('mover@example.test') like '$2a$%'
          and auth.password_matches('a brand new password', pg_temp.hash_of('mover@example.test')),
  'and stores the new password as bcrypt');

-- Accounts that must reset: listed, then given a password by ops.
select is(array(select email from auth.reset_required()), array['locked@example.test'],
  'reset_required lists the unusable account and none of the usable ones');
select throws_like($$ select auth.admin_set_password('locked@example.test', 'short') $$,
  '%auth.weak_password%', 'admin_set_password applies the password rule');
select throws_like($$ select auth.admin_set_password('nobody@example.test', 'a long enough password') $$,
  '%auth.unknown_user%', 'admin_set_password names an unknown e-mail');
select lives_ok($$ select auth.admin_set_password('LOCKED@example.test', 'a long enough password') $$,
  'admin_set_password gives the account a new password (e-mail in any case)');
select ok((select password_changed_at > '2019-05-01' from auth.users where email = 'locked@example.test'),
  'and moves password_changed_at');
select is(array(select email from auth.reset_required()), '{}'::text[],
  'the account no longer needs a reset');
select is(pg_temp.login('locked@example.test', 'a long enough password') ->> 'status', '200',
  'and logs in with its new password');
select tests.act_as_owner();

-- No clear-text password anywhere.
select is((select count(*)::int from audit.log
            where coalesce(old_record::text, '') || coalesce(new_record::text, '') ~ '(correct horse|brand new|long enough)'), 0,
  'no clear-text password reached the audit log');
select ok(exists (select from audit.log where table_name = 'users' and operation = 'UPDATE'
                   and changed_columns = array['password_hash']
                   and not (new_record ? 'password_hash')),
  'the rehash is in the audit log as a change of password_hash, without the hash');

select * from finish();
rollback;
