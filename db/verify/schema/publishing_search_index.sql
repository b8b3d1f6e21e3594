-- Verify platform:schema/publishing_search_index on pg

begin;

select 1 / (pg_catalog.to_regclass('publishing.articles_search_rum_idx') is not null)::int;
select 1 / (pg_catalog.to_regclass('publishing.articles_title_trgm_idx') is not null)::int;
select 1 / count(*)::int from pg_catalog.pg_extension e
 where e.extname = 'rum' and e.extnamespace = 'extensions'::regnamespace;
-- The RUM operator class orders by relevance: distance is the inverse of the rank.
select 1 / ((pg_catalog.to_tsvector('english', 'searching') operator(extensions.<=>)
             pg_catalog.to_tsquery('english', 'search')) < 'infinity'::real)::int;

rollback;
