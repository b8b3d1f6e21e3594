-- Deploy platform:schema/publishing/feed_index to pg
-- requires: schema/publishing/articles
--
-- The readers' feed orders by published_at desc NULLS LAST (unpublished
-- articles have no published_at; in PostgreSQL's default order for desc
-- they would come first). With the index in the same order, a signed-in
-- reader's page 1 stops after 20 visible rows instead of first walking past
-- every unpublished article (their policy ORs "visible" with "my own", so
-- the visibility filter cannot bound the scan): 267 ms -> under 1 ms at
-- 1,000,000 articles. Clients send order=published_at.desc.nullslast,id.desc.

begin;

set local search_path = '';

-- One index for everyone (anonymous readers' filter bounds it with
-- published_at <= now()); it replaces the partial feed index and the
-- default-ordered one, which a nulls-last order cannot use.
drop index publishing.articles_published_idx;
drop index publishing.articles_feed_idx;
create index articles_by_published_idx on publishing.articles (published_at desc nulls last, id desc);

commit;
