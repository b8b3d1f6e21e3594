-- Journal test helpers, loaded into the test template database after the core
-- helpers (db/tests/helpers/tests.sql) by tests/fix_cluster.py; never deployed.

-- An entry written as the test's own role (no RLS; the guard still validates),
-- in any state, remembered by name: `select tests.make_entry('alice', 'secret');`.
create function tests.make_entry(
  owner text, name text, is_public boolean default false, deleted boolean default false,
  content jsonb default '{"blocks": [{"type": "paragraph", "data": {"text": "dear diary"}}]}'
) returns uuid
language plpgsql volatile
as $$
declare
  new_id uuid;
begin
  insert into journal.entries (owner_id, title, content, is_public)
  values (tests.user_id(owner), 'Title of ' || name, content, is_public)
  returning id into new_id;
  if deleted then
    update journal.entries set deleted_at = now() where id = new_id;
  end if;
  return tests.remember(make_entry.name, new_id);
end
$$;

-- A tag of a test user, remembered by name.
create function tests.make_tag(owner text, name text) returns uuid
language plpgsql volatile
as $$
declare
  new_id uuid;
begin
  insert into journal.tags (owner_id, name) values (tests.user_id(owner), make_tag.name) returning id into new_id;
  return tests.remember('tag:' || make_tag.name, new_id);
end
$$;

-- Insert an entry with this content as the current role: 'accepted', or the
-- error's code, message and details as one line.
create function tests.entry_refused(content text, title text default 'bad') returns text
language plpgsql volatile
as $$
begin
  insert into journal.entries (title, content) values (entry_refused.title, content::jsonb);
  return 'accepted';
exception when sqlstate 'PGRST' then
  return (sqlerrm::jsonb ->> 'code') || ' ' || (sqlerrm::jsonb ->> 'message') || ' ' || coalesce(sqlerrm::jsonb ->> 'details', '');
end
$$;

-- Run a statement as the current role: 'ok (<rows> rows)', or the error as
-- '<sqlstate or code> <message>', so a test compares what two callers were told.
create function tests.answer(statement text) returns text
language plpgsql volatile
as $$
declare
  n integer;
begin
  execute statement;
  get diagnostics n = row_count;
  return 'ok (' || n || ' rows)';
exception
  when sqlstate 'PGRST' then
    return (sqlerrm::jsonb ->> 'code') || ' ' || (sqlerrm::jsonb ->> 'message');
  when others then
    return sqlstate || ' ' || regexp_replace(sqlerrm, '[0-9a-f]{8}-[0-9a-f-]{27}', '<id>', 'g');
end
$$;

-- What a statement (a format() template with one %L for an entry id) is told
-- with this remembered entry's id, then with an id that does not exist
-- (remembered as 'missing'), as '<first> | <second>'.
create function tests.same_as_missing(template text, entry text) returns text
language sql volatile
as $$
  select tests.answer(format(template, tests.uuid_of(entry))) || ' | ' || tests.answer(format(template, tests.uuid_of('missing')))
$$;

-- Run a statement as the current role: 'ok', or the refusal as '<http status>
-- <code>' (with ' <details>' when asked: null when the error has none).
create function tests.status_of(statement text, with_details boolean default false) returns text
language plpgsql volatile
as $$
begin
  execute statement;
  return 'ok';
exception when sqlstate 'PGRST' then
  declare
    detail text;
  begin
    get stacked diagnostics detail = pg_exception_detail;
    return (detail::jsonb ->> 'status') || ' ' || (sqlerrm::jsonb ->> 'code')
      || case when with_details then ' ' || (sqlerrm::jsonb ->> 'details') else '' end;
  end;
end
$$;
