-- Verify platform:schema/publishing/search_index on pg

begin;

select 1 / (pg_catalog.to_regclass('publishing.articles_search_rum_idx') is not null)::int;
select 1 / (pg_catalog.to_regclass('publishing.articles_search_title_rum_idx') is not null)::int;
select 1 / (publishing_private.search_title_terms(pg_catalog.setweight(pg_catalog.to_tsvector('english', 'title words'), 'A')
            operator(pg_catalog.||) pg_catalog.setweight(pg_catalog.to_tsvector('english', 'words elsewhere'), 'B'))
            = '''titl'':1A ''word'':2A,3B'::tsvector)::int;
select 1 / count(*)::int from pg_catalog.pg_extension e
 where e.extname = 'rum' and e.extnamespace = 'extensions'::regnamespace;
-- The RUM operator class orders by relevance: distance is the inverse of the rank.
select 1 / ((pg_catalog.to_tsvector('english', 'searching') operator(extensions.<=>)
             pg_catalog.to_tsquery('english', 'search')) < 'infinity'::real)::int;
-- The word list is private and kept by the triggers.
select word, articles from publishing_private.search_words where false;
select 1 / (not pg_catalog.has_table_privilege('anon', 'publishing_private.search_words', 'select'))::int;
select 1 / (publishing_private.title_words('Hello, Search World') = '{hello,search,world}')::int;
select 1 / count(*)::int from pg_catalog.pg_trigger t
 where t.tgrelid = 'publishing.articles'::regclass and t.tgname = 'articles_collect_title_words';
select 1 / count(*)::int from pg_catalog.pg_trigger t
 where t.tgrelid = 'publishing.articles'::regclass and t.tgname = 'articles_forget_title_words';

rollback;
