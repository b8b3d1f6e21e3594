-- Deploy platform:functions/publishing/search_articles to pg
-- requires: schema/publishing/search_index
-- requires: rls/publishing/articles
-- requires: functions/core/platform_errors
--
-- POST /rpc/search_articles (Content-Profile: publishing; GET works too)
--   {q, category_id?, tag?, author_id?, published_from?, published_to?, lim?, skip?}
-- Full-text search over visible articles (publishing.is_visible), web-search
-- syntax (websearch_to_tsquery('english', q): "a phrase", or, -word),
-- ranked by relevance with title > excerpt > content, highlighted snippets
-- built for the returned page only. When the full-text query finds nothing,
-- misspelt words are corrected against the words of article titles
-- (pg_trgm) and the corrected query's hits come back as suggestions:
-- `match` is 'fulltext' or 'suggestion', `suggested_q` the corrected query.
-- Stopped by the statement timeout: 503 platform.timeout with the wait in
-- `details` (PostgREST alone would answer 500 57014).
--
-- Why a definer helper: in a query run as anon or authenticated, PostgreSQL
-- applies the row-level policy before any operator that is not LEAKPROOF,
-- and the full-text match (@@) and the trigram match are not; the planner
-- then cannot use an index for them and reads every article (measured: a
-- sequential scan of the whole table for each search). So:
--   publishing_private.search_hits    SECURITY DEFINER: ids, ranks and tags
--                                     of articles publishing.is_visible()
--                                     accepts, found through the indexes;
--   publishing.search_articles        SECURITY INVOKER: checks the input,
--                                     reads those articles back as the
--                                     caller (row-level security decides
--                                     again), builds the snippets.

begin;

set local search_path = '';

-- The search filters: one rule for every stage below. SQL-standard body:
-- names resolved at creation, still inlined into the search queries.
create function publishing_private.search_filters_pass(
  article_id bigint, article_category_id bigint, article_author_id uuid,
  article_published_at timestamptz, category_ids bigint[], tag_id bigint, author_id uuid,
  published_from timestamptz, published_to timestamptz
) returns boolean
language sql stable
return (category_ids is null or article_category_id = any (category_ids))
     and (search_filters_pass.tag_id is null
          or exists (select from publishing.article_tags t
                      where t.article_id = search_filters_pass.article_id
                        and t.tag_id = search_filters_pass.tag_id))
     and (search_filters_pass.author_id is null or article_author_id = search_filters_pass.author_id
          or exists (select from publishing.article_authors aa
                      where aa.article_id = search_filters_pass.article_id
                        and aa.user_id = search_filters_pass.author_id))
     and (published_from is null or article_published_at >= published_from)
     and (published_to is null or article_published_at <= published_to);

