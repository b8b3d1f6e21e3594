-- Deploy platform:schema/publishing/articles_author_desk_idx to pg
-- requires: schema/publishing/articles
--
-- An index on a table that holds data is built CONCURRENTLY: reads and writes go on
-- during the build. CONCURRENTLY cannot run inside a transaction, so this script has no
-- begin/commit and one index per change. A build that failed half-way leaves an INVALID
-- index of the same name (the change is not recorded as deployed): it is dropped first,
-- so running the deploy again starts clean.
--
-- An author's desk: their own articles in one status, newest first
-- (`/articles?author_id=eq.<me>&status=eq.draft&deleted_at=is.null&order=updated_at.desc,id.desc`).
-- articles_author_id_idx finds every article of the author and sorts them: 5.1 ms for
-- a prolific author of the 100,000-article seed (9,213 articles, 429 drafts); this
-- index reads the 20 in order, 0.24 ms (bench.peers, issue 20). The foreign key keeps
-- articles_author_id_idx (it must find deleted articles too).

set lock_timeout = '5s';
set statement_timeout = 0;  -- the build takes as long as the table needs

drop index concurrently if exists publishing.articles_author_desk_idx;
create index concurrently if not exists articles_author_desk_idx on publishing.articles
  (author_id, status, updated_at desc, id desc) where deleted_at is null;
