-- Deploy platform:functions/journal/search_entries to pg
-- requires: rls/journal/entries
-- requires: rls/journal/tags
-- requires: functions/core/platform_errors
-- requires: schema/journal/entries_owner_search_idx
-- requires: schema/journal/entries_owner_title_trgm_idx
-- requires: schema/journal/entries_public_title_trgm_idx
-- requires: schema/journal/entries_search_inline
--
-- GET or POST /rpc/search_entries (Accept-Profile/Content-Profile: journal)
--   {q, tags?, tags_all?, from?, to?, include_public?, lim?, after?}
-- Full-text search of live (not deleted) entries in web-search syntax
-- (websearch_to_tsquery('simple', q): words, "a phrase", or, -word), over the
-- `search` vector (title weight A, text B: a title hit outranks a text hit).
-- Rows: id, title, entry_date, is_public, owner_id, sealed, rank, match
-- ('fulltext' or 'title_similar'), snippet and cursor; best first (rank desc,
-- entry_date desc, id desc). snippet: the best 15-35 words of the text, HTML
-- escaped, hits in <mark>...</mark> (null for a sealed entry and for
-- title_similar rows). Next page: send the last row's cursor as `after`.
-- When the full-text query matches nothing at all, titles similar to q
-- (pg_trgm word_similarity >= 0.4) come back instead, match 'title_similar'.
--
-- Whose entries: the caller's own; with include_public also everyone's public
-- ones. Anonymous callers must send include_public (401 otherwise).
--
-- Why a definer helper: under row-level security PostgreSQL evaluates the
-- policy before any operator that is not LEAKPROOF, and the full-text match
-- (@@) and the trigram match are not: no index can serve them, and a search
-- reads every entry of the user (measured: 45 ms for a user with 10,000
-- entries). So:
--   journal_private.search_hits  SECURITY DEFINER: ids and ranks of the live
--                                entries the read policy shows the caller
--                                (own; public when asked), through the
--                                indexes; one page;
--   journal.search_entries       SECURITY INVOKER: checks the input, reads the
--                                page back as the caller (the policies decide
--                                again), builds the snippets.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create function journal_private.search_hits(
  tsq tsquery, words text, tags uuid[], tags_all boolean, date_from date, date_to date,
  include_public boolean, lim integer, after_tier text, after_rank real, after_date date, after_id uuid
) returns table (id uuid, rank real, tier text, entry_date date)
language plpgsql stable
-- one page at most (lim <= 100): the read-back joins entries by primary key, not by
-- hashing all the caller's rows (the default estimate, 1,000 rows, did: 30 ms against 1)
rows 20
security definer
set search_path = ''
-- every call planned with its values (a null filter, include_public false fold away)
set plan_cache_mode = 'force_custom_plan'
set pg_trgm.word_similarity_threshold = '0.4'
as $$
declare
  me uuid := (select auth.uid());
  n_tags integer := pg_catalog.cardinality(tags);
  found integer;
begin
  if after_tier is null or after_tier = 'f' then
    return query
      select h.id, h.rank, 'f'::text, h.entry_date
        from (select e.id, pg_catalog.ts_rank(e.search, tsq) as rank, e.entry_date
                from journal.entries e
               where me is not null and e.owner_id = me and e.deleted_at is null and e.search @@ tsq
                 and (date_from is null or e.entry_date >= date_from)
                 and (date_to is null or e.entry_date <= date_to)
                 and (tags is null
                      or e.id in (select t.entry_id from journal.entry_tags t
                                   where t.tag_id = any (tags) and t.owner_id = me
                                   group by t.entry_id
                                  having not tags_all or pg_catalog.count(*) = n_tags))
              union all
              select e.id, pg_catalog.ts_rank(e.search, tsq), e.entry_date
                from journal.entries e
               where include_public and tags is null and e.is_public and e.deleted_at is null and e.search @@ tsq
                 and e.owner_id is distinct from me
                 and (date_from is null or e.entry_date >= date_from)
                 and (date_to is null or e.entry_date <= date_to)) h
       where after_rank is null or (h.rank, h.entry_date, h.id) < (after_rank, after_date, after_id)
       order by h.rank desc, h.entry_date desc, h.id desc
       limit lim;
    get diagnostics found = row_count;
    if found > 0 or after_tier is not null then
      return;
    end if;
  end if;
  -- Nothing matched the full-text query: titles similar to the words.
  if words is null or words = '' then
    return;
  end if;
  return query
    select h.id, h.rank, 't'::text, h.entry_date
      from (select e.id, extensions.word_similarity(words, e.title) as rank, e.entry_date
              from journal.entries e
             where me is not null and e.owner_id = me and e.deleted_at is null
               and words operator(extensions.<%) e.title
               and (date_from is null or e.entry_date >= date_from)
               and (date_to is null or e.entry_date <= date_to)
               and (tags is null
                    or e.id in (select t.entry_id from journal.entry_tags t
                                 where t.tag_id = any (tags) and t.owner_id = me
                                 group by t.entry_id
                                having not tags_all or pg_catalog.count(*) = n_tags))
            union all
            select e.id, extensions.word_similarity(words, e.title), e.entry_date
              from journal.entries e
             where include_public and tags is null and e.is_public and e.deleted_at is null
               and words operator(extensions.<%) e.title
               and e.owner_id is distinct from me
               and (date_from is null or e.entry_date >= date_from)
               and (date_to is null or e.entry_date <= date_to)) h
     where after_rank is null or (h.rank, h.entry_date, h.id) < (after_rank, after_date, after_id)
     order by h.rank desc, h.entry_date desc, h.id desc
     limit lim;
