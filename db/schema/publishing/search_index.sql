-- Deploy platform:schema/publishing/search_index to pg
-- requires: schema/publishing/articles
--
-- What POST /rpc/search_articles searches, over the articles that can be
-- visible (published, not deleted: the stable part of publishing.is_visible;
-- the publish time is checked per row):
--   * RUM on the weighted `search` vector (rum_tsvector_ops). Unlike GIN, RUM
--     keeps each word's positions and weights in the index and returns rows
--     already ordered by relevance (`search <=> query`: a cover-density rank,
--     weights A title > B excerpt > C content), without reading the table.
--     It still ranks every match: about 0.5 us each, 100 ms for the 200,000
--     matches of a word found in a quarter of a million articles.
--   * RUM on the title's words: for each word of the title, its title and
--     excerpt positions (publishing_private.search_title_terms). A title hit
--     always outranks any other hit of the same word (a first hit weighs 1.0
--     in the title, 0.4 in the excerpt; any number of content hits add up to
--     at most 0.2), so the best matches of a common word are among its title
--     matches, many times fewer than its matches: search ranks those first
--     (title and excerpt positions), then re-ranks the best of them on the
--     whole vector (functions/publishing/search_articles).
--   * publishing_private.search_words: every word of the titles of the
--     articles that can be visible (published, not deleted), with the number
--     of those articles, and a trigram index over the words counted at least
--     once, to correct misspelt query words when full-text search finds
--     nothing. Correcting words against a word list takes milliseconds;
--     comparing the query with a million titles took 0.3 s (GiST, nearest
--     first) to 11 s (GIN, a typo of a common word). Only published titles
--     count: a word of a draft's or an archived article's title was once
--     suggested to anonymous readers (security finding 2 of issue 19).
--     Kept by triggers as articles are written, published, archived or
--     deleted; a word whose count falls to zero stays, unindexed, so
--     counting never deletes rows other writers may be counting. Private:
--     only the search function reads it.
-- Building the indexes locks the table against writes while it runs
-- (minutes at a million articles): the lock wait is bounded, so a busy
-- table fails fast instead of queueing writers behind the migration.

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

-- The vector restricted to the words of the title, with their title (A) and
-- excerpt (B) positions. SQL-standard body: names resolved at creation.
create function publishing_private.search_title_terms(search tsvector) returns tsvector
language sql immutable parallel safe
return pg_catalog.ts_delete(pg_catalog.ts_filter(search, '{a,b}'::"char"[]), array(
    select pg_catalog.unnest(pg_catalog.tsvector_to_array(pg_catalog.ts_filter(search, '{b}'::"char"[])))
    except
    select pg_catalog.unnest(pg_catalog.tsvector_to_array(pg_catalog.ts_filter(search, '{a}'::"char"[])))));
-- Whoever writes an article maintains the index, so writers run this function.
revoke execute on function publishing_private.search_title_terms(tsvector) from public;
grant execute on function publishing_private.search_title_terms(tsvector) to authenticated, platform_jobs;
select platform.declare_api_function('publishing', 'publishing_private.search_title_terms(tsvector)',
  array['authenticated'],
  'The title index''s expression: whoever writes an article maintains that index.');

create index articles_search_title_rum_idx on publishing.articles
  using rum (publishing_private.search_title_terms(search) extensions.rum_tsvector_ops)
  where status = 'published' and deleted_at is null;
comment on index publishing.articles_search_title_rum_idx is
  'Title words (with their excerpt hits) ranked inside the index: the first candidates of publishing.search_articles.';

create table publishing_private.search_words (
  word text primary key,
  -- how many published, not deleted articles have the word in their title
  articles bigint not null default 0 constraint search_words_articles_counted check (articles >= 0)
);
-- Only words a reader may be shown are indexed; corrections read this index.
create index search_words_trgm_idx on publishing_private.search_words
  using gist (word extensions.gist_trgm_ops) where articles > 0;
alter table publishing_private.search_words enable row level security;
comment on table publishing_private.search_words is
  'Words of published article titles (lower case) with how many published articles have each, to correct misspelt search words. Owner only.';

create function publishing_private.title_words(title text) returns text[]
language sql immutable parallel safe
return pg_catalog.tsvector_to_array(pg_catalog.to_tsvector('simple'::regconfig, title));

-- Whether an article's title words count: the stable part of
-- publishing.is_visible, as for the search indexes above.
create function publishing_private.title_words_count(status text, deleted_at timestamptz) returns boolean
language sql immutable parallel safe
set search_path = ''
as $$
  select status = 'published' and deleted_at is null
$$;
revoke execute on function publishing_private.title_words_count(text, timestamptz) from public;

-- SECURITY DEFINER: writers of articles cannot write the word list themselves.
-- Counts move by the words of the rows that start or stop counting; words go
-- in sorted order, so concurrent writers lock shared words in one order.
create function publishing_private.collect_title_words() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_level = 'STATEMENT' then
    insert into publishing_private.search_words as s (word, articles)
    select w, pg_catalog.count(*) from new_rows n, pg_catalog.unnest(publishing_private.title_words(n.title)) w
     where publishing_private.title_words_count(n.status, n.deleted_at)
     group by w order by w
    on conflict (word) do update set articles = s.articles + excluded.articles;
    return null;
  end if;
  if tg_op in ('UPDATE', 'DELETE') and publishing_private.title_words_count(old.status, old.deleted_at) then
    update publishing_private.search_words s set articles = s.articles - 1
     where s.word = any (publishing_private.title_words(old.title));
  end if;
  if tg_op = 'UPDATE' and publishing_private.title_words_count(new.status, new.deleted_at) then
    insert into publishing_private.search_words as s (word, articles)
    select w, 1 from pg_catalog.unnest(publishing_private.title_words(new.title)) w order by w
    on conflict (word) do update set articles = s.articles + 1;
  end if;
  return null;
end
$$;
revoke execute on function publishing_private.collect_title_words() from public;
revoke execute on function publishing_private.title_words(text) from public;

-- Inserts once per statement (a bulk load adds a batch's words at once);
-- a title, status or deletion change one row at a time, and only when it
-- changes what counts (other updates, like counters, cost nothing).
create trigger articles_collect_title_words after insert on publishing.articles
  referencing new table as new_rows
  for each statement execute function publishing_private.collect_title_words();
create trigger articles_collect_new_title_words after update of title, status, deleted_at on publishing.articles
  for each row
  when (old.title is distinct from new.title or old.status is distinct from new.status
        or old.deleted_at is distinct from new.deleted_at)
  execute function publishing_private.collect_title_words();
create trigger articles_forget_title_words after delete on publishing.articles
  for each row
  when (old.status = 'published' and old.deleted_at is null)
  execute function publishing_private.collect_title_words();

insert into publishing_private.search_words (word, articles)
select w, pg_catalog.count(*) from publishing.articles a, pg_catalog.unnest(publishing_private.title_words(a.title)) w
 where publishing_private.title_words_count(a.status, a.deleted_at)
 group by w;

commit;
