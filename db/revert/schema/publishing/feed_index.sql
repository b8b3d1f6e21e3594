-- Revert platform:schema/publishing/feed_index from pg

begin;

drop index publishing.articles_by_published_idx;
create index articles_feed_idx on publishing.articles (published_at desc, id desc)
  where status = 'published' and deleted_at is null;
create index articles_published_idx on publishing.articles (published_at desc, id desc);

commit;
