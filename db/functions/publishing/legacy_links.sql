-- Deploy platform:functions/publishing/legacy_links to pg
-- requires: schema/publishing/legacy_imports
-- requires: schema/publishing/articles
--
-- GET /rpc/legacy_article?legacy_id=42: where an old /articles/42 link of the
-- legacy blog points now, for a frontend (or the front door) to redirect:
-- [{"id": 1042, "slug": "..."}], or [] when the legacy id was never imported, its
-- import was rolled back, or the article is not visible to everyone (old links are
-- public links: the same publishing.is_visible rule as anonymous readers).
-- SECURITY DEFINER because the id map is private; it answers nothing RLS would
-- hide from anon.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create function publishing.legacy_article(legacy_id bigint) returns table (id bigint, slug text)
language sql stable
security definer
set search_path = ''
as $$
  select a.id, a.slug
    from publishing_private.legacy_ids m
    join publishing_private.legacy_imports i on i.id operator(pg_catalog.=) m.import_id
    join publishing.articles a on a.id operator(pg_catalog.=) m.target_id
   where m.legacy_table operator(pg_catalog.=) 'blog_article'
     and m.legacy_id operator(pg_catalog.=) legacy_article.legacy_id
     and i.rolled_back_at is null
     and publishing.is_visible(a)
   order by m.import_id desc
   limit 1
$$;
comment on function publishing.legacy_article(bigint) is
  'GET /rpc/legacy_article?legacy_id=N: the visible article an old /articles/N link of the legacy blog became (id, slug).';

revoke execute on function publishing.legacy_article(bigint) from public;
grant execute on function publishing.legacy_article(bigint) to anon, authenticated;
select platform.declare_api_function('publishing', 'publishing.legacy_article(bigint)',
  array['anon', 'authenticated'],
  'GET /rpc/legacy_article: redirect an old legacy-blog article link; visible articles only.');

commit;
