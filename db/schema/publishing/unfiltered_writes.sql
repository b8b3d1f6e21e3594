-- Deploy platform:schema/publishing/unfiltered_writes to pg
-- requires: functions/core/unfiltered_writes
-- requires: schema/publishing/articles
-- requires: schema/publishing/comments
-- requires: schema/publishing/engagement
-- requires: schema/publishing/taxonomy
-- requires: schema/publishing/profiles
--
-- Every publishing table that API roles may update or delete refuses a
-- PATCH or DELETE without a filter (functions/core/unfiltered_writes).
-- A new table API roles may write joins this list:
-- the lint unfiltered_writes_unguarded (db/lints) fails until it does.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

select platform.refuse_unfiltered_writes(t)
  from pg_catalog.unnest(array[
    'publishing.articles', 'publishing.article_authors', 'publishing.article_tags',
    'publishing.comments', 'publishing.comment_moderation',
    'publishing.categories', 'publishing.tags', 'publishing.profiles',
    'publishing.article_likes', 'publishing.site_settings'
  ]::pg_catalog.regclass[]) t;

commit;
