-- Revert platform:schema/publishing/articles_author_desk_idx from pg
-- Dropped CONCURRENTLY, outside a transaction, like it was built.

set lock_timeout = '5s';

drop index concurrently if exists publishing.articles_author_desk_idx;
