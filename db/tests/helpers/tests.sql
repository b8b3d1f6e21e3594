-- Test helpers, loaded into the test template database only (never deployed).
-- They act as a user exactly as PostgREST does: SET ROLE to the token's role
-- and put the token's claims in `request.jwt.claims`, both transaction-local.

create schema tests;
grant usage on schema tests to public;

-- An account with the given privileges; the password is always the same.
create function tests.create_user(username text, privileges text[] default '{}') returns uuid
language sql volatile
as $$
  select auth.create_user(username || '@example.test', 'correct horse battery staple', username, privileges)
$$;

-- The claims a real access token of a fresh session of this user carries.
create function tests.claims_for(user_id uuid) returns jsonb
language plpgsql volatile
as $$
declare
  session_id uuid;
begin
  insert into auth.sessions (user_id, expires_at) values (user_id, now() + interval '1 day')
  returning id into session_id;
  return jsonb_build_object(
    'role', 'authenticated', 'sub', user_id, 'sid', session_id,
    'privileges', auth.effective_privileges(user_id),
    'iat', extract(epoch from now())::bigint,
    'exp', extract(epoch from now() + interval '15 minutes')::bigint);
end
$$;

-- Become the user (role authenticated + claims) for the rest of the transaction.
create function tests.act_as(user_id uuid) returns jsonb
language plpgsql volatile
as $$
declare
  claims jsonb;
begin
  perform set_config('role', 'none', true);  -- back to the test's role to open the session
  claims := tests.claims_for(user_id);
  perform set_config('request.jwt.claims', claims::text, true);
  perform set_config('role', 'authenticated', true);
  return claims;
end
$$;

-- Become an anonymous caller.
create function tests.act_as_anon() returns void
language plpgsql volatile
as $$
begin
  perform set_config('request.jwt.claims', '{"role": "anon"}', true);
  perform set_config('role', 'anon', true);
end
$$;

-- Back to the test's own role, with no claims.
create function tests.act_as_owner() returns void
language plpgsql volatile
as $$
begin
  perform set_config('role', 'none', true);
  perform set_config('request.jwt.claims', '', true);
end
$$;

grant execute on all functions in schema tests to public;

-- The claims inside a JWT (no signature check: PostgREST and PyJWT tests do that).
create function tests.jwt_claims(token text) returns jsonb
language sql immutable
as $$
  select convert_from(decode(
           rpad(translate(split_part(token, '.', 2), '-_', '+/'),
                4 * ceil(length(split_part(token, '.', 2)) / 4.0)::int, '='),
           'base64'), 'UTF8')::jsonb
$$;
grant execute on function tests.jwt_claims(text) to public;

-- Publishing fixtures: an article inserted as the owner (no RLS, no guard), with any state.
create function tests.make_article(
  author uuid, title text, status text default 'published',
  published_at timestamptz default now() - interval '1 day', deleted boolean default false
) returns bigint
language sql volatile
as $$
  insert into publishing.articles (title, content, status, published_at, author_id, deleted_at)
  values (title, 'Body of ' || title, status,
          case when status in ('published', 'archived') then published_at end,
          author, case when deleted then now() end)
  returning id
$$;
grant execute on function tests.make_article(uuid, text, text, timestamptz, boolean) to public;

-- Run a statement as the current role and answer how many rows it touched.
create function tests.rows_affected(statement text) returns integer
language plpgsql volatile
as $$
declare
  n integer;
begin
  execute statement;
  get diagnostics n = row_count;
  return n;
end
$$;
grant execute on function tests.rows_affected(text) to public;