-- The visible articles matching tsq, best first, at most `wanted` of them.
-- Ranking happens inside the RUM indexes (about 0.5 us per match ranked):
--   * up to `exact_limit` matches (as the planner estimates them from the
--     column's statistics): all of them, in the full index: the exact order;
--   * more (a word found in a large share of the articles): the best title
--     matches, ranked in the title index (for a one-word query each of them
--     outranks every other match), re-ranked on the whole vector; the full
--     index again if they are too few.
-- Ties go to the more recent article. Runs as search_hits' owner; volatile
-- only because PostgreSQL runs EXPLAIN (the estimate) in volatile functions.
create function publishing_private.search_ranked(
  tsq tsquery, category_ids bigint[], tag_id bigint, author_id uuid,
  published_from timestamptz, published_to timestamptz, wanted integer
) returns table (article_id bigint, distance real)
language plpgsql volatile rows 20
set search_path = ''
as $$
declare
  exact_limit constant integer := 30000;
  candidates constant integer := greatest(200, 4 * wanted);
  filtered constant boolean := category_ids is not null or tag_id is not null
                                or author_id is not null or published_from is not null
                                or published_to is not null;
  plan json;
  ids bigint[];
  distances real[];
begin
  execute pg_catalog.format(
    'explain (format json) select from publishing.articles a'
    ' where a.search @@ %L::pg_catalog.tsquery and publishing.is_visible(a)', tsq)
    into plan;
  if (plan operator(pg_catalog.->) 0 operator(pg_catalog.->) 'Plan'
           operator(pg_catalog.->>) 'Plan Rows')::numeric > exact_limit then
    select pg_catalog.array_agg(r.id order by r.distance, r.published_at desc, r.id),
           pg_catalog.array_agg(r.distance order by r.distance, r.published_at desc, r.id)
      into ids, distances
      from (select a.id, a.published_at, a.search operator(extensions.<=>) tsq as distance
              from (select h.id
                      from publishing.articles h
                     where publishing_private.search_title_terms(h.search) @@ tsq
                       and publishing.is_visible(h)
                       and (not filtered or publishing_private.search_filters_pass(
                             h.id, h.category_id, h.author_id, h.published_at, search_ranked.category_ids,
                             search_ranked.tag_id, search_ranked.author_id, search_ranked.published_from,
                             search_ranked.published_to))
                     order by publishing_private.search_title_terms(h.search) operator(extensions.<=>) tsq
                     limit candidates) c
              join publishing.articles a on a.id = c.id
             where a.search @@ tsq) r;
  end if;

  if coalesce(pg_catalog.cardinality(ids), 0) < wanted then
    select pg_catalog.array_agg(r.id order by r.distance, r.published_at desc, r.id),
           pg_catalog.array_agg(r.distance order by r.distance, r.published_at desc, r.id)
      into ids, distances
      from (select a.id, a.published_at, a.search operator(extensions.<=>) tsq as distance
              from publishing.articles a
             where a.search @@ tsq
               and publishing.is_visible(a)
               and (not filtered or publishing_private.search_filters_pass(
                     a.id, a.category_id, a.author_id, a.published_at, search_ranked.category_ids,
                     search_ranked.tag_id, search_ranked.author_id, search_ranked.published_from,
                     search_ranked.published_to))
             order by a.search operator(extensions.<=>) tsq
             limit wanted) r;
  end if;

  return query
    select ids[i], distances[i]
      from pg_catalog.generate_series(1, least(wanted, coalesce(pg_catalog.cardinality(ids), 0))) i;
end
$$;

-- The query with each word of four letters or more that no title contains
-- replaced by the most similar word of a published article's title (trigram
-- similarity >= 0.4), or null when there is nothing to correct. Only words
-- counted in published titles: a draft's title never shows through.
create function publishing_private.search_correction(words text) returns text
language sql stable
set search_path = ''
set pg_trgm.similarity_threshold = 0.4
as $$
  select nullif(corrected, pg_catalog.lower(words))
    from (select pg_catalog.string_agg(coalesce(best.word, w.word), ' ' order by w.n) as corrected
            from pg_catalog.unnest(pg_catalog.string_to_array(pg_catalog.lower(words), ' '))
                 with ordinality w (word, n)
            left join lateral (
              select s.word from publishing_private.search_words s
               where pg_catalog.char_length(w.word) >= 4
                 and s.articles > 0
                 and s.word operator(extensions.%) w.word
               order by s.word operator(extensions.<->) w.word
               limit 1) best on true) c
$$;

-- The tag slugs of an article, for the results page.
create function publishing_private.search_tags(article_id bigint) returns jsonb
language sql stable
begin atomic
  select coalesce(pg_catalog.jsonb_agg(t.slug order by t.slug), '[]')
    from publishing.article_tags at join publishing.tags t on t.id = at.tag_id
   where at.article_id = search_tags.article_id;
end;

-- SECURITY DEFINER (see the header): bypasses row-level security to use the
-- indexes and applies the visibility rule itself; it answers the ids, ranks,
-- match kind and tags of visible articles (what any caller may read) and the
-- corrected query, nothing more. Tags come from here because reading them
-- as the caller costs a policy check per tag row.
-- plan_cache_mode: plan with the actual words and filters on every call (a
-- generic plan cannot tell a rare word from a common one). jit: compiling
-- takes longer (about 100 ms) than the search. work_mem: RUM sorts the
-- matches it ranks in memory. rows 20: callers join the hits back by key.
create function publishing_private.search_hits(
  tsq tsquery,
  words text,
  category_ids bigint[],
  tag_id bigint,
  author_id uuid,
  published_from timestamptz,
  published_to timestamptz,
  lim integer,
  skip integer
) returns table (article_id bigint, rank real, match text, ordinal integer, tags jsonb,
                 suggested_q text)
