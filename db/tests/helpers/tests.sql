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
-- Rows a test created, by name (tests.remember / tests.id; uuid keys: tests.uuid_of).
create table tests.named_ids (
  name text primary key,
  id bigint not null
);
create table tests.named_uuids (
  name text primary key,
  id uuid not null
);
-- The test switches to anon and authenticated and still reads and records names.
grant select, insert, update on tests.actors, tests.named_ids, tests.named_uuids to public;

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

-- Remember a uuid key (a journal entry, a tag) under a name; answers it.
create function tests.remember(name text, id uuid) returns uuid
language sql volatile
as $$
  insert into tests.named_uuids as n (name, id) values (remember.name, remember.id)
  on conflict on constraint named_uuids_pkey do update set id = excluded.id
  returning n.id
$$;

-- The uuid remembered under this name.
create function tests.uuid_of(name text) returns uuid
language plpgsql stable
as $$
declare
  found uuid;
begin
  select n.id into found from tests.named_uuids n where n.name = uuid_of.name;
  if found is null then
    raise exception 'no uuid remembered as %', name
      using hint = 'remember it first: select tests.remember(''' || name || ''', <uuid>);';
  end if;
  return found;
end
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

-- One HTTP request as PostgREST 12 sets it up, up to its pre-request hook: a fresh
-- response (no status, no headers), request.method, request.path, request.headers (names
-- in lower case; PostgREST leaves Cookie out of them) and request.cookies; role anon
-- with claims {"role": "anon"} without a Bearer token, or with one the token's role and
-- claims and an `authorization` header; then auth.check_request(), as PostgREST runs
-- it (a cookie session switches role and claims there). Raises what the hook raises.
create function tests.request(
  method text, path text default '/', headers jsonb default '{}', cookies jsonb default '{}',
  bearer text default null
) returns void
language plpgsql volatile
as $$
declare
  claims jsonb := case when bearer is null then '{"role": "anon"}' else tests.jwt_claims(bearer) end;
begin
  perform set_config('role', 'none', true);
  perform set_config('response.status', '', true);
  perform set_config('response.headers', '', true);
  perform set_config('auth.session_via', '', true);
  perform set_config('request.method', upper(method), true);
  perform set_config('request.path', path, true);
  perform set_config('request.headers',
    (case when bearer is null then headers
          else headers || jsonb_build_object('authorization', 'Bearer ' || bearer) end)::text, true);
  perform set_config('request.cookies', cookies::text, true);
  perform set_config('request.jwt.claims', claims::text, true);
  perform set_config('role', coalesce(claims ->> 'role', 'anon'), true);
  perform auth.check_request();
end
$$;

-- The Set-Cookie headers of the current response (response.headers), one row each:
-- the cookie's name, value and attributes ("Path=/; Max-Age=900; HttpOnly; ...").
create function tests.set_cookies() returns table (name text, value text, attributes text)
language sql stable
as $$
  select split_part(c.pair, '=', 1), substr(c.pair, strpos(c.pair, '=') + 1), c.attributes
    from jsonb_array_elements(coalesce(nullif(current_setting('response.headers', true), '')::jsonb, '[]')) h,
         lateral (select split_part(h ->> 'Set-Cookie', '; ', 1) as pair,
                         substr(h ->> 'Set-Cookie', strpos(h ->> 'Set-Cookie', '; ') + 2) as attributes) c
   where h ? 'Set-Cookie'
$$;

-- The cookies the current response set, as a browser would send them back: name ->
-- value (cleared ones left out), ready for tests.request(..., cookies => ...).
create function tests.cookie_jar() returns jsonb
language sql stable
as $$
  select coalesce(jsonb_object_agg(name, value), '{}') from tests.set_cookies() where value <> ''
$$;

-- Every helper above, and every module's (loaded after this file), runs as the caller.
grant execute on all functions in schema tests to public;
alter default privileges in schema tests grant execute on functions to public;
