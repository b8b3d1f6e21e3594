-- Publishing test helpers, loaded into the test template database after the core
-- helpers (db/tests/helpers/tests.sql) by tests/fix_cluster.py; never deployed.

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

-- The same, by a test user's name: `select tests.remember('draft', tests.make_article('alice', 'A draft', 'draft'));`.
create function tests.make_article(
  author text, title text, status text default 'published',
  published_at timestamptz default now() - interval '1 day', deleted boolean default false
) returns bigint
language sql volatile
as $$
  select tests.make_article(tests.user_id(author), title, status, published_at, deleted)
$$;
grant execute on function tests.make_article(text, text, text, timestamptz, boolean) to public;