language plpgsql stable rows 20
security definer
set search_path = ''
set plan_cache_mode = 'force_custom_plan'
set jit = off
set work_mem = '32MB'
as $$
declare
  corrected text;
begin
  return query
    select r.article_id, (1 / r.distance)::real, 'fulltext'::text, (r.n - skip)::integer,
           publishing_private.search_tags(r.article_id), null::text
      from publishing_private.search_ranked(tsq, category_ids, tag_id, author_id,
                                            published_from, published_to, lim + skip)
           with ordinality r (article_id, distance, n)
     where r.n > skip
     order by r.n;
  if found or skip > 0 or words = '' then
    return;
  end if;

  corrected := publishing_private.search_correction(words);
  if corrected is not null then
    return query
      select r.article_id, (1 / r.distance)::real, 'suggestion'::text, r.n::integer,
             publishing_private.search_tags(r.article_id), corrected
        from publishing_private.search_ranked(pg_catalog.websearch_to_tsquery('english', corrected),
                                              category_ids, tag_id, author_id,
                                              published_from, published_to, lim)
             with ordinality r (article_id, distance, n)
       order by r.n;
  end if;
end
$$;
comment on function publishing_private.search_hits(tsquery, text, bigint[], bigint, uuid, timestamptz, timestamptz, integer, integer) is
  'Ids, ranks and tags of visible articles matching a search, through the search indexes. Called by publishing.search_articles.';

create function publishing.search_articles(
  q text,
  category_id bigint default null,
  tag text default null,
  author_id uuid default null,
  published_from timestamptz default null,
  published_to timestamptz default null,
  lim integer default 20,
  skip integer default 0
) returns table (
  id bigint,
  slug text,
  title text,
  excerpt text,
  published_at timestamptz,
  reading_minutes integer,
  author jsonb,
  category jsonb,
  tags jsonb,
  rank real,
  title_highlight text,
  snippet text,
  match text,
  suggested_q text
)
language plpgsql stable
set search_path = ''
set jit = off
as $$
declare
  tsq tsquery;
  words text;
  category_ids bigint[];
  tag_id bigint;
  marks constant text := 'StartSel=<mark>, StopSel=</mark>';
