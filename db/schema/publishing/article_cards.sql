-- Deploy platform:schema/publishing/article_cards to pg
-- requires: schema/publishing/articles
-- requires: rls/publishing/articles
-- requires: rls/publishing/profiles
-- requires: rls/publishing/taxonomy
--
-- The article list as readers see it: one row per article with its author
-- and category already attached, in the shape the embeds give
-- (author: {username, display_name}, category: {name, slug}).
-- Why a view next to /articles: PostgREST 12 spends about as much CPU
-- resolving and rendering each embed as PostgreSQL spends running it; the
-- list with two embeds served 0.6x the requests/s of the same list without
-- them, the view 0.75x (bench.publishing). security_invoker: every caller
-- reads through the policies of articles, profiles and categories exactly
-- as through /articles; nothing new to authorize. Columns are plain column
-- references, so filters, order=published_at.desc.nullslast,id.desc
-- (articles_by_published_idx), keyset paging and embeds through the
-- article's foreign keys (tags, comments) work as on /articles.

begin;

set local search_path = '';

create view publishing.article_cards with (security_invoker = true) as
select a.id, a.slug, a.title, a.excerpt, a.cover_image_url, a.reading_minutes,
       a.status, a.featured, a.published_at, a.author_id, a.category_id,
       a.view_count, a.like_count, a.comment_count, a.updated_at, a.deleted_at,
       (select pg_catalog.jsonb_build_object('username', p.username, 'display_name', p.display_name)
          from publishing.profiles p where p.user_id = a.author_id) as author,
       (select pg_catalog.jsonb_build_object('name', c.name, 'slug', c.slug)
          from publishing.categories c where c.id = a.category_id) as category
  from publishing.articles a;

comment on view publishing.article_cards is
  'The article list: articles with author {username, display_name} and category {name, slug}; the policies of articles apply.';

grant select on publishing.article_cards to anon, authenticated;

commit;
