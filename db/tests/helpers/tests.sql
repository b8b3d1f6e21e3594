-- Core test helpers, loaded into the test template database only (never deployed), before
-- every module's own db/tests/<module>/helpers.sql (tests/fix_cluster.py).
-- They act as a user exactly as PostgREST does: SET ROLE to the token's role and put the
-- token's claims in `request.jwt.claims`, both transaction-local, with a real session for
-- `sid`. Test users and the rows a test creates are remembered by name, so a test reads
-- `tests.act_as('alice')` and `tests.id('draft')` instead of carrying uuids around.
-- Each pgTAP file runs in one transaction that is rolled back, in its own clone of the
-- template: the two name tables below start empty for every file.

create schema tests;
grant usage on schema tests to public;

-- Test users by name (the name is also the username; e-mail <name>@example.test).
create table tests.actors (
  name text primary key,
  id uuid not null unique
);
-- Rows a test created, by name (tests.remember / tests.id).
create table tests.named_ids (
  name text primary key,
  id bigint not null
);
-- The test switches to anon and authenticated and still reads and records names.
grant select, insert, update on tests.actors, tests.named_ids to public;

-- An account with the given privileges, remembered by its name; the password is always
-- the same. Answers the user's id (files that keep uuids themselves still work).
create function tests.create_user(username text, privileges text[] default '{}') returns uuid
language plpgsql volatile
as $$
declare
  user_id uuid;
begin
  user_id := auth.create_user(username || '@example.test', 'correct horse battery staple',
                              username, privileges);
  insert into tests.actors (name, id) values (username, user_id);
  return user_id;
end
$$;

-- The id of the test user created under this name.
create function tests.user_id(username text) returns uuid
language plpgsql stable
as $$
declare
  user_id uuid;
begin
  select a.id into user_id from tests.actors a where a.name = username;
  if user_id is null then
    raise exception 'no test user named %', username
      using hint = 'create it first: select tests.create_user(''' || username || ''');';
  end if;
  return user_id;
end
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

-- The same, for a test user by name.
create function tests.claims_for(username text) returns jsonb
language sql volatile
as $$
  select tests.claims_for(tests.user_id(username))
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

-- Become the test user created under this name: `select tests.act_as('alice');`.
create function tests.act_as(username text) returns jsonb
language sql volatile
as $$
  select tests.act_as(tests.user_id(username))
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

-- Remember a row's id under a name (a later call with the same name replaces it);
-- answers the id, so `select tests.remember('draft', tests.make_article(...))` reads well.
create function tests.remember(name text, id bigint) returns bigint
language sql volatile
as $$
  insert into tests.named_ids as n (name, id) values (remember.name, remember.id)
  on conflict on constraint named_ids_pkey do update set id = excluded.id
  returning n.id
$$;

-- The id remembered under this name.
create function tests.id(name text) returns bigint
language plpgsql stable
as $$
declare
  found bigint;
begin
  select n.id into found from tests.named_ids n where n.name = id.name;
  if found is null then
    raise exception 'no id remembered as %', name
      using hint = 'remember it first: select tests.remember(''' || name || ''', <id>);';
  end if;
  return found;
end
$$;

-- The ids remembered under these names, in the order given.
create function tests.ids(variadic names text[]) returns bigint[]
language sql stable
as $$
  select coalesce(array_agg(tests.id(n) order by i), '{}')
    from unnest(names) with ordinality as u (n, i)
$$;

-- The claims inside a JWT (no signature check: PostgREST and PyJWT tests do that).
create function tests.jwt_claims(token text) returns jsonb
language sql immutable
as $$
  select convert_from(decode(
           rpad(translate(split_part(token, '.', 2), '-_', '+/'),
                4 * ceil(length(split_part(token, '.', 2)) / 4.0)::int, '='),
           'base64'), 'UTF8')::jsonb
$$;

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

-- Every helper above, and every module's (loaded after this file), runs as the caller.
grant execute on all functions in schema tests to public;
alter default privileges in schema tests grant execute on functions to public;
