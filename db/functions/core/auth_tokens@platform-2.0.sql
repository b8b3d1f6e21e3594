-- Deploy platform:functions/core/auth_tokens to pg
-- requires: schema/core/auth_config
-- requires: schema/core/auth_users
-- requires: schema/core/auth_sessions
-- requires: functions/core/platform_errors
--
-- Internal building blocks of the auth API: password rules and hashing,
-- HS256 signing, and issuing an access + refresh token pair for a session.
-- None is executable by API roles; the SECURITY DEFINER api.* functions call
-- them as the owner.

begin;

set local search_path = '';

create function auth.base64url(data bytea) returns text
language sql immutable strict parallel safe
set search_path = ''
as $$
  select pg_catalog.translate(pg_catalog.rtrim(pg_catalog.encode(data, 'base64'), '='), E'+/\n', '-_')
$$;
comment on function auth.base64url(bytea) is 'Base64url without padding (RFC 7515).';

create function auth.sign_jwt(claims jsonb) returns text
language plpgsql stable
set search_path = ''
as $$
declare
  secret text;
  signing_input text;
begin
  select c.jwt_secret into secret from auth.config c;
  if secret is null then
    perform platform.raise_error(503, 'platform.not_configured',
      'the JWT signing secret is not set', null,
      'run `inv up` (or select auth.set_jwt_secret(...) as the owner)');
  end if;
  signing_input := auth.base64url(pg_catalog.convert_to('{"alg":"HS256","typ":"JWT"}', 'UTF8'))
    || '.' || auth.base64url(pg_catalog.convert_to(claims::text, 'UTF8'));
  return signing_input || '.' || auth.base64url(extensions.hmac(
    pg_catalog.convert_to(signing_input, 'UTF8'), pg_catalog.convert_to(secret, 'UTF8'), 'sha256'));
end
$$;
comment on function auth.sign_jwt(jsonb) is 'Sign claims as an HS256 JWT with the secret PostgREST verifies with.';

-- Arguments longer than any valid value are refused before any other work
-- (an index, a hash, a lookup): 422 auth.<field>_too_long naming the field.
-- A 1 MB email at login once answered 413 54000 "index row requires..."
-- (finding 10 of issue 19). Limits: email 254 characters (its CHECK),
-- username 32, passwords 72 bytes (bcrypt), refresh tokens 200 characters.
create function auth.check_length(value text, field text, max_length integer, bytes boolean default false)
returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  if (case when bytes then pg_catalog.octet_length(value) else pg_catalog.char_length(value) end) > max_length then
    perform platform.raise_error(422, 'auth.' || field || '_too_long',
      pg_catalog.format('%s must be at most %s %s', field, max_length,
                        case when bytes then 'bytes' else 'characters' end));
  end if;
end
$$;
comment on function auth.check_length(text, text, integer, boolean) is
  'Refuse an argument longer than any valid value with 422 auth.<field>_too_long, before any other work.';

-- bcrypt ignores everything past 72 bytes: a longer password is refused, never
-- truncated (at login too: its first 72 bytes would match). The one statement of
-- that limit; validate_password, the account checks and change_password call it.
create function auth.check_password_length(password text, field text) returns void
language sql volatile
set search_path = ''
as $$
  select auth.check_length(password, field, 72, bytes => true)
$$;
comment on function auth.check_password_length(text, text) is
  'Refuse a password over bcrypt''s 72 bytes with 422 auth.<field>_too_long.';

-- The length checks of an email, password and username, in that order.
create function auth.check_account_lengths(email text, password text, username text default null)
returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  perform auth.check_length(email, 'email', 254);
  perform auth.check_password_length(password, 'password');
  perform auth.check_length(username, 'username', 32);
end
$$;

create function auth.validate_password(password text, field text) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  if password is null then
    perform platform.raise_error(422, 'auth.password_required', pg_catalog.format('%s is required', field));
  elsif pg_catalog.char_length(password) < 10 then
    perform platform.raise_error(422, 'auth.weak_password',
      pg_catalog.format('%s must be at least 10 characters', field), null,
      'a few unrelated words make a strong password');
  end if;
  perform auth.check_password_length(password, field);
end
$$;
comment on function auth.validate_password(text, text) is
  'Password rule: 10 characters to 72 bytes (bcrypt''s limit). Raises auth.weak_password naming the field.';

create function auth.hash_password(password text) returns text
language sql volatile
set search_path = ''
as $$
  select extensions.crypt(password, extensions.gen_salt('bf', (select c.bcrypt_cost from auth.config c)))
$$;
comment on function auth.hash_password(text) is 'bcrypt hash at the configured cost (>= 10).';

create function auth.effective_privileges(user_id uuid) returns text[]
language plpgsql stable
set search_path = ''
as $$
-- PL/pgSQL, not SQL: its plan is cached per connection, where a nested SQL
-- function would be planned again on every call (measured 160 us vs 19 us).
declare
  privileges text[];
begin
  select pg_catalog.array_agg(distinct p order by p) into privileges
    from (
      select 'reader'::text
      union all
      select pg_catalog.unnest(pg_catalog.array_append(pr.implies, pr.name))
        from auth.user_privileges up
        join auth.privileges pr on pr.name = up.privilege
       where up.user_id = effective_privileges.user_id
    ) as granted (p);
  return privileges;
end
$$;
comment on function auth.effective_privileges(uuid) is 'A user''s privileges with everything they imply.';

create function auth.issue_tokens(user_id uuid, session_id uuid) returns json
language plpgsql volatile
set search_path = ''
as $$
declare
  cfg auth.config;
  usr auth.users;
  privileges text[] := auth.effective_privileges(user_id);
  refresh_token text := auth.base64url(extensions.gen_random_bytes(32));
  issued_at bigint := pg_catalog.floor(extract(epoch from pg_catalog.now()))::bigint;
  ttl integer;
begin
  select * into cfg from auth.config;
  select * into usr from auth.users u where u.id = issue_tokens.user_id;
  ttl := extract(epoch from cfg.access_token_ttl)::integer;
  insert into auth.refresh_tokens (token_hash, session_id)
  values (extensions.digest(refresh_token, 'sha256'), issue_tokens.session_id);
  return pg_catalog.json_build_object(
    'access_token', auth.sign_jwt(pg_catalog.jsonb_build_object(
      'role', 'authenticated',
      'sub', usr.id,
      'privileges', privileges,
      'sid', issue_tokens.session_id,
      'iat', issued_at,
      'exp', issued_at + ttl)),
    'token_type', 'bearer',
    'expires_in', ttl,
    'refresh_token', refresh_token,
    'user', pg_catalog.json_build_object(
      'id', usr.id, 'email', usr.email::text, 'username', usr.username::text,
      'privileges', privileges));
end
$$;
comment on function auth.issue_tokens(uuid, uuid) is
  'A fresh access token (HS256, <= 15 min) and refresh token for a session: the auth API''s answer.';

create function auth.start_session(user_id uuid) returns json
language plpgsql volatile
set search_path = ''
as $$
declare
  session_id uuid;
begin
  insert into auth.sessions (user_id, expires_at)
  values (start_session.user_id, pg_catalog.now() + (select c.refresh_token_ttl from auth.config c))
  returning id into session_id;
  return auth.issue_tokens(start_session.user_id, session_id);
end
$$;
comment on function auth.start_session(uuid) is 'Open a session for a user and issue its first tokens.';

commit;
