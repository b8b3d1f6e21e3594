-- Deploy platform:functions/core/auth_legacy_passwords to pg
-- requires: functions/core/auth_tokens
-- requires: functions/core/platform_errors
--
-- Old passwords keep working (issue 23): accounts imported from a Django site keep
-- Django's hash, `pbkdf2_sha256$<iterations>$<salt>$<base64 of 32 bytes>`, in
-- auth.users.password_hash until their first login, which replaces it with bcrypt
-- (api.login). Django's unusable password (`!` and 40 random characters) never
-- matches: such an account must be given a new password (`inv users.set-password`).
--
-- PBKDF2 is computed in PL/pgSQL with pgcrypto's HMAC: no untrusted language, so it
-- runs on managed clusters (docs/decisions/0022-legacy-password-hashes-in-sql.md has
-- the alternatives and the measurements: about 1.3 us per iteration, 1.3 s for
-- Django's 1,000,000). None of these functions is executable by API roles: the
-- SECURITY DEFINER auth functions (api.login, api.change_password) call them as
-- their owner, as they call auth.hash_password.

begin;

set local search_path = '';
-- Give up rather than queue behind a long transaction (every query on the table would
-- queue behind this change); retry the deploy later. Raise statement_timeout in the
-- change if a backfill needs longer.
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- PBKDF2-HMAC-SHA256 (RFC 8018), one block: the 32-byte key Django stores.
-- U1 = HMAC(password, salt || INT(1)), Ui = HMAC(password, Ui-1), key = U1 xor ... xor Un.
-- The running XOR is a bit(256) (PostgreSQL has no XOR of bytea): converting each U
-- through hex costs about 0.2 us of the 1.3 us an iteration takes, the HMAC the rest
-- (pgcrypto's per-call digest lookup and set-up, not the hashing itself).
create function auth.pbkdf2_sha256(password text, salt text, iterations integer) returns bytea
language plpgsql immutable strict parallel safe
set search_path = ''
as $$
declare
  key bytea := pg_catalog.convert_to(password, 'UTF8');
  u bytea;
  acc bit(256);
begin
  -- Past 10,000,000 one check would take over 10 s (Django's highest is 1,000,000).
  if iterations < 1 or iterations > 10000000 then
    perform platform.raise_error(422, 'auth.invalid_iterations',
      pg_catalog.format('iterations must be between 1 and 10000000, not %s', iterations));
  end if;
  u := extensions.hmac(pg_catalog.convert_to(salt, 'UTF8') operator(pg_catalog.||) '\x00000001'::bytea,
                       key, 'sha256');
  acc := ('x' operator(pg_catalog.||) pg_catalog.encode(u, 'hex'))::bit(256);
  for i in 2..iterations loop
    u := extensions.hmac(u, key, 'sha256');
    acc := acc operator(pg_catalog.#) ('x' operator(pg_catalog.||) pg_catalog.encode(u, 'hex'))::bit(256);
  end loop;
  -- bit(256) to bytea: four big-endian 64-bit words.
  return pg_catalog.int8send(pg_catalog.substring(acc, 1, 64)::bigint)
         operator(pg_catalog.||) pg_catalog.int8send(pg_catalog.substring(acc, 65, 64)::bigint)
         operator(pg_catalog.||) pg_catalog.int8send(pg_catalog.substring(acc, 129, 64)::bigint)
         operator(pg_catalog.||) pg_catalog.int8send(pg_catalog.substring(acc, 193, 64)::bigint);
end
$$;
comment on function auth.pbkdf2_sha256(text, text, integer) is
  'PBKDF2-HMAC-SHA256, one 32-byte block (Django''s pbkdf2_sha256); iterations 1 to 10,000,000.';
revoke execute on function auth.pbkdf2_sha256(text, text, integer) from public;

-- The kind of a stored password hash, read from its form only:
--   bcrypt         $2a$, $2b$ or $2y$, cost 04-31, 53 characters of salt and hash
--   pbkdf2_sha256  Django's pbkdf2_sha256$<1..10,000,000>$<salt>$<base64 of 32 bytes>
--   unusable       Django's unusable password: `!` and random characters
--   unknown        anything else (another Django hasher, a damaged value): no
--                  password matches it
create function auth.password_scheme(stored text) returns text
language sql immutable parallel safe
return case
  when stored operator(pg_catalog.~) '^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$' then 'bcrypt'
  -- a nested CASE, not AND: the iterations are cast only once the form is known
  when stored operator(pg_catalog.~) '^pbkdf2_sha256\$[1-9][0-9]{0,7}\$[^$]+\$[A-Za-z0-9+/]{43}=$' then
    case when pg_catalog.split_part(stored, '$', 2)::integer operator(pg_catalog.<=) 10000000
         then 'pbkdf2_sha256' else 'unknown' end
  when pg_catalog.starts_with(stored, '!') then 'unusable'
  else 'unknown'
end;
comment on function auth.password_scheme(text) is
  'The kind of a stored password hash: bcrypt, pbkdf2_sha256 (Django), unusable (Django''s !...) or unknown.';
revoke execute on function auth.password_scheme(text) from public;

-- Does the password match the stored hash? bcrypt through pgcrypto's crypt (which
-- reads only $2a$: $2b$ and $2y$ are the same algorithm for passwords under 256
-- bytes, so their salt is handed over as $2a$), Django's PBKDF2 through
-- auth.pbkdf2_sha256; everything else is false. Never raises on a stored value: a
-- damaged one is false (a query cancel or timeout still stops it).
create function auth.password_matches(password text, stored text) returns boolean
language plpgsql volatile
set search_path = ''
as $$
declare
  scheme text := auth.password_scheme(stored);
  fields text[];
begin
  if password is null then
    return false;
  elsif scheme = 'bcrypt' then
    return extensions.crypt(password, '$2a$' operator(pg_catalog.||) pg_catalog.substr(stored, 5))
           = '$2a$' operator(pg_catalog.||) pg_catalog.substr(stored, 5);
  elsif scheme = 'pbkdf2_sha256' then
    fields := pg_catalog.string_to_array(stored, '$');
    return pg_catalog.encode(auth.pbkdf2_sha256(password, fields[3], fields[2]::integer), 'base64')
           = fields[4];
  end if;
  return false;
exception when others then
  return false;
end
$$;
comment on function auth.password_matches(text, text) is
  'Whether a password matches a stored hash: bcrypt or Django''s pbkdf2_sha256; false for anything else.';
revoke execute on function auth.password_matches(text, text) from public;

commit;
