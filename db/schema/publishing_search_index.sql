-- Deploy platform:schema/publishing_search_index to pg
-- requires: schema/publishing_articles
--
-- Indexes behind POST /rpc/search_articles, on visible-candidate articles
-- only (published, not deleted: the stable part of publishing.is_visible;
-- the publish time is checked per row):
--   * RUM on the weighted `search` tsvector (rum_tsvector_ops). Unlike GIN,
--     RUM keeps each lexeme's positions and weights in the index and returns
--     rows already ordered by relevance (`search <=> query`, a cover-density
--     rank with weights A > B > C), so a top-20 query reads about 20 rows
--     from the table however many articles match. Ranking a GIN result
--     means reading and ranking every hit (1.15 s for 440k hits on 1M rows).
--   * trigram GIN on titles, for the typo-tolerant fallback (`<%`).
-- Building them locks the table against writes while it runs (minutes at a
-- million articles): the lock wait is bounded so a busy table fails fast.

begin;

set local search_path = '';
set local lock_timeout = '10s';
set local maintenance_work_mem = '256MB';

create extension rum with schema extensions;

create index articles_search_rum_idx on publishing.articles
  using rum (search extensions.rum_tsvector_ops)
  where status = 'published' and deleted_at is null;
comment on index publishing.articles_search_rum_idx is
  'Full-text search ranked inside the index (search <=> query): publishing.search_articles.';

create index articles_title_trgm_idx on publishing.articles
  using gin (title extensions.gin_trgm_ops)
  where status = 'published' and deleted_at is null;
comment on index publishing.articles_title_trgm_idx is
  'Typo-tolerant title suggestions (q <% title) when full-text search finds nothing.';

commit;
