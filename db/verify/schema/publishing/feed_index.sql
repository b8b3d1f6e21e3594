-- Verify platform:schema/publishing/feed_index on pg

begin;

select 1 / (pg_catalog.pg_get_indexdef('publishing.articles_by_published_idx'::regclass)
             like '%(published_at DESC NULLS LAST, id DESC)%')::int;

rollback;