end
$$;
comment on function journal_private.search_hits(tsquery, text, uuid[], boolean, date, date, boolean, integer, text, real, date, uuid) is
  'One page of ids and ranks of the live entries the read policy shows the caller (own; public when asked) matching a query; journal.search_entries reads them back as the caller.';
revoke execute on function journal_private.search_hits(tsquery, text, uuid[], boolean, date, date, boolean, integer, text, real, date, uuid) from public;
grant execute on function journal_private.search_hits(tsquery, text, uuid[], boolean, date, date, boolean, integer, text, real, date, uuid)
  to anon, authenticated;
select platform.declare_api_function('journal',
  'journal_private.search_hits(tsquery, text, uuid[], boolean, date, date, boolean, integer, text, real, date, uuid)',
  array['anon', 'authenticated'],
  'SECURITY DEFINER for the indexes (the full-text and trigram matches are not leakproof): answers ids of the caller''s own live entries and, when asked, public live ones: what the read policy shows; journal.search_entries reads them back as the caller.');

create function journal.search_entries(
  q text, tags uuid[] default null, tags_all boolean default false, "from" date default null,
  "to" date default null, include_public boolean default false, lim integer default 20, after text default null
) returns table (
  id uuid, title text, entry_date date, is_public boolean, owner_id uuid, sealed boolean,
  rank real, match text, snippet text, cursor text
)
language plpgsql stable
set search_path = ''
as $$
declare
  tsq tsquery;
  words text;
  wanted uuid[];
  parts text[];
  a_tier text;
  a_rank real;
  a_date date;
  a_id uuid;
begin
  if q is null or pg_catalog.btrim(q) = '' or pg_catalog.char_length(q) > 500 then
    perform platform.raise_error(422, 'journal.invalid_query', 'q: must be 1 to 500 characters of search words',
      '{"field": "q"}', 'e.g. {"q": "lighthouse \"cold water\" -work"}');
  end if;
  if lim is null or lim not between 1 and 100 then
    perform platform.raise_error(422, 'journal.invalid_limit', 'lim: must be a whole number from 1 to 100',
      '{"field": "lim"}');
  end if;
  if "from" > "to" then
    perform platform.raise_error(422, 'journal.invalid_date_range', 'from: must not be after to',
      '{"field": "from"}');
  end if;
  if tags is not null then
    if pg_catalog.array_position(tags, null) is not null or pg_catalog.cardinality(tags) > 20 then
      perform platform.raise_error(422, 'journal.invalid_tags', 'tags: at most 20 tag ids, none null',
        '{"field": "tags"}');
    end if;
    wanted := array(select distinct t from pg_catalog.unnest(tags) t);
    if pg_catalog.cardinality(wanted) = 0 then
      wanted := null;
    end if;
  end if;
  if after is not null then
    parts := pg_catalog.regexp_match(after,
      '^([ft]):([0-9.eE+-]{1,20}):([0-9]{4}-[0-9]{2}-[0-9]{2}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$');
    begin
      a_tier := parts[1];
      a_rank := parts[2]::real;
      a_date := parts[3]::date;
      a_id := parts[4]::uuid;
    exception when others then
      parts := null;
    end;
    if parts is null then
      perform platform.raise_error(422, 'journal.invalid_cursor', 'after: must be a cursor a search answered',
        '{"field": "after"}', 'send the cursor of the last row of the previous page, or nothing for the first page');
    end if;
  end if;
  if (select auth.uid()) is null and not coalesce(include_public, false) then
    perform platform.raise_error(401, 'journal.sign_in_required',
      'include_public: anonymous callers search public entries only', '{"field": "include_public"}',
      'sign in, or send include_public: true');
  end if;

  tsq := pg_catalog.websearch_to_tsquery('simple'::regconfig, q);
  -- the fallback compares titles with the words: no quotes, no excluded words
  words := pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.lower(q),
             '(^|\s)-\S*', ' ', 'g'), '["()]|(^|\s)or(\s|$)', ' ', 'g'));

  return query
    select e.id, e.title, e.entry_date, e.is_public, e.owner_id, e.sealed, h.rank,
           case h.tier when 'f' then 'fulltext' else 'title_similar' end,
           case when h.tier = 'f' and not e.sealed then
             pg_catalog.replace(pg_catalog.replace(
               pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
                 pg_catalog.ts_headline('simple'::regconfig, e.plain_text, tsq,
                   'StartSel=' || pg_catalog.chr(57344) || ', StopSel=' || pg_catalog.chr(57345)
                   || ', MaxWords=35, MinWords=15'),
                 '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;'),
               pg_catalog.chr(57344), '<mark>'), pg_catalog.chr(57345), '</mark>')
           end,
           h.tier || ':' || h.rank::text || ':' || h.entry_date::text || ':' || h.id::text
      from journal_private.search_hits(tsq, words, wanted, coalesce(tags_all, false), "from", "to",
             coalesce(include_public, false), lim, a_tier, a_rank, a_date, a_id) with ordinality h
      join journal.entries e on e.id = h.id
     order by h.ordinality;
end
$$;
comment on function journal.search_entries(text, uuid[], boolean, date, date, boolean, integer, text) is
  'Full-text search of the caller''s live entries (and public ones with include_public), web-search syntax, ranked title > text, highlighted snippets, typo-tolerant title fallback; keyset pages by cursor.';
revoke execute on function journal.search_entries(text, uuid[], boolean, date, date, boolean, integer, text) from public;
grant execute on function journal.search_entries(text, uuid[], boolean, date, date, boolean, integer, text) to anon, authenticated;
select platform.declare_api_function('journal', 'journal.search_entries(text, uuid[], boolean, date, date, boolean, integer, text)',
  array['anon', 'authenticated'],
  'SECURITY INVOKER, read-only: the page''s entries are read as the caller, under the entries'' policies.');

commit;
