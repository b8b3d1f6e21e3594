-- Revert platform:schema/publishing_search_index from pg

begin;

drop index publishing.articles_title_trgm_idx;
drop index publishing.articles_search_rum_idx;
drop extension rum;

commit;
