-- Revert platform:schema/publishing/article_derived_columns from pg
-- A revert really reverts: the two columns are generated again.
--
-- PostgreSQL 15 cannot give a column back its generation expression (SET
-- EXPRESSION comes with 17): the columns are dropped and added again as
-- generated columns, which rewrites the table and stems every article (about
-- 6 minutes at a million articles, the table locked meanwhile). The objects
-- bound to them go with them and are created again as their changes made
-- them: the two RUM indexes (schema/publishing/search_index) and the
-- article_cards view (schema/publishing/article_cards). The two columns come
-- back last in the table's column order.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '60min';
set local maintenance_work_mem = '256MB';

drop trigger articles_derive on publishing.articles;
drop function publishing_private.derive_article_columns();

drop view publishing.article_cards;
drop index publishing.articles_search_title_rum_idx;
drop index publishing.articles_search_rum_idx;

alter table publishing.articles
  drop column reading_minutes,
  drop column search,
  add column reading_minutes integer generated always as (
    greatest(1, pg_catalog.ceil(pg_catalog.array_length(
      pg_catalog.regexp_split_to_array(pg_catalog.btrim(content), '\s+'), 1) / 200.0))::integer) stored,
  add column search tsvector generated always as (
    pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig, title), 'A')
    operator(pg_catalog.||) pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig, coalesce(excerpt, '')), 'B')
    operator(pg_catalog.||) pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig, pg_catalog.left(content, 200000)), 'C')
  ) stored;

create index articles_search_rum_idx on publishing.articles
  using rum (search extensions.rum_tsvector_ops)
  where status = 'published' and deleted_at is null;
comment on index publishing.articles_search_rum_idx is
  'Full-text search ranked inside the index (search <=> query): publishing.search_articles.';
create index articles_search_title_rum_idx on publishing.articles
  using rum (publishing_private.search_title_terms(search) extensions.rum_tsvector_ops)
  where status = 'published' and deleted_at is null;
comment on index publishing.articles_search_title_rum_idx is
  'Title words (with their excerpt hits) ranked inside the index: the first candidates of publishing.search_articles.';

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