begin
  if q is null or pg_catalog.btrim(q) = '' then
    perform platform.raise_error(422, 'publishing.invalid_search', 'q must not be empty', null,
      'send the words to look for, e.g. {"q": "postgres replication"}');
  end if;
  if pg_catalog.char_length(q) > 200 then
    perform platform.raise_error(422, 'publishing.invalid_search', 'q must be at most 200 characters');
  end if;
  if lim is null or lim not between 1 and 100 then
    perform platform.raise_error(422, 'publishing.invalid_search',
      pg_catalog.format('lim must be between 1 and 100, not %s', coalesce(lim::text, 'null')));
  end if;
  if skip is null or skip not between 0 and 1000 then
    perform platform.raise_error(422, 'publishing.invalid_search',
      pg_catalog.format('skip must be between 0 and 1000, not %s', coalesce(skip::text, 'null')),
      null, 'refine the query instead of paging that deep');
  end if;
  if published_from > published_to then
    perform platform.raise_error(422, 'publishing.invalid_search',
      'published_from must not be after published_to');
  end if;

  tsq := pg_catalog.websearch_to_tsquery('english', q);
  -- At least one word to look for: a query of stop words or of -excluded words
  -- only (querytree 'T') would match nearly every article.
  if pg_catalog.numnode(tsq) = 0 or pg_catalog.querytree(tsq) = 'T' then
    perform platform.raise_error(422, 'publishing.invalid_search',
      'q has no words to search for (only stop words, punctuation or -excluded words)', null,
      'add a word the articles should contain');
  end if;
  -- What a correction may rewrite: the words, without quotes, "or" or -excluded words.
  words := pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
             q, '(^|\s)-\S*|\m[oO][rR]\M|[^[:alnum:][:space:]]', ' ', 'g'), '\s+', ' ', 'g'));

  if search_articles.category_id is not null then
    with recursive tree (id) as (
      select c.id from publishing.categories c where c.id = search_articles.category_id
      union
      select c.id from publishing.categories c join tree on c.parent_id = tree.id
    )
    select coalesce(pg_catalog.array_agg(tree.id), '{}') into category_ids from tree;
  end if;
  if tag is not null then
    select t.id into tag_id from publishing.tags t where t.slug = pg_catalog.lower(tag);
    if tag_id is null then
      return;  -- no such tag: nothing carries it
    end if;
  end if;

  -- The hits, read back as the caller: row-level security applies here too.
  -- A statement timeout answers 503 platform.timeout, not PostgREST's 500.
  begin
    return query
      select a.id, a.slug, a.title, a.excerpt, a.published_at, a.reading_minutes,
             pg_catalog.jsonb_build_object('id', p.user_id, 'username', p.username,
                                           'display_name', p.display_name),
             case when c.id is not null then
               pg_catalog.jsonb_build_object('id', c.id, 'name', c.name, 'slug', c.slug) end,
             h.tags,
             h.rank,
             pg_catalog.ts_headline('english', a.title, hq.tsq, marks || ', HighlightAll=true'),
             pg_catalog.ts_headline('english',
               pg_catalog.left(coalesce(a.excerpt || E'\n\n', '') || a.content, 20000), hq.tsq,
               marks || ', MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'),
             h.match,
             h.suggested_q
        from publishing_private.search_hits(tsq, words, category_ids, tag_id,
                                            search_articles.author_id, published_from, published_to,
                                            lim, skip) h
        cross join lateral (
          select case when h.suggested_q is null then tsq
                      else pg_catalog.websearch_to_tsquery('english', h.suggested_q) end as tsq) hq
        join publishing.articles a on a.id = h.article_id
        left join publishing.profiles p on p.user_id = a.author_id
        left join publishing.categories c on c.id = a.category_id
       order by h.ordinal;
  exception when query_canceled then
    perform platform.raise_timeout();
  end;
end
$$;
comment on function publishing.search_articles(text, bigint, text, uuid, timestamptz, timestamptz, integer, integer) is
  'POST /rpc/search_articles {q, category_id, tag, author_id, published_from, published_to, lim, skip}: ranked full-text search over visible articles; corrected-spelling suggestions when nothing matches.';

-- publishing_private is not exposed by PostgREST; callers of search_articles
-- need to look into it (functions/publishing/category_tree grants the same;
-- a revert leaves it).
grant usage on schema publishing_private to anon, authenticated;
revoke execute on function publishing_private.search_filters_pass(bigint, bigint, uuid, timestamptz, bigint[], bigint, uuid, timestamptz, timestamptz) from public;
revoke execute on function publishing_private.search_ranked(tsquery, bigint[], bigint, uuid, timestamptz, timestamptz, integer) from public;
revoke execute on function publishing_private.search_correction(text) from public;
revoke execute on function publishing_private.search_tags(bigint) from public;
revoke execute on function publishing_private.search_hits(tsquery, text, bigint[], bigint, uuid, timestamptz, timestamptz, integer, integer) from public;
grant execute on function publishing_private.search_hits(tsquery, text, bigint[], bigint, uuid, timestamptz, timestamptz, integer, integer) to anon, authenticated;
revoke execute on function publishing.search_articles(text, bigint, text, uuid, timestamptz, timestamptz, integer, integer) from public;
grant execute on function publishing.search_articles(text, bigint, text, uuid, timestamptz, timestamptz, integer, integer) to anon, authenticated;
select platform.declare_api_function('publishing', 'publishing_private.search_hits(tsquery, text, bigint[], bigint, uuid, timestamptz, timestamptz, integer, integer)',
  array['anon', 'authenticated'],
  'Finds visible articles through the search indexes, which callers under RLS cannot use (definer; applies is_visible itself).');
select platform.declare_api_function('publishing', 'publishing.search_articles(text, bigint, text, uuid, timestamptz, timestamptz, integer, integer)',
  array['anon', 'authenticated'],
  'POST /rpc/search_articles: anyone searches what they may read (reads the hits back as the caller).');

commit;
